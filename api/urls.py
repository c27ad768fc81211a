"""Settings → API and webhooks (mounted at /settings/api/)."""

from django.urls import path

from . import views

app_name = "api_settings"
urlpatterns = [
    path("", views.access_page, name="page"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("webhooks/new/", views.webhook_create, name="webhook_create"),
    path("webhooks/<int:pk>/toggle/", views.webhook_toggle, name="webhook_toggle"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
]
