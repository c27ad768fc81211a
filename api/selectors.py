"""Reads for the "API and webhooks" settings page."""

from django.db.models import OuterRef, Subquery

from .models import AccessToken, Webhook, WebhookDelivery


def access_tokens(owner):
    return AccessToken.objects.filter(owner=owner)


def webhooks_with_last_delivery(owner):
    """The owner's webhooks, each with its last delivery's status, answer, time and error (one
    query whatever their number)."""
    last = WebhookDelivery.objects.filter(webhook=OuterRef("pk")).order_by("-created_at", "-id")
    return Webhook.objects.filter(owner=owner).annotate(
        last_status=Subquery(last.values("status")[:1]),
        last_code=Subquery(last.values("response_code")[:1]),
        last_at=Subquery(last.values("created_at")[:1]),
        last_error=Subquery(last.values("error")[:1]),
        last_event=Subquery(last.values("event")[:1]),
    )
