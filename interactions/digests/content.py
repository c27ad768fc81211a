"""What the weekly digest says: who to reach out to and why, open promises both ways, one person
to connect with, upcoming events, the week's birthdays and dates, and the week in numbers. Built for a batch of users at a time
in a fixed number of queries (build_digests); the preview is a batch of one."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, F, Func, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.expressions import Star
from django.urls import reverse

from contacts.dates.selectors import upcoming_dates_by_owner
from contacts.models import Contact, Profile
from contacts.services import get_profile

from ..followups import OPEN_STATUSES, local_today
from ..models import Direction, FollowUp, Interaction, Support, SupportStatus
from ..followups.selectors import (
    follow_up_reason_text,
    grouped_owners,
    open_follow_ups_by_owner,
    open_promises_by_owner,
    upcoming_events_by_owner,
)
from ..followups.suggestion import cadence_heads, one_person_by_owner
from .schedule import profile_of
from .tokens import (
    ACTION_SALT,
    UNSUBSCRIBE_SALT,
    BatchSigner,
    absolute_url,
    contact_url_filler,
    make_action_token,
    make_unsubscribe_token,
    url_filler,
)

MAX_ITEMS = 20
MAX_EVENTS = 5
DATES_DAYS = 7  # the digest's week: birthdays and dates from its first day to its last


def _each_owners(value_by_owner: dict) -> Case:
    """Each owner's own value, as an expression on the batch's users: the value most of them
    share is the ELSE branch, so the SQL does not list their ids."""
    *others, (usual, _) = sorted(
        grouped_owners(value_by_owner).items(), key=lambda group: len(group[1])
    )
    return Case(
        *[When(pk__in=owner_ids, then=Value(value)) for value, owner_ids in others],
        default=Value(usual),
    )


def _figures_by_owner(now: datetime, today_by_owner: dict[int, date], heads: dict) -> dict:
    """{owner id: how many follow-ups are due this week (`due`) and the numbers of the stats
    line, and the values of `heads` (annotations of the users: the one person's starting
    points)}, in one query: a COUNT per number and user, each an index range of that user's
    rows, read from the index alone."""
    owner = OuterRef("pk")
    counts = {
        "due": FollowUp.objects.filter(
            owner=owner, status__in=OPEN_STATUSES, due_on__lte=OuterRef("due_until")
        ),
        "touches_7d": Interaction.objects.filter(
            owner=owner, occurred_at__gte=now - timedelta(days=7)
        ),
        "gives_done_30d": Support.objects.filter(
            owner=owner,
            direction=Direction.GIVE,
            status=SupportStatus.DONE,
            done_on__gte=OuterRef("gives_since"),
        ),
        "open_follow_ups": FollowUp.objects.filter(owner=owner, status__in=OPEN_STATUSES),
        # contact_owner_cadence holds the active contacts: counted from its entries.
        "contacts": Contact.objects.filter(owner=owner, archived=False),
    }
    # A COUNT without GROUP BY per owner: Func, not the Count aggregate; of *, not of the id,
    # so that PostgreSQL counts from the index alone (followup_open_due, interaction_owner_recent)
    # where it can. Prefixed: the names would clash with the user model's reverse relations.
    count = Func(Star(), function="COUNT", output_field=IntegerField())
    subqueries = {
        f"n_{name}": Subquery(qs.order_by().annotate(n=count).values("n"))
        for name, qs in counts.items()
    }
    # Due this week counts people, as the subject says ("3 people"), not their follow-ups.
    people = Func(F("contact_id"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
    subqueries["n_due"] = Subquery(
        counts["due"].order_by().annotate(n=people).values("n"), output_field=IntegerField()
    )
    rows = (
        get_user_model()
        .objects.filter(pk__in=list(today_by_owner))
        .annotate(
            due_until=_each_owners(
                {pk: today + timedelta(days=6) for pk, today in today_by_owner.items()}
            ),
            gives_since=_each_owners(
                {pk: today - timedelta(days=30) for pk, today in today_by_owner.items()}
            ),
        )
        .values("pk", **subqueries, **heads)
    )
    return {
        row["pk"]: (
            {name: row[f"n_{name}"] for name in counts}, {name: row[name] for name in heads}
        )
        for row in rows
    }


@dataclass(frozen=True)
class _Links:
    """The URLs of a batch's digests: reverse() runs once per view and one signer per salt
    signs all the batch's tokens, not one of each per link."""

    contact: Callable[[int], str]  # contact id -> URL
    settings: str
    action: Callable[[FollowUp, str], str] | None  # follow-up, action -> signed one-click URL
    unsubscribe: Callable[[int], str] | None  # user id -> signed URL

    @classmethod
    def make(cls, links: bool) -> "_Links":
        contact, settings_url = contact_url_filler(), absolute_url(reverse("settings"))
        if not links:
            return cls(contact, settings_url, None, None)
        action_url = url_filler("digest:action", "token")
        unsubscribe_url = url_filler("digest:unsubscribe", "token")
        actions, unsubscribes = BatchSigner(ACTION_SALT), BatchSigner(UNSUBSCRIBE_SALT)
        return cls(
            contact,
            settings_url,
            lambda follow_up, action: action_url(
                make_action_token(follow_up, action, signer=actions)
            ),
            lambda user_id: unsubscribe_url(make_unsubscribe_token(user_id, signer=unsubscribes)),
        )


def _digest_context(
    owner, profile, today, due, promises, person, events, dates, counts, links
):
    """The template context of one digest from what was read for it."""
    stats = dict(counts)
    due_total = stats.pop("due")
    # One item per person, with every reason they are due (a promise and their cadence, say);
    # the one-click links act on the one due first.
    by_person: dict[int, dict] = {}
    for follow_up in due:
        reason = follow_up_reason_text(follow_up, today, profile=profile)
        if follow_up.contact_id in by_person:
            by_person[follow_up.contact_id]["reason"] += f"; {reason}"
            continue
        item = {
            "follow_up": follow_up,
            "contact": follow_up.contact,
            "reason": reason,
            "overdue_days": (today - follow_up.due_on).days,
            "contact_url": links.contact(follow_up.contact_id),
        }
        if links.action:
            item["done_url"] = links.action(follow_up, "done")
            item["snooze_url"] = links.action(follow_up, "snooze")
        by_person[follow_up.contact_id] = item
    reach_out = list(by_person.values())
    mine, theirs = promises
    return {
        "owner": owner,
        "profile": profile,
        "today": today,
        "week_end": today + timedelta(days=6),
        "reach_out": reach_out,
        "reach_out_total": due_total,
        "promises_mine": mine,
        "promises_theirs": theirs,
        "person": person,
        "person_url": links.contact(person.contact.pk) if person else "",
        "events": events,
        # Birthdays and other important dates of the week, each with its contact's link.
        "dates": [
            {"on": d.on, "name": d.contact.display_name, "text": d.text,
             "url": links.contact(d.contact.pk)}
            for d in dates
        ],
        "stats": stats,
        "site_url": settings.SITE_URL,
        "settings_url": links.settings,
        "unsubscribe_url": links.unsubscribe(owner.pk) if links.unsubscribe else "",
    }


def build_digests(owners, now: datetime, *, links: bool = True) -> list[dict]:
    """Everything each of `owners` (users loaded with select_related("profile")) is told for
    the week starting on their today, in their zone: who to reach out to and why, open promises
    both ways, one person to connect with, events, important dates, stats. In the same order, in eight queries
    for the whole batch whatever the number of users or the size of their networks."""
    return _build_digests(owners, {owner.pk: profile_of(owner) for owner in owners}, now, links)


def build_digest(
    owner, now: datetime, *, profile: Profile | None = None, links: bool = True
) -> dict:
    """build_digests for one user (the preview), in the same eight queries."""
    profiles = {owner.pk: profile or get_profile(owner)}
    return _build_digests([owner], profiles, now, links)[0]


def _build_digests(owners, profiles: dict[int, Profile], now: datetime, links: bool) -> list:
    if not owners:
        return []
    today = {pk: local_today(profile, now) for pk, profile in profiles.items()}
    due = open_follow_ups_by_owner(
        {pk: day + timedelta(days=6) for pk, day in today.items()}, MAX_ITEMS
    )
    figures = _figures_by_owner(now, today, cadence_heads(profiles, today))
    counts = {pk: numbers for pk, (numbers, _) in figures.items()}
    promises = open_promises_by_owner(list(profiles))
    people = one_person_by_owner(profiles, today, {pk: heads for pk, (_, heads) in figures.items()})
    events = upcoming_events_by_owner(today, MAX_EVENTS)
    dates = upcoming_dates_by_owner(list(profiles), today, DATES_DAYS)
    shared_links = _Links.make(links)
    return [
        _digest_context(
            owner, profiles[owner.pk], today[owner.pk], due[owner.pk], promises[owner.pk],
            people[owner.pk], events[owner.pk], dates[owner.pk], counts[owner.pk], shared_links,
        )
        for owner in owners
    ]
