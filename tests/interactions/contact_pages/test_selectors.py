"""The contact page's reads: the brief and the merged timeline."""

import datetime

import pytest
from django.utils import timezone

from interactions.contact_pages import selectors
from interactions.models import Direction, FollowUpStatus, SupportStatus
from tests.factories import ContactFactory, FollowUpFactory, InteractionFactory, SupportFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


TODAY = datetime.date(2026, 6, 15)


def test_brief_splits_open_promises_by_direction_and_counts_balance(owner):
    contact = ContactFactory(owner=owner)
    mine = SupportFactory(owner=owner, contact=contact, direction=Direction.GIVE)
    theirs = SupportFactory(owner=owner, contact=contact, direction=Direction.ASK)
    SupportFactory(
        owner=owner, contact=contact, direction=Direction.GIVE, status=SupportStatus.DONE
    )
    SupportFactory(
        owner=owner, contact=contact, direction=Direction.RECEIVED, status=SupportStatus.DONE
    )
    brief = selectors.contact_brief(contact)
    assert brief["my_promises"] == [mine]
    assert brief["their_promises"] == [theirs]
    assert brief["balance"] == {"gives": 2, "received": 1, "asks": 1, "net": 0}


def test_brief_shows_the_latest_interaction_and_next_open_follow_up(owner):
    contact = ContactFactory(owner=owner)
    now = timezone.now()
    InteractionFactory(
        owner=owner, contacts=[contact], occurred_at=now - datetime.timedelta(days=30)
    )
    latest = InteractionFactory(owner=owner, contacts=[contact], occurred_at=now)
    FollowUpFactory(owner=owner, contact=contact, due_on=TODAY, status=FollowUpStatus.DONE)
    upcoming = FollowUpFactory(
        owner=owner, contact=contact, due_on=TODAY + datetime.timedelta(days=3)
    )
    brief = selectors.contact_brief(contact)
    assert brief["last_interaction"] == latest
    assert brief["next_follow_up"] == upcoming


def test_timeline_merges_interactions_supports_and_follow_ups_newest_first(owner):
    contact = ContactFactory(owner=owner)
    base = datetime.datetime(2026, 6, 10, 9, tzinfo=datetime.UTC)
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=base)
    SupportFactory(owner=owner, contact=contact, offered_on=datetime.date(2026, 6, 12))
    FollowUpFactory(owner=owner, contact=contact, due_on=datetime.date(2026, 6, 20))
    InteractionFactory(
        owner=owner, contacts=[contact], occurred_at=base - datetime.timedelta(days=20)
    )
    timeline = selectors.contact_timeline(contact)
    assert [e["type"] for e in timeline.entries] == [
        "follow_up", "support", "interaction", "interaction"
    ]
    assert not timeline.more
    assert timeline.latest_interaction.occurred_at == base


def test_timeline_keeps_the_newest_entries_and_says_when_older_ones_were_left_out(owner):
    contact = ContactFactory(owner=owner)
    base = datetime.datetime(2026, 6, 10, 9, tzinfo=datetime.UTC)
    for days in range(5):
        InteractionFactory(
            owner=owner, contacts=[contact], occurred_at=base - datetime.timedelta(days=days)
        )
    SupportFactory(owner=owner, contact=contact, offered_on=datetime.date(2026, 6, 8))
    timeline = selectors.contact_timeline(contact, limit=3)
    assert [e["when"].date() for e in timeline.entries] == [
        datetime.date(2026, 6, 10), datetime.date(2026, 6, 9), datetime.date(2026, 6, 8)
    ]
    assert timeline.more
    timeline = selectors.contact_timeline(contact, limit=6)
    assert len(timeline.entries) == 6 and not timeline.more


def test_timeline_names_the_other_people_of_a_group_interaction(owner):
    contact = ContactFactory(owner=owner, name="Ada Lovelace")
    grace = ContactFactory(owner=owner, name="Grace Hopper", preferred_name="Amazing Grace")
    alan = ContactFactory(owner=owner, name="Alan Turing")
    InteractionFactory(owner=owner, contacts=[contact, grace, alan])
    InteractionFactory(owner=owner, contacts=[contact])
    entries = selectors.contact_timeline(contact).entries
    assert sorted(e["obj"].others for e in entries) == [[], ["Alan Turing", "Amazing Grace"]]
