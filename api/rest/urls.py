"""/api/v1/: one route per resource, the OpenAPI schema and its documentation page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from .views import docs
from .views.base import not_found
from .views.contacts import ContactViewSet, EventViewSet
from .views.followups import FollowUpViewSet
from .views.interactions import InteractionViewSet, MentorshipViewSet, SupportViewSet

router = SimpleRouter(use_regex_path=False)
router.register("contacts", ContactViewSet, basename="contact")
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("supports", SupportViewSet, basename="support")
router.register("events", EventViewSet, basename="event")
router.register("mentorships", MentorshipViewSet, basename="mentorship")
router.register("follow-ups", FollowUpViewSet, basename="followup")

app_name = "api"
urlpatterns = [
    path("schema", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs", docs.docs_page, name="docs"),
    *router.urls,
    re_path(r"^", not_found),  # unnamed: a JSON 404 rather than the site's HTML page
]
