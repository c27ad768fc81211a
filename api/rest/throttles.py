"""Requests per minute per access token (or per signed-in user, or per address when
anonymous), counted with one atomic INCR in the shared cache: every gunicorn worker counts into
the same number, and a refused request gets 429 with Retry-After."""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from network_crm.client_ip import client_ip

from ..models import AccessToken

WINDOW_SECONDS = 60


class PerTokenRateThrottle(BaseThrottle):
    def _ident(self, request) -> str:
        if isinstance(request.auth, AccessToken):
            return f"token:{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"address:{client_ip(request._request)}"

    def allow_request(self, request, view) -> bool:
        now = time.time()
        start = int(now) - int(now) % WINDOW_SECONDS
        self.wait_seconds = max(1, start + WINDOW_SECONDS - int(now))
        key = f"api-rate:{self._ident(request)}:{start}"
        try:
            cache.add(key, 0, WINDOW_SECONDS + 5)
            count = cache.incr(key)
        except Exception:  # noqa: BLE001 - a cache outage must not take the API down
            return True
        return count <= settings.API_RATE_PER_MINUTE

    def wait(self):
        return self.wait_seconds
