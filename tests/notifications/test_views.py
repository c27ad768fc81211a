"""The reminders settings page: schedule, channels (Apprise URLs, push subscriptions), test
sends; only the user's own channels; a fixed number of queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Channel, ChannelKind, Delivery, Frequency, NudgeSchedule
from tests.notifications.receiver import BrowserKeys

pytestmark = pytest.mark.django_db
PAGE = reverse("notifications:settings")


def test_the_settings_page_links_to_the_reminders(owner_client):
    assert PAGE in owner_client.get(reverse("settings")).content.decode()


def test_the_schedule_is_saved(owner_client, owner):
    response = owner_client.post(PAGE, {"frequency": "weekly", "weekday": "4", "hour": "17"})
    assert response.status_code == 302
    schedule = NudgeSchedule.objects.get(owner=owner)
    assert (schedule.frequency, schedule.weekday, schedule.hour) == (Frequency.WEEKLY, 4, 17)


def test_an_apprise_url_is_added_and_shown_with_its_secrets_masked(owner_client, owner):
    url = "tgram://123456789:abcdefghijklmnop/12345"
    response = owner_client.post(
        reverse("notifications:channel_add"), {"url": url, "name": "Phone"}
    )
    assert response.status_code == 302
    channel = Channel.objects.get(owner=owner)
    assert (channel.kind, channel.url, channel.name) == (ChannelKind.APPRISE, url, "Phone")
    page = owner_client.get(PAGE).content.decode()
    assert "Phone" in page and "abcdefghijklmnop" not in page


def test_a_url_apprise_does_not_understand_is_a_field_error(owner_client, owner):
    response = owner_client.post(reverse("notifications:channel_add"), {"url": "nonsense://x"})
    assert response.status_code == 200
    assert "Apprise does not understand this URL" in response.content.decode()
    assert not Channel.objects.exists()


def test_the_same_url_twice_is_a_field_error(owner_client, owner):
    owner_client.post(reverse("notifications:channel_add"), {"url": "ntfy://my-topic"})
    response = owner_client.post(reverse("notifications:channel_add"), {"url": "ntfy://my-topic"})
    assert "already go there" in response.content.decode()
    assert Channel.objects.count() == 1


def test_send_a_test_queues_a_test_delivery(
    owner_client, owner, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    channel = Channel.objects.create(
        owner=owner, kind=ChannelKind.APPRISE, url="json://127.0.0.1:9/x"
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner_client.post(
            reverse("notifications:channel_test", args=[channel.pk]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert "On its way" in response.content.decode()
    test = Delivery.objects.get()
    assert test.nudge is None and test.channel == channel
    # The worker is asked once the row is committed.
    assert [cb for cb in callbacks if cb.__qualname__.startswith("send_test")]


def test_a_channel_is_removed(owner_client, owner):
    channel = Channel.objects.create(owner=owner, kind=ChannelKind.APPRISE, url="ntfy://t")
    owner_client.post(reverse("notifications:channel_delete", args=[channel.pk]))
    assert not Channel.objects.exists()


def test_a_stranger_cannot_test_or_remove_my_channel(owner, stranger_client):
    channel = Channel.objects.create(owner=owner, kind=ChannelKind.APPRISE, url="ntfy://t")
    for name in (
        "notifications:channel_test",
        "notifications:channel_delete",
        "notifications:channel_row",
    ):
        assert stranger_client.post(reverse(name, args=[channel.pk])).status_code in (404, 405)
    assert Channel.objects.filter(pk=channel.pk).exists() and not Delivery.objects.exists()


def _subscription(**changes):
    keys = BrowserKeys()
    data = {
        "endpoint": "https://push.example.net/send/abc",
        "p256dh": keys.p256dh,
        "auth": keys.auth,
        "name": "Chrome on Android",
    }
    return data | changes


def test_a_push_subscription_becomes_a_channel(owner_client, owner, vapid):
    response = owner_client.post(reverse("notifications:push_subscribe"), _subscription())
    assert response.status_code == 201
    channel = Channel.objects.get(owner=owner)
    assert channel.kind == ChannelKind.WEB_PUSH and channel.name == "Chrome on Android"


def test_a_browser_push_subscription_belongs_to_whoever_turned_it_on_last(
    owner_client, stranger_client, owner, stranger, vapid
):
    data = _subscription()
    owner_client.post(reverse("notifications:push_subscribe"), data)
    stranger_client.post(reverse("notifications:push_subscribe"), data)
    assert list(Channel.objects.values_list("owner_id", flat=True)) == [stranger.pk]


@pytest.mark.parametrize(
    "changes", [{"endpoint": "http://10.0.0.1/push"}, {"p256dh": "abc"}, {"auth": "short"}]
)
def test_a_malformed_push_subscription_is_refused(owner_client, vapid, changes):
    response = owner_client.post(reverse("notifications:push_subscribe"), _subscription(**changes))
    assert response.status_code == 400
    assert not Channel.objects.exists()


def test_without_vapid_keys_push_is_not_offered(owner_client, settings):
    settings.VAPID_PRIVATE_KEY = None
    assert "VAPID_PRIVATE_KEY" in owner_client.get(PAGE).content.decode()
    assert (
        owner_client.post(reverse("notifications:push_subscribe"), _subscription()).status_code
        == 409
    )


def test_with_vapid_keys_the_page_offers_push_with_the_public_key(owner_client, vapid):
    assert f'data-key="{vapid}"' in owner_client.get(PAGE).content.decode()


def test_the_push_endpoint_refuses_a_post_without_csrf_token(owner, vapid):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(reverse("notifications:push_subscribe"), _subscription()).status_code == 403


def test_the_page_costs_the_same_queries_with_many_channels(owner_client, owner):
    Channel.objects.create(owner=owner, kind=ChannelKind.APPRISE, url="ntfy://one")
    owner_client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        assert owner_client.get(PAGE).status_code == 200
    for n in range(8):
        channel = Channel.objects.create(owner=owner, kind=ChannelKind.APPRISE, url=f"ntfy://t{n}")
        Delivery.objects.create(owner=owner, channel=channel, next_attempt_at="2026-12-01T00:00Z")
    with CaptureQueriesContext(connection) as many:
        owner_client.get(PAGE)
    assert len(many) == len(few)
