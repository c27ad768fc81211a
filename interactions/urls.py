from django.urls import path

from . import views

app_name = "interactions"
urlpatterns = [
    path("", views.interaction_list, name="list"),
    path("log/", views.interaction_create, name="create"),
    path("quick/<int:contact_pk>/<slug:kind>/", views.quick_log, name="quick_log"),
    path("<int:pk>/", views.interaction_detail, name="detail"),
    path("<int:pk>/edit/", views.interaction_edit, name="edit"),
    path("<int:pk>/delete/", views.interaction_delete, name="delete"),
    path("gives/", views.support_list, name="support_list"),
    path("gives/new/", views.support_create, name="support_create"),
    path("gives/<int:pk>/", views.support_detail, name="support_detail"),
    path("gives/<int:pk>/edit/", views.support_edit, name="support_edit"),
    path("gives/<int:pk>/delete/", views.support_delete, name="support_delete"),
    path("gives/<int:pk>/done/", views.support_mark_done, name="support_mark_done"),
    path("mentorships/", views.mentorship_list, name="mentorship_list"),
    path("mentorships/new/", views.mentorship_create, name="mentorship_create"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("mentorships/<int:pk>/edit/", views.mentorship_edit, name="mentorship_edit"),
    path("mentorships/<int:pk>/delete/", views.mentorship_delete, name="mentorship_delete"),
]
