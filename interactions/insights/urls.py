"""Network map and insights: /network/, /network/data.json, /network/table/, /insights/."""

from django.urls import path

from . import insight_views as views

app_name = "insights"
urlpatterns = [
    path("network/", views.network_page, name="network"),
    path("network/data.json", views.network_data, name="network_data"),
    path("network/table/", views.network_table, name="network_table"),
    path("network/contact/<int:pk>/brief/", views.contact_brief, name="contact_brief"),
    path("insights/", views.insights_page, name="insights"),
]
