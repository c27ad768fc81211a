"""GET /healthz: database, broker, worker and scheduler state as JSON, for load balancers and
compose.

It names no user and no row: only whether each part answers, when a worker last said it was
alive (a heartbeat every WORKER_HEARTBEAT_SECONDS, written by network_crm.celery's Heartbeat
step in each worker) and when beat last ticked (a task beat schedules and a worker runs).

Status codes: 200 when the database and the broker answer and neither the worker's heartbeat
nor the scheduler's tick is stale ("never" counts as starting, not failing: a fresh install);
503 otherwise, with the JSON saying which part. "stale" means older than three heartbeat
periods (the worker) or two tick periods (the scheduler).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from network_crm.celery import app as celery_app

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True
    except Exception:
        return False


# The last tick, also kept in the cache by the tick task: every dashboard view asks for it.
TICK_CACHE_KEY = "scheduler:last-tick"


def remember_tick(ticked_at) -> None:
    """Called by the tick task after it saved its row."""
    try:
        cache.set(TICK_CACHE_KEY, ticked_at, 10 * settings.SCHEDULER_TICK_SECONDS)
    except Exception:  # noqa: BLE001 - the row is the record; readers fall back to it
        logger.warning("cache unavailable; scheduler tick kept in the database only")


def _cached_tick():
    try:
        return cache.get(TICK_CACHE_KEY)
    except Exception:  # noqa: BLE001
        return None


def scheduler_state() -> tuple[str, object]:
    """("ok" | "stale" | "never", last tick) — stale after two missed tick periods.

    A recent tick is taken from the cache; the row decides whenever the cache has none, or
    one old enough to mean trouble (a tick whose cache write failed must not raise a false
    alarm)."""
    from interactions.models import SchedulerTick

    limit = timedelta(seconds=2 * settings.SCHEDULER_TICK_SECONDS)
    last_tick = _cached_tick()
    if last_tick is None or timezone.now() - last_tick > limit:
        tick = SchedulerTick.objects.filter(name="scheduler-tick").first()
        if tick is None:
            return "never", None
        last_tick = tick.ticked_at
    return ("stale" if timezone.now() - last_tick > limit else "ok"), last_tick


WORKER_HEARTBEAT = "worker-heartbeat"


def remember_worker() -> None:
    """A worker's heartbeat (network_crm.celery.Heartbeat calls it on the worker's timer)."""
    from interactions.models import SchedulerTick

    try:
        SchedulerTick.objects.update_or_create(
            name=WORKER_HEARTBEAT, defaults={"ticked_at": timezone.now()}
        )
    except Exception:  # noqa: BLE001 - a missed beat only ages the heartbeat; never kill the worker
        logger.warning("worker heartbeat not recorded", exc_info=True)


def worker_state() -> tuple[str, object]:
    """("ok" | "stale" | "never", last heartbeat): stale after three missed heartbeats."""
    from interactions.models import SchedulerTick

    beat = SchedulerTick.objects.filter(name=WORKER_HEARTBEAT).values_list("ticked_at", flat=True)
    last = beat.first()
    if last is None:
        return "never", None
    limit = timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    return ("stale" if timezone.now() - last > limit else "ok"), last


@login_not_required
@require_GET
@never_cache
def healthz(request):
    database = _database_ok()
    broker = _broker_ok()
    scheduler, last_tick = scheduler_state() if database else ("unknown", None)
    worker, last_beat = worker_state() if database else ("unknown", None)
    # A worker or scheduler never seen is a fresh install still starting, not a failure.
    healthy = database and broker and scheduler in ("ok", "never") and worker in ("ok", "never")
    now = timezone.now()
    body = {
        "status": "ok" if healthy else "unhealthy",
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "worker": worker,
        "worker_last_heartbeat": last_beat.isoformat() if last_beat else None,
        "worker_heartbeat_age_seconds": round((now - last_beat).total_seconds()) if last_beat else None,
        "scheduler": scheduler,
        "scheduler_last_tick": last_tick.isoformat() if last_tick else None,
    }
    return JsonResponse(body, status=200 if healthy else 503)
