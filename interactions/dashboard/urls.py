"""URLs of the dashboard (`/`), mounted at the site root by network_crm/urls.py.

Names are global (not namespaced) because base.html and LOGIN_REDIRECT_URL use "dashboard".
"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/cards/<slug:card>/", views.dashboard_card, name="dashboard_card"),
    path(
        "dashboard/follow-ups/<int:pk>/done/", views.follow_up_done, name="dashboard_follow_up_done"
    ),
    path(
        "dashboard/follow-ups/<int:pk>/snooze/",
        views.follow_up_snooze,
        name="dashboard_follow_up_snooze",
    ),
    path(
        "dashboard/follow-ups/<int:pk>/dismiss/",
        views.follow_up_dismiss,
        name="dashboard_follow_up_dismiss",
    ),
    path("dashboard/promises/<int:pk>/done/", views.promise_done, name="dashboard_promise_done"),
]
