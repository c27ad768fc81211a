"""Celery tasks: thin wrappers around services. Beat starts only short scanners (see settings)."""

from celery import shared_task
from django.utils import timezone

from .models import SchedulerTick


@shared_task(ignore_result=True)
def record_scheduler_tick() -> None:
    """Prove beat, broker and worker are alive: /healthz and the dashboard read this row."""
    SchedulerTick.objects.update_or_create(
        name="scheduler-tick", defaults={"ticked_at": timezone.now()}
    )
