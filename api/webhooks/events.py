"""Finding what happened since a webhook's last scan, as one delivery per event.

The scanner re-reads the database rather than listening to signals: an interaction logged
from a page, the API, a phone or an import is seen the same way, and nothing is lost while the
worker is down. Each event has a key unique per webhook, so scanning twice queues nothing twice.
"""

from datetime import timedelta

from django.db import transaction

from contacts.models import Contact
from contacts.services import get_profile
from interactions.followups import local_today
from interactions.models import FollowUp, FollowUpStatus, Interaction

from ..models import Webhook, WebhookDelivery, WebhookEvent
from ..rest.serializers.contacts import ContactSerializer
from ..rest.serializers.followups import FollowUpSerializer
from ..rest.serializers.interactions import InteractionSerializer

# Rows committed by a long transaction can carry a time a little before the last scan.
OVERLAP = timedelta(minutes=5)


def _envelope(event: str, data: dict, now) -> dict:
    return {"event": event, "occurred_at": now.isoformat(), "data": data}


def _events(hook: Webhook, since, until) -> list[tuple[str, str, dict]]:
    events = []
    owner_id = hook.owner_id
    if WebhookEvent.INTERACTION_LOGGED in hook.events:
        for interaction in Interaction.objects.filter(
            owner_id=owner_id, created_at__gt=since, created_at__lte=until
        ).prefetch_related("contacts"):
            events.append((
                WebhookEvent.INTERACTION_LOGGED,
                f"interaction:{interaction.pk}",
                InteractionSerializer(interaction).data,
            ))
    if WebhookEvent.CONTACT_CHANGED in hook.events:
        for contact in Contact.objects.filter(
            owner_id=owner_id, updated_at__gt=since, updated_at__lte=until
        ).prefetch_related("emails", "phones", "tags"):
            events.append((
                WebhookEvent.CONTACT_CHANGED,
                f"contact:{contact.pk}:{contact.updated_at.isoformat()}",
                ContactSerializer(contact).data,
            ))
    if WebhookEvent.FOLLOW_UP_DUE in hook.events:
        profile = get_profile(hook.owner)
        first_day = hook.created_at.astimezone(profile.zone).date()
        for follow_up in FollowUp.objects.filter(
            owner_id=owner_id,
            status=FollowUpStatus.OPEN,
            due_on__lte=local_today(profile, until),
            due_on__gte=first_day,
        ):
            events.append((
                WebhookEvent.FOLLOW_UP_DUE,
                f"follow_up:{follow_up.pk}:{follow_up.due_on.isoformat()}",
                FollowUpSerializer(follow_up).data,
            ))
    return events


@transaction.atomic
def queue_events(hook: Webhook, now) -> int:
    """Queue a delivery for each event since the hook's last scan; returns how many are new."""
    hook = Webhook.objects.select_for_update().select_related("owner").get(pk=hook.pk)
    since = max(hook.scanned_until - OVERLAP, hook.created_at)
    rows = [
        WebhookDelivery(
            owner_id=hook.owner_id,
            webhook=hook,
            event=event,
            event_key=key,
            payload=_envelope(event, data, now),
            next_attempt_at=now,
        )
        for event, key, data in _events(hook, since, now)
    ]
    existing = set(
        WebhookDelivery.objects.filter(
            webhook=hook, event_key__in=[r.event_key for r in rows]
        ).values_list("event_key", flat=True)
    )
    new = [r for r in rows if r.event_key not in existing]
    WebhookDelivery.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    Webhook.objects.filter(pk=hook.pk).update(scanned_until=now)
    return len(new)
