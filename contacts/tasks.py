"""Celery tasks for contacts: thin wrappers around services."""

from celery import shared_task

from .deleted import services as deleted
from .importing import cleanup, jobs


@shared_task(ignore_result=True, acks_late=True)
def run_import_job(job_id: int, apply: bool, attempt: int | None = None) -> None:
    """Preview or apply a large import; a repeated message for a finished job, or one of an
    earlier attempt, does nothing."""
    jobs.run_job(job_id, apply, attempt)


@shared_task(ignore_result=True)
def clean_import_files() -> None:
    """Beat's scanner: uploads of old jobs and files no job owns are removed."""
    cleanup.clean_import_files()


@shared_task(ignore_result=True)
def find_duplicates(user_id: int) -> None:
    """Look for the user's possible duplicates again after they wrote (the page shows the last
    ones found meanwhile); nothing to do if that is already done."""
    from .merging import stored

    stored.refresh_user(user_id)


@shared_task(ignore_result=True)
def forget_deleted_contacts() -> None:
    """Beat's sweep: copies of deleted contacts whose Undo can no longer be spent are removed."""
    deleted.forget_old_copies()
