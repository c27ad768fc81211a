"""URLs of the reminders settings, mounted at /settings/reminders/ by network_crm/urls.py."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.reminder_settings, name="settings"),
    path("channels/new/", views.channel_add, name="channel_add"),
    path("channels/<int:pk>/", views.channel_row, name="channel_row"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel_test"),
    path("channels/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
    path("push/", views.push_subscribe, name="push_subscribe"),
]
