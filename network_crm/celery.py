"""The Celery application: configured from Django settings (CELERY_*), tasks autodiscovered.

Each worker writes a heartbeat that /healthz reports (Heartbeat below, network_crm/health.py).

Its processes start quietly (with `celery --quiet`, as in the Procfile): the worker says
"worker@host ready." and beat "beat: Starting...", and a normal stop logs no error.
"""

import logging
import os

from celery import Celery, bootsteps
from celery.signals import after_setup_logger, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network_crm.settings")

app = Celery("network_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
def _quiet_start(logger, **kwargs):
    # "Connected to redis://…" at every start, on top of "ready.": a failed connection is
    # still logged (as an error, with its retries).
    logging.getLogger("celery.worker.consumer.connection").setLevel(logging.WARNING)


@worker_process_init.connect
def _leave_the_stop_signal_to_the_worker(**kwargs):
    """A pool process leaves its worker's process group. `make run` (honcho) stops the worker
    by signalling the whole group; the pool processes then died at once, cutting off a task
    in the middle (a digest half sent), and the worker logged each as an ERROR ("exited with
    signal 15"). Now only the worker gets the signal: it lets running tasks finish (its warm
    shutdown) and then stops its pool itself."""
    os.setpgid(0, 0)


class Heartbeat(bootsteps.StartStopStep):
    """Records "this worker is alive" at start and every WORKER_HEARTBEAT_SECONDS on the
    worker's own timer (in the main process, so a pool busy with long tasks still beats)."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        from network_crm.health import remember_worker

        remember_worker()
        self.tref = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, remember_worker, priority=10
        )

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


app.steps["worker"].add(Heartbeat)
