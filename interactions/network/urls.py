"""The network map's URLs, inside the "insights" namespace (interactions/insights/urls.py
includes them): insights:network, insights:network_data, insights:network_table and
insights:contact_brief."""

from django.urls import path

from . import views

urlpatterns = [
    path("network/", views.network_page, name="network"),
    path("network/data.json", views.network_data, name="network_data"),
    path("network/table/", views.network_table, name="network_table"),
    path("network/contact/<int:pk>/brief/", views.contact_brief, name="contact_brief"),
]
