"""Webhooks created, changed and removed from Settings, and the scanner beat runs."""

import secrets

from django.db import transaction
from django.utils import timezone

from ..models import Webhook
from . import delivery, events


def create_webhook(owner, url: str, chosen_events: list[str]) -> Webhook:
    """A webhook for these events; only what happens from now on is sent."""
    return Webhook.objects.create(
        owner=owner, url=url, events=list(chosen_events), secret=secrets.token_hex(32),
        scanned_until=timezone.now(),
    )


def delete_webhook(hook: Webhook) -> None:
    """Remove a webhook and its deliveries (undelivered ones are never sent)."""
    hook.delete()


@transaction.atomic
def set_active(hook: Webhook, active: bool) -> None:
    """Pause or resume; events while paused are not sent later."""
    Webhook.objects.filter(pk=hook.pk).update(active=active, scanned_until=timezone.now())


def scan(now=None) -> dict:
    """Queue the deliveries of new events for every active webhook, hand stale claims back,
    and return the ids of the deliveries due now (the task queues one send each)."""
    now = now or timezone.now()
    queued = sum(
        events.queue_events(hook, now)
        for hook in Webhook.objects.filter(active=True).exclude(events=[])
    )
    released = delivery.release_stale_claims(now)
    return {"queued": queued, "released": released, "due": delivery.due_deliveries(now)}
