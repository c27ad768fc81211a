"""The secret iCalendar feed of open follow-ups and events, and the Settings page's button that
gives it a new secret link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page, require_GET, require_POST

from contacts.models import Profile
from contacts.services import get_profile
from network_crm import fragment_cache

from .. import digests
from . import ical


@require_POST
def rotate_calendar_token(request):
    """Give the calendar feed a new secret URL; every old subscription stops working."""
    digests.rotate_calendar_token(get_profile(request.user))
    messages.success(request, "New calendar link created. The old one no longer works.")
    return redirect("settings")


@login_not_required
@require_GET
@cache_control(private=True, no_cache=True)
@conditional_page
def calendar_feed(request, token):
    """Open follow-ups and events as an iCalendar feed; the secret token is the only key.

    Calendar apps poll it: the text is kept like the dashboard's cards until the user writes
    (network_crm.fragment_cache), and an app that sends back the ETag of an unchanged feed is
    answered 304 (`conditional_page`); `no_cache` makes it ask each time."""
    profile = Profile.objects.filter(calendar_token=token, owner__is_active=True).first()
    if profile is None or not token:
        raise Http404("No such calendar")
    now = timezone.now()
    body = fragment_cache.text(
        profile.owner_id, profile.today(now), "calendar", lambda: ical.calendar_for(profile, now)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="network_crm.ics"'
    return response
