"""GET /healthz: database, broker and scheduler state as JSON, for load balancers and compose.

It names no user and no row: only whether each part answers and when beat last ticked.
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


@login_not_required
@require_GET
@never_cache
def healthz(request):
    database = _database_ok()
    broker = _broker_ok()
    scheduler, last_tick = scheduler_state() if database else ("unknown", None)
    # A scheduler that has never ticked is a fresh install still starting, not a failure.
    healthy = database and broker and scheduler in ("ok", "never")
    body = {
        "status": "ok" if healthy else "unhealthy",
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "scheduler": scheduler,
        "scheduler_last_tick": last_tick.isoformat() if last_tick else None,
    }
    return JsonResponse(body, status=200 if healthy else 503)
