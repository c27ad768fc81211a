"""Reads shared by the digest and the calendar: "one person this week" ranked by the database in
the user's own time zone, open promises both ways, and a digest built in a fixed number of
queries however large the network."""

from datetime import UTC, date, datetime, timedelta

import pytest

from contacts.models import Contact, Tier
from interactions import digests
from interactions.models import Direction, SupportStatus
from interactions.followups.selectors import open_promises
from interactions.followups.suggestion import _tie_break, one_person_this_week
from tests.factories import ContactFactory, FollowUpFactory, ProfileFactory, SupportFactory

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def touched(contact, when: datetime) -> None:
    Contact.objects.filter(pk=contact.pk).update(last_interaction_at=when)


def test_one_person_counts_days_in_the_users_time_zone(owner):
    ProfileFactory(owner=owner, time_zone="Pacific/Auckland")
    # 13:00 UTC on the 20th is 02:00 on the 21st in Auckland: 10 days before the 31st, not 11.
    late = ContactFactory(owner=owner, cadence_days=10)  # 10 / 10 = 1.0 (11 / 10 in UTC)
    touched(late, at(2026, 3, 20, 13))
    steady = ContactFactory(owner=owner, cadence_days=20)  # 21 / 20 = 1.05 either way
    touched(steady, at(2026, 3, 10, 0))
    person = one_person_this_week(owner, date(2026, 3, 31))
    assert person.contact == steady
    assert person.reason == "last talked 21 days ago, cadence 20"


def test_one_person_uses_the_tiers_cadence_from_the_users_settings(owner):
    profile = ProfileFactory(owner=owner, cadence_peer=10, cadence_network=90)
    peer = ContactFactory(owner=owner, tier=Tier.PEER)  # 15 / 10
    network = ContactFactory(owner=owner, tier=Tier.NETWORK)  # 100 / 90
    touched(peer, at(2026, 3, 16, 12))
    touched(network, at(2025, 12, 21, 12))
    person = one_person_this_week(owner, date(2026, 3, 31), profile=profile)
    assert (person.contact, person.reason) == (peer, "last talked 15 days ago, cadence 10")


def test_one_person_among_equals_is_the_one_with_the_smallest_hash_of_the_week(owner):
    equals = ContactFactory.create_batch(6, owner=owner, cadence_days=30)
    for contact in equals:
        touched(contact, at(2026, 3, 1, 12))
    today = date(2026, 3, 31)
    expected = min(equals, key=lambda contact: _tie_break(contact.pk, today))
    assert one_person_this_week(owner, today).contact == expected
    next_week = today + timedelta(days=7)
    expected_next = min(equals, key=lambda contact: _tie_break(contact.pk, next_week))
    assert one_person_this_week(owner, next_week).contact == expected_next


def test_one_person_weighs_a_tiers_default_and_a_cadence_of_their_own_alike(owner):
    ProfileFactory(owner=owner, time_zone="UTC", cadence_peer=30)
    peer = ContactFactory(owner=owner, tier=Tier.PEER)
    weekly = ContactFactory(owner=owner, tier=Tier.PEER, cadence_days=7)
    behind = ContactFactory(owner=owner, tier=Tier.CLOSE, cadence_days=7)
    picks = set()
    for week in range(30):
        today = date(2026, 3, 31) + timedelta(days=7 * week)
        noon = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
        touched(peer, noon - timedelta(days=60))  # 60 / 30
        touched(weekly, noon - timedelta(days=14))  # 14 / 7
        touched(behind, noon - timedelta(days=13))  # 13 / 7
        expected = min([peer, weekly], key=lambda contact: _tie_break(contact.pk, today))
        picks.add(one_person_this_week(owner, today).contact)
        assert one_person_this_week(owner, today).contact == expected
    assert picks == {peer, weekly}


def test_one_person_is_among_everyone_touched_on_the_oldest_touchs_local_day(owner):
    ProfileFactory(owner=owner, time_zone="Pacific/Auckland", cadence_peer=30)
    # Auckland is UTC+13 in March: the first two on the 2nd there, 22.5 hours apart in UTC;
    # the third on the 3rd there, 24 hours after the first.
    first = ContactFactory(owner=owner, tier=Tier.PEER)
    touched(first, at(2026, 3, 1, 11, 30))
    same_day = ContactFactory(owner=owner, tier=Tier.PEER)
    touched(same_day, at(2026, 3, 2, 10, 0))
    next_day = ContactFactory(owner=owner, tier=Tier.PEER)
    touched(next_day, at(2026, 3, 2, 11, 30))
    picks = set()
    for week in range(30):
        today = date(2026, 4, 6) + timedelta(days=7 * week)
        expected = min([first, same_day], key=lambda contact: _tie_break(contact.pk, today))
        picks.add(one_person_this_week(owner, today).contact)
        assert picks.issubset({first, same_day})
        assert one_person_this_week(owner, today).contact == expected
    assert picks == {first, same_day}


@pytest.mark.parametrize("contacts", [3, 40])
def test_one_person_reads_three_queries_whatever_the_network(
    owner, contacts, django_assert_num_queries
):
    profile = ProfileFactory(owner=owner)
    for index, contact in enumerate(ContactFactory.create_batch(contacts, owner=owner)):
        touched(contact, at(2026, 1, 1 + index % 28, 12))
    ContactFactory.create_batch(contacts, owner=owner, cadence_days=14)
    with django_assert_num_queries(3):
        assert one_person_this_week(owner, date(2026, 3, 31), profile=profile) is not None


def test_open_promises_are_split_by_direction_oldest_first_and_capped_each_way(owner):
    ada = ContactFactory(owner=owner)
    gives = [
        SupportFactory(
            owner=owner,
            contact=ada,
            direction=Direction.GIVE,
            status=SupportStatus.OFFERED,
            offered_on=date(2026, 3, day),
        )
        for day in (5, 3, 4)
    ]
    asked = SupportFactory(
        owner=owner,
        contact=ada,
        direction=Direction.RECEIVED,
        status=SupportStatus.OFFERED,
        offered_on=date(2026, 3, 9),
    )
    SupportFactory(owner=owner, contact=ada, direction=Direction.GIVE, status=SupportStatus.DONE)
    mine, theirs = open_promises(owner, limit=2)
    assert mine == [gives[1], gives[2]]
    assert theirs == [asked]


def _network(owner, contacts: int) -> None:
    for contact in ContactFactory.create_batch(contacts, owner=owner):
        FollowUpFactory(owner=owner, contact=contact, due_on=date(2026, 3, 30))
        SupportFactory(
            owner=owner, contact=contact, direction=Direction.GIVE, status=SupportStatus.OFFERED
        )


@pytest.mark.parametrize("contacts", [2, 30])
def test_a_digest_is_built_in_eight_queries_whatever_the_network_size(
    owner, contacts, django_assert_num_queries
):
    profile = ProfileFactory(owner=owner)
    _network(owner, contacts)
    with django_assert_num_queries(8):  # the eighth: the week's important dates
        context = digests.build_digest(owner, at(2026, 3, 30, 7, 5), profile=profile)
    assert len(context["reach_out"]) == min(contacts, digests.MAX_ITEMS)
    assert context["reach_out_total"] == contacts
    assert context["stats"]["contacts"] == contacts
