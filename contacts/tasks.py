"""Celery tasks for contacts: thin wrappers around services."""

from celery import shared_task

from .importing import jobs


@shared_task(ignore_result=True, acks_late=True)
def run_import_job(job_id: int, apply: bool) -> None:
    """Preview or apply a large import; a repeated message for a finished job does nothing."""
    jobs.run_job(job_id, apply)
