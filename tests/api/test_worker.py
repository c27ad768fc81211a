"""Webhooks through a real Celery worker and beat (Redis, PostgreSQL): an interaction logged
in the app reaches a local HTTP receiver, signed; a 503 is retried by the next scans; the
delivery arrives exactly once more, and later scans send nothing again."""

import json
import os
import time

import pytest
from django.utils import timezone

from api.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from api.webhooks.services import create_webhook
from api.webhooks.signing import verify
from interactions.services import log_interaction
from tests.api.test_webhooks import Receiver
from tests.factories import ContactFactory, UserFactory
from tests.interactions.test_worker import (
    _database_url_or_skip,
    _redis_url_or_skip,
    _start,
    _stop,
    _wait_for,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_worker_delivers_a_webhook_retries_a_503_and_never_sends_twice(tmp_path):
    redis_url, database_url = _redis_url_or_skip(), _database_url_or_skip()
    receiver = Receiver(codes=[503])
    user = UserFactory(username="webhook-worker")
    hook = create_webhook(user, receiver.url, [WebhookEvent.INTERACTION_LOGGED])
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "NETWORK_CRM_DATA_DIR": str(tmp_path / "data"),
        "NETWORK_CRM_WEBHOOK_SCAN_SECONDS": "1",
        "NETWORK_CRM_WEBHOOK_RETRY_SECONDS": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = _start(["worker", "--loglevel=INFO", "--concurrency=2", "--without-gossip",
                     "--without-mingle", "--hostname=network-crm-webhooks@%h"], env, worker_log)
    beat = _start(["beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")],
                  env, beat_log)
    try:
        logs = [worker_log, beat_log]
        interaction = log_interaction(user, {"contacts": [ContactFactory(owner=user)],
                                             "occurred_at": timezone.now(), "summary": "Lunch"})
        _wait_for(lambda: WebhookDelivery.objects.filter(
            status=DeliveryStatus.DELIVERED).exists(), "the delivery after its retry", logs)
        time.sleep(4)  # several more scans: none may send it again
        assert len(receiver.received) == 2
        (first_headers, _), (headers, body) = receiver.received
        assert first_headers["X-NetworkCRM-Delivery"] == headers["X-NetworkCRM-Delivery"]
        assert verify(hook.secret, headers["X-NetworkCRM-Signature"], body)
        assert json.loads(body)["data"]["id"] == interaction.pk
        row = WebhookDelivery.objects.get()
        assert (row.attempts, row.response_code) == (2, 204)
    finally:
        _stop(beat)
        worker_code = _stop(worker)
        receiver.close()
    assert worker_code == 0, worker_log.read_text()[-3000:]
