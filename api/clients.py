"""Who is calling, and how often their credentials failed: shared by the API's access tokens
and CardDAV's app passwords, so guessing either costs the same."""

import time

from django.conf import settings
from django.core.cache import cache

from network_crm.client_ip import client_ip


def _window() -> tuple[int, int]:
    """(start, seconds left) of the current fixed window."""
    length = settings.CREDENTIAL_FAILURE_WINDOW_SECONDS
    now = int(time.time())
    start = now - now % length
    return start, start + length - now


def _key(request, start: int) -> str:
    return f"credential-failures:{client_ip(request)}:{start}"


def blocked_for(request) -> int:
    """Seconds this client must wait before trying a credential again (0: it may try now)."""
    start, left = _window()
    try:
        failures = cache.get(_key(request, start), 0)
    except Exception:  # noqa: BLE001 - the cache down must not lock everyone out
        return 0
    return max(left, 1) if failures >= settings.CREDENTIAL_FAILURE_LIMIT else 0


def record_failure(request) -> None:
    """Count a wrong token or app password against this client, in the shared cache (one
    atomic INCR in Redis, so every gunicorn worker counts into the same number)."""
    start, _ = _window()
    key = _key(request, start)
    try:
        cache.add(key, 0, settings.CREDENTIAL_FAILURE_WINDOW_SECONDS + 5)
        cache.incr(key)
    except Exception:  # noqa: BLE001
        pass
