"""RestoreJob: one uploaded JSON export on its way back into an empty account.

Restores follow the import jobs' pattern (contacts/importing/jobs.py): a small file is restored
in the web request; any other is stored under MEDIA_ROOT/restores/ and restored by the Celery
worker while the page shows its progress, read from a file beside the upload (the worker's one
restore transaction hides its rows until the end), whose time is the run's heartbeat."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q


class RestoreStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Restoring"
    DONE = "done", "Restored"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# A job in one of these may still write into the account; at most one per owner.
UNDER_WAY = (RestoreStatus.QUEUED, RestoreStatus.RUNNING)


class RestoreJob(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The upload, kept only while the job is under way (blank once it has ended).
    file = models.FileField(upload_to="restores/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=RestoreStatus.choices, default=RestoreStatus.QUEUED
    )
    # Rows restored per section of the export (document.SECTIONS' keys).
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="restorejob_owner_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in RestoreStatus]),
                name="restorejob_status_valid",
            ),
            # Two restores running at once would both find the account empty and both write.
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(status__in=[s.value for s in UNDER_WAY]),
                name="restorejob_one_under_way_per_owner",
            ),
        ]

    def __str__(self):
        return f"{self.original_name or 'restore'} ({self.get_status_display()})"

    @property
    def path(self) -> Path:
        return Path(self.file.path)

    @property
    def progress_path(self) -> Path:
        return self.path.with_name(self.path.name + ".progress")

    @property
    def is_under_way(self) -> bool:
        return self.status in UNDER_WAY
