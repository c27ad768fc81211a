"""Sending one message to one channel: Apprise for chat apps and webhooks, pywebpush for web
push. Each raises DeliveryError, which says whether trying again later may help, or
SubscriptionGone when a push service says the browser's subscription no longer exists."""

import json
import logging

import apprise
import requests
from django.conf import settings
from pywebpush import WebPushException, webpush

from . import vapid
from .content import NudgeMessage
from .models import Channel, ChannelKind

logger = logging.getLogger(__name__)

# Seconds to wait for a push service; Apprise's own plugins time out after 4 s to connect and
# 4 s to read (their `cto` and `rto` URL arguments change that).
PUSH_TIMEOUT = 10
# A push notification older than this is worth nothing: the push service drops it.
PUSH_TTL_SECONDS = 12 * 3600


class DeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


class SubscriptionGone(DeliveryError):
    """404 or 410 from the push service: the browser unsubscribed or the user revoked it."""

    def __init__(self, message: str):
        super().__init__(message, retryable=False)


def _asset() -> apprise.AppriseAsset:
    return apprise.AppriseAsset(
        app_id="network_crm", app_desc="network_crm reminders", app_url=settings.SITE_URL
    )


def apprise_service(url: str):
    """The Apprise plugin for `url`, or None when Apprise does not understand it."""
    return apprise.Apprise.instantiate(url, asset=_asset(), suppress_exceptions=True)


def private_url(url: str) -> str:
    """The URL as Apprise shows it with its secrets masked, for pages and logs."""
    service = apprise_service(url)
    return service.url(privacy=True) if service else "(not an Apprise URL)"


def send_apprise(url: str, message: NudgeMessage) -> None:
    service = apprise_service(url)
    if service is None:
        raise DeliveryError("Apprise does not understand this URL", retryable=False)
    notifier = apprise.Apprise(asset=_asset())
    notifier.add(service)
    # Apprise answers True or False; what went wrong (a status code, a timeout) is in its log.
    with apprise.LogCapture(level=logging.WARNING) as log:
        delivered = notifier.notify(
            title=message.title, body=message.body, body_format=apprise.NotifyFormat.TEXT
        )
    if not delivered:
        said = " ".join(log.getvalue().split())
        raise DeliveryError(said[-300:] or "the service did not accept it", retryable=True)


def send_web_push(channel: Channel, message: NudgeMessage, tag: str) -> None:
    if not vapid.configured():
        raise DeliveryError(
            "web push is not set up on this server (VAPID_PRIVATE_KEY)", retryable=False
        )
    payload = {"title": message.title, "body": message.push_body, "url": message.url, "tag": tag}
    try:
        webpush(
            {
                "endpoint": channel.endpoint,
                "keys": {"p256dh": channel.p256dh, "auth": channel.auth},
            },
            json.dumps(payload),
            vapid_private_key=vapid.signer(),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=PUSH_TTL_SECONDS,
            timeout=PUSH_TIMEOUT,
            # A push service holding an undelivered message with the same Topic replaces it.
            headers={"Topic": tag[:32], "Urgency": "normal"},
        )
    except WebPushException as exc:
        code = exc.status_code
        if code in (404, 410):
            raise SubscriptionGone(f"the push service answered {code}: subscription gone") from exc
        retryable = code is None or code >= 500 or code == 429
        raise DeliveryError(f"the push service answered {code}", retryable=retryable) from exc
    except (requests.RequestException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}"[:300], retryable=True) from exc


def send(channel: Channel, message: NudgeMessage, tag: str) -> None:
    """Send `message` to `channel`; `tag` names the reminder (a repeat replaces, not stacks)."""
    if channel.kind == ChannelKind.WEB_PUSH:
        send_web_push(channel, message, tag)
    else:
        send_apprise(channel.url, message)
