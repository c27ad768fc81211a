"""GET /healthz: database, broker and scheduler state as JSON, for load balancers and compose.

It names no user and no row: only whether each part answers and when beat last ticked.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from network_crm.celery import app as celery_app


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


def scheduler_state() -> tuple[str, object]:
    """("ok" | "stale" | "never", last tick) — stale after two missed tick periods."""
    from interactions.models import SchedulerTick

    tick = SchedulerTick.objects.filter(name="scheduler-tick").first()
    if tick is None:
        return "never", None
    limit = timedelta(seconds=2 * settings.SCHEDULER_TICK_SECONDS)
    return ("stale" if timezone.now() - tick.ticked_at > limit else "ok"), tick.ticked_at


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
