"""The sweep behind beat's `clean-import-files`: an upload lives only as long as its job.

A job's own steps remove its files (an import done, a job cancelled or deleted); this catches
what they could not: jobs left alone for IMPORT_KEEP_DAYS, and files under MEDIA_ROOT/imports/
that no job owns (a web process killed between storing an upload and saving its job, a worker
killed while writing a report). Running it twice removes nothing twice."""

import logging
import re
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone

from .jobs import SIDE_FILE, delete
from .models import ImportJob

logger = logging.getLogger(__name__)

# A file this young may be an upload whose job is being saved right now.
ORPHAN_GRACE_SECONDS = 3600


def imports_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def clean_import_files() -> tuple[int, int]:
    """Remove old jobs (with their files) and orphan files: (jobs, files) removed."""
    old = timezone.now() - timedelta(days=settings.IMPORT_KEEP_DAYS)
    stale = ImportJob.objects.alias(
        last_step=Coalesce("finished_at", "started_at", "created_at")
    ).filter(last_step__lt=old)
    jobs_removed = 0
    for job in stale.iterator():
        delete(job)
        jobs_removed += 1
    return jobs_removed, remove_orphan_files()


_SIDE_FILE_AT_END = re.compile(f"(?:{SIDE_FILE.pattern})$")


def _upload_of(path: Path) -> Path:
    """The upload a file belongs to: itself, or the one it was written beside."""
    found = _SIDE_FILE_AT_END.search(path.name)
    return path.with_name(path.name[: found.start()]) if found else path


def remove_orphan_files() -> int:
    """Files under MEDIA_ROOT/imports/ older than the grace period that are neither a job's
    upload nor written beside one; then the folders they leave empty."""
    root = imports_root()
    if not root.is_dir():
        return 0
    media = Path(settings.MEDIA_ROOT)
    owned = {media / name for name in ImportJob.objects.values_list("file", flat=True)}
    cutoff = time.time() - ORPHAN_GRACE_SECONDS
    removed = 0
    for path in list(root.rglob("*")):
        if not path.is_file() or _upload_of(path) in owned:
            continue
        try:
            if path.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        try:
            folder.rmdir()  # only when empty
        except OSError:
            pass
    if removed:
        logger.info("Removed %s import files that no job owned", removed)
    return removed
