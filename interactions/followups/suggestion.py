"""The weekly "one person" suggestion: the contact longest out of touch relative to their
cadence, with a give that suits them, for a batch of users at once (the digest) or for one."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import (
    Case, Count, F, FloatField, Func, IntegerField, OuterRef, Q, Subquery, Value, When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.db.models.lookups import Exact

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


# Each contact's last touch, or the day they were added if never touched.
SINCE = Coalesce("last_interaction_at", "created_at")
# A local day lasts 25 hours at most (a clock turned back): whoever was touched on the local day
# of a moment, at or after it, was touched within this of it.
LOCAL_DAY_AT_MOST = timedelta(hours=26)


def _active():
    """The contacts the suggestion ranks (active, reminders on), as the index
    contact_owner_cadence holds them: `own_cadence` 0 is the tier's default cadence."""
    return (
        Contact.objects.filter(archived=False, reminders_off=False)
        .alias(since=SINCE, own_cadence=Coalesce("cadence_days", 0))
        .order_by()
    )


def _own_ratio(days) -> Cast:
    """Days since the last touch over the contact's own cadence (NULL without one)."""
    return Cast(days, FloatField()) / Cast("cadence_days", FloatField())


def _days(zone: str, today: date) -> _DaysBetween:
    """Whole days from each contact's last touch to `today`, between local dates in `zone`."""
    return _DaysBetween(Value(today), TruncDate(SINCE, tzinfo=ZoneInfo(zone)))


def cadence_heads(profiles: dict[int, Profile], today_by_owner: dict[int, date]) -> dict:
    """What one_person_by_owner ranks from, as annotations of the batch's users (the digest
    reads them with its counts, in one query). Within one cadence the most overdue contact is
    the one touched longest ago, so for each tier: the oldest touch among the owner's contacts
    on that tier's default, one probe of the index contact_owner_cadence; and the best ratio
    among the contacts with a cadence of their own (a few; or many sharing one after a bulk
    change), from that index's entries."""
    by_zone = grouped_owners(
        {pk: (profile.time_zone, today_by_owner[pk]) for pk, profile in profiles.items()}
    )
    days = Case(
        *[
            When(owner_id__in=ids, then=_days(zone, today))
            for (zone, today), ids in by_zone.items()
        ],
        output_field=IntegerField(),
    )
    heads = {
        f"oldest_{tier}": Subquery(
            _active()
            .filter(owner=OuterRef("pk"), own_cadence=0, tier=tier)
            .order_by("since")
            .values(oldest=F("since"))[:1]
        )
        for tier in Tier
    }
    heads["own_best"] = Subquery(
        _active()
        .filter(owner=OuterRef("pk"), own_cadence__gt=0)
        .alias(ratio=_own_ratio(days))
        .order_by(F("ratio").desc())
        .values(best=F("ratio"))[:1],
        output_field=FloatField(),
    )
    return heads


def one_person_by_owner(
    profiles: dict[int, Profile], today_by_owner: dict[int, date], heads: dict | None = None
) -> dict:
    """{owner id: the active contact (reminders on) longest out of touch relative to their
    cadence, with a suggested give, or None} for each owner, their profile and their today.
    Deterministic for a given day, ties broken by a hash of the ISO week. From `heads` ({owner
    id: the values of cadence_heads}, read here if not given), two queries, none of which reads
    every contact: the contacts as overdue as each owner's best, and the chosen one with their
    support counts."""
    if heads is None:
        heads = {
            row["pk"]: row
            for row in get_user_model()
            .objects.filter(pk__in=list(profiles))
            .values("pk", **cadence_heads(profiles, today_by_owner))
        }
    # A ratio is whole days over whole days: the same float here as in the database.
    best_by_owner = {}
    equal_to_best = Q(pk__in=[])
    for owner_id, profile in profiles.items():
        today, row = today_by_owner[owner_id], heads[owner_id]
        oldest = {tier: row[f"oldest_{tier}"] for tier in Tier if row[f"oldest_{tier}"] is not None}
        ratios = {
            tier: days_since(since, profile.zone, today) / profile.default_cadence(tier)
            for tier, since in oldest.items()
        }
        own_best = row["own_best"]
        best = max([*ratios.values(), *([] if own_best is None else [own_best])], default=None)
        if best is None:
            continue
        best_by_owner[owner_id] = best
        equal = Q(pk__in=[])
        for tier, ratio in ratios.items():
            if ratio == best:
                # Touched on the oldest one's local day (checked below), in that tier.
                since = oldest[tier]
                equal |= Q(
                    own_cadence=0, tier=tier,
                    since__gte=since, since__lt=since + LOCAL_DAY_AT_MOST,
                )
        if own_best == best:
            own_ratio = _own_ratio(_days(profile.time_zone, today))
            equal |= Q(own_cadence__gt=0) & Q(Exact(own_ratio, best))
        equal_to_best |= Q(owner_id=owner_id) & equal
    tied = defaultdict(list)
    for owner_id, pk, last, created, cadence_days, tier in (
        _active()
        .filter(equal_to_best)
        .values_list("owner_id", "pk", "last_interaction_at", "created_at", "cadence_days", "tier")
    ):
        profile = profiles[owner_id]
        days = days_since(last or created, profile.zone, today_by_owner[owner_id])
        if days / (cadence_days or profile.default_cadence(tier)) == best_by_owner[owner_id]:
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
