"""Celery tasks: thin wrappers around services. Beat starts only short scanners (see settings);
each scanner re-reads the database, so a lost message is made up by the next tick."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import digests, followups
from .models import SchedulerTick

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def record_scheduler_tick() -> None:
    """Prove beat, broker and worker are alive: /healthz and the dashboard read this row."""
    SchedulerTick.objects.update_or_create(
        name="scheduler-tick", defaults={"ticked_at": timezone.now()}
    )


def _record_run(name: str) -> None:
    # One row per scanner: when each last completed, for anyone checking a silent reminder.
    SchedulerTick.objects.update_or_create(name=name, defaults={"ticked_at": timezone.now()})


@shared_task(ignore_result=True)
def scan_follow_ups() -> dict:
    """Wake snoozed follow-ups and create due cadence and mentorship follow-ups (idempotent)."""
    result = followups.scan_follow_ups()
    _record_run("scan-follow-ups")
    return result


@shared_task(ignore_result=True)
def scan_digests() -> list[int]:
    """Create the digests whose local moment has come and queue one send per ready digest."""
    ready = digests.scan_due_digests()
    _record_run("scan-digests")
    for digest_id in ready:
        # Queued only once the rows are committed, so a fast worker never misses its row.
        transaction.on_commit(lambda digest_id=digest_id: send_digest.delay(digest_id))
    return ready


@shared_task(bind=True, ignore_result=True, max_retries=5)
def send_digest(self, digest_id: int) -> str:
    """Claim and send one digest. A transient SMTP or network error retries with backoff;
    after the last retry the digest is marked failed. A redelivered message sends nothing twice."""
    try:
        return digests.deliver_digest(digest_id)
    except digests.TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            digests.give_up_digest(digest_id, exc)
            return "failed"
        logger.warning("digest %s: %s; retry %s", digest_id, exc, self.request.retries + 1)
        raise self.retry(exc=exc, countdown=digests.retry_delay(self.request.retries))
