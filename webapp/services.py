"""Logging a conversation under an idempotency key: the key's row and the interaction are
written in one transaction, and the key is unique per user, so two sends of one key (even at
the same moment) log it once."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.services import get_profile
from interactions import services as interaction_services
from interactions.models import Interaction

from .models import OfflineLog

# A device's clock is believed this far back; older claims are a wrong clock.
OLDEST_LOGGED_AT = timedelta(days=60)


@dataclass(frozen=True)
class Logged:
    interaction: Interaction | None  # None: logged before, and deleted since
    new: bool


def parse_key(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def already_logged(owner, key: uuid.UUID) -> Logged | None:
    """What an earlier send of this key logged, or None when it is new."""
    row = OfflineLog.objects.filter(owner=owner, key=key).select_related("interaction").first()
    return Logged(row.interaction, new=False) if row else None


def _occurred_at(owner, day, logged_at: datetime | None, now: datetime) -> datetime | None:
    # Logged offline in the morning and sent in the evening: the conversation was in the
    # morning. The device's time counts when it is plausible and on the chosen day.
    if logged_at is None or not now - OLDEST_LOGGED_AT <= logged_at <= now:
        return None
    zone = get_profile(owner).zone
    return interaction_services.occurred_at_for(day, zone, now=logged_at)


def log_once(owner, key: uuid.UUID | None, data: dict, *, logged_at: datetime | None = None):
    """Log the Log form's cleaned `data` unless `key` was logged before. Returns Logged."""
    now = timezone.now()
    data = dict(data)
    occurred_at = _occurred_at(owner, data.get("occurred_on"), logged_at, now)
    if occurred_at is not None:
        data["occurred_at"] = occurred_at
    if key is None:
        return Logged(interaction_services.log_interaction(owner, data), new=True)
    try:
        with transaction.atomic():
            row = OfflineLog.objects.create(owner=owner, key=key)
            interaction = interaction_services.log_interaction(owner, data)
            row.interaction = interaction
            row.save(update_fields=["interaction"])
    except IntegrityError:
        # The same key arrived twice at once; the other request logged it.
        earlier = already_logged(owner, key)
        if earlier is None:
            raise
        return earlier
    return Logged(interaction, new=True)
