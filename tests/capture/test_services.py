"""Logging, dismissing, rules, people and claims: the writes of capture."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.db import connection

from capture import crypto, services
from capture.found import Found
from capture.models import RuleAction, Source, SourceKind, Suggestion, SuggestionOrigin, SuggestionStatus
from capture.recording import record
from contacts.models import Contact
from interactions.models import Interaction, InteractionKind

from .calendars import ANA, BOB, JONAS, ME

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _source(owner, name="Cal"):
    return services.save_source(owner, SourceKind.ICAL, {"name": name, "url": "https://x.test/a.ics"})


def _meeting(key="event:a:1", people=((ANA, "Ana"),), hours_ago=3, title="Architecture sync"):
    start = NOW - timedelta(hours=hours_ago)
    return Found(key=key, origin=SuggestionOrigin.MEETING, title=title, start=start,
                 end=start + timedelta(minutes=30), people=list(people), kind=InteractionKind.VIDEO)


@time_machine.travel(NOW, tick=False)
def test_logging_a_suggestion_logs_the_meeting_and_resets_the_cadence(me, ana):
    Contact.objects.filter(pk=ana.pk).update(cadence_days=14, next_follow_up_on=NOW.date())
    record(_source(me), [_meeting()])
    suggestion = Suggestion.objects.get(owner=me)
    interaction = services.log_suggestion(suggestion)
    assert list(interaction.contacts.all()) == [ana]
    assert interaction.kind == InteractionKind.VIDEO
    assert interaction.occurred_at == NOW - timedelta(hours=3)
    assert interaction.summary == "Architecture sync"
    ana.refresh_from_db()
    assert ana.last_interaction_at == interaction.occurred_at
    assert ana.next_follow_up_on == (NOW - timedelta(hours=3)).date() + timedelta(days=14)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.LOGGED and suggestion.interaction == interaction


@time_machine.travel(NOW, tick=False)
def test_a_suggestion_is_logged_only_once(me, ana):
    record(_source(me), [_meeting()])
    suggestion = Suggestion.objects.get(owner=me)
    assert services.log_suggestion(suggestion) is not None
    assert services.log_suggestion(Suggestion.objects.get(pk=suggestion.pk)) is None
    assert Interaction.objects.filter(owner=me).count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_dismissed_suggestion_cannot_be_logged(me, ana):
    record(_source(me), [_meeting()])
    suggestion = Suggestion.objects.get(owner=me)
    assert services.dismiss(suggestion)
    assert services.log_suggestion(suggestion) is None
    assert not Interaction.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_always_log_rule_logs_without_review(me, ana):
    services.save_rule(me, action=RuleAction.ALWAYS_LOG, contact=ana)
    stats = record(_source(me), [_meeting()])
    assert stats["logged"] == 1
    assert Suggestion.objects.get(owner=me).status == SuggestionStatus.LOGGED
    assert Interaction.objects.filter(owner=me, contacts=ana).count() == 1


@time_machine.travel(NOW, tick=False)
def test_always_log_needs_every_contact_in_it_to_say_so(me, ana, jonas):
    services.save_rule(me, action=RuleAction.ALWAYS_LOG, contact=ana)
    record(_source(me), [_meeting(people=[(ANA, "Ana"), (JONAS, "Jonas")])])
    assert Suggestion.objects.get(owner=me).status == SuggestionStatus.PENDING


@time_machine.travel(NOW, tick=False)
def test_never_suggest_a_domain_leaves_its_people_out(me, ana, jonas):
    services.save_rule(me, action=RuleAction.NEVER_SUGGEST, domain="example.org")
    record(_source(me), [_meeting(people=[(ANA, "Ana"), (JONAS, "Jonas")])])
    assert not Suggestion.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_contacts_rule_wins_over_its_domains(me, ana, jonas):
    services.save_rule(me, action=RuleAction.NEVER_SUGGEST, domain="example.org")
    services.save_rule(me, action=RuleAction.ALWAYS_LOG, contact=ana)
    record(_source(me), [_meeting(people=[(ANA, "Ana"), (JONAS, "Jonas")])])
    suggestion = Suggestion.objects.get(owner=me)
    assert list(suggestion.contacts.all()) == [ana]
    assert suggestion.status == SuggestionStatus.LOGGED


@time_machine.travel(NOW, tick=False)
def test_the_same_meeting_from_two_sources_is_suggested_once(me, ana):
    record(_source(me, "One"), [_meeting()])
    record(_source(me, "Two"), [_meeting()])
    assert Suggestion.objects.filter(owner=me).count() == 1


@time_machine.travel(NOW, tick=False)
def test_people_met_become_contacts_and_their_meetings_come_to_review(me):
    record(_source(me), [_meeting(people=[(BOB, "Bob New")])])
    suggestion = Suggestion.objects.get(owner=me)
    assert suggestion.status == SuggestionStatus.UNMATCHED
    created = services.add_people(me, [(BOB, "Bob New")])
    assert [c.name for c in created] == ["Bob New"]
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING and suggestion.new_people == []
    assert list(suggestion.contacts.all()) == created


@time_machine.travel(NOW, tick=False)
def test_ignoring_a_person_forgets_them_everywhere(me, ana):
    record(_source(me), [_meeting(people=[(ANA, "Ana"), (BOB, "Bob")]),
                         _meeting("event:b:1", people=[(BOB, "Bob")])])
    services.ignore_people(me, [BOB])
    assert all(s.new_people == [] for s in Suggestion.objects.filter(owner=me))
    assert Suggestion.objects.get(key="event:b:1").status == SuggestionStatus.DISMISSED


def test_the_scanner_claims_a_due_source_once(me):
    source = _source(me)
    claimed = services.claim_due_sources()
    assert [pk for pk, _ in claimed] == [source.pk]
    assert services.claim_due_sources() == []


def test_a_claim_whose_worker_died_is_taken_again_after_its_lease(me):
    source = _source(me)
    first = services.claim_due_sources()
    later = datetime.now(UTC) + services.CLAIM_LEASE + timedelta(seconds=1)
    second = services.claim_due_sources(now=later)
    assert [pk for pk, _ in second] == [source.pk] and second[0][1] != first[0][1]
    # The first worker's read, arriving late, no longer holds the claim.
    assert services.read_claimed_source(*first[0]) is None


def test_backoff_doubles_and_stops_at_six_hours():
    assert [services.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert services.backoff(30) == timedelta(hours=6)


def test_secrets_are_stored_encrypted(me):
    source = services.save_source(me, SourceKind.IMAP, {
        "name": "Mail", "host": "imap.test", "port": 993, "security": "ssl",
        "username": ME, "password": "pw-SECRET-123",
    })
    with connection.cursor() as cursor:
        cursor.execute("SELECT password_encrypted FROM capture_source WHERE id = %s", [source.pk])
        stored = cursor.fetchone()[0]
    assert "pw-SECRET-123" not in stored
    assert crypto.decrypt(stored) == "pw-SECRET-123"


def test_a_blank_password_on_change_keeps_the_stored_one(me):
    source = services.save_source(me, SourceKind.IMAP, {
        "name": "Mail", "host": "imap.test", "username": ME, "password": "first",
    })
    services.save_source(me, SourceKind.IMAP, {"name": "Mail 2", "password": ""}, source)
    assert crypto.decrypt(Source.objects.get(pk=source.pk).password_encrypted) == "first"


def test_unreadable_credentials_are_a_source_error_not_a_crash(me, settings):
    source = _source(me)
    settings.CAPTURE_ENCRYPTION_KEYS = ["ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="]
    result = services.read_claimed_source(*services.claim_source(source.pk, force=True))
    assert "enter them again" in result["error"]


@time_machine.travel(NOW, tick=False)
def test_removing_a_source_keeps_decided_suggestions_so_nothing_comes_back(me, ana):
    source = _source(me)
    record(source, [_meeting(), _meeting("event:b:1")])
    services.dismiss(Suggestion.objects.get(key="event:a:1"))
    services.remove_source(source)
    assert list(Suggestion.objects.filter(owner=me).values_list("key", flat=True)) == ["event:a:1"]
    assert not Source.objects.filter(owner=me).exists()
