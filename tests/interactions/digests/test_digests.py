"""The weekly digest: due at the user's local weekday and hour across daylight-saving changes,
claimed before it is sent, never twice, retried on SMTP errors, never stale; a real MIME
message with text and HTML parts and one-click unsubscribe headers."""

import email
import smtplib
import threading
from datetime import UTC, date, datetime, timedelta
from email import policy

import pytest
import time_machine
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection

from contacts.models import Tier
from interactions import digests, followups
from interactions.models import Digest, DigestStatus, Direction, FollowUp, FollowUpReason
from interactions.tasks import send_digest
from tests.factories import (
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    ProfileFactory,
    SupportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Users are created in almost every test; the real hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def subscriber(time_zone="UTC", weekday=0, hour=7, username=None):
    user = UserFactory(**({"username": username} if username else {}))
    ProfileFactory(owner=user, time_zone=time_zone, digest_weekday=weekday, digest_hour=hour)
    return user


def send_due(now) -> list[str]:
    return [digests.deliver_digest(digest_id, now) for digest_id in digests.scan_due_digests(now)]


class FlakyBackend(LocmemBackend):
    """Fails the first `failures` sends with a transient SMTP error, then delivers."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"owner@example.com": (550, b"no such user")})


def use_backend(settings, name: str, module: str = __name__) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{module}.{name}"}}


@pytest.fixture
def flaky(settings):
    use_backend(settings, "FlakyBackend")
    FlakyBackend.calls = 0
    return FlakyBackend


# When it is due -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "zone, week_before, before_utc, week_after, after_utc",
    [
        # Europe/Berlin: summer time from Sunday 29 March 2026, back on Sunday 25 October.
        (
            "Europe/Berlin",
            date(2026, 3, 23),
            at(2026, 3, 23, 6),
            date(2026, 3, 30),
            at(2026, 3, 30, 5),
        ),
        (
            "Europe/Berlin",
            date(2026, 10, 19),
            at(2026, 10, 19, 5),
            date(2026, 10, 26),
            at(2026, 10, 26, 6),
        ),
        # America/New_York: daylight time from Sunday 8 March 2026, back on Sunday 1 November.
        (
            "America/New_York",
            date(2026, 3, 2),
            at(2026, 3, 2, 12),
            date(2026, 3, 9),
            at(2026, 3, 9, 11),
        ),
        (
            "America/New_York",
            date(2026, 10, 26),
            at(2026, 10, 26, 11),
            date(2026, 11, 2),
            at(2026, 11, 2, 12),
        ),
    ],
)
def test_monday_7am_digest_moves_in_utc_across_daylight_saving(
    zone, week_before, before_utc, week_after, after_utc
):
    profile = ProfileFactory(owner=UserFactory(), time_zone=zone, digest_weekday=0, digest_hour=7)
    assert digests.digest_window(profile, before_utc + timedelta(hours=3)).due_at == before_utc
    assert digests.digest_window(profile, after_utc + timedelta(hours=3)).due_at == after_utc
    assert digests.digest_window(profile, after_utc).period == week_after


def test_a_local_hour_skipped_by_spring_forward_sends_an_hour_later():
    # Sunday 29 March 2026 02:00 does not exist in Berlin; it goes out at 03:00 CEST.
    profile = ProfileFactory(
        owner=UserFactory(), time_zone="Europe/Berlin", digest_weekday=6, digest_hour=2
    )
    assert digests.digest_window(profile, at(2026, 3, 29, 12)).due_at == at(2026, 3, 29, 1)


@pytest.mark.parametrize(
    "zone, due_utc",
    [
        ("Europe/Berlin", at(2026, 3, 30, 5)),  # first Monday of summer time
        ("America/New_York", at(2026, 11, 2, 12)),  # first Monday of standard time
    ],
)
def test_digest_goes_out_at_the_chosen_local_hour(zone, due_utc):
    subscriber(time_zone=zone, weekday=0, hour=7)
    with time_machine.travel(due_utc - timedelta(minutes=1), tick=False):
        assert send_due(due_utc - timedelta(minutes=1)) == []
    with time_machine.travel(due_utc + timedelta(minutes=2), tick=False):
        assert send_due(due_utc + timedelta(minutes=2)) == ["sent"]
    assert len(mail.outbox) == 1


def test_turned_off_digest_creates_nothing():
    user = subscriber()
    user.profile.digest_enabled = False
    user.profile.save()
    assert digests.scan_due_digests(at(2026, 3, 30, 8)) == []
    assert not Digest.objects.exists()


def test_user_without_email_gets_no_digest():
    user = subscriber()
    user.email = ""
    user.save()
    assert digests.scan_due_digests(at(2026, 3, 30, 8)) == []


def test_user_without_profile_gets_the_default_monday_digest():
    UserFactory()
    assert len(digests.scan_due_digests(at(2026, 3, 30, 7, 1))) == 1


# Never twice ---------------------------------------------------------------------------------


def test_scanner_and_delivery_run_twice_send_once():
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    first = send_due(now)
    second = send_due(now + timedelta(minutes=5))
    assert (first, second) == (["sent"], [])
    assert len(mail.outbox) == 1


def test_redelivered_send_task_after_a_send_sends_nothing():
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    assert digests.deliver_digest(digest_id, now) == "sent"
    assert digests.deliver_digest(digest_id, now + timedelta(minutes=1)) == "already sent"
    assert len(mail.outbox) == 1


def test_a_second_claimer_backs_off():
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    Digest.objects.filter(pk=digest_id).update(status=DigestStatus.CLAIMED, claimed_at=now)
    assert digests.deliver_digest(digest_id, now + timedelta(seconds=1)) == "claimed elsewhere"
    assert mail.outbox == []


def test_worker_killed_after_claiming_is_replaced_after_the_lease_and_sends_once():
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    # The first worker claimed and died before talking to the mail server.
    Digest.objects.filter(pk=digest_id).update(
        status=DigestStatus.CLAIMED, claimed_at=now, attempts=1
    )
    assert digests.scan_due_digests(now + timedelta(minutes=5)) == []
    later = now + digests.CLAIM_LEASE + timedelta(minutes=1)
    assert send_due(later) == ["sent"]
    assert send_due(later + timedelta(minutes=5)) == []
    assert len(mail.outbox) == 1


def test_worker_killed_while_sending_is_left_alone_until_its_lease_runs_out():
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    Digest.objects.filter(pk=digest_id).update(
        status=DigestStatus.SENDING, claimed_at=now, attempts=1
    )
    # Its worker may still be talking to the mail server: nobody else touches the row.
    assert digests.scan_due_digests(now + timedelta(minutes=5)) == []
    assert digests.deliver_digest(digest_id, now + timedelta(minutes=1)) == "claimed elsewhere"
    assert Digest.objects.get(pk=digest_id).status == DigestStatus.SENDING
    assert mail.outbox == []


def test_worker_killed_while_sending_is_resent_once_after_the_lease_with_the_same_message_id():
    user = subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    # The first worker moved the row to sending and died before the server accepted the message.
    Digest.objects.filter(pk=digest_id).update(
        status=DigestStatus.SENDING, claimed_at=now, attempts=1
    )
    later = now + digests.CLAIM_LEASE + timedelta(minutes=1)
    assert send_due(later) == ["sent"]
    assert send_due(later + timedelta(minutes=5)) == []
    digest = Digest.objects.get(pk=digest_id)
    assert (digest.status, digest.attempts) == (DigestStatus.SENT, 2)
    assert len(mail.outbox) == 1
    # Had the first attempt reached the server after all, the two copies are one message.
    message_id = mail.outbox[0].extra_headers["Message-ID"]
    assert message_id.startswith(f"<digest.{user.pk}.2026-03-30@")


def test_a_digest_whose_worker_keeps_dying_while_sending_fails_after_max_attempts():
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    Digest.objects.filter(pk=digest_id).update(
        status=DigestStatus.SENDING, claimed_at=now, attempts=digests.MAX_ATTEMPTS
    )
    assert send_due(now + digests.CLAIM_LEASE + timedelta(minutes=1)) == []
    digest = Digest.objects.get(pk=digest_id)
    assert digest.status == DigestStatus.FAILED and "gave up" in digest.error
    assert mail.outbox == []


def test_a_sending_row_left_by_a_dead_worker_after_the_week_ended_is_skipped_not_sent():
    subscriber(weekday=6, hour=20)  # Sunday evening
    now = at(2026, 4, 5, 20, 5)
    (digest_id,) = digests.scan_due_digests(now)
    Digest.objects.filter(pk=digest_id).update(
        status=DigestStatus.SENDING, claimed_at=now, attempts=1
    )
    assert send_due(at(2026, 4, 6, 0, 30)) == []
    assert Digest.objects.get(pk=digest_id).status == DigestStatus.SKIPPED
    assert mail.outbox == []


class StatusAtQuitBackend(LocmemBackend):
    """Records the digest's status when the connection is closed (the SMTP QUIT), then fails
    the QUIT as a flaky server would."""

    seen = []

    def close(self):
        StatusAtQuitBackend.seen.append(list(Digest.objects.values_list("status", flat=True)))
        raise smtplib.SMTPServerDisconnected("gone before QUIT")


def test_digest_is_marked_sent_before_the_connection_is_closed(settings):
    use_backend(settings, "StatusAtQuitBackend")
    StatusAtQuitBackend.seen = []
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    # A QUIT that fails after the server accepted the message is no reason to send it again.
    assert digests.deliver_digest(digest_id, now) == "sent"
    assert StatusAtQuitBackend.seen == [[DigestStatus.SENT]]
    assert Digest.objects.get(pk=digest_id).status == DigestStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_racing_workers_send_one_digest():
    if connection.vendor != "postgresql":
        pytest.skip("threads need a shared database server (set DATABASE_URL to PostgreSQL)")
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    barrier = threading.Barrier(4)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            outcomes.append(digests.deliver_digest(digest_id, now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("sent") == 1
    assert len(mail.outbox) == 1
    assert Digest.objects.get(pk=digest_id).status == DigestStatus.SENT


# Missed, stale, turned off -------------------------------------------------------------------


def test_digest_missed_while_down_goes_out_once_later_the_same_week():
    subscriber(weekday=0, hour=7)
    # Down all Monday; back on Wednesday.
    assert send_due(at(2026, 4, 1, 10)) == ["sent"]
    assert send_due(at(2026, 4, 2, 10)) == []
    assert len(mail.outbox) == 1


def test_digest_missed_for_a_whole_week_is_never_sent():
    subscriber(weekday=0, hour=7)
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)  # created, but no worker ever took it
    next_week = at(2026, 4, 6, 6)  # Monday before 07:00: this week's is not due yet
    assert send_due(next_week) == []
    assert Digest.objects.get(pk=digest_id).status == DigestStatus.SKIPPED
    assert digests.deliver_digest(digest_id, next_week) == "already skipped"
    assert mail.outbox == []


def test_a_send_retried_into_the_next_week_is_dropped():
    subscriber(weekday=6, hour=20)  # Sunday evening
    now = at(2026, 4, 5, 20, 5)
    (digest_id,) = digests.scan_due_digests(now)
    assert digests.deliver_digest(digest_id, at(2026, 4, 6, 0, 1)) == "stale"
    assert mail.outbox == []


def test_turning_the_digest_off_before_it_is_sent_skips_it():
    user = subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    user.profile.digest_enabled = False
    user.profile.save()
    assert digests.deliver_digest(digest_id, now) == "turned off"
    assert mail.outbox == []


# SMTP failures --------------------------------------------------------------------------------


def test_transient_smtp_failure_releases_the_claim_and_raises(flaky):
    flaky.failures = 1
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        digests.deliver_digest(digest_id, now)
    digest = Digest.objects.get(pk=digest_id)
    assert (digest.status, digest.attempts) == (DigestStatus.PENDING, 1)
    assert "SMTPServerDisconnected" in digest.error


def test_send_task_retries_transient_smtp_failures_then_sends_once(flaky):
    flaky.failures = 2
    subscriber()
    with time_machine.travel(at(2026, 3, 30, 7, 5), tick=False):
        (digest_id,) = digests.scan_due_digests()
        send_digest.apply(args=[digest_id])
    digest = Digest.objects.get(pk=digest_id)
    assert (digest.status, digest.attempts, flaky.calls) == (DigestStatus.SENT, 3, 3)
    assert len(mail.outbox) == 1


def test_send_task_gives_up_after_its_last_retry(flaky):
    flaky.failures = 100
    subscriber()
    with time_machine.travel(at(2026, 3, 30, 7, 5), tick=False):
        (digest_id,) = digests.scan_due_digests()
        send_digest.apply(args=[digest_id])
    digest = Digest.objects.get(pk=digest_id)
    assert digest.status == DigestStatus.FAILED
    assert flaky.calls == send_digest.max_retries + 1
    assert mail.outbox == []


def test_retry_backoff_grows_and_is_capped():
    assert [digests.retry_delay(n) for n in range(6)] == [30, 60, 120, 240, 480, 600]


def test_refused_recipient_fails_without_retrying(settings):
    use_backend(settings, "RefusingBackend")
    subscriber()
    now = at(2026, 3, 30, 7, 5)
    (digest_id,) = digests.scan_due_digests(now)
    assert digests.deliver_digest(digest_id, now) == "failed"
    assert Digest.objects.get(pk=digest_id).status == DigestStatus.FAILED


# The message ----------------------------------------------------------------------------------


@pytest.fixture
def sent_digest():
    user = subscriber(time_zone="Europe/Berlin", username="ada")
    user.profile.cadence_network = 60
    user.profile.save()
    grace = ContactFactory(owner=user, name="Grace Hopper", company="Navy", tier=Tier.NETWORK)
    InteractionFactory(owner=user, contacts=[grace], occurred_at=at(2025, 12, 26, 12))
    followups.refresh_contact_schedule([grace.pk])
    followups.scan_follow_ups(at(2026, 3, 30, 6))
    linus = ContactFactory(owner=user, name="Linus", company="")
    FollowUpFactory(
        owner=user,
        contact=linus,
        reason=FollowUpReason.PROMISE,
        note="send the RFC template",
        due_on=date(2026, 4, 2),
    )
    SupportFactory(
        owner=user, contact=linus, direction=Direction.GIVE, description="Review their talk"
    )
    SupportFactory(owner=user, direction=Direction.RECEIVED, description="Intro to their CTO")
    EventFactory(owner=user, name="KubeCon EU", starts_on=date(2026, 4, 10), place="Amsterdam")
    now = at(2026, 3, 30, 5, 5)
    assert send_due(now) == ["sent"]
    (message,) = mail.outbox
    return user, email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def _parts(parsed):
    return {
        part.get_content_type(): part.get_content()
        for part in parsed.walk()
        if not part.is_multipart()
    }


def test_digest_is_a_multipart_message_with_text_and_html_parts(sent_digest):
    _, parsed = sent_digest
    assert parsed.get_content_type() == "multipart/alternative"
    assert set(_parts(parsed)) == {"text/plain", "text/html"}


def test_digest_has_one_click_unsubscribe_headers(sent_digest):
    user, parsed = sent_digest
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = parsed["List-Unsubscribe"].strip("<>")
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert url.startswith("http") and digests.read_unsubscribe_token(token) == user.pk


def test_digest_message_id_is_fixed_per_user_and_week(sent_digest):
    user, parsed = sent_digest
    assert parsed["Message-ID"].startswith(f"<digest.{user.pk}.2026-03-30@")
    assert parsed["To"] == user.email


def test_digest_says_who_to_reach_out_to_and_why(sent_digest):
    _, parsed = sent_digest
    text = _parts(parsed)["text/plain"]
    assert "Grace Hopper (Navy): last talked 94 days ago, cadence 60" in text
    assert "Linus: you promised: send the RFC template" in text


def test_digest_lists_open_promises_both_ways(sent_digest):
    _, parsed = sent_digest
    text = _parts(parsed)["text/plain"]
    assert "You → Linus: Review their talk" in text
    assert "→ you (received): Intro to their CTO" in text


def test_digest_names_one_person_with_a_suggested_give(sent_digest):
    _, parsed = sent_digest
    text = _parts(parsed)["text/plain"]
    section = text.split("ONE PERSON THIS WEEK", 1)[1]
    assert "Suggested give:" in section.split("OPEN PROMISES")[0]


def test_digest_lists_upcoming_events_and_a_stats_line(sent_digest):
    _, parsed = sent_digest
    text = _parts(parsed)["text/plain"]
    assert "KubeCon EU, Fri 10 Apr, Amsterdam" in text
    assert "0 touches in the last 7 days" in text and "3 active contacts" in text


def test_digest_html_loads_nothing_external_and_runs_no_script(sent_digest):
    _, parsed = sent_digest
    html = _parts(parsed)["text/html"]
    assert "Grace Hopper" in html
    assert "<script" not in html and "<img" not in html and "<link" not in html


def test_digest_links_are_signed_one_click_actions_for_that_user(sent_digest):
    user, parsed = sent_digest
    text = _parts(parsed)["text/plain"]
    done_url = next(
        line.split(": ", 1)[1] for line in text.splitlines() if line.strip().startswith("Done:")
    )
    user_id, follow_up_id, action = digests.read_action_token(
        done_url.rstrip("/").rsplit("/", 1)[-1]
    )
    assert (user_id, action) == (user.pk, "done")
    assert user.follow_ups.filter(pk=follow_up_id).exists()


def test_action_tokens_expire_after_two_weeks():
    follow_up = FollowUpFactory()
    with time_machine.travel(at(2026, 3, 30, 7), tick=False):
        token = digests.make_action_token(follow_up, "done")
    with (
        time_machine.travel(at(2026, 4, 14, 8), tick=False),
        pytest.raises(signing.SignatureExpired),
    ):
        digests.read_action_token(token)


def test_next_digest_is_next_week_once_this_weeks_is_sent():
    user = subscriber()
    now = at(2026, 3, 30, 7, 5)
    send_due(now)
    assert digests.next_digest_at(user.profile, now) == at(2026, 4, 6, 7)


def test_unsubscribe_header_carries_its_url_as_is_on_the_wire(sent_digest):
    # What the SMTP backend sends: the message under email.policy.SMTP, as bytes.
    (message,) = mail.outbox
    wire = message.message(policy=policy.SMTP).as_bytes()
    header = next(
        line for line in wire.split(b"\r\n") if line.startswith(b"List-Unsubscribe:")
    )
    assert header.startswith(b"List-Unsubscribe: <http") and header.endswith(b">")
    assert b"=?utf-8?" not in header
    assert len(header) <= 998


def test_tokens_signed_for_a_batch_are_the_tokens_signing_dumps_makes():
    # Links already emailed are read by read_action_token and read_unsubscribe_token: the
    # cheaper signing must not change a single character of what Django's signing.dumps makes.
    with time_machine.travel(at(2026, 3, 30, 7), tick=False):
        actions = digests.tokens.BatchSigner(digests.ACTION_SALT)
        for owner_id, follow_up_id, action in [(1, 2, "done"), (42, 1234567, "snooze")]:
            follow_up = FollowUp(pk=follow_up_id, owner_id=owner_id)
            expected = signing.dumps(
                {"u": owner_id, "f": follow_up_id, "a": action}, salt=digests.ACTION_SALT
            )
            for signer in (actions, None):
                token = digests.make_action_token(follow_up, action, signer=signer)
                assert token == expected
            assert digests.read_action_token(token) == (owner_id, follow_up_id, action)
        unsubscribes = digests.tokens.BatchSigner(digests.UNSUBSCRIBE_SALT)
        token = digests.make_unsubscribe_token(77, signer=unsubscribes)
        assert token == signing.dumps({"u": 77}, salt=digests.UNSUBSCRIBE_SALT)
        assert digests.read_unsubscribe_token(token) == 77


def test_action_tokens_are_only_made_for_known_actions():
    with pytest.raises(ValueError):
        digests.make_action_token(FollowUp(pk=2, owner_id=1), 'done","a":"delete')


def test_batch_tokens_are_signed_with_the_current_secret_key(settings):
    before = digests.tokens.BatchSigner(digests.ACTION_SALT).dumps('{"u":1}')
    settings.SECRET_KEY = "another secret"
    after = digests.tokens.BatchSigner(digests.ACTION_SALT).dumps('{"u":1}')
    assert after.rsplit(":", 1)[1] != before.rsplit(":", 1)[1]
    assert signing.loads(after, salt=digests.ACTION_SALT) == {"u": 1}


def test_digest_message_has_the_headers_and_parts_of_djangos_own_message(sent_digest):
    # The digest only folds its headers later: what it builds is what Django builds.
    (message,) = mail.outbox

    def parsed(msg):
        parsed = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
        headers = [(name, str(value)) for name, value in parsed.items() if name != "Date"]
        return headers, _parts(parsed)

    stock = mail.EmailMultiAlternatives.message(
        message, policy=policy.SMTP.clone(max_line_length=998)
    )
    ours = message.message(policy=policy.SMTP)
    (ours_headers, ours_parts), (stock_headers, stock_parts) = parsed(ours), parsed(stock)
    assert ours_parts == stock_parts
    boundary = [(name, value.split("boundary=")[0]) for name, value in ours_headers]
    assert boundary == [(name, value.split("boundary=")[0]) for name, value in stock_headers]


def test_digest_message_is_multipart_with_its_boundary_set(sent_digest):
    (message,) = mail.outbox
    wire = message.message(policy=policy.SMTP).as_bytes()
    boundary = email.message_from_bytes(wire, policy=policy.SMTP).get_boundary()
    assert boundary and boundary.startswith("=" * 15)
    assert wire.count(f"--{boundary}\r\n".encode()) == 2
    assert wire.count(f"--{boundary}--".encode()) == 1
