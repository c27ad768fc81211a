"""Webhooks: the scanner finds events (interaction logged, contact changed, follow-up due),
queues one delivery per event and webhook, and each is POSTed once to a real HTTP server
started by the test, signed with HMAC, retried after a 5xx and never sent twice."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from api.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from api.webhooks import delivery, services
from api.webhooks.signing import verify
from interactions.services import log_interaction
from tests.factories import ContactFactory, FollowUpFactory


class Receiver:
    """A local HTTP server that records each POST and answers with the next scripted code."""

    def __init__(self, codes=()):
        self.codes = list(codes)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body))  # case-insensitive
                self.send_response(receiver.codes.pop(0) if receiver.codes else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _run_scanner():
    """What beat and the worker do: the scanner, then each queued send (run here in-process)."""
    result = services.scan()
    return [delivery.deliver(pk) for pk in result["due"]]


def test_a_logged_interaction_is_posted_once_signed(owner, receiver):
    hook = services.create_webhook(owner, receiver.url, [WebhookEvent.INTERACTION_LOGGED])
    ada = ContactFactory(owner=owner, name="Ada")
    interaction = log_interaction(owner, {"contacts": [ada], "occurred_at": timezone.now(),
                                          "summary": "Coffee"})
    assert _run_scanner() == ["delivered"]
    assert _run_scanner() == []  # a second scan queues and sends nothing
    (headers, body), = receiver.received
    assert verify(hook.secret, headers["X-NetworkCRM-Signature"], body)
    assert not verify("another secret", headers["X-NetworkCRM-Signature"], body)
    payload = json.loads(body)
    assert payload["event"] == "interaction.logged"
    assert payload["data"]["id"] == interaction.pk
    assert payload["data"]["contacts"] == [ada.pk]
    assert headers["X-NetworkCRM-Event"] == "interaction.logged"
    row = WebhookDelivery.objects.get()
    assert (row.status, row.response_code, row.attempts) == (DeliveryStatus.DELIVERED, 204, 1)


def test_a_5xx_is_retried_later_and_then_delivered(owner):
    receiver = Receiver(codes=[503])
    try:
        services.create_webhook(owner, receiver.url, [WebhookEvent.CONTACT_CHANGED])
        ContactFactory(owner=owner, name="Grace")
        assert _run_scanner() == ["retry"]
        row = WebhookDelivery.objects.get()
        assert row.status == DeliveryStatus.PENDING and row.error == "HTTP 503"
        assert _run_scanner() == []  # not due yet: the backoff holds it
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        assert _run_scanner() == ["delivered"]
        assert len(receiver.received) == 2
        assert receiver.received[0][0]["X-NetworkCRM-Delivery"] == str(row.pk)
        assert receiver.received[1][0]["X-NetworkCRM-Delivery"] == str(row.pk)
    finally:
        receiver.close()


def test_a_4xx_fails_without_retrying(owner):
    receiver = Receiver(codes=[410])
    try:
        services.create_webhook(owner, receiver.url, [WebhookEvent.CONTACT_CHANGED])
        ContactFactory(owner=owner)
        assert _run_scanner() == ["failed"]
        assert _run_scanner() == []
    finally:
        receiver.close()


def test_an_unreachable_receiver_gives_up_after_the_last_attempt(owner, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    services.create_webhook(owner, "http://127.0.0.1:9/nothing", [WebhookEvent.CONTACT_CHANGED])
    ContactFactory(owner=owner)
    assert _run_scanner() == ["retry"]
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert _run_scanner() == ["failed"]
    assert WebhookDelivery.objects.get().error


def test_a_claimed_delivery_is_never_sent_by_a_second_worker(owner, receiver):
    services.create_webhook(owner, receiver.url, [WebhookEvent.CONTACT_CHANGED])
    ContactFactory(owner=owner)
    (pk,) = services.scan()["due"]
    assert delivery.deliver(pk) == "delivered"
    assert delivery.deliver(pk) == "not due"
    assert len(receiver.received) == 1


def test_a_follow_up_that_comes_due_is_sent_once(owner, receiver):
    services.create_webhook(owner, receiver.url, [WebhookEvent.FOLLOW_UP_DUE])
    follow_up = FollowUpFactory(owner=owner, due_on=timezone.localdate())
    FollowUpFactory(owner=owner, due_on=timezone.localdate() + timedelta(days=3))
    assert _run_scanner() == ["delivered"]
    assert _run_scanner() == []
    assert json.loads(receiver.received[0][1])["data"]["id"] == follow_up.pk


def test_only_the_chosen_events_are_sent(owner, receiver):
    services.create_webhook(owner, receiver.url, [WebhookEvent.FOLLOW_UP_DUE])
    ContactFactory(owner=owner)
    assert _run_scanner() == []


def test_events_before_the_webhook_existed_are_not_sent(owner, receiver):
    ContactFactory(owner=owner)
    services.create_webhook(owner, receiver.url, [WebhookEvent.CONTACT_CHANGED])
    assert _run_scanner() == []


def test_a_paused_webhook_sends_nothing(owner, receiver):
    hook = services.create_webhook(owner, receiver.url, [WebhookEvent.CONTACT_CHANGED])
    services.set_active(hook, False)
    ContactFactory(owner=owner)
    assert _run_scanner() == []


def test_a_stale_claim_is_handed_out_again(owner, receiver):
    services.create_webhook(owner, receiver.url, [WebhookEvent.CONTACT_CHANGED])
    ContactFactory(owner=owner)
    services.scan()
    WebhookDelivery.objects.update(status=DeliveryStatus.SENDING,
                                   claimed_at=timezone.now() - timedelta(hours=1))
    assert _run_scanner() == ["delivered"]
