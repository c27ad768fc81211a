"""Celery tasks: thin wrappers around services. Beat starts only short scanners (see settings);
each scanner re-reads the database, so a lost message is made up by the next tick."""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from network_crm import health

from . import digests, followups, insights
from .backup import jobs as backup_jobs
from .models import SchedulerTick

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def record_scheduler_tick() -> None:
    """Prove beat, broker and worker are alive: /healthz and the dashboard read this row (and
    its copy in the cache)."""
    now = timezone.now()
    SchedulerTick.objects.update_or_create(name="scheduler-tick", defaults={"ticked_at": now})
    health.remember_tick(now)


def _record_run(name: str) -> None:
    # One row per scanner: when each last completed, for anyone checking a silent reminder.
    SchedulerTick.objects.update_or_create(name=name, defaults={"ticked_at": timezone.now()})


@shared_task(ignore_result=True)
def scan_follow_ups() -> dict:
    """Wake snoozed follow-ups and create due cadence and mentorship follow-ups (idempotent);
    queue again a Settings change's schedule refresh that was lost on its way."""
    for user_id in followups.lost_owner_refreshes():
        refresh_owner_schedule.delay(user_id)
    result = followups.scan_follow_ups()
    _record_run("scan-follow-ups")
    return result


@shared_task(ignore_result=True)
def scan_digests() -> list[int]:
    """Create the digests whose local moment has come and queue their sends, a batch of
    digests.BATCH_SIZE per task (built together, each still claimed and sent on its own)."""
    ready = digests.scan_due_digests()
    _record_run("scan-digests")
    for start in range(0, len(ready), digests.BATCH_SIZE):
        batch = ready[start : start + digests.BATCH_SIZE]
        # Queued only once the rows are committed, so a fast worker never misses its rows.
        transaction.on_commit(lambda batch=batch: send_digests.delay(batch))
    return ready


@shared_task(bind=True, ignore_result=True, max_retries=5)
def send_digests(self, digest_ids: list[int]) -> dict[int, str]:
    """Build a batch of digests and claim and send each. A transient SMTP or network error
    retries the batch with backoff (what was sent is not sent again); after the last retry the
    digests still pending are marked failed. A redelivered message sends nothing twice."""
    try:
        return digests.deliver_digests(digest_ids)
    except digests.TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            for digest_id in digest_ids:
                digests.give_up_digest(digest_id, exc)
            return {}
        logger.warning("digests %s: %s; retry %s", digest_ids, exc, self.request.retries + 1)
        raise self.retry(exc=exc, countdown=digests.retry_delay(self.request.retries))


@shared_task(bind=True, ignore_result=True, max_retries=5)
def send_digest(self, digest_id: int) -> str:
    """Claim and send one digest (the scanner queues batches; this serves single sends and
    messages queued before batches). A transient SMTP or network error retries with backoff;
    after the last retry the digest is marked failed. A redelivered message sends nothing twice."""
    try:
        return digests.deliver_digest(digest_id)
    except digests.TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            digests.give_up_digest(digest_id, exc)
            return "failed"
        logger.warning("digest %s: %s; retry %s", digest_id, exc, self.request.retries + 1)
        raise self.retry(exc=exc, countdown=digests.retry_delay(self.request.retries))


@shared_task(ignore_result=True)
def refresh_owner_schedule(user_id: int) -> None:
    """Move every contact's next follow-up to the user's current time zone and cadences (queued
    by a Settings save, or again by scan_follow_ups if that message was lost). Idempotent:
    several saves recompute from the last one; a user deleted meanwhile is skipped."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None:
        followups.refresh_owner_schedule(user)


@shared_task(ignore_result=True)
def recompute_strength() -> int:
    """Let strength decay on every contact (a touch updates its own contacts at once)."""
    return insights.recompute_strength()


@shared_task(ignore_result=True, acks_late=True)
def run_restore_job(job_id: int) -> None:
    """Restore an uploaded JSON export; a repeated message (the job already claimed, done or
    cancelled) does nothing."""
    backup_jobs.run_job(job_id)


@shared_task(ignore_result=True)
def clean_restore_files() -> None:
    """Beat's sweep of restore uploads left by killed processes and forgotten jobs."""
    backup_jobs.clean_restore_files()
