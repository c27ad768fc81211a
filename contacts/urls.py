"""The contacts URL namespace (/contacts/). network_crm/urls.py mounts these together with the
contact page, its edit form, its delete page and the event follow-ups
(interactions/contact_pages/urls.py), which show interactions' rows."""

from django.urls import path

from . import views
from .sorting import views as sorting_views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("bulk/", views.contact_bulk, name="bulk"),
    path("search/", views.contact_search, name="search"),
    path("sort/", sorting_views.sort_next, name="sort"),
    path("sort/<int:pk>/", sorting_views.sort_contact, name="sort_contact"),
    path("<int:pk>/links/new/", views.link_create, name="link_create"),
    path("links/<int:pk>/delete/", views.link_delete, name="link_delete"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("events/<int:pk>/people/", views.event_people, name="event_people"),
]
