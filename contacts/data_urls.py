"""The user's data, mounted at /data/: merging contacts, possible duplicates, export downloads."""

from django.urls import path

from . import data_views

app_name = "data"
urlpatterns = [
    path("contacts/<int:pk>/merge/", data_views.merge, name="merge"),
    path("duplicates/", data_views.duplicates, name="duplicates"),
    path("export/", data_views.export_page, name="export"),
    path("export/contacts.vcf", data_views.export_vcard, name="export_vcard"),
    path("export/contacts.csv", data_views.export_csv, name="export_csv"),
    path("export/everything.json", data_views.export_json, name="export_json"),
]
