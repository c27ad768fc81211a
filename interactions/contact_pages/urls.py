"""Pages of the contacts URL namespace that live in interactions: network_crm/urls.py mounts
them at /contacts/ beside contacts/urls.py, under the same names (contacts:detail, ...)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
    path("events/<int:pk>/follow-ups/", views.event_log_follow_ups, name="event_log_follow_ups"),
]
