"""URLs of the installable app under /app/ (the manifest and service worker are mounted at the
site root by network_crm/urls.py)."""

from django.urls import path

from . import views

app_name = "webapp"
urlpatterns = [
    path("offline/", views.offline, name="offline"),
    path("outbox/", views.outbox, name="outbox"),
    path("session/", views.session, name="session"),
    path("log/", views.log, name="log"),
    path("contacts.json", views.contacts, name="contacts"),
]
