"""Show stored times in the signed-in user's own time zone."""

import zoneinfo

from django.utils import timezone

from .models import Profile

SESSION_KEY = "time_zone"


def remember_time_zone(request, user) -> None:
    """Keep the user's zone in the session: at sign-in and whenever they change it."""
    name = Profile.objects.filter(owner=user).values_list("time_zone", flat=True).first()
    request.session[SESSION_KEY] = name or "UTC"


def remember_time_zone_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_time_zone(request, user)


class UserTimeZoneMiddleware:
    """Activates the user's zone for the request. The zone is read at sign-in and kept in the
    session, so a page costs no query for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            if SESSION_KEY not in request.session:  # a session from before sign-in kept it
                remember_time_zone(request, request.user)
            try:
                timezone.activate(zoneinfo.ZoneInfo(request.session[SESSION_KEY]))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
