"""Restore jobs: a JSON export uploaded on the Restore page and put back into the signed-in
user's empty account, the way contact imports run (contacts/importing/jobs.py). A small file
is restored in the web request; any other by the Celery worker, while the job page polls the
progress the worker writes beside the upload after each batch (its time is the heartbeat).

Every job has a way on: one under way can be cancelled (the worker stops at its next batch and
nothing is written); a failed or cancelled one leaves the form to upload again. The upload is
removed as soon as the job ends, and `clean_restore_files` sweeps what a killed process left."""

import json
import logging
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from network_crm import uploads

from .document import SECTIONS
from .models import UNDER_WAY, RestoreJob, RestoreStatus
from .restore import RestoreError, ensure_empty, import_document, row_count

logger = logging.getLogger(__name__)

NOT_AN_EXPORT = (
    "This is not a network_crm JSON export: upload the file that Export → "
    "“Everything as JSON” downloads (network_crm-YYYYMMDD.json)."
)
# An export begins with its format (document.export_document puts it first).
EXPORT_HEAD = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"format"\s*:\s*"network_crm-export"')
HEAD_BYTES = 1024


class RestoreStopped(Exception):
    """The job was cancelled while its restore ran."""


def max_upload_bytes() -> int:
    return settings.RESTORE_MAX_UPLOAD_MB * 1024 * 1024


def too_large() -> str:
    return (
        f"The file is larger than {settings.RESTORE_MAX_UPLOAD_MB} MB, the most a restore "
        "reads; restore it from the command line (manage.py restore_data, docs/usage.md)."
    )


def runs_in_request(job: RestoreJob) -> bool:
    """A small file is restored at once (about 2 seconds for 512 kB); any other by the worker."""
    return job.size <= settings.IMPORT_SYNC_MAX_KB * 1024


def under_way(owner) -> RestoreJob | None:
    return RestoreJob.objects.filter(owner=owner, status__in=UNDER_WAY).first()


def create_job(owner, upload) -> RestoreJob:
    """Store an upload for `owner`'s empty account; RestoreError (and nothing kept) when the
    account is not empty, a restore is already under way, or the file is not an export.
    Only the file's first bytes are read here."""
    ensure_empty(owner)
    if under_way(owner):
        raise RestoreError("A restore is already under way in this account.")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not EXPORT_HEAD.match(head):
        raise RestoreError(NOT_AN_EXPORT)
    job = RestoreJob(owner=owner, original_name=upload.name[:255], size=upload.size)
    job.file.save(os.path.basename(upload.name) or "export.json", upload, save=False)
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        # Another upload of the same account started a restore meanwhile.
        job.path.unlink(missing_ok=True)
        raise RestoreError("A restore is already under way in this account.") from None
    return job


def start(job: RestoreJob) -> bool:
    """Restore a small file now; queue the worker for any other and return True."""
    if runs_in_request(job):
        run_job(job.pk)
        return False
    from ..tasks import run_restore_job

    transaction.on_commit(lambda: run_restore_job.delay(job.pk))
    return True


def _write_progress(job: RestoreJob, done: int, total: int) -> None:
    path = job.progress_path
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{done} {total}")
    os.replace(tmp, path)


def progress_of(job: RestoreJob) -> tuple[int, int]:
    """(rows written, rows in the file) of a job under way; (0, 1) before the file is read."""
    try:
        done, total = (int(n) for n in job.progress_path.read_text().split())
    except (OSError, ValueError):
        return 0, 1
    return min(done, total), max(total, 1)


def is_stalled(job: RestoreJob) -> bool:
    """A running job whose worker has shown no progress for IMPORT_STALLED_SECONDS (it died:
    its transaction rolled back, and only cancelling is left)."""
    if job.status != RestoreStatus.RUNNING:
        return False
    try:
        beat = datetime.fromtimestamp(job.progress_path.stat().st_mtime, tz=UTC)
    except OSError:
        beat = job.started_at
    if beat is None:
        return True
    return timezone.now() - beat > timedelta(seconds=settings.IMPORT_STALLED_SECONDS)


def _remove_files(job: RestoreJob) -> None:
    if job.file:
        job.progress_path.with_name(job.progress_path.name + ".tmp").unlink(missing_ok=True)
        job.progress_path.unlink(missing_ok=True)
        job.path.unlink(missing_ok=True)


def _read(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except UnicodeDecodeError:
        raise RestoreError(NOT_AN_EXPORT) from None
    except json.JSONDecodeError as exc:
        raise RestoreError(
            f"This export is damaged: it stops being JSON at line {exc.lineno} ({exc.msg}). "
            "Download it again; nothing was restored."
        ) from None


def run_job(job_id: int) -> None:
    """Restore a queued job; returns quietly when it is gone, cancelled, or already claimed
    (a repeated task message)."""
    claimed = RestoreJob.objects.filter(pk=job_id, status=RestoreStatus.QUEUED).update(
        status=RestoreStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = RestoreJob.objects.select_related("owner").get(pk=job_id)
    running = RestoreJob.objects.filter(pk=job.pk, status=RestoreStatus.RUNNING)

    def end(**fields) -> int:
        # The upload goes with the run.
        return running.update(finished_at=timezone.now(), file="", **fields)

    try:
        if not job.path.exists():
            raise RestoreStopped
        _write_progress(job, 0, 1)
        document = _read(job.path)
        total = max(row_count(document) if isinstance(document, dict) else 0, 1)

        def checkpoint(done: int) -> None:
            # A file check, not a query: the connection is busy with the restore's writes.
            if not job.path.exists():
                raise RestoreStopped
            _write_progress(job, done, total)

        with transaction.atomic():
            counts = import_document(job.owner, document, progress=checkpoint)
            # In the restore's transaction: a cancel that came first undoes the restore, and
            # one that comes after finds the job done.
            if not end(status=RestoreStatus.DONE, counts=counts):
                raise RestoreStopped
    except RestoreStopped:
        pass
    except RestoreError as exc:
        end(status=RestoreStatus.FAILED, error=str(exc))
    except Exception:
        logger.exception("Restore job %s failed", job.pk)
        end(
            status=RestoreStatus.FAILED,
            error="This export could not be restored: some of its rows are not what an export "
            "holds (the error was logged). Nothing was restored.",
        )
    _remove_files(job)


def cancel(job: RestoreJob) -> bool:
    """Stop a job under way: a running restore stops at its next batch and writes nothing.
    False for a job that has ended."""
    cancelled = RestoreJob.objects.filter(pk=job.pk, status__in=UNDER_WAY).update(
        status=RestoreStatus.CANCELLED, finished_at=timezone.now(), file=""
    )
    if cancelled:
        _remove_files(job)
    return bool(cancelled)


def restored_sections(job: RestoreJob) -> list[tuple[str, int]]:
    """The rows a finished job restored, per section, in the export's order."""
    return [(key.replace("_", " "), job.counts.get(key, 0)) for key, _, _ in SECTIONS]


def clean_restore_files() -> tuple[int, int]:
    """Beat's sweep: jobs still under way after IMPORT_KEEP_DAYS (their worker died and nobody
    cancelled them) are cancelled, and files under MEDIA_ROOT/restores/ that no job under way
    owns are removed once an hour old. Returns (jobs cancelled, files removed)."""
    old = timezone.now() - timedelta(days=settings.IMPORT_KEEP_DAYS)
    forgotten = RestoreJob.objects.filter(status__in=UNDER_WAY, created_at__lt=old)
    cancelled = sum(cancel(job) for job in forgotten)
    media = Path(settings.MEDIA_ROOT)
    owned = {
        media / name
        for name in RestoreJob.objects.filter(status__in=UNDER_WAY).values_list("file", flat=True)
    }
    removed = uploads.remove_orphan_files(
        media / "restores", owned, lambda path: path.with_name(path.name.split(".progress")[0])
    )
    return cancelled, removed
