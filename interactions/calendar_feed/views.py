"""The secret iCalendar feed of open follow-ups and events, and the Settings page's button that
gives it a new secret link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from contacts.models import Profile
from contacts.services import get_profile

from .. import digests
from . import ical


@require_POST
def rotate_calendar_token(request):
    """Give the calendar feed a new secret URL; every old subscription stops working."""
    digests.rotate_calendar_token(get_profile(request.user))
    messages.success(request, "New calendar link created. The old one no longer works.")
    return redirect("settings")


@login_not_required
@never_cache
@require_GET
def calendar_feed(request, token):
    """Open follow-ups and events as an iCalendar feed; the secret token is the only key."""
    profile = Profile.objects.filter(calendar_token=token, owner__is_active=True).first()
    if profile is None or not token:
        raise Http404("No such calendar")
    body = ical.calendar_for(profile, timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="network_crm.ics"'
    return response
