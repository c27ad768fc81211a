"""The digest against a real (local) SMTP server: a greylisting server's 451 at RCPT is retried
like any temporary error, a 550 fails at once, and the row moves to `sending` only right
before DATA's final "." (where the server could first accept it), to `sent` right after."""

import smtplib
from datetime import UTC, datetime

import pytest
import time_machine

from interactions import digests
from interactions.models import Digest, DigestStatus
from interactions.tasks import send_digest
from tests.factories import ContactFactory, ProfileFactory, UserFactory
from tests.hardening.faults import SlowSMTPSink

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 30, 7, 5, tzinfo=UTC)


@pytest.fixture
def smtp_server(settings):
    servers = []

    def start(*rcpt_replies):
        server = SlowSMTPSink(rcpt_replies=rcpt_replies)
        servers.append(server)
        settings.MAILERS = {"default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
        }}
        return server

    yield start
    for server in servers:
        server.close()


def due_digest():
    user = UserFactory(email="ada@example.org")
    ProfileFactory(owner=user, time_zone="UTC", digest_weekday=0, digest_hour=7)
    ContactFactory(owner=user)
    (digest_id,) = digests.scan_due_digests(NOW)
    return digest_id


def test_a_greylisting_server_451_at_rcpt_is_retried_and_the_digest_arrives_once(smtp_server):
    server = smtp_server(b"451 4.7.1 Greylisted, please try again later")
    digest_id = due_digest()
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        digests.deliver_digest(digest_id, NOW)
    digest = Digest.objects.get(pk=digest_id)
    assert digest.status == DigestStatus.PENDING and "451" in digest.error
    assert digests.deliver_digest(digest_id, NOW) == "sent"
    assert server.received == {"ada@example.org": 1}


def test_the_send_task_retries_greylisting_until_it_is_accepted(smtp_server):
    server = smtp_server(b"451 4.7.1 Greylisted", b"450 4.2.0 Try again")
    digest_id = due_digest()
    with time_machine.travel(NOW, tick=False):
        send_digest.apply(args=[digest_id])
    digest = Digest.objects.get(pk=digest_id)
    assert (digest.status, digest.attempts) == (DigestStatus.SENT, 3)
    assert server.received == {"ada@example.org": 1}


def test_a_recipient_refused_for_good_fails_at_once(smtp_server):
    server = smtp_server(b"550 5.1.1 No such user")
    digest_id = due_digest()
    assert digests.deliver_digest(digest_id, NOW) == "failed"
    digest = Digest.objects.get(pk=digest_id)
    assert digest.status == DigestStatus.FAILED and "550" in digest.error
    assert server.received == {}


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs."""


@pytest.fixture
def wire(monkeypatch):
    """Records the digest's status each time the client sends on the SMTP socket, and kills
    the 'worker' at a chosen send: "body" (DATA's lines) or "end" (the final ".")."""
    seen, kill = [], {"at": None}
    send = smtplib.SMTP.send

    def recording_send(self, data):
        raw = data if isinstance(data, bytes) else data.encode()
        what = "end" if raw == b".\r\n" else "body" if b"Subject:" in raw else "command"
        seen.append((what, Digest.objects.get().status))
        if kill["at"] == what:
            raise WorkerKilled
        return send(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", recording_send)
    return seen, kill


def test_the_row_is_sending_only_for_the_final_dot_and_sent_right_after(smtp_server, wire):
    seen, _ = wire
    server = smtp_server()
    digest_id = due_digest()
    assert digests.deliver_digest(digest_id, NOW) == "sent"
    statuses = dict((what, status) for what, status in seen if what != "command")
    assert statuses == {"body": DigestStatus.CLAIMED, "end": DigestStatus.SENDING}
    assert Digest.objects.get(pk=digest_id).status == DigestStatus.SENT
    assert server.received == {"ada@example.org": 1}


@pytest.mark.parametrize(("kill_at", "left"), [
    ("body", DigestStatus.CLAIMED),  # the server cannot have it: a resend is the only copy
    ("end", DigestStatus.SENDING),  # from the final "." on, it may: the one open round-trip
])
def test_a_worker_killed_mid_send_leaves_a_row_that_says_whether_the_server_may_have_it(
    smtp_server, wire, kill_at, left
):
    _, kill = wire
    server = smtp_server()
    digest_id = due_digest()
    kill["at"] = kill_at
    with pytest.raises(WorkerKilled):
        digests.deliver_digest(digest_id, NOW)
    assert Digest.objects.get(pk=digest_id).status == left
    assert server.received == {}  # killed before the final "." went out
