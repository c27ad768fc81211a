"""The calendar feed and the Settings page's button that rotates its secret link, mounted at
the site root (the names are global, as the Settings page has always used them)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "settings/calendar/rotate/",
        views.rotate_calendar_token,
        name="settings_rotate_calendar",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
