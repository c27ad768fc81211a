"""The sweep behind beat's `clean-import-files`: an upload lives only as long as its job.

A job's own steps remove its files (an import done, a job cancelled or deleted); this catches
what they could not: jobs left alone for IMPORT_KEEP_DAYS, and files under MEDIA_ROOT/imports/
that no job owns (a web process killed between storing an upload and saving its job, a worker
killed while writing a report). Running it twice removes nothing twice."""

import logging
import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone

from network_crm import uploads

from .jobs import SIDE_FILE, delete
from .models import ImportJob

logger = logging.getLogger(__name__)

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
    media = Path(settings.MEDIA_ROOT)
    owned = {media / name for name in ImportJob.objects.values_list("file", flat=True)}
    removed = uploads.remove_orphan_files(imports_root(), owned, _upload_of)
    if removed:
        logger.info("Removed %s import files that no job owned", removed)
    return removed
