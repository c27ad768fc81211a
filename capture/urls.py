from django.urls import path

from .views import people, review, rules, sources

app_name = "capture"
urlpatterns = [
    path("", review.review, name="review"),
    path("card/", review.review_card, name="review_card"),
    path("suggestions/<int:pk>/log/", review.log, name="log"),
    path("suggestions/<int:pk>/log/form/", review.log_form, name="log_form"),
    path("suggestions/<int:pk>/dismiss/", review.dismiss, name="dismiss"),
    path("people/", people.people, name="people"),
    path("people/action/", people.people_action, name="people_action"),
    path("rules/", rules.rules, name="rules"),
    path("rules/<int:pk>/delete/", rules.rule_delete, name="rule_delete"),
    path("sources/", sources.source_list, name="sources"),
    path("sources/new/<slug:source_kind>/", sources.source_new, name="source_new"),
    path("sources/<int:pk>/edit/", sources.source_edit, name="source_edit"),
    path("sources/<int:pk>/read/", sources.source_read, name="source_read"),
    path("sources/<int:pk>/remove/", sources.source_remove, name="source_remove"),
]
