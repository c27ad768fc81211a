"""Background work: Celery's options and beat's schedule, each period overridable from the
environment (the broker is in servers.py, with the cache that shares its Redis)."""

from ..env import env_bool, env_int
from .base import DATA_DIR

CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Tests run tasks in-process; a real worker is exercised by the tests marked `services`.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)


def _every(name: str, default_seconds: int) -> int:
    return env_int(f"NETWORK_CRM_{name}_SECONDS", default_seconds, minimum=1)


def _scanner(task: str, seconds: int) -> dict:
    return {"task": task, "schedule": seconds, "options": {"expires": seconds * 0.9}}


# The beat schedule: beat only starts short scanner tasks; each scanner re-reads the database,
# so a lost message is made up by the next tick. `expires` sits just under the period so a
# backlog never runs the same scan twice in a row. Exactly one beat process may run.
# Each period is overridable: NETWORK_CRM_<NAME>_SECONDS, e.g. NETWORK_CRM_DIGEST_SCAN_SECONDS.
SCHEDULER_TICK_SECONDS = _every("SCHEDULER_TICK", 60)
# Each worker records a heartbeat this often (/healthz: stale after three missed).
WORKER_HEARTBEAT_SECONDS = _every("WORKER_HEARTBEAT", 30)
FOLLOW_UP_SCAN_SECONDS = _every("FOLLOW_UP_SCAN", 300)
# Digests go out within this many seconds after the user's chosen local hour.
DIGEST_SCAN_SECONDS = _every("DIGEST_SCAN", 300)
STRENGTH_RECOMPUTE_SECONDS = _every("STRENGTH_RECOMPUTE", 24 * 3600)
# Claims the calendars and mailboxes due (each is read every CAPTURE_READ_SECONDS).
CAPTURE_SCAN_SECONDS = _every("CAPTURE_SCAN", 60)
# Chat and push reminders leave within this many seconds after the user's chosen local hour.
REMINDER_SCAN_SECONDS = _every("REMINDER_SCAN", 300)
WEBHOOK_SCAN_SECONDS = _every("WEBHOOK_SCAN", 60)
IMPORT_CLEANUP_SECONDS = _every("IMPORT_CLEANUP", 3600)
# A deleted contact's copy (kept for its Undo, ten minutes) is gone this soon after the window.
DELETED_CONTACT_CLEANUP_SECONDS = _every("DELETED_CONTACT_CLEANUP", 600)
CELERY_BEAT_SCHEDULE = {
    "scheduler-tick": _scanner("interactions.tasks.record_scheduler_tick", SCHEDULER_TICK_SECONDS),
    "scan-follow-ups": _scanner("interactions.tasks.scan_follow_ups", FOLLOW_UP_SCAN_SECONDS),
    "scan-digests": _scanner("interactions.tasks.scan_digests", DIGEST_SCAN_SECONDS),
    # Strength decays with time even when nothing is logged; one set-based pass a day.
    "recompute-strength": _scanner(
        "interactions.tasks.recompute_strength", STRENGTH_RECOMPUTE_SECONDS
    ),
    "scan-capture-sources": _scanner("capture.tasks.scan_sources", CAPTURE_SCAN_SECONDS),
    "scan-reminders": _scanner("notifications.tasks.scan_reminders", REMINDER_SCAN_SECONDS),
    # Outgoing webhooks: finds new events, queues their deliveries and the retries that are due.
    "scan-webhooks": _scanner("api.tasks.scan_webhooks", WEBHOOK_SCAN_SECONDS),
    # Import uploads: removes old jobs with their files, and any file under MEDIA_ROOT/imports/
    # that no job owns (a process killed between storing an upload and saving its job).
    "clean-import-files": _scanner("contacts.tasks.clean_import_files", IMPORT_CLEANUP_SECONDS),
    # Restore uploads: the same sweep for MEDIA_ROOT/restores/ (interactions/backup/jobs.py).
    "clean-restore-files": _scanner(
        "interactions.tasks.clean_restore_files", IMPORT_CLEANUP_SECONDS
    ),
    # Deleted contacts: removes the copies kept for an Undo that can no longer be spent.
    "forget-deleted-contacts": _scanner(
        "contacts.tasks.forget_deleted_contacts", DELETED_CONTACT_CLEANUP_SECONDS
    ),
}
