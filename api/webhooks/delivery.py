"""Sending a delivery: claimed with a conditional UPDATE, POSTed once, then marked delivered,
scheduled for a retry (timeouts, connection errors, 5xx, 408, 429: NETWORK_CRM_WEBHOOK_RETRY_SECONDS
(30) doubling to an hour,
NETWORK_CRM_WEBHOOK_MAX_ATTEMPTS tries) or failed (any other answer).

A worker that dies mid-send leaves the claim; after CLAIM_TIMEOUT the scanner hands the row
out again. So a receiver can in that rare case see a delivery twice: it carries the same
X-NetworkCRM-Delivery id both times, by which the receiver drops the copy.
"""

import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ..models import DeliveryStatus, WebhookDelivery
from .signing import signature

CLAIM_TIMEOUT = timedelta(minutes=10)
RETRYABLE = {408, 425, 429}
USER_AGENT = "network_crm-webhooks/1"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST would turn into a GET without the body: report the 3xx instead.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def backoff(attempts: int) -> timedelta:
    first = settings.WEBHOOK_RETRY_SECONDS
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 3600))


def release_stale_claims(now) -> int:
    """Deliveries claimed by a worker that never finished: back in the queue."""
    return WebhookDelivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(status=DeliveryStatus.PENDING, next_attempt_at=now)


def due_deliveries(now, limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:300]


def deliver(delivery_id: int, now=None) -> str:
    """Send one delivery if it is due and nobody else holds it; returns what happened."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "not due"
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    hook = delivery.webhook
    if not hook.active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error="The webhook was turned off."
        )
        return "off"
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    code, error = _post(
        hook.url,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-NetworkCRM-Event": delivery.event,
            "X-NetworkCRM-Delivery": str(delivery.pk),
            "X-NetworkCRM-Signature": signature(hook.secret, int(time.time()), body),
        },
    )
    done = timezone.now()
    if code is not None and 200 <= code < 300:
        status, changes = "delivered", {"status": DeliveryStatus.DELIVERED, "delivered_at": done,
                                        "error": ""}
    elif (code is None or code >= 500 or code in RETRYABLE) and (
        delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS
    ):
        status, changes = "retry", {"status": DeliveryStatus.PENDING,
                                    "next_attempt_at": done + backoff(delivery.attempts),
                                    "error": error}
    else:
        status, changes = "failed", {"status": DeliveryStatus.FAILED, "error": error}
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        response_code=code, **changes
    )
    return status
