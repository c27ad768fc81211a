"""The weekly "one person" suggestion: the contact longest out of touch relative to their
cadence, with a give that suits them, for a batch of users at once (the digest) or for one."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, F, FloatField, Func, IntegerField, Q, Value, When, Window
from django.db.models.functions import Cast, Coalesce, Rank, TruncDate

from contacts.models import Contact, Discipline, Profile, Tier

from ..models import Direction, SupportKind, SupportStatus
from .schedule import cadence_for, days_since
from .selectors import _ago, grouped_owners, profile_for


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


def _with_support_counts(contacts):
    """Contacts with `given` (gives done) and `received` counts of their owner's supports."""
    mine = Q(supports__owner=F("owner"))
    given = mine & Q(supports__direction=Direction.GIVE, supports__status=SupportStatus.DONE)
    return contacts.annotate(
        given=Count("supports", filter=given),
        received=Count("supports", filter=mine & Q(supports__direction=Direction.RECEIVED)),
    )


def _suggestion(contact: Contact, cadence: int, since: int) -> PersonSuggestion:
    """The suggestion for the chosen contact, `since` days after the last touch (or the day
    they were added)."""
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


class _DaysBetween(Func):
    """Whole days from the second date to the first."""

    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def one_person_by_owner(profiles: dict[int, Profile], today_by_owner: dict[int, date]) -> dict:
    """{owner id: the active contact (reminders on) longest out of touch relative to their
    cadence, with a suggested give, or None} for each owner, their profile and their today.
    Deterministic for a given day, ties broken by a hash of the ISO week. The database ranks
    every contact of the batch (days since the last touch in the owner's zone over the cadence)
    and returns only each owner's best; two queries."""
    since = Coalesce("last_interaction_at", "created_at")
    by_zone = grouped_owners(
        {pk: (profile.time_zone, today_by_owner[pk]) for pk, profile in profiles.items()}
    )
    days = Case(
        *[
            When(
                owner_id__in=owner_ids,
                then=_DaysBetween(Value(today), TruncDate(since, tzinfo=ZoneInfo(zone))),
            )
            for (zone, today), owner_ids in by_zone.items()
        ],
        output_field=IntegerField(),
    )
    # Most users keep the same defaults: the largest group is the ELSE branch, so the query
    # does not list its owners once per tier.
    cadences = {
        pk: tuple(profile.default_cadence(tier) for tier in Tier)
        for pk, profile in profiles.items()
    }
    by_defaults = sorted(grouped_owners(cadences).items(), key=lambda group: len(group[1]))
    *others, (usual, _) = by_defaults
    tier_default = Case(
        *[
            When(owner_id__in=owner_ids, tier=tier, then=Value(default))
            for defaults, owner_ids in others
            for tier, default in zip(Tier, defaults, strict=True)
        ],
        *[When(tier=tier, then=Value(default)) for tier, default in zip(Tier, usual, strict=True)],
        output_field=IntegerField(),
    )
    ratio = Cast(days, FloatField()) / Cast(Coalesce("cadence_days", tier_default), FloatField())
    # Only the ids of each owner's best: the days and the cadence of the few chosen are
    # reckoned again in Python below, which costs less than selecting them for every contact
    # (PostgreSQL computed the days twice per row, for the ranking and for the column).
    best = (
        Contact.objects.filter(owner_id__in=list(profiles), archived=False, reminders_off=False)
        # The unsorted have no cadence to be overdue against (and a NULL ratio sorts first).
        .exclude(tier="", cadence_days__isnull=True)
        .annotate(rank=Window(Rank(), partition_by=[F("owner_id")], order_by=ratio.desc()))
        .filter(rank=1)
        .values_list("owner_id", "pk")
        .order_by()
    )
    tied = defaultdict(list)
    for owner_id, pk in best:
        tied[owner_id].append(pk)
    # Among equals, a stable per-week shuffle.
    chosen = {
        owner_id: min(pks, key=lambda pk: _tie_break(pk, today_by_owner[owner_id]))
        for owner_id, pks in tied.items()
    }
    contacts = _with_support_counts(Contact.objects.filter(pk__in=list(chosen.values()))).in_bulk()
    found = dict.fromkeys(profiles)
    for owner_id, pk in chosen.items():
        contact, profile = contacts[pk], profiles[owner_id]
        since = days_since(
            contact.last_interaction_at or contact.created_at, profile.zone, today_by_owner[owner_id]
        )
        found[owner_id] = _suggestion(contact, cadence_for(contact, profile), since)
    return found


def one_person_this_week(
    owner, today: date, *, profile: Profile | None = None
) -> PersonSuggestion | None:
    """The active contact (reminders on) longest out of touch relative to their cadence, with a
    suggested give: one_person_by_owner for a batch of one."""
    profile = profile or profile_for(owner.pk)
    return one_person_by_owner({owner.pk: profile}, {owner.pk: today})[owner.pk]
