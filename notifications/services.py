"""Writes for reminders: the schedule, the channels (Apprise URLs and push subscriptions), and
a test send. Sends themselves happen in the worker (notifications/delivery.py)."""

from django.db import transaction
from django.utils import timezone

from .models import Channel, ChannelKind, Delivery, NudgeSchedule


def get_schedule(owner) -> NudgeSchedule:
    """The user's nudge schedule, made with the defaults (every day at 08:00) the first time."""
    schedule, _ = NudgeSchedule.objects.get_or_create(owner=owner)
    return schedule


def add_apprise_channel(owner, *, url: str, name: str = "") -> Channel:
    """A chat app or webhook the user's nudges go to."""
    get_schedule(owner)
    return Channel.objects.create(owner=owner, kind=ChannelKind.APPRISE, url=url, name=name)


@transaction.atomic
def save_push_subscription(owner, *, endpoint: str, p256dh: str, auth: str, name: str) -> Channel:
    """Web push to one browser. A browser has one subscription: it goes to the user who turned
    push on in it last (someone else's row for it is removed)."""
    get_schedule(owner)
    Channel.objects.filter(kind=ChannelKind.WEB_PUSH, endpoint=endpoint).exclude(
        owner=owner
    ).delete()
    channel, _ = Channel.objects.update_or_create(
        kind=ChannelKind.WEB_PUSH,
        endpoint=endpoint,
        defaults={"owner": owner, "p256dh": p256dh, "auth": auth, "name": name, "enabled": True},
    )
    return channel


def remove_channel(channel: Channel) -> None:
    """Stop sending there; its deliveries go with it."""
    channel.delete()


def send_test(channel: Channel) -> Delivery:
    """Queue a test message to the channel, sent by the worker like any nudge."""
    from .tasks import deliver_reminder

    test = Delivery.objects.create(
        owner_id=channel.owner_id, channel=channel, nudge=None, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: deliver_reminder.delay(test.pk))
    return test
