"""Events where the user meets people (conferences, meetups, internal events)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import EventKind


class Event(models.Model):
    """A conference, meetup or internal event, with goals and the people met there."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.MEETUP)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Blank for a one-day event.")
    place = models.CharField(max_length=200, blank=True)
    goals = models.TextField(blank=True, help_text="What you want to get from it, who to meet.")
    notes = models.TextField(blank=True)
    people_met = models.ManyToManyField("Contact", blank=True, related_name="events_attended")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        indexes = [models.Index(fields=["owner", "starts_on"], name="event_owner_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def last_day(self):
        return self.ends_on or self.starts_on
