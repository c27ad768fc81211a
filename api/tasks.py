"""Celery tasks for webhooks: a short scanner on beat, and one send per delivery."""

from celery import shared_task

from .webhooks import delivery, services


@shared_task(ignore_result=True)
def scan_webhooks() -> dict:
    """Queue new events' deliveries and send the due ones (first tries and retries alike)."""
    result = services.scan()
    for delivery_id in result["due"]:
        deliver_webhook.delay(delivery_id)
    return {**result, "due": len(result["due"])}


@shared_task(ignore_result=True)
def deliver_webhook(delivery_id: int) -> str:
    """Send one delivery; a second run of the same id sends nothing (it is claimed)."""
    return delivery.deliver(delivery_id)
