"""Reads for follow-ups: reasons in words (shared by the weekly digest, the dashboard and the
calendar), and what the weekly digest lists: the reach-out list, open promises both ways,
upcoming events (the "one person this week" suggestion is in suggestion.py).

The digest is built a batch of users at a time, so these readers take a batch and answer for
each of its users in one or two queries, whatever the batch's size; a user alone is a batch of
one."""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from django.db.models import Case, F, Q, Value, When, Window
from django.db.models.functions import RowNumber

from contacts.models import Contact, Event, Profile
from network_crm.queries import pk_in

from ..models import Direction, FollowUp, FollowUpReason, Support, SupportStatus
from .schedule import OPEN_STATUSES, cadence_for, days_since


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _ago(n: int) -> str:
    if n == 0:
        return "today"
    if n < 0:
        return f"in {_days(-n)}"
    return f"{_days(n)} ago"


def profile_for(owner_id) -> Profile:
    """The owner's Profile, or an unsaved one with the defaults (read-only callers)."""
    return Profile.objects.filter(owner_id=owner_id).first() or Profile(owner_id=owner_id)


def follow_up_reason_text(
    follow_up: FollowUp, today: date, *, profile: Profile | None = None
) -> str:
    """Why this follow-up (a FollowUp or a DueFollowUp) exists, in words: "last talked 94 days
    ago, cadence 60". Load follow-ups with `select_related("contact", "event", "mentorship")`
    to avoid a query each."""
    reason = follow_up.reason
    if reason == FollowUpReason.CADENCE:
        profile = profile or profile_for(follow_up.owner_id)
        contact = follow_up.contact
        cadence = cadence_for(contact, profile)
        if contact.last_interaction_at:
            since = days_since(contact.last_interaction_at, profile.zone, today)
            return f"last talked {_ago(since)}, cadence {cadence}"
        added = days_since(contact.created_at, profile.zone, today)
        return f"not talked yet, added {_ago(added)}, cadence {cadence}"
    if reason == FollowUpReason.PROMISE:
        return f"you promised: {follow_up.note}" if follow_up.note else "you promised to follow up"
    if reason == FollowUpReason.GIVE:
        return f"you offered: {follow_up.note}" if follow_up.note else "you offered to help"
    if reason == FollowUpReason.EVENT:
        if follow_up.event_id:
            event = follow_up.event
            return f"met at {event.name} {_ago((today - event.last_day).days)}"
        return follow_up.note or "met at an event"
    if reason == FollowUpReason.MENTORSHIP:
        mentorship = follow_up.mentorship if follow_up.mentorship_id else None
        if mentorship and mentorship.last_session_on:
            return (
                f"mentoring session due, last one {_ago((today - mentorship.last_session_on).days)}"
            )
        return "mentoring session due"
    return follow_up.note or "reminder"


# For a batch of users ---------------------------------------------------------------------


def grouped_owners(value_by_owner: dict) -> dict:
    """{value: [owner ids]}: users who share a date or a zone share one branch of a query."""
    owners = defaultdict(list)
    for owner_id, value in value_by_owner.items():
        owners[value].append(owner_id)
    return owners


def _first_per_owner(queryset, order_by, limit: int, owner_ids, partition_by=()):
    """The first `limit` rows of each owner (and of each `partition_by` value) in `order_by`.
    For one owner (the preview) a LIMIT, which stops after them in an index of that order; for
    a batch, a window over every row of its owners."""
    if len(owner_ids) == 1 and not partition_by:
        return queryset.order_by(*order_by)[:limit]
    rank = Window(RowNumber(), partition_by=[F("owner_id"), *partition_by], order_by=order_by)
    return queryset.annotate(rank=rank).filter(rank__lte=limit).order_by("owner_id", *order_by)


def due_by_owner(until_by_owner: dict[int, date]) -> Q:
    """Open or snoozed follow-ups due by each owner's own `until` (see open_follow_ups)."""
    due = Q(pk__in=[])
    for until, owner_ids in grouped_owners(until_by_owner).items():
        due |= Q(owner_id__in=owner_ids, due_on__lte=until)
    return due & Q(status__in=OPEN_STATUSES)


@dataclass(frozen=True, slots=True)
class DueContact:
    """What the digest reads of a due follow-up's contact, under Contact's own names."""

    pk: int
    name: str
    preferred_name: str
    company: str
    tier: str
    cadence_days: int | None
    last_interaction_at: datetime | None
    created_at: datetime

    display_name = Contact.display_name


@dataclass(frozen=True, slots=True)
class DueEvent:
    pk: int
    name: str
    starts_on: date
    ends_on: date | None

    last_day = Event.last_day


@dataclass(frozen=True, slots=True)
class DueMentorship:
    pk: int
    last_session_on: date | None


@dataclass(frozen=True, slots=True)
class DueFollowUp:
    """A due follow-up as the digest reads it, under FollowUp's own names (what
    follow_up_reason_text, the email and the preview read): plain values, not model
    instances, which cost 17 µs each to build, two per row and 2,000 rows per batch."""

    pk: int
    owner_id: int
    reason: str
    note: str
    due_on: date
    contact_id: int
    contact: DueContact
    event_id: int | None
    event: DueEvent | None
    mentorship_id: int | None
    mentorship: DueMentorship | None


def open_follow_ups_by_owner(until_by_owner: dict[int, date], limit: int) -> dict:
    """{owner id: [DueFollowUp]}: their first `limit` open or snoozed follow-ups due on or
    before their own `until`, most overdue first. Two queries: the ranking reads only the index
    (followup_open_due), and the joins are made for the chosen rows only (in one query,
    PostgreSQL joined them all; with the ranking as a subquery, it expected every due row of
    the batch and read the whole table for them)."""
    first = _first_per_owner(
        FollowUp.objects.filter(due_by_owner(until_by_owner)),
        [F("due_on").asc(), F("pk").asc()],
        limit,
        list(until_by_owner),
    )
    columns = (
        "pk", "owner_id", "reason", "note", "due_on", "contact_id", "event_id", "mentorship_id",
        "mentorship__last_session_on",
    )
    contact_fields = [f"contact__{field.name}" for field in fields(DueContact)[1:]]
    event_fields = [f"event__{field.name}" for field in fields(DueEvent)[1:]]
    rows = (
        FollowUp.objects.filter(pk_in(list(first.values_list("pk", flat=True))))
        .order_by("owner_id", "due_on", "pk")
        .values_list(*columns, *contact_fields, *event_fields)
    )
    found = {owner_id: [] for owner_id in until_by_owner}
    events_from = len(columns) + len(contact_fields)
    for row in rows:
        pk, owner_id, reason, note, due_on, contact_id, event_id, mentorship_id, last_session_on = (
            row[: len(columns)]
        )
        contact, event = row[len(columns) : events_from], row[events_from:]
        found[owner_id].append(
            DueFollowUp(
                pk=pk,
                owner_id=owner_id,
                reason=reason,
                note=note,
                due_on=due_on,
                contact_id=contact_id,
                contact=DueContact(contact_id, *contact),
                event_id=event_id,
                event=DueEvent(event_id, *event) if event_id else None,
                mentorship_id=mentorship_id,
                mentorship=DueMentorship(mentorship_id, last_session_on) if mentorship_id else None,
            )
        )
    return found


PROMISE_FIELDS = (
    "owner_id", "direction", "kind", "description", "offered_on", "due_on",
    "contact__name", "contact__preferred_name",
)


def open_promises_by_owner(owner_ids, limit: int = 10) -> dict:
    """{owner id: (what they offered, what was offered to them or asked by them)}: the promises
    both ways not kept yet, the `limit` oldest each way. One query."""
    mine = Case(When(direction=Direction.GIVE, then=Value(True)), default=Value(False))
    rows = _first_per_owner(
        Support.objects.filter(owner_id__in=owner_ids, status=SupportStatus.OFFERED)
        .select_related("contact")
        # What a promise line shows (Support.__str__ reads the description, direction and kind).
        .only(*PROMISE_FIELDS)
        .annotate(mine=mine),
        [F("offered_on").asc(), F("pk").asc()],
        limit,
        owner_ids,
        partition_by=[mine],
    )
    found = {owner_id: ([], []) for owner_id in owner_ids}
    for support in rows:
        found[support.owner_id][0 if support.mine else 1].append(support)
    return found


def upcoming_events_by_owner(today_by_owner: dict[int, date], limit: int, days: int = 21) -> dict:
    """{owner id: the first `limit` events starting within `days` days of each owner's own
    today, or running today}. One query."""
    upcoming = Q(pk__in=[])
    for today, owner_ids in grouped_owners(today_by_owner).items():
        upcoming |= Q(owner_id__in=owner_ids, starts_on__lte=today + timedelta(days=days)) & (
            Q(starts_on__gte=today) | Q(ends_on__gte=today)
        )
    rows = _first_per_owner(
        Event.objects.filter(upcoming),
        [F("starts_on").asc(), F("name").asc(), F("pk").asc()],
        limit,
        list(today_by_owner),
    )
    found = {owner_id: [] for owner_id in today_by_owner}
    for event in rows:
        found[event.owner_id].append(event)
    return found


def open_promises(owner, limit: int = 10) -> tuple[list[Support], list[Support]]:
    """open_promises_by_owner for a batch of one."""
    return open_promises_by_owner([owner.pk], limit)[owner.pk]
