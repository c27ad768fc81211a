"""Reads for follow-ups: reasons in words, the reach-out list, open promises both ways, and the
"one person this week" suggestion. Shared by the weekly digest, the dashboard and the calendar."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate

from contacts.models import Contact, Discipline, Event, Profile, Tier

from .followups import OPEN_STATUSES, cadence_for
from .models import Direction, FollowUp, FollowUpReason, Support, SupportKind, SupportStatus


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
    """Why this follow-up exists, in words: "last talked 94 days ago, cadence 60". Load
    follow-ups with `select_related("contact", "event", "mentorship")` to avoid a query each."""
    reason = follow_up.reason
    if reason == FollowUpReason.CADENCE:
        profile = profile or profile_for(follow_up.owner_id)
        contact = follow_up.contact
        cadence = cadence_for(contact, profile)
        if contact.last_interaction_at:
            last = contact.last_interaction_at.astimezone(profile.zone).date()
            return f"last talked {_ago((today - last).days)}, cadence {cadence}"
        added = contact.created_at.astimezone(profile.zone).date()
        return f"not talked yet, added {_ago((today - added).days)}, cadence {cadence}"
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


def open_follow_ups(owner, until: date):
    """Open or snoozed follow-ups due on or before `until`, most overdue first, with what
    follow_up_reason_text reads already joined."""
    return (
        FollowUp.objects.filter(owner=owner, status__in=OPEN_STATUSES, due_on__lte=until)
        .select_related("contact", "event", "mentorship")
        .order_by("due_on", "id")
    )


def open_promises(owner, limit: int = 10) -> tuple[list[Support], list[Support]]:
    """Promises both ways that are not kept yet, the `limit` oldest each way: (what I offered,
    what was offered to me or asked by me). Two plain queries cost less to build than one
    windowed query."""
    base = (
        Support.objects.filter(owner=owner, status=SupportStatus.OFFERED)
        .select_related("contact")
        .order_by("offered_on", "id")
    )
    mine = list(base.filter(direction=Direction.GIVE)[:limit])
    theirs = list(base.exclude(direction=Direction.GIVE)[:limit])
    return mine, theirs


def upcoming_events(owner, today: date, days: int = 21):
    """Events starting within the next `days` days (or running today)."""
    return (
        Event.objects.filter(owner=owner, starts_on__lte=today + timedelta(days=days))
        .filter(Q(starts_on__gte=today) | Q(ends_on__gte=today))
        .order_by("starts_on", "name")
    )


@dataclass(frozen=True)
class PersonSuggestion:
    contact: Contact
    reason: str
    suggested_give: str
    give_kind: str


# A give that tends to land well with each discipline, when nothing better is known.
_GIVE_BY_DISCIPLINE = {
    Discipline.ENGINEERING: (
        SupportKind.KNOWLEDGE,
        "share an article or tool that would help their team",
    ),
    Discipline.PRODUCT: (SupportKind.REVIEW, "offer feedback on what they are shipping"),
    Discipline.DESIGN: (SupportKind.AMPLIFY, "amplify their latest work"),
    Discipline.DATA: (SupportKind.KNOWLEDGE, "share a paper or a dataset they would enjoy"),
    Discipline.LEADERSHIP: (SupportKind.SOUNDING_BOARD, "offer to be a sounding board"),
}
_DEFAULT_GIVE = (SupportKind.HELP, "ask what they need help with this month")


def _tie_break(contact_id: int, today: date) -> str:
    year, week, _ = today.isocalendar()
    return hashlib.sha256(f"{contact_id}:{year}-{week}".encode()).hexdigest()


def one_person_this_week(
    owner, today: date, *, profile: Profile | None = None
) -> PersonSuggestion | None:
    """The active contact (reminders on) longest out of touch relative to their cadence, with a
    suggested give. Deterministic for a given day; ties broken by a hash of the ISO week."""
    profile = profile or profile_for(owner.pk)
    # The database does the per-contact work (local date of the last touch, cadence with the
    # tier's default); Python only compares small ints for the user's few hundred contacts.
    tier_default = Case(
        *[When(tier=tier, then=Value(profile.default_cadence(tier))) for tier in Tier],
        output_field=IntegerField(),
    )
    rows = (
        Contact.objects.filter(owner=owner, archived=False, reminders_off=False)
        .annotate(
            since_day=TruncDate(
                Coalesce("last_interaction_at", "created_at"), tzinfo=profile.zone
            ),
            cadence=Coalesce("cadence_days", tier_default),
        )
        .values_list("pk", "cadence", "since_day")
        .order_by()
    )
    best_ratio, tied = None, []
    for pk, cadence, since_day in rows:
        ratio = (today - since_day).days / cadence
        if best_ratio is None or ratio > best_ratio:
            best_ratio, tied = ratio, [(pk, cadence, since_day)]
        elif ratio == best_ratio:
            tied.append((pk, cadence, since_day))
    if not tied:
        return None
    # Among equals, a stable per-week shuffle.
    pk, cadence, since_day = min(tied, key=lambda row: _tie_break(row[0], today))
    since = (today - since_day).days
    mine = Q(supports__owner=owner)
    given = mine & Q(supports__direction=Direction.GIVE, supports__status=SupportStatus.DONE)
    contact = Contact.objects.annotate(
        given=Count("supports", filter=given),
        received=Count("supports", filter=mine & Q(supports__direction=Direction.RECEIVED)),
    ).get(pk=pk)
    if contact.last_interaction_at:
        reason = f"last talked {_ago(since)}, cadence {cadence}"
    else:
        reason = f"not talked yet since you added them {_ago(since)}"
    if contact.received > contact.given:
        kind, give = SupportKind.HELP, "return the favour: they have helped you more than you them"
    elif contact.working_on:
        kind, give = (
            SupportKind.HELP,
            f"ask how “{contact.working_on[:80]}” is going and offer help",
        )
    else:
        kind, give = _GIVE_BY_DISCIPLINE.get(contact.discipline, _DEFAULT_GIVE)
    return PersonSuggestion(contact=contact, reason=reason, suggested_give=give, give_kind=kind)
