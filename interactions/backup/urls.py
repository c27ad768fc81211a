"""Exports under /data/export/ and restores under /data/restore/ (network_crm/urls.py mounts them with contacts' merge pages in
the one "data" namespace)."""

from django.urls import path

from . import views

app_name = "data"
urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/contacts.vcf", views.export_vcard, name="export_vcard"),
    path("export/contacts.csv", views.export_csv, name="export_csv"),
    path("export/everything.json", views.export_json, name="export_json"),
    path("restore/", views.restore_page, name="restore"),
    path("restore/<int:pk>/", views.restore_job, name="restore_job"),
    path("restore/<int:pk>/cancel/", views.restore_cancel, name="restore_cancel"),
]
