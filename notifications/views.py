"""The reminders settings page (/settings/reminders/): when nudges go out, where to (chat apps
and webhooks by Apprise URL, web push to this device), a test send per channel. Thin views:
forms validate, services write, selectors read; htmx gets the page's own fragments."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.access import get_owned_or_404
from interactions.digests.schedule import profile_of

from . import selectors, services, vapid
from .forms import AppriseChannelForm, PushSubscriptionForm, ScheduleForm
from .models import Channel

TEMPLATE = "notifications/settings.html"


def _context(request, schedule, *, schedule_form=None, channel_form=None) -> dict:
    now = timezone.now()
    return {
        "schedule": schedule,
        "schedule_form": schedule_form or ScheduleForm(instance=schedule),
        "channel_form": channel_form or AppriseChannelForm(owner=request.user),
        "rows": selectors.channel_rows(request.user),
        "nudges": selectors.recent_nudges(request.user),
        "next_nudge_at": selectors.next_nudge_at(schedule, request.user, now),
        "now": now,
        "time_zone": profile_of(request.user).time_zone,
        "push_key": vapid.public_key(),
    }


@require_http_methods(["GET", "POST"])
def reminder_settings(request):
    """The page, and the schedule form's POST."""
    schedule = services.get_schedule(request.user)
    form = ScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        form.save()
        if not request.htmx:
            messages.success(request, "Reminder schedule saved.")
            return redirect("notifications:settings")
    context = _context(request, schedule, schedule_form=form)
    if request.htmx:
        return render(request, f"{TEMPLATE}#schedule", context)
    return render(request, TEMPLATE, context)


@require_POST
def channel_add(request):
    """Add a chat app or webhook (an Apprise URL)."""
    form = AppriseChannelForm(request.POST, owner=request.user)
    if form.is_valid():
        channel = services.add_apprise_channel(
            request.user, url=form.cleaned_data["url"], name=form.cleaned_data["name"]
        )
        messages.success(request, f"Reminders will also go to {channel}. Send a test to check it.")
        return redirect("notifications:settings")
    context = _context(request, services.get_schedule(request.user), channel_form=form)
    if request.htmx:
        return render(request, f"{TEMPLATE}#add_channel", context)
    return render(request, TEMPLATE, context)


def _row_response(request, channel: Channel):
    (row,) = selectors.channel_rows(request.user, [channel])
    return render(request, f"{TEMPLATE}#channel_row", {"row": row})


@require_GET
def channel_row(request, pk):
    """One channel's row (the page polls it while a test is on its way)."""
    channel = get_owned_or_404(Channel, request.user, pk=pk)
    if not request.htmx:
        return redirect("notifications:settings")
    return _row_response(request, channel)


@require_POST
def channel_test(request, pk):
    """Send a test message to one channel, through the worker like a real nudge."""
    channel = get_owned_or_404(Channel, request.user, pk=pk)
    services.send_test(channel)
    if request.htmx:
        return _row_response(request, channel)
    messages.success(request, f"A test is on its way to {channel}.")
    return redirect("notifications:settings")


@require_POST
def channel_delete(request, pk):
    channel = get_owned_or_404(Channel, request.user, pk=pk)
    services.remove_channel(channel)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, f"Reminders no longer go to {channel}.")
    return redirect("notifications:settings")


@require_POST
def push_subscribe(request):
    """This browser's push subscription (from static/js/reminders.js): JSON in and out."""
    if not vapid.configured():
        return JsonResponse({"error": "Web push is not set up on this server."}, status=409)
    form = PushSubscriptionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    channel = services.save_push_subscription(
        request.user,
        endpoint=data["endpoint"],
        p256dh=data["p256dh"],
        auth=data["auth"],
        name=data["name"] or "This browser",
    )
    return JsonResponse({"id": channel.pk, "name": str(channel)}, status=201)
