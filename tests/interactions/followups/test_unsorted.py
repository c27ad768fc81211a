"""Contacts whose tier is not set have no cadence: no cadence follow-ups, no place in the "one
person" suggestion, until the user sorts them or gives them a cadence of their own."""

from datetime import UTC, date, datetime

import pytest

from contacts.models import Tier
from interactions import followups
from interactions.followups.suggestion import one_person_this_week
from interactions.models import FollowUp, FollowUpReason, FollowUpStatus
from tests.factories import ContactFactory, InteractionFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def log(owner, contacts, when):
    followups.on_interaction_saved(
        InteractionFactory(owner=owner, occurred_at=when, contacts=contacts)
    )


def test_an_unsorted_contact_gets_no_cadence_follow_up(owner):
    contact = ContactFactory(owner=owner, tier="")
    log(owner, [contact], at(2026, 1, 1, 12))
    contact.refresh_from_db()
    assert contact.next_follow_up_on is None
    followups.scan_follow_ups(at(2027, 1, 1, 12))
    assert not FollowUp.objects.filter(contact=contact, reason=FollowUpReason.CADENCE).exists()


def test_an_own_cadence_schedules_an_unsorted_contact(owner):
    contact = ContactFactory(owner=owner, tier="", cadence_days=10)
    log(owner, [contact], at(2026, 1, 1, 12))
    contact.refresh_from_db()
    assert contact.next_follow_up_on == date(2026, 1, 11)


def test_clearing_the_tier_removes_the_untouched_cadence_reminder(owner):
    ProfileFactory(owner=owner, cadence_peer=30)
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    log(owner, [contact], at(2026, 1, 1, 12))
    followups.scan_follow_ups(at(2026, 2, 1, 12))
    reminder = FollowUp.objects.get(contact=contact, reason=FollowUpReason.CADENCE)
    assert reminder.status == FollowUpStatus.OPEN
    contact.tier = ""
    contact.save()
    followups.refresh_contact_schedule([contact.pk])
    assert not FollowUp.objects.filter(pk=reminder.pk).exists()


def test_the_one_person_suggestion_passes_over_the_unsorted(owner):
    ProfileFactory(owner=owner)
    sorted_one = ContactFactory(owner=owner, tier=Tier.NETWORK)
    ContactFactory(owner=owner, tier="", circle="", discipline="")
    log(owner, [sorted_one], at(2025, 1, 1, 12))
    suggestion = one_person_this_week(owner, today=date(2026, 1, 1))
    assert suggestion.contact.pk == sorted_one.pk
