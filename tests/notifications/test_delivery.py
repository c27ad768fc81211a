"""Nudges made at the user's local hour and delivered to a local receiver: once per channel
and period, retried after a 5xx, never after their period, push subscriptions removed on 410."""

from datetime import UTC, date, datetime, timedelta

import pytest

from notifications import delivery
from notifications.models import Channel, ChannelKind, Delivery, DeliveryStatus, Frequency, Nudge
from notifications.services import get_schedule
from tests.factories import ContactFactory, FollowUpFactory, ProfileFactory, UserFactory
from tests.notifications.receiver import BrowserKeys

pytestmark = pytest.mark.django_db

# A Wednesday; the user lives in Berlin (UTC+1 in December) and wants nudges at 08:00.
MORNING = datetime(2026, 12, 9, 7, 0, tzinfo=UTC)
TODAY = date(2026, 12, 9)


@pytest.fixture
def user():
    user = UserFactory(username="nudged")
    ProfileFactory(owner=user, time_zone="Europe/Berlin")
    schedule = get_schedule(user)
    schedule.hour = 8
    schedule.save()
    return user


@pytest.fixture
def due(user):
    contact = ContactFactory(owner=user, name="Radia Perlman", company="Spanning Trees Inc")
    FollowUpFactory(owner=user, contact=contact, due_on=TODAY - timedelta(days=2), note="call back")
    return contact


def hook(user, receiver, path="/hook"):
    return Channel.objects.create(
        owner=user, kind=ChannelKind.APPRISE, url=f"json://{receiver.url.split('//')[1]}{path}"
    )


def test_no_nudge_before_the_users_local_hour(user, due, receiver):
    hook(user, receiver)
    assert delivery.scan_nudges(MORNING - timedelta(minutes=1)) == []
    assert not Nudge.objects.exists()


def test_the_nudge_is_made_once_at_the_local_hour_with_one_delivery_per_channel(
    user, due, receiver
):
    first, second = hook(user, receiver, "/a"), hook(user, receiver, "/b")
    ready = delivery.scan_nudges(MORNING)
    assert delivery.scan_nudges(MORNING + timedelta(minutes=5)) == ready  # a rerun makes nothing
    nudge = Nudge.objects.get()
    assert (nudge.period, nudge.frequency, nudge.items) == (TODAY, Frequency.DAILY, 1)
    assert sorted(Delivery.objects.values_list("channel_id", flat=True)) == [first.pk, second.pk]
    assert len(ready) == 2


def test_a_webhook_gets_who_to_reach_out_to_with_links_once(user, due, receiver):
    hook(user, receiver)
    (delivery_id,) = delivery.scan_nudges(MORNING)
    assert delivery.deliver(delivery_id, MORNING) == ("sent", None)
    assert delivery.deliver(delivery_id, MORNING + timedelta(seconds=1)) == ("not mine", None)
    assert delivery.scan_nudges(MORNING + timedelta(hours=1)) == []

    (sent,) = receiver.to("/hook")
    message = sent.json()
    assert message["title"] == "1 person to reach out to today"
    assert "Radia Perlman (Spanning Trees Inc)" in message["message"]
    assert "2 days overdue" in message["message"]
    assert f"/contacts/{due.pk}/" in message["message"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_server_error_is_retried_after_the_backoff_and_sent_once(user, due, receiver, settings):
    settings.REMINDER_RETRY_SECONDS = 30
    hook(user, receiver)
    receiver.statuses["/hook"] = [500]
    (delivery_id,) = delivery.scan_nudges(MORNING)

    assert delivery.deliver(delivery_id, MORNING) == ("retry", 30)
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at == MORNING + timedelta(seconds=30)
    assert "500" in row.error
    assert delivery.deliver(delivery_id, MORNING + timedelta(seconds=10)) == ("not mine", None)
    assert delivery.scan_nudges(MORNING + timedelta(seconds=10)) == []

    later = MORNING + timedelta(seconds=31)
    assert delivery.scan_nudges(later) == [delivery_id]
    assert delivery.deliver(delivery_id, later) == ("sent", None)
    assert [r.status for r in receiver.to("/hook")] == [500, 201]


def test_it_gives_up_after_the_last_attempt(user, due, receiver, settings):
    settings.REMINDER_MAX_ATTEMPTS = 2
    hook(user, receiver)
    receiver.statuses["/hook"] = [503, 503, 503]
    (delivery_id,) = delivery.scan_nudges(MORNING)
    assert delivery.deliver(delivery_id, MORNING)[0] == "retry"
    assert delivery.deliver(delivery_id, MORNING + timedelta(minutes=5))[0] == "failed"
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    assert len(receiver.to("/hook")) == 2


def test_nothing_due_makes_a_nudge_that_sends_nothing(user, receiver):
    hook(user, receiver)
    assert delivery.scan_nudges(MORNING) == []
    assert Nudge.objects.get().items == 0
    assert not Delivery.objects.exists()


def test_a_reminder_not_sent_by_the_end_of_its_day_is_skipped(user, due, receiver):
    hook(user, receiver)
    delivery.scan_nudges(MORNING)
    midnight_berlin = datetime(2026, 12, 9, 23, 0, tzinfo=UTC)
    assert delivery.scan_nudges(midnight_berlin) == []
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.SKIPPED and row.error == delivery.TOO_LATE
    assert receiver.requests == []


def test_a_weekly_nudge_covers_the_week_and_goes_out_on_its_day(user, receiver):
    schedule = get_schedule(user)
    schedule.frequency, schedule.weekday = Frequency.WEEKLY, 2  # Wednesday
    schedule.save()
    contact = ContactFactory(owner=user, name="Barbara Liskov")
    FollowUpFactory(owner=user, contact=contact, due_on=TODAY + timedelta(days=3))
    hook(user, receiver)
    assert delivery.scan_nudges(MORNING - timedelta(days=1)) == []  # Tuesday
    (delivery_id,) = delivery.scan_nudges(MORNING)
    assert Nudge.objects.get().period == date(2026, 12, 7)  # the Monday
    delivery.deliver(delivery_id, MORNING)
    assert receiver.to("/hook")[0].json()["title"] == "1 person to reach out to this week"


def test_web_push_is_encrypted_for_the_browser_and_signed_with_vapid(user, due, receiver, vapid):
    keys = BrowserKeys()
    Channel.objects.create(
        owner=user,
        kind=ChannelKind.WEB_PUSH,
        endpoint=f"{receiver.url}/push/abc",
        p256dh=keys.p256dh,
        auth=keys.auth,
    )
    (delivery_id,) = delivery.scan_nudges(MORNING)
    assert delivery.deliver(delivery_id, MORNING) == ("sent", None)

    (pushed,) = receiver.to("/push/abc")
    assert pushed.headers["content-encoding"] == "aes128gcm"
    assert pushed.headers["topic"] == f"nudge-{Nudge.objects.get().pk}"
    assert f"k={vapid}" in pushed.headers["authorization"]
    payload = keys.decrypt(pushed.body)
    assert payload["title"] == "1 person to reach out to today"
    assert payload["body"] == "Radia Perlman."
    assert payload["url"].endswith("/")
    assert payload["tag"] == pushed.headers["topic"]


def test_a_push_subscription_the_service_says_is_gone_is_removed(user, due, receiver, vapid):
    keys = BrowserKeys()
    Channel.objects.create(
        owner=user,
        kind=ChannelKind.WEB_PUSH,
        endpoint=f"{receiver.url}/push/old",
        p256dh=keys.p256dh,
        auth=keys.auth,
    )
    receiver.statuses["/push/old"] = [410]
    (delivery_id,) = delivery.scan_nudges(MORNING)
    assert delivery.deliver(delivery_id, MORNING) == ("gone", None)
    assert not Channel.objects.exists()


def test_a_push_refused_with_a_4xx_is_not_retried(user, due, receiver, vapid):
    keys = BrowserKeys()
    Channel.objects.create(
        owner=user,
        kind=ChannelKind.WEB_PUSH,
        endpoint=f"{receiver.url}/push/bad",
        p256dh=keys.p256dh,
        auth=keys.auth,
    )
    receiver.statuses["/push/bad"] = [400]
    (delivery_id,) = delivery.scan_nudges(MORNING)
    assert delivery.deliver(delivery_id, MORNING) == ("failed", None)
    assert Delivery.objects.get().error == "the push service answered 400"


def test_a_worker_that_died_mid_send_is_replaced_after_the_lease(user, due, receiver):
    hook(user, receiver)
    (delivery_id,) = delivery.scan_nudges(MORNING)
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENDING, claimed_at=MORNING, attempts=1
    )
    assert delivery.scan_nudges(MORNING + timedelta(minutes=5)) == []
    later = MORNING + delivery.CLAIM_LEASE + timedelta(seconds=1)
    assert delivery.scan_nudges(later) == [delivery_id]
    assert delivery.deliver(delivery_id, later) == ("sent", None)


def test_a_test_send_says_it_is_a_test_and_what_a_nudge_would_say(user, due, receiver):
    channel = hook(user, receiver)
    test = Delivery.objects.create(owner=user, channel=channel, next_attempt_at=MORNING)
    assert delivery.deliver(test.pk, MORNING) == ("sent", None)
    message = receiver.to("/hook")[0].json()
    assert message["title"].startswith("Test from network_crm: 1 person")
    assert "This is a test" in message["message"] and "Radia Perlman" in message["message"]


def test_other_users_nudges_are_their_own(user, due, receiver):
    hook(user, receiver)
    other = UserFactory(username="other")
    ProfileFactory(owner=other, time_zone="Europe/Berlin")
    get_schedule(other)
    hook(other, receiver, "/other")
    delivery.scan_nudges(MORNING)
    # The other user has nothing due: a nudge with nothing to say, and no delivery.
    assert Nudge.objects.get(owner=other).items == 0
    assert list(Delivery.objects.values_list("owner_id", flat=True)) == [user.pk]


def test_a_delivery_whose_worker_keeps_dying_is_failed_after_the_last_attempt(
    user, due, receiver, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 2
    hook(user, receiver)
    (delivery_id,) = delivery.scan_nudges(MORNING)
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENDING, claimed_at=MORNING, attempts=2
    )
    later = MORNING + delivery.CLAIM_LEASE + timedelta(seconds=1)
    assert delivery.scan_nudges(later) == []
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    assert receiver.requests == []
