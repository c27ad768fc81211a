"""The IMAP poller against a real dovecot: headers only, by UID, incremental, UIDVALIDITY,
inbox and sent folder, mailing lists and automatic senders left out, the log address."""

from datetime import UTC, datetime, timedelta

import pytest

from capture.models import Source, Suggestion, SuggestionStatus
from interactions.models import Interaction, InteractionKind

from .calendars import ANA, BOB, JONAS, ME
from .conftest import read_now
from .servers import mail

pytestmark = pytest.mark.imap

NOW = datetime.now(UTC)


def _fill(dovecot):
    dovecot.append("Sent", mail(ME, f"Ana <{ANA}>", "Offer letter review", NOW - timedelta(days=2),
                                message_id="<sent-1@test>"), NOW - timedelta(days=2))
    dovecot.append("Sent", mail(ME, f"Bob <{BOB}>", "Intro", NOW - timedelta(days=3),
                                message_id="<sent-2@test>"), NOW - timedelta(days=3))
    dovecot.append("INBOX", mail(f"Jonas <{JONAS}>", ME, "Re: roadmap", NOW - timedelta(days=1),
                                 cc=ANA, message_id="<in-1@test>"), NOW - timedelta(days=1))
    dovecot.append("INBOX", mail(f"News <{ANA}>", ME, "Weekly newsletter", NOW - timedelta(days=1),
                                 headers={"List-Id": "<news.example.org>"}), NOW - timedelta(days=1))
    dovecot.append("INBOX", mail("no-reply@service.example", ME, "Your receipt",
                                 NOW - timedelta(days=1)), NOW - timedelta(days=1))
    dovecot.append("INBOX", mail("stranger@spam.example", ME, "Hello", NOW - timedelta(days=1)),
                   NOW - timedelta(days=1))
    dovecot.append("INBOX", mail(f"Ana <{ANA}>", ME, "Old thread", NOW - timedelta(days=60),
                                 message_id="<old@test>"), NOW - timedelta(days=60))


def _keys(owner, **filters):
    return set(Suggestion.objects.filter(owner=owner, **filters).values_list("key", flat=True))


def test_first_read_suggests_sent_and_received_mail_with_contacts(me, ana, jonas, dovecot, imap_source):
    _fill(dovecot)
    read_now(imap_source())
    assert _keys(me, status=SuggestionStatus.PENDING) == {
        "mail:sent-1@test", "mail:in-1@test",
    }
    sent = Suggestion.objects.get(owner=me, key="mail:sent-1@test")
    assert sent.kind == InteractionKind.EMAIL and sent.initiated_by == "me"
    received = Suggestion.objects.get(owner=me, key="mail:in-1@test")
    assert set(received.contacts.all()) == {ana, jonas} and received.initiated_by == "them"


def test_people_written_to_are_offered_not_strangers_who_wrote(me, ana, jonas, dovecot, imap_source):
    _fill(dovecot)
    read_now(imap_source())
    offered = {p["email"] for s in Suggestion.objects.filter(owner=me) for p in s.new_people}
    assert offered == {BOB}


def test_reading_marks_nothing_read_and_fetches_no_body(me, ana, dovecot, imap_source):
    dovecot.append("INBOX", mail(ANA, ME, "Unread", NOW - timedelta(hours=1)), NOW - timedelta(hours=1))
    conn = dovecot.connect()
    conn.select("INBOX")
    conn.store("1", "-FLAGS", "\\Seen")
    conn.logout()
    read_now(imap_source())
    assert all(b"\\Seen" not in flags for flags in dovecot.seen_flags("INBOX"))
    assert "never be read" not in str(list(Suggestion.objects.values()))


def test_second_read_fetches_only_new_uids_and_suggests_nothing_twice(me, ana, jonas, dovecot, imap_source):
    _fill(dovecot)
    source = imap_source()
    read_now(source)
    before = _keys(me)
    stats = read_now(source)
    assert stats["found"] == 0 and _keys(me) == before
    dovecot.append("INBOX", mail(ANA, ME, "New one", NOW, message_id="<new@test>"), NOW)
    stats = read_now(source)
    assert stats["found"] == 1 and _keys(me) == before | {"mail:new@test"}


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(me, ana, dovecot, imap_source):
    message = mail(ME, ANA, "Hello", NOW - timedelta(days=1), message_id="<same@test>")
    dovecot.append("Sent", message, NOW - timedelta(days=1))
    source = imap_source()
    read_now(source)
    old_validity = Source.objects.get(pk=source.pk).cursor["Sent"]["uidvalidity"]
    dovecot.recreate("Sent")
    dovecot.append("Sent", message, NOW - timedelta(days=1))
    stats = read_now(source)
    cursor = Source.objects.get(pk=source.pk).cursor["Sent"]
    assert cursor["uidvalidity"] != old_validity
    assert stats["found"] == 1 and stats["created"] == 0
    assert Suggestion.objects.filter(owner=me, key="mail:same@test").count() == 1


def test_mail_to_the_log_address_is_logged_at_once(me, ana, dovecot, imap_source):
    dovecot.append("INBOX", mail(ME, f"Ana <{ANA}>", "Lunch next week?", NOW - timedelta(hours=2),
                                 bcc="me+crm@example.com", message_id="<bcc@test>",
                                 headers={"Delivered-To": "me+crm@example.com"}),
                   NOW - timedelta(hours=2))
    read_now(imap_source(log_address="me+crm@example.com"))
    suggestion = Suggestion.objects.get(owner=me, key="mail:bcc@test")
    assert suggestion.status == SuggestionStatus.LOGGED
    interaction = Interaction.objects.get(owner=me)
    assert list(interaction.contacts.all()) == [ana]
    assert interaction.kind == InteractionKind.EMAIL and interaction.summary == "Lunch next week?"
    ana.refresh_from_db()
    assert ana.last_interaction_at is not None


def test_a_wrong_password_shows_the_servers_refusal(me, dovecot, imap_source):
    source = imap_source(password="wrong")
    read_now(source)
    source.refresh_from_db()
    assert "refused the sign-in" in source.last_error and "wrong" not in source.last_error
    assert source.failures == 1


def test_tls_to_a_plain_server_is_a_tls_error(me, dovecot, imap_source):
    source = imap_source(security="ssl")
    read_now(source)
    source.refresh_from_db()
    assert "TLS" in source.last_error


def test_a_missing_sent_folder_is_found_by_its_special_use_flag(me, ana, dovecot, imap_source):
    dovecot.append("Sent", mail(ME, ANA, "Hi", NOW - timedelta(days=1), message_id="<s@test>"),
                   NOW - timedelta(days=1))
    read_now(imap_source(sent_folder="Sent Items"))
    assert _keys(me) == {"mail:s@test"}


def test_encoded_subjects_and_names_are_decoded(me, ana, dovecot, imap_source):
    dovecot.append("INBOX", mail(f"Renée Ünal <{ANA}>", ME, "Café chat — next steps",
                                 NOW - timedelta(hours=3), message_id="<enc@test>"),
                   NOW - timedelta(hours=3))
    dovecot.append("Sent", mail(ME, f"Zoë Z <zoe@new.example>", "Grüße", NOW - timedelta(hours=2),
                                message_id="<enc2@test>"), NOW - timedelta(hours=2))
    read_now(imap_source())
    assert Suggestion.objects.get(key="mail:enc@test").title == "Café chat — next steps"
    assert Suggestion.objects.get(key="mail:enc2@test").new_people == [
        {"email": "zoe@new.example", "name": "Zoë Z"}]


def test_a_mail_server_on_this_machine_is_refused_unless_allowed(me, dovecot, imap_source, settings):
    settings.CAPTURE_ALLOW_PRIVATE_HOSTS = False
    source = imap_source()
    read_now(source)
    source.refresh_from_db()
    assert "private network" in source.last_error
