"""Import jobs: an uploaded file previewed, then confirmed. A small file is read in the web
request; any other in a Celery task, while the job page polls its progress. Progress and the
row report live in files beside the upload so a web process can read them while the worker's
single import transaction is still open; the progress file's time is the run's heartbeat.

Every state has a way on: a running job can be cancelled, and tried again once it has made no
progress for IMPORT_STALLED_SECONDS (its worker died); a failed one tried again or deleted; a
finished one deleted. The files go with the job (and `cleanup.py` sweeps up what a killed
process left)."""

import csv
import io
import json
import logging
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from network_crm import fragment_cache

from .limits import MAX_COLUMNS, max_rows, too_many_columns, too_many_rows
from .models import ENDED, RUNNING, ImportJob, ImportStatus
from .results import Status
from .services import run_import
from .sniff import ImportFileError, estimate_rows, sniff

logger = logging.getLogger(__name__)

# What a job writes beside its upload: the row reports, the progress, their temporary files.
SIDE_FILE = re.compile(r"\.(?:preview|result)\.jsonl(?:\.\d+\.tmp)?|\.progress(?:\.tmp)?")


class ImportStopped(Exception):
    """The run is no longer wanted: its job was cancelled or deleted, or tried again."""


def sync_max_rows() -> int:
    """Files with more rows than this are read by a Celery worker, with a progress bar."""
    return settings.IMPORT_SYNC_MAX_ROWS


def runs_in_request(job: ImportJob) -> bool:
    """A small file (few rows, few bytes) is read at once; any other by the worker."""
    try:
        size = job.path.stat().st_size
    except OSError:
        size = 0
    return job.rows_estimate <= sync_max_rows() and size <= settings.IMPORT_SYNC_MAX_KB * 1024


def create_job(owner, uploaded_file, format: str = "auto") -> ImportJob:
    """Store an upload for `owner` under MEDIA_ROOT/imports/ and recognise its format and
    shape; ImportFileError (and nothing kept) if it is not a contact file or is past a limit.
    Only the file's first lines are read here (its rows are counted, not parsed)."""
    job = ImportJob(owner=owner, format=format, original_name=uploaded_file.name[:255])
    job.file.save(os.path.basename(uploaded_file.name) or "contacts", uploaded_file, save=False)
    try:
        sniffed = sniff(job.path, format)
        if len(sniffed.header) > MAX_COLUMNS:
            raise ImportFileError(too_many_columns(len(sniffed.header)))
        job.detected_format = sniffed.format
        job.rows_estimate = estimate_rows(job.path, sniffed.format)
        job.save()
    except ImportFileError:
        job.file.delete(save=False)
        raise
    except Exception as exc:
        logger.exception("Reading the upload %s failed", job.original_name)
        job.file.delete(save=False)
        raise ImportFileError(
            "This file could not be read as a contact file (the error was logged)."
        ) from exc
    return job


def needs_mapping(job: ImportJob) -> bool:
    return job.detected_format == "csv" and not job.mapping


def start(job: ImportJob, *, apply: bool) -> bool:
    """Start the preview (or, after a preview, the import) of a job. Runs it now for a small
    file; queues the Celery task for any other and returns True."""
    running = ImportStatus.IMPORTING if apply else ImportStatus.PREVIEWING
    allowed = (
        [ImportStatus.PREVIEWED]
        if apply
        else [ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED]
    )
    # Claimed by a conditional update so a double click never starts two runs.
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=allowed).update(
        status=running, rows_done=0, error="", finished_at=None
    )
    if not claimed:
        return False
    return _run_claimed(job, apply)


def _run_claimed(job: ImportJob, apply: bool) -> bool:
    """Number the run that was just claimed, then run it here or queue it."""
    ImportJob.objects.filter(pk=job.pk).update(
        attempt=F("attempt") + 1, started_at=timezone.now()
    )
    job.refresh_from_db(fields=["status", "attempt", "started_at", "rows_done", "error"])
    job.side_file(".progress").unlink(missing_ok=True)
    if not runs_in_request(job):
        from ..tasks import run_import_job

        attempt = job.attempt
        transaction.on_commit(lambda: run_import_job.delay(job.pk, apply, attempt))
        return True
    run_job(job.pk, apply, job.attempt)
    return False


def last_heartbeat(job: ImportJob):
    """When a running job last showed life: its start, or its latest progress."""
    try:
        mtime = job.side_file(".progress").stat().st_mtime
    except OSError:
        return job.started_at
    beat = datetime.fromtimestamp(mtime, tz=UTC)
    return max(beat, job.started_at) if job.started_at else beat


def is_stalled(job: ImportJob) -> bool:
    """A running job whose worker has shown no progress for IMPORT_STALLED_SECONDS."""
    if not job.is_running:
        return False
    beat = last_heartbeat(job)
    limit = timedelta(seconds=settings.IMPORT_STALLED_SECONDS)
    return beat is None or timezone.now() - beat > limit


def retry(job: ImportJob) -> bool:
    """Run again the step of a failed or stalled job (the same upload); False when the job is
    neither, or its upload is gone (then only deleting it is left)."""
    if not job.path.exists():
        return False
    if job.status == ImportStatus.FAILED:
        # A failed preview (a failed import goes back to its preview, to be confirmed again).
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).update(
            status=ImportStatus.PREVIEWING, rows_done=0, error="", finished_at=None
        )
    elif is_stalled(job):
        # The stalled run is the one with this number; whoever tries again first takes over.
        claimed = ImportJob.objects.filter(
            pk=job.pk, status=job.status, attempt=job.attempt
        ).update(rows_done=0, error="")
    else:
        return False
    if claimed:
        job.refresh_from_db(fields=["status"])
        _run_claimed(job, job.status == ImportStatus.IMPORTING)
    return bool(claimed)


def remove_files(job: ImportJob) -> None:
    """The upload and everything written beside it."""
    if not job.file:
        return
    folder, name = job.path.parent, job.path.name
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name.startswith(name) and SIDE_FILE.fullmatch(path.name[len(name) :]):
                path.unlink(missing_ok=True)
    job.path.unlink(missing_ok=True)


def cancel(job: ImportJob) -> bool:
    """Stop a job that has not finished: a run under way stops at its next batch and writes
    nothing; the upload is removed. False for a job already ended."""
    cancelled = (
        ImportJob.objects.filter(pk=job.pk)
        .exclude(status__in=ENDED)
        .update(status=ImportStatus.CANCELLED, finished_at=timezone.now(), error="")
    )
    if cancelled:
        remove_files(job)
    return bool(cancelled)


def delete(job: ImportJob) -> None:
    """Remove a job and its files; a run under way stops at its next batch."""
    remove_files(job)
    job.delete()


def _write_progress(job: ImportJob, done: int) -> None:
    path = job.side_file(".progress")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{done} {job.rows_estimate}")
    os.replace(tmp, path)


def _checkpoint(job: ImportJob, done: int) -> None:
    """After each batch: stop if the job was cancelled (its upload is removed) or is past the
    row limit; else beat the heartbeat. A file check, not a query: during an import the
    database connection is busy with the batch's writes."""
    if not job.path.exists():
        raise ImportStopped
    if done > max_rows():
        raise ImportFileError(too_many_rows(max(done, job.rows_estimate)))
    _write_progress(job, done)


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(rows read, estimated rows) of a running job."""
    try:
        done, total = job.side_file(".progress").read_text().split()
        done, total = int(done), int(total)
    except (OSError, ValueError):
        done, total = job.rows_done, job.rows_estimate
    return min(done, max(total, done)), max(total, done, 1)


def _end_run(job: ImportJob, **fields) -> bool:
    """Record how the run ended, if it is still this job's current run."""
    return bool(
        ImportJob.objects.filter(pk=job.pk, status=job.status, attempt=job.attempt).update(
            finished_at=timezone.now(), **fields
        )
    )


def run_job(job_id: int, apply: bool, attempt: int | None = None) -> None:
    """Run a claimed job to the end; returns quietly if the job is gone, not running, or runs
    under another attempt (a repeated or late task message)."""
    running = ImportStatus.IMPORTING if apply else ImportStatus.PREVIEWING
    jobs = ImportJob.objects.filter(pk=job_id, status=running)
    if attempt is not None:
        jobs = jobs.filter(attempt=attempt)
    job = jobs.select_related("owner").first()
    if job is None:
        return
    report_path = job.side_file(".result.jsonl" if apply else ".preview.jsonl")
    tmp = report_path.with_name(f"{report_path.name}.{job.attempt}.tmp")
    succeeded = False
    try:
        _write_progress(job, 0)  # the worker has it
        with open(tmp, "w", encoding="utf-8") as out:
            summary = run_import(
                job.path,
                job.owner,
                format=job.format,
                mapping=job.mapping or None,
                dry_run=not apply,
                sink=lambda row: out.write(json.dumps(row.as_dict(), ensure_ascii=False) + "\n"),
                progress=lambda done: _checkpoint(job, done),
            )
        os.replace(tmp, report_path)
    except ImportStopped:
        ended = False
    except (ImportFileError, FileNotFoundError) as exc:
        message = str(exc) if isinstance(exc, ImportFileError) else "The upload is gone."
        ended = _end_run(job, status=ImportStatus.FAILED, error=message)
    except Exception:
        # Logged, and told to the user on the job page; the transaction rolled back.
        logger.exception("Import job %s failed", job.pk)
        ended = _end_run(
            job,
            status=ImportStatus.FAILED if not apply else ImportStatus.PREVIEWED,
            error="The import stopped on an unexpected error; nothing was written.",
        )
    else:
        ended = succeeded = _end_run(
            job,
            status=ImportStatus.DONE if apply else ImportStatus.PREVIEWED,
            detected_format=summary.format,
            rows_done=summary.total,
            report=summary.as_dict(),
        )
    tmp.unlink(missing_ok=True)
    if not ended:
        # Cancelled or deleted meanwhile (or tried again: then the new run owns the files).
        if not ImportJob.objects.filter(pk=job.pk).exclude(status__in=ENDED).exists():
            remove_files(job)
        return
    job.side_file(".progress").unlink(missing_ok=True)
    if succeeded and apply:
        # Written in bulk, without model signals: what the user's pages keep is out of date.
        fragment_cache.invalidate(job.owner_id)
        # The people in the file are now contacts; the upload itself is not kept around.
        job.path.unlink(missing_ok=True)
        job.side_file(".preview.jsonl").unlink(missing_ok=True)


def report_path(job: ImportJob):
    return job.side_file(".result.jsonl" if job.status == ImportStatus.DONE else ".preview.jsonl")


def report_rows(job: ImportJob, status: str = "", offset: int = 0, limit: int = 200) -> list[dict]:
    """One page of the row report, optionally only rows of one status."""
    path = report_path(job)
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        rows = (json.loads(line) for line in fh)
        if status:
            rows = (r for r in rows if r["status"] == status)
        return list(islice(rows, offset, offset + limit))


def refused_rows_csv(job: ImportJob) -> Iterator[str]:
    """The skipped and refused rows as CSV (line, status, reason, then the source cells),
    streamed. Cells that a spreadsheet would run as formulas are escaped."""
    from ..csv_cells import escape_cell

    path = report_path(job)
    if not path.exists():
        return
    columns: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["status"] in Status.REFUSED:
                for key in row.get("raw") or {}:
                    if key not in columns:
                        columns.append(key)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(["line", "status", "reason", *columns])
    yield flush()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["status"] not in Status.REFUSED:
                continue
            raw = row.get("raw") or {}
            writer.writerow(
                [row["line"], row["status"], escape_cell(row["reason"])]
                + [escape_cell(str(raw.get(c, ""))) for c in columns]
            )
            yield flush()
