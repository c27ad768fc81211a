"""ImportJob: one uploaded contact file on its way through preview and confirm.

The file stays on disk under MEDIA_ROOT/imports/ so a Celery worker can read it; the row-by-row
report is written beside it as JSON lines (bounded memory whatever the file's size), and the
job keeps the counts.
"""

from pathlib import Path

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    PREVIEWING = "previewing", "Reading the file"
    PREVIEWED = "previewed", "Ready to confirm"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


RUNNING = (ImportStatus.PREVIEWING, ImportStatus.IMPORTING)
# A job in one of these has nothing left to do; its upload is gone or going.
ENDED = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ImportJob(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=20, default="auto", help_text="Requested format.")
    detected_format = models.CharField(max_length=20, blank=True)
    mapping = models.JSONField(
        default=list, blank=True, help_text="Generic CSV: a target per column."
    )
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    rows_estimate = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict, blank=True, help_text="Counts of the last preview or import."
    )
    error = models.TextField(blank=True)
    # Each run (preview, import, or either tried again) gets the next number: a task message
    # of an earlier run, redelivered after its worker died, finds it changed and does nothing.
    attempt = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="importjob_owner_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ImportStatus]),
                name="importjob_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.original_name or 'import'} ({self.get_status_display()})"

    @property
    def path(self) -> Path:
        return Path(self.file.path)

    def side_file(self, suffix: str) -> Path:
        """A file beside the upload: '.preview.jsonl', '.result.jsonl', '.progress'."""
        return self.path.with_name(self.path.name + suffix)

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING
