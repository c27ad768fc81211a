"""Import jobs: an uploaded file previewed, then confirmed, in-process for small files and in a
Celery task for large ones. Progress and the row report live in files beside the upload so a
web process can read them while the worker's single import transaction is still open."""

import csv
import io
import json
import logging
import os
from collections.abc import Iterator
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ImportJob, ImportStatus
from .services import Status, run_import
from .sniff import ImportFileError, estimate_rows, sniff

logger = logging.getLogger(__name__)


def sync_max_rows() -> int:
    """Files with more rows than this are read by a Celery worker, with a progress bar."""
    return settings.IMPORT_SYNC_MAX_ROWS


def create_job(owner, uploaded_file, format: str = "auto") -> ImportJob:
    """Store an upload for `owner` under MEDIA_ROOT/imports/ and recognise its format;
    ImportFileError (and nothing kept) if it is not a contact file."""
    job = ImportJob(owner=owner, format=format, original_name=uploaded_file.name[:255])
    job.file.save(os.path.basename(uploaded_file.name) or "contacts", uploaded_file, save=False)
    try:
        sniffed = sniff(job.path, format)
    except ImportFileError:
        job.file.delete(save=False)
        raise
    job.detected_format = sniffed.format
    job.rows_estimate = estimate_rows(job.path, sniffed.format)
    job.save()
    return job


def header_of(job: ImportJob) -> list[str]:
    return sniff(job.path, job.format).header


def needs_mapping(job: ImportJob) -> bool:
    return job.detected_format == "csv" and not job.mapping


def start(job: ImportJob, *, apply: bool) -> bool:
    """Start the preview (or, after a preview, the import) of a job. Runs it now for a small
    file; queues the Celery task for a large one and returns True."""
    running = ImportStatus.IMPORTING if apply else ImportStatus.PREVIEWING
    allowed = (
        [ImportStatus.PREVIEWED]
        if apply
        else [
            ImportStatus.UPLOADED,
            ImportStatus.PREVIEWED,
            ImportStatus.FAILED,
        ]
    )
    # Claimed by a conditional update so a double click never starts two runs.
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=allowed).update(
        status=running, rows_done=0, error="", finished_at=None
    )
    if not claimed:
        return False
    job.side_file(".progress").unlink(missing_ok=True)
    if job.rows_estimate > sync_max_rows():
        from ..tasks import run_import_job

        transaction.on_commit(lambda: run_import_job.delay(job.pk, apply))
        return True
    run_job(job.pk, apply)
    return False


def _write_progress(job: ImportJob, done: int) -> None:
    path = job.side_file(".progress")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{done} {job.rows_estimate}")
    os.replace(tmp, path)


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(rows read, estimated rows) of a running job."""
    try:
        done, total = job.side_file(".progress").read_text().split()
        done, total = int(done), int(total)
    except (OSError, ValueError):
        done, total = job.rows_done, job.rows_estimate
    return min(done, max(total, done)), max(total, done, 1)


def run_job(job_id: int, apply: bool) -> None:
    """Run a claimed job to the end; returns quietly if the job is gone or not running (a
    repeated task message)."""
    running = ImportStatus.IMPORTING if apply else ImportStatus.PREVIEWING
    job = ImportJob.objects.filter(pk=job_id, status=running).select_related("owner").first()
    if job is None:
        return
    report_path = job.side_file(".result.jsonl" if apply else ".preview.jsonl")
    tmp = report_path.with_name(report_path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            summary = run_import(
                job.path,
                job.owner,
                format=job.format,
                mapping=job.mapping or None,
                dry_run=not apply,
                sink=lambda row: out.write(json.dumps(row.as_dict(), ensure_ascii=False) + "\n"),
                progress=lambda done: _write_progress(job, done),
            )
        os.replace(tmp, report_path)
    except ImportFileError as exc:
        tmp.unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        return
    except Exception:
        # Logged, and told to the user on the job page; the transaction rolled back.
        logger.exception("Import job %s failed", job.pk)
        tmp.unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED if not apply else ImportStatus.PREVIEWED,
            error="The import stopped on an unexpected error; nothing was written.",
            finished_at=timezone.now(),
        )
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE if apply else ImportStatus.PREVIEWED,
        detected_format=summary.format,
        rows_done=summary.total,
        report=summary.as_dict(),
        finished_at=timezone.now(),
    )
    job.side_file(".progress").unlink(missing_ok=True)
    if apply:
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
