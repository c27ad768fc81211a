"""Dormant ties (people the user used to talk to who went quiet) and the ones revived lately.

Both start from the stored `Contact.last_interaction_at` (kept by interactions.followups), so
only the few candidate contacts' interactions are ever counted, not the whole history.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count, DurationField, Exists, ExpressionWrapper, F, Max, Min, OuterRef, Q,
)
from django.utils import timezone

from contacts.models import Contact

from ..models import Interaction

DORMANT_MIN_TOUCHES = 3
DORMANT_AFTER_DAYS = 180
REVIVED_WINDOW_DAYS = 90


@dataclass
class DormantTie:
    contact: Contact
    touches: int
    last_at: datetime.datetime
    days_quiet: int


def dormant_ties(owner, now: datetime.datetime | None = None, limit: int = 10) -> list[DormantTie]:
    """Active contacts with at least 3 interactions but none in the last 180 days, the ones with
    the most history first (then the most recently lost). One query."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=DORMANT_AFTER_DAYS)
    contacts = (
        Contact.objects.filter(owner=owner, archived=False, last_interaction_at__lt=cutoff)
        .annotate(touches=Count("interactions"))
        .filter(touches__gte=DORMANT_MIN_TOUCHES)
        .order_by("-touches", "-last_interaction_at", "name")[:limit]
    )
    return [
        DormantTie(c, c.touches, c.last_interaction_at, (now - c.last_interaction_at).days)
        for c in contacts
    ]


@dataclass
class RevivedTie:
    contact: Contact
    revived_at: datetime.datetime
    gap_days: int


def revived_ties(
    owner, now: datetime.datetime | None = None, window_days: int = REVIVED_WINDOW_DAYS,
    limit: int = 10,
) -> list[RevivedTie]:
    """Dormant ties the user revived: contacts whose first conversation in the last 90 days came
    after at least 180 quiet days, the `limit` longest gaps first (like the dormant ones: the
    card listed all 2,574 of an account of 30,000 contacts, 410 KB). One query.

    A revived contact cannot have been touched between 180 days ago and the window's start (the
    gap to its first touch in the window would be shorter than 180 days), so contacts touched
    then are ruled out before their interactions are aggregated.
    """
    now = now or timezone.now()
    since = now - datetime.timedelta(days=window_days)
    quiet_from = now - datetime.timedelta(days=DORMANT_AFTER_DAYS)
    candidates = Contact.objects.filter(owner=owner, last_interaction_at__gte=since)
    if quiet_from < since:
        touched_then = Interaction.contacts.through.objects.filter(
            contact_id=OuterRef("pk"),
            interaction__occurred_at__gt=quiet_from,
            interaction__occurred_at__lt=since,
        )
        candidates = candidates.exclude(Exists(touched_then))
    in_window = Q(interactions__occurred_at__gte=since, interactions__occurred_at__lte=now)
    contacts = candidates.annotate(
        revived_at=Min("interactions__occurred_at", filter=in_window),
        previous_at=Max(
            "interactions__occurred_at", filter=Q(interactions__occurred_at__lt=since)
        ),
    ).annotate(
        gap=ExpressionWrapper(F("revived_at") - F("previous_at"), output_field=DurationField())
    ).filter(gap__gte=datetime.timedelta(days=DORMANT_AFTER_DAYS))
    return [
        RevivedTie(c, c.revived_at, c.gap.days)
        for c in contacts.order_by("-gap", "name", "pk")[:limit]
    ]
