"""Reads for the reminders settings page: a fixed number of queries whatever the history."""

from dataclasses import dataclass
from datetime import datetime

from interactions.digests.schedule import profile_of

from . import senders
from .delivery import nudge_window
from .models import Channel, ChannelKind, Delivery, Frequency, Nudge, NudgeSchedule

RECENT_DELIVERIES = 40
RECENT_NUDGES = 7


@dataclass
class ChannelRow:
    channel: Channel
    address: str  # what the page shows of it: secrets masked
    last_test: Delivery | None
    last_nudge: Delivery | None

    @property
    def test_in_flight(self) -> bool:
        return self.last_test is not None and self.last_test.status in ("pending", "sending")


def channel_address(channel: Channel) -> str:
    if channel.kind == ChannelKind.WEB_PUSH:
        return channel.endpoint.split("/")[2] if "//" in channel.endpoint else channel.endpoint
    return senders.private_url(channel.url).split("?")[0]


def channel_rows(owner, channels=None) -> list[ChannelRow]:
    """The user's channels, each with its latest test and latest nudge. Two queries."""
    channels = list(channels if channels is not None else Channel.objects.filter(owner=owner))
    recent = Delivery.objects.filter(owner=owner, channel__in=[c.pk for c in channels])
    tests, nudges = {}, {}
    for delivery in recent.select_related("nudge").order_by("-created_at", "-id")[
        :RECENT_DELIVERIES
    ]:
        latest = tests if delivery.nudge_id is None else nudges
        latest.setdefault(delivery.channel_id, delivery)
    return [
        ChannelRow(channel, channel_address(channel), tests.get(channel.pk), nudges.get(channel.pk))
        for channel in channels
    ]


def recent_nudges(owner) -> list[Nudge]:
    return list(Nudge.objects.filter(owner=owner)[:RECENT_NUDGES])


def next_nudge_at(schedule: NudgeSchedule, owner, now: datetime) -> datetime | None:
    """When the next nudge is due (UTC), or None when nudges are off."""
    if schedule.frequency == Frequency.OFF:
        return None
    zone = profile_of(owner).zone
    window = nudge_window(schedule, zone, now)
    made = Nudge.objects.filter(
        owner=owner, frequency=schedule.frequency, period=window.period
    ).exists()
    if not made and now < window.ends_at:
        return max(window.due_at, now)
    return nudge_window(schedule, zone, window.ends_at).due_at
