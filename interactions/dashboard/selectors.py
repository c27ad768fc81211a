"""Reads for the dashboard (`/`): one bounded query (or a fixed few) per card, so the page costs
the same number of queries for a week-old account and for one with years of history.

Every selector takes the signed-in user and the user's `today` (a date in their Profile time
zone, see `local_today`), and returns only that user's rows.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from contacts.models import Contact, Event, Profile
from contacts.services import get_profile
from contacts.sorting.selectors import unsorted_count

from ..followups import mentorship_due_on
from ..insights import one_person_this_week
from ..models import (
    Direction,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Interaction,
    Mentorship,
    Support,
    SupportStatus,
)

REACH_OUT_LIMIT = 15
# "Show all" on Reach out still stops somewhere.
REACH_OUT_MAX = 100
PROMISES_LIMIT = 10
RECENT_LIMIT = 10
UPCOMING_DAYS = 21
UPCOMING_LIMIT = 10
# Active mentorships are a handful per user; the cap only keeps the query bounded.
MENTORSHIP_SCAN_LIMIT = 50


def local_today(profile) -> date:
    """Today's date in the user's Profile time zone."""
    return timezone.now().astimezone(profile.zone).date()


def start_of_week(profile, today: date) -> datetime:
    """Monday 00:00 of `today`'s week in the user's time zone, as an aware datetime."""
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, time.min, tzinfo=profile.zone)


def _reach_out_filter(user, today: date) -> Q:
    # Matches the partial index `followup_open_due` (owner, due_on WHERE status IN (open,
    # snoozed)): snoozing moves due_on to the snooze date (followups.snooze), so one range scan
    # finds what is due, overdue, or woken from a snooze. The snoozed_until clause only guards
    # against a snooze that has not been woken yet by the scanner.
    return Q(
        owner=user,
        status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
        due_on__lte=today,
    ) & (Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))


# Due follow-ups read per person shown before grouping them all instead (reach_out).
WALKED_PER_PERSON = 4


def reach_out(user, today: date, limit: int = REACH_OUT_LIMIT) -> list[list[FollowUp]]:
    """The people due today or overdue (open follow-ups, and snoozed ones whose snooze has
    ended), archived contacts left out: one list per person of all their due follow-ups (a
    promise and their cadence, say), oldest due first, the most overdue person first. Two
    bounded queries (three when the first people have many due each): the first
    `limit` people, then their due follow-ups with their contact."""
    due = FollowUp.objects.filter(_reach_out_filter(user, today), contact__archived=False)
    # People in the order of their most overdue follow-up, read off the first due follow-ups
    # (a person has one or two due at a time) rather than grouping all of them: a neglected
    # network of 30,000 has 10,000 due, 34 ms to group after every write.
    walk = due.order_by("due_on", "id").values_list("contact_id", flat=True)
    walked = list(walk[: limit * WALKED_PER_PERSON])
    people = list(dict.fromkeys(walked))[:limit]
    if len(people) < limit and len(walked) == limit * WALKED_PER_PERSON:
        # More due than walked, but they name fewer people (many due each): group them all.
        people = list(
            due.values("contact_id")
            .annotate(first_due=Min("due_on"), first_id=Min("id"))
            .order_by("first_due", "first_id")
            .values_list("contact_id", flat=True)[:limit]
        )
    if not people:
        return []
    rows = {contact_id: [] for contact_id in people}
    # Everything follow_up_reason_text reads, joined in the same query.
    for follow_up in (
        due.filter(contact_id__in=people)
        .select_related("contact", "event", "mentorship")
        .order_by("due_on", "id")
    ):
        rows[follow_up.contact_id].append(follow_up)
    return list(rows.values())


def open_promises(user, limit: int = PROMISES_LIMIT) -> list[Support]:
    """Gives offered but not yet done, oldest offer first (partial index `support_open`)."""
    return list(
        Support.objects.filter(owner=user, status=SupportStatus.OFFERED, direction=Direction.GIVE)
        .select_related("contact")
        .order_by("offered_on", "id")[:limit]
    )


@dataclass(frozen=True)
class ActivityItem:
    """One line of Recent activity: an interaction or a give/received/ask."""

    kind: str  # "interaction" | "support"
    on: date
    sort_key: tuple
    item: Interaction | Support


def recent_activity(user, profile, limit: int = RECENT_LIMIT) -> list[ActivityItem]:
    """The last `limit` interactions and supports merged, newest first (three queries: the
    interactions, their contacts, the supports)."""
    interactions = (
        Interaction.objects.filter(owner=user)
        .order_by("-occurred_at", "-id")
        .prefetch_related("contacts")[:limit]
    )
    supports = (
        Support.objects.filter(owner=user)
        .select_related("contact")
        .order_by("-offered_on", "-id")[:limit]
    )
    zone = profile.zone
    items = [
        ActivityItem(
            "interaction",
            i.occurred_at.astimezone(zone).date(),
            (i.occurred_at.astimezone(zone).date(), i.created_at),
            i,
        )
        for i in interactions
    ]
    items += [
        ActivityItem("support", s.offered_on, (s.offered_on, s.created_at), s) for s in supports
    ]
    items.sort(key=lambda a: a.sort_key, reverse=True)
    return items[:limit]


@dataclass(frozen=True)
class MentorshipDue:
    """An active mentorship and the date its next session is due."""

    mentorship: Mentorship
    due_on: date


def upcoming_events(user, today: date, days: int = UPCOMING_DAYS) -> list[Event]:
    """Events starting in the next `days` days, or still running today, soonest first."""
    horizon = today + timedelta(days=days)
    return list(
        Event.objects.filter(owner=user, starts_on__lte=horizon)
        .filter(Q(starts_on__gte=today) | Q(ends_on__gte=today))
        .order_by("starts_on", "id")[:UPCOMING_LIMIT]
    )


def upcoming_follow_ups(user, today: date, days: int = UPCOMING_DAYS) -> list[FollowUp]:
    """Follow-ups still to do that fall due after today and within the next `days` days (a
    promise's date set in the Log form, a give's "deliver by"), soonest first; today's and
    overdue ones are on Reach out, mentorship sessions have their own Upcoming rows. One query
    (the partial index `followup_open_due`), with the contact."""
    return list(
        FollowUp.objects.filter(
            owner=user,
            status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
            due_on__gt=today,
            due_on__lte=today + timedelta(days=days),
            contact__archived=False,
        )
        .exclude(reason=FollowUpReason.MENTORSHIP)
        .select_related("contact")
        .order_by("due_on", "id")[:UPCOMING_LIMIT]
    )


def mentorship_sessions_due(
    user, profile, today: date, days: int = UPCOMING_DAYS
) -> list[MentorshipDue]:
    """Active mentorships whose next session (the follow-up engine's rule,
    followups.mentorship_due_on) falls within the next `days` days or is already late, most
    overdue first. Two queries: the mentorships, and when the user last closed a session
    reminder by hand for each."""
    horizon = today + timedelta(days=days)
    mentorships = list(
        Mentorship.objects.filter(owner=user, active=True)
        .select_related("mentor", "mentee")
        .order_by("id")[:MENTORSHIP_SCAN_LIMIT]
    )
    anchors = (
        dict(
            FollowUp.objects.filter(
                owner=user,
                mentorship__in=[m.pk for m in mentorships],
                reason=FollowUpReason.MENTORSHIP,
                status__in=[FollowUpStatus.DONE, FollowUpStatus.DISMISSED],
                interaction__isnull=True,
                closed_at__isnull=False,
            )
            .values("mentorship_id")
            .annotate(last=Max("closed_at"))
            .values_list("mentorship_id", "last")
        )
        if mentorships
        else {}
    )
    due = []
    for m in mentorships:
        due_on = mentorship_due_on(m, anchors.get(m.pk), profile.zone)
        if due_on <= horizon:
            due.append(MentorshipDue(m, due_on))
    due.sort(key=lambda d: (d.due_on, d.mentorship.id))
    return due[:UPCOMING_LIMIT]


@dataclass(frozen=True)
class Counts:
    due_today: int
    overdue: int
    open_promises: int
    touches_this_week: int
    unsorted: int = 0  # people to go through on the Sort new people screen
    overdue_more: bool = False  # more than DUE_COUNTED due: `overdue` is at least, "990+"


# Reminders are counted up to this many: a long-neglected network of 30,000 people has
# 10,000 of them, and counting them all cost 30 ms of every dashboard after a write.
DUE_COUNTED = 1000


def counts(user, profile, today: date) -> Counts:
    """The numbers at the top of the dashboard, in four small queries."""
    # Today's first, then back through the overdue ones, up to DUE_COUNTED (one index walk).
    due = (
        FollowUp.objects.filter(_reach_out_filter(user, today), contact__archived=False)
        .order_by("-due_on")[: DUE_COUNTED + 1]
        .aggregate(today=Count("pk", filter=Q(due_on=today)), overdue=Count("pk"))
    )
    overdue = due["overdue"] - due["today"]
    promises = Support.objects.filter(
        owner=user, status=SupportStatus.OFFERED, direction=Direction.GIVE
    ).count()
    touches = Interaction.objects.filter(
        owner=user, occurred_at__gte=start_of_week(profile, today)
    ).count()
    return Counts(
        due_today=due["today"],
        overdue=min(overdue, DUE_COUNTED - due["today"]),
        overdue_more=due["overdue"] > DUE_COUNTED,
        open_promises=promises,
        touches_this_week=touches,
        unsorted=unsorted_count(user),
    )


def profile_and_today(user):
    """The user's Profile, read only if a card is rendered (a repeat visit takes them all from
    the cache), and today's date in the zone the middleware activated: the user's own."""
    return SimpleLazyObject(lambda: get_profile(user)), timezone.localdate()


@dataclass(frozen=True)
class OnePerson:
    """The "one person this week" card: who, why, and a suggested give."""

    contact: Contact
    reason: str
    suggested_give: str


# The ranking (interactions.insights.one_person_this_week) reads every contact and every
# interaction of the user, so it runs at most once a day per user, not on every page view.
logger = logging.getLogger(__name__)

ONE_PERSON_CACHE_SECONDS = 26 * 3600
# "Nobody to suggest" is cached briefly: the user may be adding their first contacts.
ONE_PERSON_EMPTY_CACHE_SECONDS = 60
NOT_READY = object()


def _one_person_key(user, today: date) -> str:
    return _one_person_key_of(user.pk, today)


def _one_person_key_of(user_id: int, day: date) -> str:
    return f"dashboard:one-person:{user_id}:{day.isoformat()}"


def forget_one_person(user_id: int) -> None:
    """Drop the user's cached "one person" (the answer of today in any time zone): after a
    bulk change that sends no signals, such as seeding a demo network, an empty answer cached
    a moment before must not say "add a few contacts" to a full account."""
    today = timezone.now().date()
    keys = [_one_person_key_of(user_id, today + timedelta(days=shift)) for shift in (-1, 0, 1)]
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("cache unavailable; cached one person of %s not dropped", user_id)


def _cache_get(key):
    # The cache is only a shortcut: with Redis down the dashboard must still answer.
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache unavailable; ranking one person without it", exc_info=True)
        return None


def _cache_set(key, value, timeout) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable; one person not cached", exc_info=True)


def _reason_inputs(contact, profile) -> list:
    """What a suggestion's reason is made of besides the conversations: when one of these
    changes (the person's tier, cadence or labels; the user's own place or cadences), the
    cached suggestion is ranked again."""
    return [
        contact.tier,
        contact.cadence_days,
        contact.circle,
        contact.discipline,
        contact.company,
        profile.own_discipline,
        profile.own_company,
        profile.own_team,
        profile.cadence_close,
        profile.cadence_peer,
        profile.cadence_network,
        profile.cadence_dormant,
    ]


def _current_reason_inputs(contact):
    try:
        return _reason_inputs(contact, contact.owner.profile)
    except Profile.DoesNotExist:
        return None


def one_person(user, profile, today: date, *, compute: bool = True):
    """Today's "one person this week" (an OnePerson, or None when there is nobody to suggest).
    From the daily cache in one query; on a miss, ranked now, or NOT_READY when `compute` is
    False (the page then lets the card load itself). A cached suggestion is dropped once the
    user has talked to that person since it was made, or once what its reason says changed."""
    key = _one_person_key(user, today)
    cached = _cache_get(key)
    if cached is not None:
        if cached["contact_id"] is None:
            return None
        contact = (
            Contact.objects.filter(
                owner=user, pk=cached["contact_id"], archived=False, reminders_off=False
            )
            .select_related("owner__profile")  # the reason's inputs, in the same query
            .first()
        )
        touched = (
            contact is not None
            and contact.last_interaction_at is not None
            and (contact.last_interaction_at >= cached["made_at"])
        )
        changed = contact is not None and _current_reason_inputs(contact) != cached.get("inputs")
        if contact is not None and not touched and not changed:
            return OnePerson(contact, cached["reason"], cached["suggested_give"])
    if not compute:
        return NOT_READY
    made_at = timezone.now()
    suggestion = one_person_this_week(user, today, profile=profile)
    if suggestion is None:
        _cache_set(key, {"contact_id": None}, ONE_PERSON_EMPTY_CACHE_SECONDS)
        return None
    _cache_set(
        key,
        {
            "contact_id": suggestion.contact.pk,
            "reason": suggestion.reason,
            "suggested_give": suggestion.suggested_give,
            "made_at": made_at,
            "inputs": _reason_inputs(suggestion.contact, profile),
        },
        ONE_PERSON_CACHE_SECONDS,
    )
    return OnePerson(suggestion.contact, suggestion.reason, suggestion.suggested_give)
