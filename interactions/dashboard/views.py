"""The dashboard (`/`): the page, one fragment URL per card, and the inline actions of its rows.

Each card is a `{% partialdef %}` of templates/interactions/dashboard/dashboard.html that
reloads itself when an HX-Trigger event says its data changed (see the `hx-trigger` of each
card). Row actions take their row off the card (every action moves it out of today) and fire
the event (`trigger_card_event`).
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from contacts.access import get_owned_or_404
from contacts.dates.selectors import upcoming_dates
from network_crm import fragment_cache
from network_crm import undo as undo_core
from network_crm.health import scheduler_state

from .. import followups, services
from ..followups import undo
from ..followups.selectors import follow_up_reason_text
from ..forms import SnoozeForm, add_month
from ..models import Direction, FollowUp, Support, SupportStatus
from . import selectors

TEMPLATE = "interactions/dashboard/dashboard.html"
FOLLOW_UP_CHANGED = "followUpChanged"
PROMISE_CHANGED = "promiseChanged"


def trigger_card_event(response: HttpResponse, event: str, detail: dict | None = None):
    """Fire `event` on <body>, where the cards listen for it (`from:body`), not on the element
    that sent the request (htmx's default; it reads the detail's `target` as the element).

    A card may reload between a click on one of its rows and the answer: the answer then
    comes back to an element no longer in the page, and an event fired there reaches nobody.
    """
    return trigger_client_event(response, event, {**(detail or {}), "target": "body"})


# --- context for each card -------------------------------------------------------------------


def _snooze_choices(today: date) -> list[tuple[str, date]]:
    return [
        ("Tomorrow", today + timedelta(days=1)),
        ("1 week", today + timedelta(days=7)),
        ("1 month", add_month(today)),
    ]


def _reach_out_rows(people, profile, today: date, dashboard_url: str) -> list[dict]:
    """One row per person: the follow-up due first carries the row's actions, which act on
    every follow-up of the row (`also`), and each one's reason is listed."""
    log_url = reverse("interactions:create")
    rows = []
    for follow_ups in people:
        f = follow_ups[0]
        contact_pk = f.contact_id
        rows.append(
            {
                "follow_up": f,
                "also": [other.pk for other in follow_ups[1:]],
                "reasons": [
                    follow_up_reason_text(each, today, profile=profile) for each in follow_ups
                ],
                "notes": [each.note for each in follow_ups if each.note],
                "days_overdue": (today - f.due_on).days,
                "contact_url": reverse("contacts:detail", args=[contact_pk]),
                "log_url": f"{log_url}?contacts={contact_pk}&next={dashboard_url}",
                "done_url": reverse("dashboard_follow_up_done", args=[f.pk]),
                "snooze_url": reverse("dashboard_follow_up_snooze", args=[f.pk]),
                "dismiss_url": reverse("dashboard_follow_up_dismiss", args=[f.pk]),
                "quick_logs": [
                    (label, reverse("interactions:quick_log", args=[contact_pk, kind]))
                    for kind, label in services.QUICK_LOGS.items()
                ],
            }
        )
    return rows


def _reach_out_context(request, profile, today, *, page: bool):
    show_all = request.GET.get("all") == "1"
    limit = selectors.REACH_OUT_MAX if show_all else selectors.REACH_OUT_LIMIT
    # One row more than shown tells whether there are more to show.
    people = selectors.reach_out(request.user, today, limit=limit + 1)
    dashboard_url = reverse("dashboard")
    return {
        "reach_out_rows": _reach_out_rows(people[:limit], profile, today, dashboard_url),
        "dashboard_url": dashboard_url,
        "reach_out_more": len(people) > limit,
        "reach_out_all": show_all,
    }


def _one_person_context(request, profile, today, *, page: bool):
    # On the page, a suggestion not ranked yet today is left to the card's own request, so
    # the page never waits for the ranking.
    person = selectors.one_person(request.user, profile, today, compute=not page)
    if person is selectors.NOT_READY:
        return {"one_person": None, "one_person_pending": True}
    return {"one_person": person, "one_person_pending": False}


def _promises_context(request, profile, today, *, page: bool):
    return {"promises": selectors.open_promises(request.user)}


def _activity_context(request, profile, today, *, page: bool):
    return {"activity": selectors.recent_activity(request.user, profile)}


def _upcoming_context(request, profile, today, *, page: bool):
    return {
        "events": selectors.upcoming_events(request.user, today),
        "dates": upcoming_dates(
            request.user, today, selectors.UPCOMING_DAYS, limit=selectors.UPCOMING_LIMIT
        ),
        "mentorships_due": selectors.mentorship_sessions_due(request.user, profile, today),
        "follow_ups_ahead": selectors.upcoming_follow_ups(request.user, today),
    }


def _counts_context(request, profile, today, *, page: bool):
    return {"counts": selectors.counts(request.user, profile, today)}


# Card slug in the URL → (partial in dashboard.html, context builder).
CARDS = {
    "reach-out": ("reach_out_card", _reach_out_context),
    "one-person": ("one_person_card", _one_person_context),
    "promises": ("promises_card", _promises_context),
    "activity": ("activity_card", _activity_context),
    "upcoming": ("upcoming_card", _upcoming_context),
    "counts": ("counts_card", _counts_context),
}


def _common_context(profile, today):
    return {"today": today, "profile": profile, "snooze_choices": _snooze_choices(today)}


# --- pages and fragments ---------------------------------------------------------------------


def _scheduler_banner(user) -> dict:
    state, last_tick = scheduler_state()
    # "Never ticked" is normal for the first minutes of an install; after that it means beat
    # was never started, which must not stay silent either.
    grace = timedelta(seconds=2 * settings.SCHEDULER_TICK_SECONDS)
    never = state == "never" and timezone.now() - user.date_joined > grace
    return {
        "scheduler_stale": state == "stale",
        "scheduler_never": never,
        "scheduler_last_tick": last_tick,
    }


# Cards whose HTML is cached per user (fragment_cache); "one person" keeps its own daily
# cache and loads itself when not ranked yet, and "Show everyone due" is not cached.
CACHED_CARDS = ("counts", "reach-out", "activity", "promises", "upcoming")


def _render_card(request, slug, profile, today, *, page: bool, csrf_token=None):
    partial, build = CARDS[slug]
    context = _common_context(profile, today) | build(request, profile, today, page=page)
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    return render_to_string(f"{TEMPLATE}#{partial}", context, request)


def _cached_cards(request, profile, today, slugs, *, page: bool) -> dict[str, str]:
    def render(slug, csrf_token):
        return _render_card(request, slug, profile, today, page=page, csrf_token=csrf_token)

    return fragment_cache.cards_html(request, today, slugs, render)


@require_GET
def dashboard(request):
    profile, today = selectors.profile_and_today(request.user)
    cards = _cached_cards(request, profile, today, CACHED_CARDS, page=True)
    context = {
        "today": today,
        "cards": {CARDS[slug][0]: html for slug, html in cards.items()},  # by partial name
        **_one_person_context(request, profile, today, page=True),
        **_scheduler_banner(request.user),
    }
    return render(request, TEMPLATE, context)


@require_GET
def dashboard_card(request, card):
    if card not in CARDS:
        raise Http404("No such card.")
    profile, today = selectors.profile_and_today(request.user)
    if card in CACHED_CARDS and request.GET.get("all") != "1":
        return HttpResponse(_cached_cards(request, profile, today, [card], page=False)[card])
    return HttpResponse(_render_card(request, card, profile, today, page=False))


# --- row actions -----------------------------------------------------------------------------


def _follow_up_row_response(request, message: str, undo_token: str) -> HttpResponse:
    """htmx: an empty row (done, dismissed or snoozed, it has left Reach out), the message
    with its Undo button (out of band, into #messages, which no card reload replaces) and the
    event that refreshes the cards; without htmx: back to the dashboard with that message."""
    if not request.htmx:
        undo_core.remember_undo(request, message, undo_token)
        return redirect("dashboard")
    note = undo_core.undo_note(request, message, undo_token)
    return trigger_card_event(HttpResponse(note), FOLLOW_UP_CHANGED)


def _owned_follow_up(request, pk) -> FollowUp:
    return get_owned_or_404(FollowUp.objects.select_related("contact"), request.user, pk=pk)


def _row_follow_ups(request, follow_up: FollowUp) -> list[FollowUp]:
    """The row's follow-up and the same person's others the row showed (`also`): the user's
    own, still open, of that contact; anything else posted is ignored."""
    also = [value for value in request.POST.getlist("also") if value.isdigit()]
    others = FollowUp.objects.filter(
        owner=request.user,
        contact_id=follow_up.contact_id,
        pk__in=also,
        status__in=followups.OPEN_STATUSES,
    ).exclude(pk=follow_up.pk)
    return [follow_up, *others.order_by("id")] if also else [follow_up]


@fragment_cache.keeps_contacts
@require_POST
def follow_up_done(request, pk):
    follow_up = _owned_follow_up(request, pk)
    row = _row_follow_ups(request, follow_up)
    token = undo.make_token(request.user, row, "done")
    for each in row:
        followups.mark_done(each)
    return _follow_up_row_response(request, f"Done: {follow_up.contact.display_name}.", token)


@fragment_cache.keeps_contacts
@require_POST
def follow_up_dismiss(request, pk):
    follow_up = _owned_follow_up(request, pk)
    row = _row_follow_ups(request, follow_up)
    token = undo.make_token(request.user, row, "dismiss")
    for each in row:
        followups.dismiss(each)
    return _follow_up_row_response(
        request, f"Dismissed the reminder for {follow_up.contact.display_name}.", token
    )


@fragment_cache.keeps_contacts
@require_POST
def follow_up_snooze(request, pk):
    follow_up = _owned_follow_up(request, pk)
    _, today = selectors.profile_and_today(request.user)
    form = SnoozeForm(request.POST, today=today)
    if not form.is_valid():
        error = " ".join(form.errors["until"])
        if request.htmx:
            return HttpResponse(error, status=400)
        messages.error(request, error)
        return redirect("dashboard")
    until = form.cleaned_data["until"]
    row = _row_follow_ups(request, follow_up)
    token = undo.make_token(request.user, row, "snooze")
    for each in row:
        followups.snooze(each, until)
    return _follow_up_row_response(
        request,
        f"Snoozed {follow_up.contact.display_name} until {until.day} {until:%b}.",
        token,
    )


@fragment_cache.keeps_contacts
@require_POST
def promise_done(request, pk):
    support = get_owned_or_404(
        Support.objects.select_related("contact"),
        request.user,
        pk=pk,
        direction=Direction.GIVE,
    )
    _, today = selectors.profile_and_today(request.user)
    if support.status == SupportStatus.OFFERED:
        services.mark_support_done(support, today)
    if not request.htmx:
        messages.success(request, f"Promise kept: {support}.")
        return redirect("dashboard")
    # The kept give closes its follow-up too, so Reach out and the counts refresh as well.
    return trigger_card_event(
        trigger_card_event(HttpResponse(""), PROMISE_CHANGED), FOLLOW_UP_CHANGED
    )
