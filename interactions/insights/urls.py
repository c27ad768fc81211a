"""The "insights" URL namespace, mounted at the site root: /insights/, and the network map's
/network/, /network/data.json, /network/table/ and briefs (interactions/network/urls.py)."""

from django.urls import include, path

from . import views

app_name = "insights"
urlpatterns = [
    path("", include("interactions.network.urls")),
    path("insights/", views.insights_page, name="insights"),
]
