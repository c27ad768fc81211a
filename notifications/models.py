"""Where and when a user's reminders ("nudges") go, and one row per nudge and channel that the
worker claims before it sends (see notifications/delivery.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from contacts.models import Weekday


class Frequency(models.TextChoices):
    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "Once a week"
    OFF = "off", "Never"


class NudgeSchedule(models.Model):
    """When the user's nudges go out, at a local hour in their Profile's time zone."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudge_schedule"
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY, help_text="For a weekly nudge."
    )
    hour = models.PositiveSmallIntegerField(default=8, help_text="Local hour, 0–23.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(hour__lte=23), name="nudge_schedule_hour_0_23"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="nudge_schedule_weekday_0_6"),
        ]

    def __str__(self):
        return f"Nudges of {self.owner}: {self.get_frequency_display()} at {self.hour:02d}:00"


class ChannelKind(models.TextChoices):
    APPRISE = "apprise", "Chat or webhook"
    WEB_PUSH = "web_push", "Web push"


class Channel(models.Model):
    """A place the user's nudges go: an Apprise URL (ntfy, Telegram, Slack, Matrix, Discord,
    any webhook), or one browser's web push subscription."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_channels"
    )
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    name = models.CharField(max_length=80, blank=True)
    # Apprise: the URL holds the service's secrets (bot tokens, webhook keys); pages show it
    # through Apprise's privacy mode only.
    url = models.TextField(blank=True)
    # Web push: the subscription the browser made (PushSubscription.toJSON()).
    endpoint = models.URLField(max_length=2000, blank=True)
    p256dh = models.CharField(max_length=200, blank=True)
    auth = models.CharField(max_length=100, blank=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="apprise") & ~Q(url=""))
                | (Q(kind="web_push") & ~Q(endpoint="") & ~Q(p256dh="") & ~Q(auth="")),
                name="channel_has_its_address",
            ),
            models.UniqueConstraint(
                fields=["owner", "url"], condition=Q(kind="apprise"), name="channel_one_per_url"
            ),
            # A browser's subscription belongs to whoever turned push on in it last.
            models.UniqueConstraint(
                fields=["endpoint"], condition=Q(kind="web_push"), name="channel_one_per_endpoint"
            ),
        ]

    def __str__(self):
        return self.name or self.get_kind_display()


class Nudge(models.Model):
    """One reminder period of one user (a local day, or a local week from its Monday): made by
    the scanner once its local hour has come, at most once (the unique constraint)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges"
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    period = models.DateField(help_text="The local day, or the Monday of the local week.")
    due_at = models.DateTimeField()
    # After this (the period's end) nothing of it is sent: never a stale reminder.
    ends_at = models.DateTimeField()
    # Follow-ups due when it was made; 0: nothing to say, so nothing is sent.
    items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "frequency", "period"], name="nudge_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.get_frequency_display()} nudge of {self.owner} for {self.period}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent"


class Delivery(models.Model):
    """A nudge (or a test) to one channel. Claimed with a conditional UPDATE before anything is
    sent; unique per (channel, nudge), so a nudge reaches a channel once."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    # None: a test the user asked for in Settings.
    nudge = models.ForeignKey(
        Nudge, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # A retry waits until then (backoff); the scanner queues only what is due.
    next_attempt_at = models.DateTimeField()
    # The claim's fencing token: every write after the claim matches it.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "nudge"], name="delivery_once_per_channel_and_nudge"
            ),
        ]
        indexes = [
            # The reminder scanner's "what is due to be sent" (delivery.due_deliveries).
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_unfinished",
            ),
            # The settings page's latest deliveries of each channel.
            models.Index(fields=["channel", "-created_at"], name="delivery_channel_recent"),
        ]

    def __str__(self):
        what = "test" if self.nudge_id is None else str(self.nudge)
        return f"{what} → {self.channel} ({self.get_status_display()})"

    @property
    def is_test(self) -> bool:
        return self.nudge_id is None
