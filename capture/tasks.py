"""Celery tasks of capture: thin wrappers around services. Beat starts the scanner every
CAPTURE_SCAN_SECONDS; it claims the sources due and queues one read per source."""

from celery import shared_task
from django.db import transaction

from . import services


@shared_task(ignore_result=True)
def scan_sources() -> int:
    """Claim every source due and queue its read (once the claim is committed)."""
    claimed = services.claim_due_sources()
    for source_id, claim in claimed:
        transaction.on_commit(lambda s=source_id, c=claim: read_source.delay(s, c))
    return len(claimed)


@shared_task(ignore_result=True)
def read_source(source_id: int, claim: str) -> dict | None:
    """Read one claimed source. Returns quietly when the claim is no longer this one's (read
    meanwhile, or removed): a redelivered message reads nothing twice."""
    return services.read_claimed_source(source_id, claim)
