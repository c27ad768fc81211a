"""URLs of the weekly digest: preview, one-click actions and unsubscribe (under /digest/)."""

from django.urls import path

from . import digest_views

app_name = "digest"
urlpatterns = [
    path("preview/", digest_views.digest_preview, name="preview"),
    path("preview/email/", digest_views.digest_preview_email, name="preview_email"),
    path("a/<str:token>/", digest_views.digest_action, name="action"),
    path("unsubscribe/<str:token>/", digest_views.digest_unsubscribe, name="unsubscribe"),
]
