"""Digests built a batch at a time: a fixed number of queries for the batch whatever its users
and their networks, the same content as each digest built alone, and each digest still claimed,
sent and marked on its own, exactly once, through requeues, dead workers and SMTP errors."""

import email
import smtplib
from datetime import UTC, date, datetime, timedelta
from email import policy

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, Tier
from interactions import digests
from interactions.models import (
    Digest,
    DigestStatus,
    Direction,
    FollowUpReason,
    FollowUpStatus,
    SupportStatus,
)
from interactions.tasks import send_digests
from tests.factories import (
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    MentorshipFactory,
    ProfileFactory,
    SupportFactory,
    UserFactory,
)
from tests.interactions.digests.test_digests import FlakyBackend, use_backend

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 30, 7, 5, tzinfo=UTC)  # a Monday, past every subscriber's 07:00 UTC


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen():
    # Action tokens carry the signing time: frozen, a digest built twice is the same text.
    with time_machine.travel(NOW, tick=False):
        yield NOW


def touched(contact, when: datetime) -> None:
    Contact.objects.filter(pk=contact.pk).update(last_interaction_at=when)


def loaded(users):
    """The users as the workers and the benchmark load them."""
    pks = [user.pk for user in users]
    found = get_user_model().objects.select_related("profile").in_bulk(pks)
    return [found[pk] for pk in pks]


def network(user, contacts: int, *, today: date) -> None:
    """A small network with a bit of everything the digest shows."""
    people = ContactFactory.create_batch(contacts, owner=user, tier=Tier.PEER)
    for index, contact in enumerate(people):
        touched(contact, datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=index))
        FollowUpFactory(owner=user, contact=contact, due_on=today - timedelta(days=index % 5))
        SupportFactory(owner=user, contact=contact, direction=Direction.GIVE)
        SupportFactory(owner=user, contact=contact, direction=Direction.RECEIVED)
    EventFactory(owner=user, name="KubeCon", starts_on=today + timedelta(days=4))


def subscribers(count: int, contacts: int = 3):
    zones = ["UTC", "Europe/Berlin", "Pacific/Auckland", "America/New_York"]
    users = []
    for index in range(count):
        user = UserFactory()
        ProfileFactory(owner=user, time_zone=zones[index % len(zones)], digest_hour=0)
        network(user, contacts, today=date(2026, 3, 30))
        users.append(user)
    return loaded(users)


def parts(message) -> dict:
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    return {
        "Subject": parsed["Subject"],
        "Message-ID": parsed["Message-ID"],
        "List-Unsubscribe": parsed["List-Unsubscribe"],
        **{p.get_content_type(): p.get_content() for p in parsed.walk() if not p.is_multipart()},
    }


# A fixed number of queries --------------------------------------------------------------------


@pytest.mark.parametrize("users, contacts", [(1, 2), (4, 2), (4, 30), (9, 5)])
def test_a_batch_of_digests_is_built_in_eight_queries_whatever_its_users_and_networks(
    users, contacts, django_assert_num_queries
):
    owners = subscribers(users, contacts)
    with django_assert_num_queries(8):
        contexts = digests.build_digests(owners, NOW)
    assert [context["owner"] for context in contexts] == owners
    assert {len(context["reach_out"]) for context in contexts} == {min(contacts, 20)}
    assert {context["stats"]["contacts"] for context in contexts} == {contacts}


def test_rendering_a_built_batch_reads_nothing_more(django_assert_num_queries):
    owners = subscribers(3)
    contexts = digests.build_digests(owners, NOW)
    with django_assert_num_queries(0):
        for owner, context in zip(owners, contexts, strict=True):
            digests.render_digest_message(owner, context).message().as_bytes()


def test_follow_ups_of_every_reason_are_told_from_what_the_batch_read(django_assert_num_queries):
    # The due follow-ups are read as plain rows of the fields the digest reads (DueFollowUp),
    # not model instances: each reason's text must come from those alone.
    (owner,) = subscribers(1, contacts=1)
    today = date(2026, 3, 30)
    event = EventFactory(owner=owner, name="KubeCon", starts_on=today - timedelta(days=3))
    mentorship = MentorshipFactory(owner=owner, last_session_on=today - timedelta(days=14))
    for reason, extra in [
        (FollowUpReason.CADENCE, {}),
        (FollowUpReason.PROMISE, {"note": "send the slides"}),
        (FollowUpReason.GIVE, {}),
        (FollowUpReason.EVENT, {"event": event}),
        (FollowUpReason.MENTORSHIP, {"mentorship": mentorship}),
        (FollowUpReason.MANUAL, {"note": "call back"}),
    ]:
        FollowUpFactory(owner=owner, reason=reason, due_on=today, **extra)
    (owner,) = loaded([owner])
    with django_assert_num_queries(8):
        (context,) = digests.build_digests([owner], NOW)
    with django_assert_num_queries(0):
        message = digests.render_digest_message(owner, context)
        message.message().as_bytes()
    assert "met at KubeCon 3 days ago" in message.body
    assert "mentoring session due, last one 14 days ago" in message.body


def test_an_empty_batch_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert digests.build_digests([], NOW) == []


# The same content as alone ------------------------------------------------------------------


@pytest.fixture
def varied_subscribers():
    """Users whose digests differ in every way a batch could mix up: time zones a day apart,
    their own cadences, more follow-ups, promises and events than a digest shows, ties in the
    one-person ranking, snoozed, closed and later follow-ups, and a user with nothing at all."""
    today = date(2026, 3, 30)
    auckland = UserFactory(username="auckland")  # already Monday evening there: due Sunday next
    ProfileFactory(owner=auckland, time_zone="Pacific/Auckland", cadence_peer=10)
    many = ContactFactory.create_batch(25, owner=auckland, tier=Tier.PEER)
    for index, contact in enumerate(many):
        touched(contact, datetime(2026, 3, 1, 12, tzinfo=UTC))  # all tied on days / cadence
        FollowUpFactory(owner=auckland, contact=contact, due_on=today + timedelta(days=index % 9))
    FollowUpFactory(owner=auckland, contact=many[0], status=FollowUpStatus.DONE, due_on=today)
    FollowUpFactory(
        owner=auckland,
        contact=many[1],
        status=FollowUpStatus.SNOOZED,
        snoozed_until=today + timedelta(days=3),
        due_on=today - timedelta(days=2),
    )
    for index in range(12):
        SupportFactory(
            owner=auckland, contact=many[index], direction=Direction.GIVE,
            offered_on=today - timedelta(days=index % 3),
        )
        SupportFactory(
            owner=auckland, contact=many[index], direction=Direction.RECEIVED,
            offered_on=today - timedelta(days=index % 4),
        )
    SupportFactory(
        owner=auckland, contact=many[2], direction=Direction.GIVE, status=SupportStatus.DONE,
        done_on=today - timedelta(days=3),
    )
    for index in range(7):
        EventFactory(
            owner=auckland, name="Meetup" if index % 2 else "Conf",
            starts_on=today + timedelta(days=index % 3), place="Wellington",
        )
    InteractionFactory(owner=auckland, contacts=[many[3]], occurred_at=NOW - timedelta(days=2))

    new_york = UserFactory(username="newyork")  # still Monday 03:05 there
    ProfileFactory(owner=new_york, time_zone="America/New_York", cadence_close=7)
    close = ContactFactory(owner=new_york, tier=Tier.CLOSE, working_on="a book on queues")
    touched(close, datetime(2026, 3, 20, 2, tzinfo=UTC))  # the 19th in New York
    steady = ContactFactory(owner=new_york, tier=Tier.NETWORK, cadence_days=5)
    FollowUpFactory(owner=new_york, contact=close, due_on=today - timedelta(days=1))
    FollowUpFactory(owner=new_york, contact=steady, due_on=today + timedelta(days=6))
    FollowUpFactory(owner=new_york, contact=steady, due_on=today + timedelta(days=7))
    EventFactory(
        owner=new_york, name="QCon", starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )

    berlin = UserFactory(username="berlin")
    ProfileFactory(owner=berlin, time_zone="Europe/Berlin")
    archived = ContactFactory(owner=berlin, archived=True)
    FollowUpFactory(owner=berlin, contact=archived, due_on=today)
    quiet = ContactFactory(owner=berlin, reminders_off=True)
    touched(quiet, datetime(2025, 1, 1, tzinfo=UTC))

    nobody = UserFactory(username="nobody")
    ProfileFactory(owner=nobody)
    return loaded([auckland, new_york, berlin, nobody])


def test_batched_digests_say_exactly_what_each_digest_built_alone_says(
    varied_subscribers, frozen
):
    batched = digests.build_digest_messages(varied_subscribers, NOW)
    for owner, message in zip(varied_subscribers, batched, strict=True):
        alone = digests.render_digest_message(
            owner,
            digests.build_digest(owner, NOW, profile=owner.profile),
            period=digests.digest_window(owner.profile, NOW).period,
        )
        assert parts(message) == parts(alone), owner.username


def test_batched_digests_keep_each_users_own_lists(varied_subscribers, frozen):
    auckland, new_york, berlin, nobody = digests.build_digests(varied_subscribers, NOW)
    # 22 follow-ups of 21 people (many[1] has two): 20 read, one row per person.
    assert (len(auckland["reach_out"]), auckland["reach_out_total"]) == (19, 21)
    assert [len(auckland["promises_mine"]), len(auckland["promises_theirs"])] == [10, 10]
    assert len(auckland["events"]) == 5
    assert auckland["stats"] == {
        "touches_7d": 1, "gives_done_30d": 1, "open_follow_ups": 26, "contacts": 25,
    }
    assert new_york["today"] == date(2026, 3, 30)
    assert [item["overdue_days"] for item in new_york["reach_out"]] == [1, -6]
    assert new_york["reach_out_total"] == 2  # the one due in seven days is next week's
    assert new_york["person"].suggested_give.startswith("ask how “a book on queues”")
    # Nobody to suggest (archived, reminders off); the archived contact's follow-up still shows.
    assert (berlin["reach_out_total"], berlin["person"], berlin["stats"]["contacts"]) == (
        1, None, 1,
    )
    assert (nobody["reach_out"], nobody["person"], nobody["events"]) == ([], None, [])


# Claimed, sent and marked one by one ----------------------------------------------------------


def due_digests(count: int) -> list[int]:
    for index in range(count):
        user = UserFactory(username=f"sub{index}", email=f"sub{index}@example.org")
        ProfileFactory(owner=user, digest_weekday=0, digest_hour=7)
        ContactFactory(owner=user)
    ready = digests.scan_due_digests(NOW)
    assert len(ready) == count
    return sorted(ready)  # the scanner's order is the table's; the tests name them by user


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_batch_sends_each_digest_once_and_a_redelivered_batch_sends_nothing():
    ids = due_digests(3)
    assert digests.deliver_digests(ids, NOW) == dict.fromkeys(ids, "sent")
    assert digests.deliver_digests(ids, NOW + timedelta(minutes=1)) == dict.fromkeys(
        ids, "already sent"
    )
    assert recipients() == ["sub0@example.org", "sub1@example.org", "sub2@example.org"]
    assert set(Digest.objects.values_list("status", "attempts")) == {(DigestStatus.SENT, 1)}


class StatusAtSendBackend(LocmemBackend):
    """Records every digest's status whenever a message is handed to the server."""

    seen = []

    def send_messages(self, messages):
        StatusAtSendBackend.seen.append(sorted(Digest.objects.values_list("status", flat=True)))
        return super().send_messages(messages)


def test_each_digest_of_a_batch_is_marked_sent_before_the_next_is_claimed(settings):
    use_backend(settings, "StatusAtSendBackend", module=__name__)
    StatusAtSendBackend.seen = []
    ids = due_digests(3)
    digests.deliver_digests(ids, NOW)
    assert StatusAtSendBackend.seen == [
        [DigestStatus.PENDING, DigestStatus.PENDING, DigestStatus.SENDING],
        [DigestStatus.PENDING, DigestStatus.SENDING, DigestStatus.SENT],
        [DigestStatus.SENDING, DigestStatus.SENT, DigestStatus.SENT],
    ]


def test_a_batch_requeued_after_its_worker_died_sends_only_what_was_not_sent():
    first, second, third = due_digests(3)
    # The dead worker sent the first, died while sending the second, never reached the third.
    Digest.objects.filter(pk=first).update(status=DigestStatus.SENT, claimed_at=NOW, attempts=1)
    Digest.objects.filter(pk=second).update(
        status=DigestStatus.SENDING, claimed_at=NOW, attempts=1
    )
    redelivered = digests.deliver_digests([first, second, third], NOW + timedelta(minutes=1))
    assert redelivered == {
        first: "already sent", second: "claimed elsewhere", third: "sent",
    }
    later = NOW + digests.CLAIM_LEASE + timedelta(minutes=1)
    assert digests.scan_due_digests(later) == [second]
    assert digests.deliver_digests([second], later) == {second: "sent"}
    assert digests.scan_due_digests(later + timedelta(minutes=5)) == []
    assert recipients() == ["sub1@example.org", "sub2@example.org"]
    resent = Digest.objects.select_related("owner").get(pk=second)
    assert (resent.status, resent.attempts) == (DigestStatus.SENT, 2)
    assert mail.outbox[1].extra_headers["Message-ID"].startswith(
        f"<digest.{resent.owner_id}.2026-03-30@"
    )


def test_a_transient_error_releases_its_digest_and_leaves_the_rest_of_the_batch_unclaimed(
    settings,
):
    use_backend(settings, "FlakyBackend")
    FlakyBackend.calls, FlakyBackend.failures = 0, 1
    ids = due_digests(3)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        digests.deliver_digests(ids, NOW)
    rows = dict(Digest.objects.values_list("pk", "attempts"))
    assert set(Digest.objects.values_list("status", flat=True)) == {DigestStatus.PENDING}
    assert [rows[pk] for pk in ids] == [1, 0, 0]
    assert mail.outbox == []


def test_the_batch_task_retries_transient_errors_and_sends_each_digest_once(settings):
    use_backend(settings, "FlakyBackend")
    FlakyBackend.calls, FlakyBackend.failures = 0, 2
    with time_machine.travel(NOW, tick=False):
        ids = due_digests(3)
        send_digests.apply(args=[ids])
    assert set(Digest.objects.values_list("status", flat=True)) == {DigestStatus.SENT}
    assert recipients() == ["sub0@example.org", "sub1@example.org", "sub2@example.org"]


def test_the_batch_task_gives_up_on_what_is_still_pending_after_its_last_retry(settings):
    use_backend(settings, "FlakyBackend")
    FlakyBackend.calls, FlakyBackend.failures = 0, 100
    with time_machine.travel(NOW, tick=False):
        ids = due_digests(2)
        send_digests.apply(args=[ids])
    assert set(Digest.objects.values_list("status", flat=True)) == {DigestStatus.FAILED}
    assert FlakyBackend.calls == send_digests.max_retries + 1
    assert mail.outbox == []


def test_a_digest_that_cannot_be_built_stays_claimed_and_the_rest_of_the_batch_is_sent(
    monkeypatch,
):
    ids = due_digests(3)
    broken = Digest.objects.get(pk=ids[1]).owner_id
    render = digests.render_digest_message

    def render_or_fail(owner, context, **kwargs):
        if owner.pk == broken:
            raise ValueError("a template error")
        return render(owner, context, **kwargs)

    monkeypatch.setattr(digests.message, "render_digest_message", render_or_fail)
    outcomes = digests.deliver_digests(ids, NOW)
    assert outcomes == {ids[0]: "sent", ids[1]: "error", ids[2]: "sent"}
    stuck = Digest.objects.get(pk=ids[1])
    # Claimed and counted: after the lease the scanner queues it again, MAX_ATTEMPTS in all.
    assert (stuck.status, stuck.attempts) == (DigestStatus.CLAIMED, 1)
    assert recipients() == ["sub0@example.org", "sub2@example.org"]


def test_delivering_a_batch_adds_only_its_three_row_updates_per_digest():
    def queries(count: int) -> int:
        Digest.objects.all().delete()
        get_user_model().objects.all().delete()
        ids = due_digests(count)
        with CaptureQueriesContext(connection) as captured:
            assert set(digests.deliver_digests(ids, NOW).values()) == {"sent"}
        return len(captured)

    assert queries(4) - queries(2) == 2 * 3  # claim, sending, sent
