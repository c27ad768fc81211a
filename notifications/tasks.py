"""Celery tasks for reminders: thin wrappers around notifications.delivery. Beat starts only the
scanner; each delivery is queued by id, claimed before it is sent, and so never sent twice."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from interactions.models import SchedulerTick

from . import delivery


@shared_task(ignore_result=True)
def scan_reminders() -> list[int]:
    """Make the nudges whose local hour has come and queue every delivery that is due."""
    ready = delivery.scan_nudges()
    SchedulerTick.objects.update_or_create(
        name="scan-reminders", defaults={"ticked_at": timezone.now()}
    )
    for delivery_id in ready:
        # Queued once the rows are committed, so a fast worker never misses its row.
        transaction.on_commit(lambda delivery_id=delivery_id: deliver_reminder.delay(delivery_id))
    return ready


@shared_task(ignore_result=True)
def deliver_reminder(delivery_id: int) -> str:
    """Claim and send one delivery; a retryable failure queues it again for its next try (and
    the scanner picks it up then if that message is lost). A repeat sends nothing twice."""
    outcome, retry_in = delivery.deliver(delivery_id)
    if retry_in is not None:
        # A second late, so the claim finds it due.
        deliver_reminder.apply_async((delivery_id,), countdown=retry_in + 1)
    return outcome
