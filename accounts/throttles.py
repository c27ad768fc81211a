"""Per-address throttles on signing in, beside the per-account lockouts (lockouts.py).

A lockout counts failures for one username from one address; someone trying a few passwords
on each of many accounts from one address never trips it. These count per client address
(network_crm.client_ip, so behind a proxy too) in fixed windows in the cache. When the cache
is down they let requests through: the lockouts, kept in the database, still hold, and
signing in must keep working.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from network_crm.client_ip import client_ip

logger = logging.getLogger(__name__)


def _key(request, action: str, period: int, subject: str | None) -> str:
    who = subject or client_ip(request)
    return f"accounts:throttle:{action}:{who}:{int(time.time() // period)}"


def _limit(action: str) -> tuple[int, int]:
    return settings.SIGN_IN_THROTTLES[action]


def is_throttled(request, action: str, *, subject: str | None = None) -> bool:
    """Whether this address (or `subject`, e.g. an email address's hash) has used up `action`
    (a count per period, SIGN_IN_THROTTLES)."""
    limit, period = _limit(action)
    try:
        return (cache.get(_key(request, action, period, subject)) or 0) >= limit
    except Exception:  # noqa: BLE001 - the cache is down: the database-kept lockouts still hold
        logger.warning("cache unavailable; sign-in throttle %s not applied", action)
        return False


def count(request, action: str, *, subject: str | None = None) -> None:
    """One more `action` from this address (or for `subject`) in the current period."""
    limit, period = _limit(action)
    key = _key(request, action, period, subject)
    try:
        if not cache.add(key, 1, period + 1):
            cache.incr(key)
    except ValueError:  # the window ended between add and incr
        pass
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable; sign-in throttle %s not counted", action)
