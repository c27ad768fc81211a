"""The Settings page, mounted at /settings/. Names are global: base.html links to "settings"."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.settings_view, name="settings"),
]
