"""Settings → Phones (mounted at /settings/phones/)."""

from django.urls import path

from . import views

app_name = "carddav_settings"
urlpatterns = [
    path("", views.phones_page, name="page"),
    path("passwords/new/", views.app_password_create, name="password_create"),
    path("passwords/<int:pk>/revoke/", views.app_password_revoke, name="password_revoke"),
]
