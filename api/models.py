"""Personal access tokens for the REST API, and outgoing webhooks with their deliveries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class AccessToken(models.Model):
    """A personal access token: `Authorization: Bearer <token>`. Only a SHA-256 of the token
    is stored (it is random, 256 bits, so a fast hash is enough); it is shown once."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, so the user can tell tokens apart in Settings.
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE


class WebhookEvent(models.TextChoices):
    INTERACTION_LOGGED = "interaction.logged", "An interaction is logged"
    FOLLOW_UP_DUE = "follow_up.due", "A follow-up is due"
    CONTACT_CHANGED = "contact.changed", "A contact is added or changed"


class Webhook(models.Model):
    """An address that receives a signed POST for each event the user chose."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    # Signs each body (HMAC-SHA256); shown in Settings so the receiver can check it.
    secret = models.CharField(max_length=64)
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Events that happened up to this moment have their deliveries queued (the scanner).
    scanned_until = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENDING = "sending", "Being sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event for one webhook. The unique (webhook, event_key) makes the scanner
    idempotent; a conditional UPDATE claims the row before each attempt, so two workers never
    send it at the same time."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    event_key = models.CharField(max_length=150)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Read by the webhook scanner (api.webhooks.delivery.due_deliveries): unfinished rows.
            models.Index(
                fields=["next_attempt_at"], name="webhook_delivery_unfinished",
                condition=Q(status__in=["pending", "sending"]),
            ),
            # The last deliveries of a webhook, in Settings.
            models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event_key"], name="delivery_unique_event"),
        ]

    def __str__(self):
        return f"{self.event} → {self.webhook} ({self.status})"
