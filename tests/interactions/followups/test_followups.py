"""The follow-up engine: cadence from the last logged interaction in the owner's time zone,
idempotent scanners, promises, gives, events, mentorships, snooze / done / dismiss."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, Tier
from interactions import followups
from interactions.models import (
    Direction,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    InteractionKind,
    Mentorship,
    SupportStatus,
)
from interactions.followups.selectors import follow_up_reason_text
from interactions.followups.suggestion import one_person_this_week
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

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Users are created in almost every test; the real hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def log(owner, contacts, when, **fields):
    interaction = InteractionFactory(owner=owner, occurred_at=when, contacts=contacts, **fields)
    followups.on_interaction_saved(interaction)
    return interaction


def cadence_follow_ups(contact):
    return FollowUp.objects.filter(contact=contact, reason=FollowUpReason.CADENCE)


# Schedule ---------------------------------------------------------------------------------


def test_next_follow_up_is_cadence_days_after_last_interaction_in_owner_zone(owner):
    ProfileFactory(owner=owner, time_zone="Europe/Berlin", cadence_peer=30)
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    # 23:30 UTC on 28 March is already 29 March (00:30) in Berlin.
    log(owner, [contact], at(2026, 3, 28, 23, 30))
    contact.refresh_from_db()
    assert contact.next_follow_up_on == date(2026, 3, 29) + timedelta(days=30)


def test_the_latest_of_several_interactions_counts(owner):
    ProfileFactory(owner=owner, cadence_network=90)
    contact = ContactFactory(owner=owner, tier=Tier.NETWORK)
    log(owner, [contact], at(2026, 1, 10, 12))
    log(owner, [contact], at(2025, 12, 1, 12))  # logged later, happened earlier
    contact.refresh_from_db()
    assert contact.last_interaction_at == at(2026, 1, 10, 12)
    assert contact.next_follow_up_on == date(2026, 4, 10)


def test_contact_cadence_overrides_the_tier_default(owner):
    ProfileFactory(owner=owner, cadence_close=14)
    contact = ContactFactory(owner=owner, tier=Tier.CLOSE, cadence_days=7)
    log(owner, [contact], at(2026, 5, 1, 9))
    contact.refresh_from_db()
    assert contact.next_follow_up_on == date(2026, 5, 8)


def test_never_contacted_contact_is_due_one_cadence_after_it_was_added(owner):
    ProfileFactory(owner=owner, cadence_peer=30)
    with time_machine.travel(at(2026, 2, 1, 10), tick=False):
        contact = ContactFactory(owner=owner, tier=Tier.PEER)
    followups.refresh_contact_schedule([contact.pk])
    contact.refresh_from_db()
    assert contact.next_follow_up_on == date(2026, 3, 3)


def test_deleting_the_last_interaction_moves_the_schedule_back(owner):
    ProfileFactory(owner=owner, cadence_network=90)
    contact = ContactFactory(owner=owner, tier=Tier.NETWORK)
    log(owner, [contact], at(2026, 1, 1, 12))
    later = log(owner, [contact], at(2026, 3, 1, 12))
    later.delete()
    followups.refresh_contact_schedule([contact.pk])
    contact.refresh_from_db()
    assert contact.next_follow_up_on == date(2026, 4, 1)


# Cadence scanner ---------------------------------------------------------------------------


def test_scanner_creates_one_cadence_follow_up_for_a_due_contact(owner):
    ProfileFactory(owner=owner, cadence_peer=30)
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    log(owner, [contact], at(2026, 1, 1, 12))
    followups.scan_follow_ups(at(2026, 1, 31, 12))
    follow_up = cadence_follow_ups(contact).get()
    assert (follow_up.due_on, follow_up.status) == (date(2026, 1, 31), FollowUpStatus.OPEN)
    assert follow_up.source_key == f"cadence:{contact.pk}:2026-01-31"


def test_scanner_run_twice_creates_nothing_new(owner):
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    log(owner, [contact], at(2026, 1, 1, 12))
    first = followups.scan_follow_ups(at(2026, 2, 5, 12))
    second = followups.scan_follow_ups(at(2026, 2, 5, 12, 5))
    assert (first["cadence"], second["cadence"]) == (1, 0)
    assert cadence_follow_ups(contact).count() == 1


def test_scanner_leaves_contacts_not_yet_due(owner):
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    log(owner, [contact], at(2026, 1, 1, 12))
    followups.scan_follow_ups(at(2026, 1, 30, 12))
    assert not cadence_follow_ups(contact).exists()


def test_scanner_uses_each_owners_local_date():
    berlin = ProfileFactory(owner=UserFactory(), time_zone="Europe/Berlin").owner
    new_york = ProfileFactory(owner=UserFactory(), time_zone="America/New_York").owner
    for owner in (berlin, new_york):
        contact = ContactFactory(owner=owner, tier=Tier.PEER)
        Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=date(2026, 3, 10))
    # 23:30 UTC on 9 March: already the 10th in Berlin, still the 9th in New York.
    followups.scan_follow_ups(at(2026, 3, 9, 23, 30))
    assert list(FollowUp.objects.values_list("owner", flat=True)) == [berlin.pk]
    # 04:30 UTC on the 10th is 00:30 in New York (EDT since 8 March).
    followups.scan_follow_ups(at(2026, 3, 10, 4, 30))
    assert FollowUp.objects.filter(owner=new_york).count() == 1


def statements(ctx, verb: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(verb)]


def test_one_cadence_insert_gives_every_time_zone_its_own_date():
    # 23:30 UTC on 9 March: the 10th in Tokyo and Berlin, still the 9th in UTC (and for a user
    # without a Profile), New York and Los Angeles.
    zones = ["Asia/Tokyo", "Europe/Berlin", "UTC", "America/New_York", "America/Los_Angeles"]
    owners = {zone: ProfileFactory(owner=UserFactory(), time_zone=zone).owner for zone in zones}
    owners["no profile"] = UserFactory()
    for owner in owners.values():
        for day in (9, 10, 11):
            contact = ContactFactory(owner=owner, name=f"Due on the {day}th")
            Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=date(2026, 3, day))
    with CaptureQueriesContext(connection) as ctx:
        created = followups.create_due_cadence_follow_ups(at(2026, 3, 9, 23, 30))
    assert len(statements(ctx, "INSERT")) == 1
    found = set(FollowUp.objects.values_list("owner", "due_on"))
    expected = {(owner.pk, date(2026, 3, 9)) for owner in owners.values()}
    expected |= {(owners[zone].pk, date(2026, 3, 10)) for zone in ("Asia/Tokyo", "Europe/Berlin")}
    assert (created, found) == (8, expected)
    assert followups.create_due_cadence_follow_ups(at(2026, 3, 9, 23, 30)) == 0


def test_one_update_wakes_snoozed_follow_ups_on_each_zones_own_day():
    owners = {
        zone: ProfileFactory(owner=UserFactory(), time_zone=zone).owner
        for zone in ("Asia/Tokyo", "America/New_York")
    }
    owners["no profile"] = UserFactory()
    snoozed = {}
    for name, owner in owners.items():
        snoozed[name] = FollowUpFactory(owner=owner, due_on=date(2026, 3, 1))
        followups.snooze(snoozed[name], date(2026, 3, 10))

    def still_snoozed():
        return {
            name
            for name, follow_up in snoozed.items()
            if FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.SNOOZED
        }

    with CaptureQueriesContext(connection) as ctx:
        woken = followups.wake_snoozed_follow_ups(at(2026, 3, 9, 23, 30))  # the 10th in Tokyo
    assert len(statements(ctx, "UPDATE")) == 1
    assert (woken, still_snoozed()) == (1, {"America/New_York", "no profile"})
    assert followups.wake_snoozed_follow_ups(at(2026, 3, 10, 0, 30)) == 1  # the 10th in UTC
    assert still_snoozed() == {"America/New_York"}  # 20:30 on the 9th there


def test_scanner_skips_archived_and_reminders_off_contacts(owner):
    archived = ContactFactory(owner=owner, archived=True)
    silenced = ContactFactory(owner=owner, reminders_off=True)
    Contact.objects.filter(pk__in=[archived.pk, silenced.pk]).update(
        next_follow_up_on=date(2026, 1, 1)
    )
    followups.scan_follow_ups(at(2026, 6, 1, 12))
    assert not FollowUp.objects.exists()


def test_scanner_keeps_one_open_cadence_follow_up_per_contact(owner):
    contact = ContactFactory(owner=owner)
    Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=date(2026, 1, 1))
    followups.scan_follow_ups(at(2026, 1, 2, 12))
    # A shorter cadence moves the due date, but one reminder is already open.
    Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=date(2025, 12, 20))
    followups.scan_follow_ups(at(2026, 1, 3, 12))
    assert cadence_follow_ups(contact).count() == 1


def test_scanner_query_count_does_not_grow_with_contacts(owner):
    def scan_queries(n):
        FollowUp.objects.all().delete()
        for contact in ContactFactory.create_batch(n, owner=owner):
            Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=date(2026, 1, 1))
        with CaptureQueriesContext(connection) as ctx:
            followups.scan_follow_ups(at(2026, 1, 2, 12))
        return len(ctx.captured_queries)

    assert scan_queries(3) == scan_queries(30)
    assert FollowUp.objects.count() == 33


def test_scanner_creates_thousands_of_follow_ups_per_second(owner):
    n = 10_000
    Contact.objects.bulk_create(
        [Contact(owner=owner, name=f"c{i}", next_follow_up_on=date(2026, 1, 1)) for i in range(n)],
        batch_size=5000,
    )
    started = time.perf_counter()
    created = followups.create_due_cadence_follow_ups(at(2026, 1, 2, 12))
    elapsed = time.perf_counter() - started
    assert created == n
    # Target 50,000/s (one INSERT … SELECT); the bound leaves room for a slow, busy CI machine
    # and still fails a query-per-contact loop.
    assert n / elapsed > 5_000, f"{n / elapsed:.0f} follow-ups/s"


def test_follow_up_links_are_indexed_only_where_set(db):
    """Each insert pays for every index: owner lookups use followup_unique_source, and the
    links, NULL on every cadence reminder, have partial indexes (migration 0004)."""
    table = FollowUp._meta.db_table
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, table)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name = %s", [table])
        definitions = {name: sql or "" for name, sql in cursor.fetchall()}
    columns = {
        name: index["columns"]
        for name, index in indexes.items()
        if index["index"] or index["unique"]  # a unique constraint is an index too
    }
    assert ["owner_id"] not in columns.values()
    assert columns["followup_unique_source"] == ["owner_id", "source_key"]
    for link in ("interaction", "support", "event", "mentorship"):
        assert [name for name, cols in columns.items() if cols == [f"{link}_id"]] == [
            f"followup_{link}"
        ]
        where = definitions[f"followup_{link}"].partition(" WHERE ")[2]
        assert where.replace('"', "").strip("()") == f"{link}_id IS NOT NULL"


# Interactions close and restart ------------------------------------------------------------


def test_logging_an_interaction_closes_open_cadence_follow_ups_and_moves_the_schedule(owner):
    ProfileFactory(owner=owner, cadence_peer=30)
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    log(owner, [contact], at(2026, 1, 1, 12))
    followups.scan_follow_ups(at(2026, 2, 2, 12))
    interaction = log(owner, [contact], at(2026, 2, 3, 12))
    follow_up = cadence_follow_ups(contact).get()
    contact.refresh_from_db()
    assert (follow_up.status, follow_up.interaction_id) == (FollowUpStatus.DONE, interaction.pk)
    assert contact.next_follow_up_on == date(2026, 3, 5)


def test_a_group_interaction_restarts_every_contact_in_it(owner):
    ProfileFactory(owner=owner, cadence_peer=30)
    a, b = ContactFactory.create_batch(2, owner=owner, tier=Tier.PEER)
    log(owner, [a, b], at(2026, 4, 1, 12))
    assert set(Contact.objects.values_list("next_follow_up_on", flat=True)) == {date(2026, 5, 1)}


# Snooze, done, dismiss --------------------------------------------------------------------


def test_dismissed_cadence_follow_up_comes_back_one_cadence_later_with_a_new_key(owner):
    ProfileFactory(owner=owner, cadence_peer=30)
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    log(owner, [contact], at(2026, 1, 1, 12))
    followups.scan_follow_ups(at(2026, 1, 31, 12))
    with time_machine.travel(at(2026, 2, 2, 12), tick=False):
        followups.dismiss(cadence_follow_ups(contact).get())
    followups.scan_follow_ups(at(2026, 2, 5, 12))
    assert cadence_follow_ups(contact).filter(status=FollowUpStatus.OPEN).count() == 0
    followups.scan_follow_ups(at(2026, 3, 4, 12))
    back = cadence_follow_ups(contact).get(status=FollowUpStatus.OPEN)
    assert back.source_key == f"cadence:{contact.pk}:2026-03-04"


def test_done_on_a_cadence_follow_up_counts_as_a_touch_today(owner):
    ProfileFactory(owner=owner, cadence_peer=30)
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    log(owner, [contact], at(2026, 1, 1, 12))
    followups.scan_follow_ups(at(2026, 2, 1, 12))
    with time_machine.travel(at(2026, 2, 10, 12), tick=False):
        followups.mark_done(cadence_follow_ups(contact).get())
    contact.refresh_from_db()
    assert contact.next_follow_up_on == date(2026, 3, 12)


def test_mark_done_twice_keeps_the_first_close_time(owner):
    follow_up = FollowUpFactory(owner=owner)
    with time_machine.travel(at(2026, 2, 10, 12), tick=False):
        followups.mark_done(follow_up)
    with time_machine.travel(at(2026, 2, 11, 12), tick=False):
        followups.mark_done(FollowUp.objects.get(pk=follow_up.pk))
    assert FollowUp.objects.get(pk=follow_up.pk).closed_at == at(2026, 2, 10, 12)


def test_snooze_hides_until_the_day_and_shows_it_due_then(owner):
    follow_up = FollowUpFactory(owner=owner, due_on=date(2026, 2, 1))
    followups.snooze(follow_up, date(2026, 2, 8))
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.snoozed_until, follow_up.due_on) == (
        FollowUpStatus.SNOOZED,
        date(2026, 2, 8),
        date(2026, 2, 8),
    )


def test_snoozed_follow_up_reopens_on_its_day(owner):
    follow_up = FollowUpFactory(owner=owner, due_on=date(2026, 2, 1))
    followups.snooze(follow_up, date(2026, 2, 8))
    followups.scan_follow_ups(at(2026, 2, 7, 12))
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.SNOOZED
    followups.scan_follow_ups(at(2026, 2, 8, 0, 30))
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN


def test_snooze_does_not_reopen_a_done_follow_up(owner):
    follow_up = FollowUpFactory(owner=owner)
    followups.mark_done(follow_up)
    followups.snooze(follow_up, date(2026, 2, 8))
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DONE


def test_dismiss_sets_status_dismissed(owner):
    follow_up = FollowUpFactory(owner=owner)
    followups.dismiss(follow_up)
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DISMISSED


def test_reminders_off_closes_the_open_cadence_follow_up(owner):
    contact = ContactFactory(owner=owner)
    Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=date(2026, 1, 1))
    followups.scan_follow_ups(at(2026, 1, 2, 12))
    Contact.objects.filter(pk=contact.pk).update(reminders_off=True)
    followups.refresh_contact_schedule([contact.pk])
    assert cadence_follow_ups(contact).get().status == FollowUpStatus.DISMISSED


def test_recomputing_a_silenced_contact_twice_leaves_its_date(owner):
    # The app's own dismissal of the open reminder is not the user closing it by hand: it
    # must not restart the cadence on the next recomputation.
    contact = ContactFactory(owner=owner)
    Contact.objects.filter(pk=contact.pk).update(
        next_follow_up_on=date(2026, 1, 1), created_at=at(2025, 12, 1, 12)
    )
    followups.scan_follow_ups(at(2026, 1, 2, 12))
    Contact.objects.filter(pk=contact.pk).update(archived=True)

    followups.refresh_contact_schedule([contact.pk], now=at(2026, 1, 3, 12))
    first = Contact.objects.get(pk=contact.pk).next_follow_up_on
    followups.refresh_contact_schedule([contact.pk], now=at(2026, 2, 3, 12))

    assert Contact.objects.get(pk=contact.pk).next_follow_up_on == first
    assert cadence_follow_ups(contact).get().status == FollowUpStatus.DISMISSED


# Promises, gives, events, mentorships ------------------------------------------------------


def test_interaction_follow_up_date_creates_a_promise_per_contact(owner):
    a, b = ContactFactory.create_batch(2, owner=owner)
    interaction = log(
        owner,
        [a, b],
        at(2026, 1, 1, 12),
        follow_up_on=date(2026, 1, 8),
        follow_up_note="send the RFC template",
    )
    promises = FollowUp.objects.filter(reason=FollowUpReason.PROMISE).order_by("contact_id")
    assert [p.source_key for p in promises] == [
        f"interaction:{interaction.pk}:{a.pk}",
        f"interaction:{interaction.pk}:{b.pk}",
    ]
    assert {(p.due_on, p.note) for p in promises} == {(date(2026, 1, 8), "send the RFC template")}


def test_editing_the_promise_date_moves_the_follow_up(owner):
    contact = ContactFactory(owner=owner)
    interaction = log(owner, [contact], at(2026, 1, 1, 12), follow_up_on=date(2026, 1, 8))
    interaction.follow_up_on = date(2026, 1, 15)
    interaction.save()
    followups.on_interaction_saved(interaction)
    assert FollowUp.objects.get(reason=FollowUpReason.PROMISE).due_on == date(2026, 1, 15)


def test_editing_an_interaction_keeps_its_snoozed_promise_snoozed(owner):
    contact = ContactFactory(owner=owner)
    interaction = log(owner, [contact], at(2026, 1, 1, 12), follow_up_on=date(2026, 1, 8))
    followups.snooze(FollowUp.objects.get(reason=FollowUpReason.PROMISE), date(2026, 1, 20))
    interaction.notes = "more notes"
    interaction.save()
    followups.on_interaction_saved(interaction)
    promise = FollowUp.objects.get(reason=FollowUpReason.PROMISE)
    assert (promise.status, promise.due_on) == (FollowUpStatus.SNOOZED, date(2026, 1, 20))


def test_clearing_the_promise_date_removes_the_open_follow_up(owner):
    contact = ContactFactory(owner=owner)
    interaction = log(owner, [contact], at(2026, 1, 1, 12), follow_up_on=date(2026, 1, 8))
    interaction.follow_up_on = None
    interaction.save()
    followups.on_interaction_saved(interaction)
    assert not FollowUp.objects.filter(reason=FollowUpReason.PROMISE).exists()


def test_offered_give_with_due_date_creates_a_follow_up(owner):
    support = SupportFactory(owner=owner, direction=Direction.GIVE, due_on=date(2099, 1, 5))
    followups.on_support_saved(support)
    follow_up = FollowUp.objects.get(source_key=f"give:{support.pk}")
    assert (follow_up.reason, follow_up.due_on, follow_up.support_id) == (
        FollowUpReason.GIVE,
        date(2099, 1, 5),
        support.pk,
    )


def test_editing_a_give_moves_its_open_follow_up(owner):
    support = SupportFactory(owner=owner, direction=Direction.GIVE, due_on=date(2099, 1, 5))
    followups.on_support_saved(support)
    support.due_on = date(2099, 2, 1)
    support.save()
    followups.on_support_saved(support)
    assert FollowUp.objects.get(source_key=f"give:{support.pk}").due_on == date(2099, 2, 1)


def test_editing_a_give_keeps_its_snoozed_follow_up_snoozed(owner):
    support = SupportFactory(owner=owner, direction=Direction.GIVE, due_on=date(2099, 1, 5))
    followups.on_support_saved(support)
    followups.snooze(FollowUp.objects.get(source_key=f"give:{support.pk}"), date(2099, 1, 20))
    support.notes = "bring the slides"
    support.save()
    followups.on_support_saved(support)
    assert FollowUp.objects.get(source_key=f"give:{support.pk}").status == FollowUpStatus.SNOOZED


def test_ask_with_due_date_creates_no_follow_up(owner):
    support = SupportFactory(owner=owner, direction=Direction.ASK, due_on=date(2099, 1, 5))
    followups.on_support_saved(support)
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "status, closed",
    [(SupportStatus.DONE, FollowUpStatus.DONE), (SupportStatus.DECLINED, FollowUpStatus.DISMISSED)],
)
def test_give_done_or_declined_closes_its_follow_up(owner, status, closed):
    support = SupportFactory(owner=owner, direction=Direction.GIVE, due_on=date(2099, 1, 5))
    followups.on_support_saved(support)
    support.status = status
    support.save()
    followups.on_support_saved(support)
    assert FollowUp.objects.get(source_key=f"give:{support.pk}").status == closed


def test_done_on_a_give_follow_up_marks_the_give_delivered(owner):
    support = SupportFactory(owner=owner, direction=Direction.GIVE, due_on=date(2099, 1, 5))
    followups.on_support_saved(support)
    followups.mark_done(FollowUp.objects.get(source_key=f"give:{support.pk}"))
    support.refresh_from_db()
    assert support.status == SupportStatus.DONE and support.done_on is not None


def test_event_follow_ups_one_per_person_three_days_after_it_ends(owner):
    people = ContactFactory.create_batch(3, owner=owner)
    event = EventFactory(owner=owner, starts_on=date(2026, 3, 23), ends_on=date(2026, 3, 26))
    event.people_met.set(people)
    assert followups.create_event_follow_ups(event) == 3
    assert followups.create_event_follow_ups(event) == 0
    keys = set(FollowUp.objects.values_list("source_key", flat=True))
    assert keys == {f"event:{event.pk}:{p.pk}" for p in people}
    assert set(FollowUp.objects.values_list("due_on", flat=True)) == {date(2026, 3, 29)}


def test_mentorship_session_comes_due_on_its_cadence_once(owner):
    mentorship = MentorshipFactory(
        owner=owner,
        session_cadence_days=14,
        started_on=date(2026, 1, 1),
        last_session_on=date(2026, 2, 1),
    )
    followups.scan_follow_ups(at(2026, 2, 14, 12))
    assert not FollowUp.objects.exists()
    followups.scan_follow_ups(at(2026, 2, 15, 12))
    followups.scan_follow_ups(at(2026, 2, 15, 12, 5))
    follow_up = FollowUp.objects.get()
    assert follow_up.source_key == f"mentorship:{mentorship.pk}:2026-02-15"
    assert follow_up.contact_id == mentorship.mentee_id


def test_mentoring_interaction_records_the_session_and_closes_the_reminder(owner):
    mentorship = MentorshipFactory(
        owner=owner, session_cadence_days=14, started_on=date(2026, 1, 1)
    )
    followups.scan_follow_ups(at(2026, 1, 20, 12))
    log(owner, [mentorship.mentee], at(2026, 1, 21, 12), kind=InteractionKind.MENTORING)
    mentorship.refresh_from_db()
    assert mentorship.last_session_on == date(2026, 1, 21)
    assert FollowUp.objects.get(reason=FollowUpReason.MENTORSHIP).status == FollowUpStatus.DONE


def test_editing_the_last_session_closes_a_reminder_it_made_moot(owner):
    mentorship = MentorshipFactory(
        owner=owner, session_cadence_days=14, started_on=date(2026, 1, 1)
    )
    followups.scan_follow_ups(at(2026, 1, 20, 12))
    mentorship.last_session_on = date(2026, 1, 19)
    mentorship.save()
    followups.on_mentorship_saved(mentorship)
    assert FollowUp.objects.get().status == FollowUpStatus.DISMISSED


def test_the_next_session_is_due_a_cadence_after_the_edited_last_one(owner):
    # The reminder the edit made moot was closed by the app, not by the user: the next one is
    # due 14 days after the session, not 14 days after the day of the edit.
    mentorship = MentorshipFactory(
        owner=owner, session_cadence_days=14, started_on=date(2026, 1, 1)
    )
    followups.scan_follow_ups(at(2026, 1, 20, 12))
    mentorship.last_session_on = date(2026, 1, 19)
    mentorship.save()
    followups.on_mentorship_saved(mentorship)

    followups.scan_follow_ups(at(2026, 2, 2, 12))

    assert FollowUp.objects.get(status=FollowUpStatus.OPEN).due_on == date(2026, 2, 2)


def test_a_still_due_session_reminder_survives_an_unrelated_edit(owner):
    mentorship = MentorshipFactory(
        owner=owner, session_cadence_days=14, started_on=date(2026, 1, 1)
    )
    followups.scan_follow_ups(at(2026, 1, 20, 12))
    mentorship.goals = "New goals"
    mentorship.save()
    followups.on_mentorship_saved(mentorship)
    assert FollowUp.objects.get().status == FollowUpStatus.OPEN


def test_ending_a_mentorship_closes_its_session_reminder(owner):
    mentorship = MentorshipFactory(
        owner=owner, session_cadence_days=14, started_on=date(2026, 1, 1)
    )
    followups.scan_follow_ups(at(2026, 1, 20, 12))
    mentorship.active = False
    mentorship.save()
    followups.on_mentorship_saved(mentorship)
    assert FollowUp.objects.get().status == FollowUpStatus.DISMISSED


def test_inactive_mentorship_gets_no_reminder(owner):
    MentorshipFactory(owner=owner, active=False, started_on=date(2026, 1, 1))
    followups.scan_follow_ups(at(2026, 6, 1, 12))
    assert not FollowUp.objects.exists()


# Reasons in words and one person this week -------------------------------------------------


def test_reason_for_a_cadence_follow_up_says_days_and_cadence(owner):
    profile = ProfileFactory(owner=owner, cadence_network=60)
    contact = ContactFactory(owner=owner, tier=Tier.NETWORK)
    log(owner, [contact], at(2026, 1, 1, 12))
    contact.refresh_from_db()
    follow_up = FollowUpFactory(owner=owner, contact=contact, reason=FollowUpReason.CADENCE)
    text = follow_up_reason_text(follow_up, date(2026, 4, 5), profile=profile)
    assert text == "last talked 94 days ago, cadence 60"


def test_reason_for_a_promise_quotes_it(owner):
    follow_up = FollowUpFactory(
        owner=owner, reason=FollowUpReason.PROMISE, note="send the RFC template"
    )
    assert (
        follow_up_reason_text(follow_up, date(2026, 1, 1)) == "you promised: send the RFC template"
    )


def test_reason_for_an_event_names_it_and_when(owner):
    event = EventFactory(owner=owner, name="KubeCon", starts_on=date(2026, 3, 20))
    follow_up = FollowUpFactory(owner=owner, reason=FollowUpReason.EVENT, event=event)
    assert follow_up_reason_text(follow_up, date(2026, 3, 25)) == "met at KubeCon 5 days ago"


def test_reason_for_a_mentorship(owner):
    follow_up = FollowUpFactory(owner=owner, reason=FollowUpReason.MENTORSHIP)
    assert follow_up_reason_text(follow_up, date(2026, 3, 25)) == "mentoring session due"


def test_one_person_is_the_longest_out_of_touch_relative_to_cadence(owner):
    ProfileFactory(owner=owner, cadence_close=14, cadence_network=90)
    close = ContactFactory(owner=owner, tier=Tier.CLOSE)  # 30 days / 14 = 2.1
    network = ContactFactory(owner=owner, tier=Tier.NETWORK)  # 100 days / 90 = 1.1
    log(owner, [close], at(2026, 3, 1, 12))
    log(owner, [network], at(2026, 1, 20, 12))
    person = one_person_this_week(owner, date(2026, 3, 31))
    assert person.contact == close
    assert person.reason == "last talked 30 days ago, cadence 14"


def test_one_person_ignores_archived_and_reminders_off(owner):
    ContactFactory(owner=owner, archived=True)
    ContactFactory(owner=owner, reminders_off=True)
    assert one_person_this_week(owner, date(2026, 3, 31)) is None


def test_one_person_is_the_same_all_day_for_equal_candidates(owner):
    with time_machine.travel(at(2026, 1, 1, 12), tick=False):
        ContactFactory.create_batch(5, owner=owner)
    picks = {one_person_this_week(owner, date(2026, 3, 31)).contact.pk for _ in range(3)}
    assert len(picks) == 1


def test_one_person_suggests_asking_about_what_they_work_on(owner):
    ContactFactory(owner=owner, working_on="a migration to Postgres")
    person = one_person_this_week(owner, date(2026, 3, 31))
    assert "a migration to Postgres" in person.suggested_give


def test_one_person_suggests_returning_a_favour_when_the_balance_leans_to_them(owner):
    contact = ContactFactory(owner=owner)
    SupportFactory(owner=owner, contact=contact, direction=Direction.RECEIVED)
    person = one_person_this_week(owner, date(2026, 3, 31))
    assert person.suggested_give.startswith("return the favour")


def test_mentorship_factory_is_active_by_default(owner):
    # Guards the mentorship scanner tests above against a factory default change.
    assert MentorshipFactory(owner=owner).active is True
    assert Mentorship.objects.count() == 1


def test_refresh_covers_more_contacts_than_one_round_trip(owner, monkeypatch):
    monkeypatch.setattr(followups.schedule, "REFRESH_CHUNK", 2)
    ProfileFactory(owner=owner, cadence_peer=30)
    contacts = ContactFactory.create_batch(5, owner=owner, tier=Tier.PEER)
    log(owner, contacts, at(2026, 4, 1, 12))
    assert set(Contact.objects.values_list("next_follow_up_on", flat=True)) == {date(2026, 5, 1)}


def test_a_settings_change_recomputes_schedules_not_the_touch_history(owner):
    contact = ContactFactory(owner=owner, tier=Tier.CLOSE)
    InteractionFactory(owner=owner, contacts=[contact])
    followups.refresh_contact_schedule([contact.pk])
    with CaptureQueriesContext(connection) as queries:
        followups.refresh_owner_schedule(owner)
    assert not any("LAG(" in q["sql"] for q in queries.captured_queries)
    contact.refresh_from_db()
    assert contact.interaction_count == 1 and contact.next_follow_up_on is not None
