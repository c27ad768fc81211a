"""CardDAV paths (mounted at /dav/ by network_crm/urls.py). Collections answer with or without
their trailing slash: clients differ, and a redirect would lose a PROPFIND's body."""

from django.urls import path

from . import views

app_name = "carddav"
urlpatterns = [
    path("", views.root, name="root"),
    path("<str:username>/", views.principal, name="principal"),
    path("<str:username>", views.principal),
    path("<str:username>/contacts/", views.addressbook, name="addressbook"),
    path("<str:username>/contacts", views.addressbook),
    path("<str:username>/contacts/<str:name>", views.card, name="card"),
]
