"""Reads for the contact page that need interactions: the "before you talk" brief, the
timeline of conversations, gives and follow-ups (the contact's own rows are read by
contacts.selectors), and the meeting brief beside the network map."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from django.db.models import Count, Exists, F, OuterRef, Q

from contacts.dates.selectors import UpcomingDate
from contacts.models import Contact
from contacts.selectors import next_due

from ..models import (
    Direction,
    FollowUp,
    FollowUpStatus,
    Interaction,
    Support,
    SupportKind,
    SupportStatus,
)

_UNREAD = object()


def contact_brief(contact: Contact, *, last_interaction=_UNREAD) -> dict:
    """The "before you talk" brief: last conversation, open promises both ways, balance,
    the next open follow-up. The contact page passes the `last_interaction` its timeline
    has read already."""
    last = last_interaction
    if last is _UNREAD:
        last = contact.interactions.order_by("-occurred_at", "-id").first()
    balance = Support.objects.filter(owner=contact.owner_id, contact=contact).aggregate(
        gives=Count("id", filter=Q(direction=Direction.GIVE)),
        received=Count("id", filter=Q(direction=Direction.RECEIVED)),
        asks=Count("id", filter=Q(direction=Direction.ASK)),
    )
    balance["net"] = balance["gives"] - balance["received"] - balance["asks"]
    return {
        "last_interaction": last,
        **open_promises(contact),
        "balance": balance,
        **open_follow_ups(contact, limit=1),
    }


def open_promises(contact: Contact, *, limit: int = 20) -> dict:
    """Gives offered and not yet done (`my_promises`), and what they offered or I asked for
    (`their_promises`), oldest first: one query."""
    open_supports = list(
        Support.objects.filter(
            owner=contact.owner_id, contact=contact, status=SupportStatus.OFFERED
        )
        .select_related("intro_to")
        .order_by("offered_on", "id")[:limit]
    )
    return {
        "my_promises": [s for s in open_supports if s.direction == Direction.GIVE],
        "their_promises": [s for s in open_supports if s.direction != Direction.GIVE],
    }


def open_follow_ups(contact: Contact, *, limit: int) -> dict:
    """The contact's next open or snoozed follow-up and the date the contacts list shows too
    (the earlier of it and the cadence date), and the open follow-ups due after that date,
    soonest first: one query for `limit` follow-ups."""
    follow_ups = list(
        FollowUp.objects.filter(
            owner=contact.owner_id,
            contact=contact,
            status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
        ).order_by("due_on", "id")[:limit]
    )
    next_follow_up = follow_ups[0] if follow_ups else None
    next_due_on = next_due(
        contact.next_follow_up_on, next_follow_up.due_on if next_follow_up else None
    )
    if next_follow_up and next_follow_up.due_on == next_due_on:
        later = follow_ups[1:]  # the first is the next follow-up itself
    else:
        later = follow_ups  # the cadence date comes first
    return {"next_follow_up": next_follow_up, "next_due_on": next_due_on, "later_follow_ups": later}


# What the meeting brief beside the map shows at most: a few of each, whatever the history.
BRIEF_CONVERSATIONS = 3
BRIEF_GIVES = 3
BRIEF_FOLLOW_UPS = 5
BRIEF_PROMISES = 10
BRIEF_DATES_DAYS = 60


def meeting_brief(contact: Contact, today: date) -> dict:
    """What to know before meeting someone (the brief beside the network map): the last
    conversations, open promises and follow-ups both ways, recent gives each way and the
    balance, intros, important dates in the next BRIEF_DATES_DAYS days. Nine queries, each
    bounded, whatever the contact's history."""
    supports = Support.objects.filter(owner=contact.owner_id, contact=contact)
    counted = ~Q(status=SupportStatus.DECLINED)
    counts = supports.aggregate(
        gives=Count("id", filter=Q(direction=Direction.GIVE) & counted),
        received=Count("id", filter=Q(direction=Direction.RECEIVED) & counted),
        asks=Count("id", filter=Q(direction=Direction.ASK) & counted),
    )
    done = supports.filter(status=SupportStatus.DONE).select_related("intro_to")
    done = done.order_by(F("done_on").desc(nulls_last=True), "-offered_on", "-id")
    return {
        "conversations": list(
            contact.interactions.order_by("-occurred_at", "-id")[:BRIEF_CONVERSATIONS]
        ),
        **open_promises(contact, limit=BRIEF_PROMISES),
        **open_follow_ups(contact, limit=BRIEF_FOLLOW_UPS),
        "counts": counts,
        "given": list(done.filter(direction=Direction.GIVE)[:BRIEF_GIVES]),
        "received": list(done.filter(direction=Direction.RECEIVED)[:BRIEF_GIVES]),
        "intros": contact_intros(contact),
        "dates": _dates_coming_up(contact, today),
    }


def _dates_coming_up(contact: Contact, today: date) -> list[UpcomingDate]:
    end = today + timedelta(days=BRIEF_DATES_DAYS - 1)
    coming = []
    for row in contact.important_dates.order_by("month", "day", "id")[:50]:
        on = row.next_on(today)
        if on is not None and on <= end:
            coming.append(UpcomingDate(on, row))
    return sorted(coming, key=lambda u: u.on)


# The briefs show the newest few intros a contact was part of.
INTROS_SHOWN = 5


def contact_intros(contact: Contact, *, limit: int = INTROS_SHOWN) -> list[Support]:
    """The intros this contact was part of, either side, newest first (one query). Each carries
    `other`: the person they were introduced to, or who was introduced to them."""
    intros = list(
        Support.objects.filter(
            Q(contact=contact) | Q(intro_to=contact), owner=contact.owner_id, kind=SupportKind.INTRO
        )
        .exclude(status=SupportStatus.DECLINED)
        .select_related("contact", "intro_to")
        .order_by("-offered_on", "-id")[:limit]
    )
    for intro in intros:
        intro.other = intro.contact if intro.intro_to_id == contact.pk else intro.intro_to
    return intros


# The contact page shows the newest entries; "Show full history" loads up to the larger cap.
TIMELINE_RECENT = 30
TIMELINE_FULL = 500


class Timeline(NamedTuple):
    entries: list[dict]
    more: bool  # older entries were left out
    latest_interaction: object  # the newest Interaction, or None


def contact_timeline(contact: Contact, *, limit: int = TIMELINE_RECENT) -> Timeline:
    """Interactions, supports and follow-ups of a contact, newest first (bounded queries merged
    in Python). Each interaction carries `others`: the names of the other people in it; a
    support whose `intro_to` is this contact is an intro made to them."""
    interactions = list(contact.interactions.order_by("-occurred_at", "-id")[: limit + 1])
    others = defaultdict(list)
    if interactions:
        # Names only: prefetching whole contacts cost more than the rest of the timeline.
        rows = (
            Interaction.contacts.through.objects.filter(
                interaction_id__in=[i.pk for i in interactions]
            )
            .exclude(contact_id=contact.pk)
            .order_by("contact__name", "contact_id")
            .values_list("interaction_id", "contact__name", "contact__preferred_name")
        )
        for interaction_id, name, preferred_name in rows:
            others[interaction_id].append(preferred_name or name)
    for interaction in interactions:
        interaction.others = others[interaction.pk]
    # Their own gives, asks and received, and the intros in which they were the second person
    # ("introduced to A by you"): an intro is one row, shown on both people's pages.
    supports = (
        Support.objects.filter(Q(contact=contact) | Q(intro_to=contact), owner=contact.owner_id)
        .select_related("contact", "intro_to")
        .order_by("-offered_on", "-id")[: limit + 1]
    )
    follow_ups = FollowUp.objects.filter(owner=contact.owner_id, contact=contact).order_by(
        "-due_on", "-id"
    )[: limit + 1]
    entries = [{"type": "interaction", "when": i.occurred_at, "obj": i} for i in interactions]
    entries += [{"type": "support", "when": _as_datetime(s.offered_on), "obj": s} for s in supports]
    entries += [{"type": "follow_up", "when": _as_datetime(f.due_on), "obj": f} for f in follow_ups]
    entries.sort(key=lambda e: e["when"], reverse=True)
    return Timeline(entries[:limit], len(entries) > limit, interactions[0] if interactions else None)


# The delete page reads at most this many of a contact's conversations alone, the most recently
# logged first: their count up to it ("more than" beyond) and the newest few of them. Counting
# them all read the contact's whole history: 2,817 of the busiest contact's 3,093 at 30,000
# contacts, 40 ms of the page's 48.
ALONE_READ = 100


class Alone(NamedTuple):
    count: int  # ALONE_READ + 1: more than ALONE_READ
    latest: list  # the newest few Interactions

    @property
    def up_to(self) -> int:
        return ALONE_READ

    @property
    def over(self) -> bool:
        return self.count > ALONE_READ

    @property
    def more(self) -> int:
        return self.count - len(self.latest)


def conversations_alone(contact: Contact, *, shown: int = 5) -> Alone:
    """The contact's conversations with no one else on them: deleting the contact leaves them
    in the log with no one. Up to ALONE_READ + 1 of them, the most recently logged first (index
    interaction_contacts_by_contact), and the `shown` newest of those by date: all of them up
    to ALONE_READ. Two queries, each bounded whatever the history."""
    links = Interaction.contacts.through.objects
    others = links.filter(interaction_id=OuterRef("interaction_id")).exclude(contact_id=contact.pk)
    ids = list(
        links.filter(contact_id=contact.pk, interaction__owner_id=contact.owner_id)
        .exclude(Exists(others))
        .order_by("-interaction_id")
        .values_list("interaction_id", flat=True)[: ALONE_READ + 1]
    )
    if not ids:
        return Alone(0, [])
    newest = Interaction.objects.filter(pk__in=ids[:ALONE_READ]).order_by("-occurred_at", "-id")
    return Alone(len(ids), list(newest[:shown]))


def _as_datetime(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)
