"""Relationship strength: the formula, the periodic recomputation that stores it on every
contact (`Contact.strength`), and the readers of the stored value for the pages.

Pages never recompute strength from history: `recompute_strength` runs after every logged touch
or give (interactions.services) and daily for decay (interactions.tasks.recompute_strength), so
the stored value is at most a day's decay (under 1%) behind the formula.
"""

import datetime
import math
from collections import defaultdict

from django.db.models import Case, Count, FloatField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from contacts.models import Contact

from ..models import Direction, Interaction, InteractionKind, Support, SupportStatus

# --- The formula ------------------------------------------------------------------------------

STRENGTH_HALF_LIFE_DAYS = 90
STRENGTH_SCALE = 5.0
SUPPORT_WEIGHT = 1.5
# A touch is worth more when it is a real conversation than when it is a quick message.
INTERACTION_WEIGHTS = {
    InteractionKind.COFFEE: 1.0,
    InteractionKind.MENTORING: 1.0,
    InteractionKind.VIDEO: 0.8,
    InteractionKind.CALL: 0.8,
    InteractionKind.EVENT: 0.6,
    InteractionKind.CODE_REVIEW: 0.5,
    InteractionKind.OTHER: 0.5,
    InteractionKind.EMAIL: 0.4,
    InteractionKind.MESSAGE: 0.3,
    InteractionKind.COMMUNITY: 0.3,
}
DEFAULT_INTERACTION_WEIGHT = 0.5
# Age buckets in days, [start, end). SQL sums the weights per bucket (portable, no EXP or date
# arithmetic in the database); each bucket then decays as if its touches were at its midpoint.
AGE_BUCKETS = ((0, 14), (14, 30), (30, 60), (60, 90), (90, 180), (180, 365), (365, 730))


def bucket_decay(start: int, end: int) -> float:
    """How much a touch in the age bucket [start, end) days still counts: half-life decay at the
    bucket's midpoint."""
    midpoint = (start + end) / 2
    return 0.5 ** (midpoint / STRENGTH_HALF_LIFE_DAYS)


BUCKET_DECAYS = tuple(bucket_decay(start, end) for start, end in AGE_BUCKETS)


def strength_from_raw(raw: float) -> float:
    """Squash a sum of decayed touch weights into 0–100: 100 × (1 − e^(−raw / 5)), one decimal."""
    return round(100 * (1 - math.exp(-max(raw, 0.0) / STRENGTH_SCALE)), 1)


STRENGTH_EXPLANATION = (
    f"Every interaction in the last two years adds its kind's weight (coffee or mentoring 1, "
    f"call or video 0.8, event 0.6, code review 0.5, email 0.4, message or community post 0.3), "
    f"and every give or received support (not declined) adds {SUPPORT_WEIGHT}. Each contribution "
    f"halves every {STRENGTH_HALF_LIFE_DAYS} days (touches are grouped by age: under 2 weeks, "
    f"2–4 weeks, 1–2 months, 2–3 months, 3–6 months, 6–12 months, 1–2 years). The sum is squashed "
    f"into 0–100 as 100 × (1 − e^(−sum / {STRENGTH_SCALE:g})): one coffee today gives about 17, "
    f"a monthly coffee for a year about 56, a weekly one for three months about 85."
)


def _bucket_filters(lookup: str, now):
    """One Q per age bucket on `lookup` (a datetime or date field), newest first; the newest
    bucket also takes anything dated in the future."""
    filters = []
    for index, (start, end) in enumerate(AGE_BUCKETS):
        q = Q(**{f"{lookup}__gt": now - datetime.timedelta(days=end)})
        if index:
            q &= Q(**{f"{lookup}__lte": now - datetime.timedelta(days=start)})
        filters.append(q)
    return filters


def raw_strengths(now: datetime.datetime, owner_id=None, contact_ids=None) -> dict[int, float]:
    """Sum of decayed touch and support weights per contact id (two aggregate queries; one
    owner, or every owner when owner_id is None; optionally only a few contacts)."""
    raw: dict[int, float] = defaultdict(float)

    through = Interaction.contacts.through.objects.all()
    if owner_id is not None:
        through = through.filter(interaction__owner_id=owner_id)
    if contact_ids is not None:
        through = through.filter(contact_id__in=contact_ids)
    weight = Case(
        *[When(interaction__kind=kind, then=Value(w)) for kind, w in INTERACTION_WEIGHTS.items()],
        default=Value(DEFAULT_INTERACTION_WEIGHT),
        output_field=FloatField(),
    )
    buckets = {
        f"b{i}": Sum(weight, filter=q)
        for i, q in enumerate(_bucket_filters("interaction__occurred_at", now))
    }
    oldest = now - datetime.timedelta(days=AGE_BUCKETS[-1][1])
    rows = (
        through.filter(interaction__occurred_at__gt=oldest)
        .values("contact_id")
        .annotate(**buckets)
        .order_by()
    )
    for row in rows:
        raw[row["contact_id"]] += sum(
            (row[f"b{i}"] or 0) * decay for i, decay in enumerate(BUCKET_DECAYS)
        )

    today = now.date()
    supports = Support.objects.filter(
        direction__in=[Direction.GIVE, Direction.RECEIVED]
    ).exclude(status=SupportStatus.DECLINED)
    if owner_id is not None:
        supports = supports.filter(owner_id=owner_id)
    if contact_ids is not None:
        supports = supports.filter(contact_id__in=contact_ids)
    supports = supports.annotate(day=Coalesce("done_on", "offered_on"))
    counts = {
        f"b{i}": Count("id", filter=q) for i, q in enumerate(_bucket_filters("day", today))
    }
    rows = (
        supports.filter(day__gt=today - datetime.timedelta(days=AGE_BUCKETS[-1][1]))
        .values("contact_id")
        .annotate(**counts)
        .order_by()
    )
    for row in rows:
        raw[row["contact_id"]] += SUPPORT_WEIGHT * sum(
            row[f"b{i}"] * decay for i, decay in enumerate(BUCKET_DECAYS)
        )
    return raw


def strength_scores(owner, now: datetime.datetime | None = None) -> dict[int, float]:
    """Strength 0–100 per contact id of `owner` that has any touch or support in two years
    (contacts missing from the dict are at 0), computed from the whole history: what
    `recompute_strength` stores. Pages read the stored `Contact.strength` instead."""
    now = now or timezone.now()
    return {cid: strength_from_raw(r) for cid, r in raw_strengths(now, owner.pk).items()}


def recompute_strength(
    owner_id=None, now: datetime.datetime | None = None, batch_size=500, *, contact_ids=None
) -> int:
    """Store the current strength on every contact (of one owner, or all, or only `contact_ids`,
    e.g. right after logging an interaction); returns how many changed. Meant to run daily so
    decay shows on the contacts list."""
    now = now or timezone.now()
    if contact_ids is not None:
        contact_ids = list(contact_ids)
    raw = raw_strengths(now, owner_id, contact_ids)
    contacts = Contact.objects.all()
    if owner_id is not None:
        contacts = contacts.filter(owner_id=owner_id)
    if contact_ids is not None:
        contacts = contacts.filter(id__in=contact_ids)
    changed = []
    updated = 0
    for contact_id, stored in contacts.values_list("id", "strength").iterator(chunk_size=2000):
        value = strength_from_raw(raw.get(contact_id, 0.0))
        if value != stored:
            changed.append(Contact(id=contact_id, strength=value))
        if len(changed) >= batch_size:
            Contact.objects.bulk_update(changed, ["strength"])
            updated += len(changed)
            changed = []
    if changed:
        Contact.objects.bulk_update(changed, ["strength"])
        updated += len(changed)
    return updated


# --- Reading the stored value ----------------------------------------------------------------


def strongest_ties(owner, limit: int = 10) -> list[Contact]:
    """The active contacts with the highest stored strength (above 0), strongest first."""
    return list(
        Contact.objects.filter(owner=owner, archived=False, strength__gt=0).order_by(
            "-strength", "name", "id"
        )[:limit]
    )
