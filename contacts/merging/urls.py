"""Merging under /data/ (network_crm/urls.py mounts it with interactions' backup pages in the
one "data" namespace)."""

from django.urls import path

from . import views

app_name = "data"
urlpatterns = [
    path("contacts/<int:pk>/merge/", views.merge, name="merge"),
    path("duplicates/", views.duplicates, name="duplicates"),
]
