"""A real Celery worker and beat (Redis, PostgreSQL) deliver a due nudge to a local receiver:
the webhook (an Apprise json:// URL) answers 500 first and gets it again after the backoff,
the push service gets it encrypted; each exactly once, however many scans follow."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Channel, ChannelKind, Delivery, DeliveryStatus, Nudge
from notifications.services import get_schedule
from notifications.vapid import generate_keys
from tests.factories import ContactFactory, FollowUpFactory, ProfileFactory, UserFactory
from tests.interactions.test_worker import (
    _database_url_or_skip,
    _redis_url_or_skip,
    _start,
    _stop,
    _wait_for,
)
from tests.notifications.receiver import BrowserKeys

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_worker_delivers_a_nudge_to_a_webhook_and_a_browser_once_retrying_a_500(tmp_path, receiver):
    redis_url = _redis_url_or_skip()
    database_url = _database_url_or_skip()
    now = timezone.now()
    if (now + timedelta(minutes=3)).date() != now.date():
        time.sleep((now.replace(hour=23, minute=59, second=59) - now).total_seconds() + 2)
        now = timezone.now()
    user = UserFactory(username="nudge-worker")
    ProfileFactory(owner=user, time_zone="UTC")
    schedule = get_schedule(user)
    schedule.hour = now.hour  # due since the top of this hour
    schedule.save()
    contact = ContactFactory(owner=user, name="Radia Perlman")
    FollowUpFactory(owner=user, contact=contact, due_on=now.date() - timedelta(days=1))
    receiver.statuses["/hook"] = [500]
    Channel.objects.create(
        owner=user, kind=ChannelKind.APPRISE, url=f"json://{receiver.url.split('//')[1]}/hook"
    )
    keys = BrowserKeys()
    Channel.objects.create(
        owner=user,
        kind=ChannelKind.WEB_PUSH,
        endpoint=f"{receiver.url}/push/device",
        p256dh=keys.p256dh,
        auth=keys.auth,
    )
    private, public = generate_keys()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "NETWORK_CRM_DATA_DIR": str(tmp_path / "data"),
        "NETWORK_CRM_REMINDER_SCAN_SECONDS": "2",
        "NETWORK_CRM_REMINDER_RETRY_SECONDS": "1",
        "VAPID_PRIVATE_KEY": private,
        "VAPID_SUBJECT": "mailto:admin@example.com",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = _start(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
            "--hostname=network-crm-nudges@%h",
        ],
        env,
        worker_log,
    )
    beat = _start(
        ["beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")], env, beat_log
    )
    try:
        logs = [worker_log, beat_log]
        _wait_for(
            lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2,
            "both deliveries sent",
            logs,
        )
        time.sleep(6)  # several more scans: none may send anything again
        assert [r.status for r in receiver.to("/hook")] == [500, 201]
        (pushed,) = receiver.to("/push/device")
        assert f"k={public}" in pushed.headers["authorization"]
        assert keys.decrypt(pushed.body)["body"] == "Radia Perlman."
        assert "Radia Perlman" in receiver.to("/hook")[1].json()["message"]
        assert Nudge.objects.filter(owner=user).count() == 1
        hook = Delivery.objects.get(channel__kind=ChannelKind.APPRISE)
        assert hook.attempts == 2 and hook.error == ""
    finally:
        beat_code = _stop(beat)
        worker_code = _stop(worker)
    assert worker_code == 0, worker_log.read_text()[-3000:]
    assert beat_code is not None
