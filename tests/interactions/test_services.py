"""Interaction services: log_interaction copies curiosity onto contacts, resets the schedule,
creates gives; edits, deletes, supports, mentorships and event follow-ups."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from contacts.services import get_profile
from interactions import services
from interactions.models import (
    Direction,
    FollowUp,
    Interaction,
    InteractionKind,
    Support,
    SupportStatus,
)
from tests.factories import ContactFactory, InteractionFactory, SupportFactory

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def log(owner, contacts, **extra):
    data = {
        "contacts": contacts,
        "occurred_on": NOW.date(),
        "kind": InteractionKind.COFFEE,
        "initiated_by": "me",
        "summary": "Coffee",
        "notes": "",
        "working_on": "",
        "why_it_matters": "",
        "event": None,
        "follow_up_on": None,
        "follow_up_note": "",
        "give_kind": "",
        "give_description": "",
        "give_due_on": None,
    }
    data.update(extra)
    return services.log_interaction(owner, data)


def test_log_interaction_links_every_contact(owner, frozen):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    interaction = log(owner, [a, b])
    assert set(interaction.contacts.all()) == {a, b}
    assert interaction.owner == owner


def test_log_interaction_copies_working_on_onto_each_contact(owner, frozen):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner, why_it_matters="Old reason")
    log(owner, [a, b], working_on="Kubernetes migration", why_it_matters="Her promotion case")
    for contact in (a, b):
        contact.refresh_from_db()
        assert contact.working_on == "Kubernetes migration"
        assert contact.why_it_matters == "Her promotion case"


def test_log_interaction_keeps_the_contacts_text_when_left_blank(owner, frozen):
    a = ContactFactory(owner=owner, working_on="Platform team")
    log(owner, [a], working_on="  ")
    a.refresh_from_db()
    assert a.working_on == "Platform team"


def test_log_interaction_today_is_stored_as_now_in_utc(owner, frozen):
    interaction = log(owner, [ContactFactory(owner=owner)])
    assert interaction.occurred_at == NOW


def test_log_interaction_on_a_past_day_is_midday_in_the_users_zone(owner, frozen):
    profile = get_profile(owner)
    profile.time_zone = "America/New_York"
    profile.save()
    interaction = log(owner, [ContactFactory(owner=owner)], occurred_on=datetime.date(2026, 6, 1))
    local = interaction.occurred_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert (local.date(), local.hour) == (datetime.date(2026, 6, 1), 12)


def test_log_interaction_resets_the_contacts_schedule(owner, frozen):
    contact = ContactFactory(owner=owner, next_follow_up_on=datetime.date(2026, 1, 1))
    log(owner, [contact])
    contact.refresh_from_db()
    assert contact.last_interaction_at == NOW
    assert contact.next_follow_up_on > NOW.date()


def test_log_interaction_calls_the_follow_up_engine_in_the_transaction(owner, frozen, monkeypatch):
    seen = []
    monkeypatch.setattr("interactions.followups.on_interaction_saved", lambda i: seen.append(i.pk))
    interaction = log(owner, [ContactFactory(owner=owner)])
    assert seen == [interaction.pk]


def test_log_interaction_creates_an_offered_give_for_each_contact(owner, frozen):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    interaction = log(
        owner,
        [a, b],
        give_kind="review",
        give_description="Review the RFC",
        give_due_on=datetime.date(2026, 6, 20),
    )
    gives = Support.objects.filter(owner=owner)
    assert sorted(g.contact_id for g in gives) == sorted([a.pk, b.pk])
    assert all(
        (g.direction, g.status, g.kind, g.interaction_id, g.due_on)
        == (
            Direction.GIVE,
            SupportStatus.OFFERED,
            "review",
            interaction.pk,
            datetime.date(2026, 6, 20),
        )
        for g in gives
    )


def test_log_interaction_without_a_give_creates_none(owner, frozen):
    log(owner, [ContactFactory(owner=owner)])
    assert not Support.objects.exists()


def test_log_interaction_is_all_or_nothing(owner, frozen, monkeypatch):
    def boom(support):
        raise RuntimeError("engine down")

    monkeypatch.setattr("interactions.followups.on_support_saved", boom)
    with pytest.raises(RuntimeError):
        log(owner, [ContactFactory(owner=owner)], give_kind="help", working_on="Rust")
    assert not Interaction.objects.exists()


def test_quick_log_records_a_message_with_its_summary(owner, frozen):
    contact = ContactFactory(owner=owner)
    interaction = services.quick_log(owner, contact, "congratulated")
    assert (interaction.kind, interaction.summary) == (
        InteractionKind.MESSAGE,
        "Congratulated them",
    )
    contact.refresh_from_db()
    assert contact.last_interaction_at == NOW


def test_update_interaction_moves_the_date_and_refreshes_removed_contacts(owner, frozen):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    interaction = log(owner, [a, b])
    services.update_interaction(
        interaction, {"contacts": [a], "occurred_on": datetime.date(2026, 6, 10)}
    )
    b.refresh_from_db()
    assert list(interaction.contacts.all()) == [a]
    assert interaction.occurred_at.date() == datetime.date(2026, 6, 10)
    assert b.last_interaction_at is None


def test_update_interaction_keeps_the_time_when_the_day_is_unchanged(owner, frozen):
    interaction = log(owner, [ContactFactory(owner=owner)])
    services.update_interaction(interaction, {"occurred_on": NOW.date(), "summary": "Edited"})
    interaction.refresh_from_db()
    assert interaction.occurred_at == NOW and interaction.summary == "Edited"


def test_delete_interaction_moves_the_last_contact_back(owner, frozen):
    contact = ContactFactory(owner=owner)
    InteractionFactory(
        owner=owner, contacts=[contact], occurred_at=NOW - datetime.timedelta(days=40)
    )
    latest = log(owner, [contact])
    services.delete_interaction(latest)
    contact.refresh_from_db()
    assert contact.last_interaction_at == NOW - datetime.timedelta(days=40)


def test_save_support_done_without_a_date_is_done_today(owner):
    support = SupportFactory(owner=owner)
    services.save_support(
        owner, {"status": SupportStatus.DONE}, support, today=datetime.date(2026, 6, 15)
    )
    assert support.done_on == datetime.date(2026, 6, 15)


def test_mark_support_done_closes_its_follow_up(owner, frozen):
    support = services.save_support(
        owner,
        {
            "direction": Direction.GIVE,
            "contact": ContactFactory(owner=owner),
            "kind": "help",
            "status": SupportStatus.OFFERED,
            "description": "Send deck",
            "offered_on": NOW.date(),
            "due_on": NOW.date() + datetime.timedelta(days=3),
        },
    )
    services.mark_support_done(support, NOW.date())
    support.refresh_from_db()
    assert support.status == SupportStatus.DONE and support.done_on == NOW.date()
    assert not FollowUp.objects.filter(support=support, status="open").exists()


def test_save_mentorship_with_me_as_mentor(owner):
    mentee = ContactFactory(owner=owner)
    mentorship = services.save_mentorship(
        owner,
        {
            "mentor": None,
            "mentee": mentee,
            "goals": "Staff",
            "session_cadence_days": 14,
            "started_on": timezone.localdate(),
            "active": True,
        },
    )
    assert mentorship.role == "my_mentee"


def test_logging_an_interaction_raises_the_contacts_strength_at_once(owner):
    contact = ContactFactory(owner=owner)
    assert contact.strength == 0
    services.log_interaction(
        owner, {"contacts": [contact], "occurred_on": timezone.localdate(), "kind": "coffee"}
    )
    contact.refresh_from_db()
    assert contact.strength > 0


def test_deleting_the_only_interaction_drops_the_strength_back(owner):
    contact = ContactFactory(owner=owner)
    interaction = services.log_interaction(
        owner, {"contacts": [contact], "occurred_on": timezone.localdate(), "kind": "coffee"}
    )
    services.delete_interaction(interaction)
    contact.refresh_from_db()
    assert contact.strength == 0
