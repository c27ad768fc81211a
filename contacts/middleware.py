"""Show stored times in the signed-in user's own time zone."""

import logging
import zoneinfo

from django.core.cache import cache
from django.utils import timezone

from .models import Profile

logger = logging.getLogger(__name__)

# A changed zone that could not be written to the cache (it was down) shows within this long.
ZONE_CACHE_SECONDS = 600


def _zone_key(user_id: int) -> str:
    return f"time-zone:{user_id}"


def user_time_zone(user_id: int) -> str:
    """The name of the user's time zone: from the cache, else from their Profile ("UTC"
    without one), then cached. Saving the Profile writes its zone there (apps.py)."""
    key = _zone_key(user_id)
    try:
        name = cache.get(key)
    except Exception:  # noqa: BLE001 - the Profile has it
        name = None
    if name is None:
        name = Profile.objects.filter(owner_id=user_id).values_list("time_zone", flat=True).first()
        name = name or "UTC"
        _store(key, name)
    return name


def remember_time_zone(sender, instance, **kwargs) -> None:
    """Signal receiver (apps.py): a Profile was saved; every session of its user shows its
    zone from the next page on."""
    _store(_zone_key(instance.owner_id), instance.time_zone)


def forget_time_zone(sender, instance, **kwargs) -> None:
    """Signal receiver (apps.py): a Profile was deleted; its user is back to UTC."""
    _store(_zone_key(instance.owner_id), None)


def _store(key: str, name: str | None) -> None:
    try:
        if name is None:
            cache.delete(key)
        else:
            cache.set(key, name, ZONE_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable; a changed time zone shows within %ss", ZONE_CACHE_SECONDS)


class UserTimeZoneMiddleware:
    """Activates the user's zone for the request: pages read today and show times in it
    (`timezone.localdate()`, the template engine) without a query for the Profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user_time_zone(request.user.pk)))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
