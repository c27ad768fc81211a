"""URLs of the weekly digest: preview, one-click actions and unsubscribe (under /digest/)."""

from django.urls import path

from . import views

app_name = "digest"
urlpatterns = [
    path("preview/", views.digest_preview, name="preview"),
    path("preview/email/", views.digest_preview_email, name="preview_email"),
    path("a/<str:token>/", views.digest_action, name="action"),
    path("unsubscribe/<str:token>/", views.digest_unsubscribe, name="unsubscribe"),
]
