"""Reads for the interactions, supports and mentorships pages: owner scope, filters, grouping."""

import pytest

from interactions import selectors
from interactions.models import Direction, SupportStatus
from tests.factories import ContactFactory, InteractionFactory, MentorshipFactory, SupportFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_interaction_list_is_scoped_to_the_owner(owner, stranger):
    mine = InteractionFactory(owner=owner)
    InteractionFactory(owner=stranger)
    assert list(selectors.interaction_list(owner)) == [mine]


def test_interaction_list_search_matches_a_contacts_name(owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    hit = InteractionFactory(owner=owner, contacts=[ada], summary="Coffee")
    InteractionFactory(
        owner=owner, contacts=[ContactFactory(owner=owner, name="Bob")], summary="Lunch"
    )
    assert list(selectors.interaction_list(owner, q="lovelace")) == [hit]


def test_interaction_list_search_reads_only_the_owners_contacts(owner, stranger):
    """The name match reads the owner's contacts only: unbounded, it read every account's."""
    mine = ContactFactory(owner=owner, name="Ada Lovelace")
    theirs = ContactFactory(owner=stranger, name="Ada Lovelace")
    with_mine = InteractionFactory(owner=owner, contacts=[mine], summary="Coffee")
    InteractionFactory(owner=stranger, contacts=[theirs], summary="Coffee")
    assert list(selectors.interaction_list(owner, q="lovelace")) == [with_mine]


def test_interaction_list_search_by_a_broad_name_reads_the_owners_contacts_row_by_row(
    owner, stranger, monkeypatch,
):
    monkeypatch.setattr(selectors, "NAMED_CONTACTS_LOOKUP", 1)
    ada, alan = (ContactFactory(owner=owner, name=n) for n in ("Ada Lovelace", "Alan Love"))
    with_ada = InteractionFactory(owner=owner, contacts=[ada], summary="Coffee")
    with_alan = InteractionFactory(owner=owner, contacts=[alan], summary="Coffee")
    InteractionFactory(owner=stranger, contacts=[ContactFactory(owner=stranger, name="Love")])
    sql = str(selectors.interaction_list(owner, q="love").query)
    # A subquery's value, not EXISTS: PostgreSQL hashed an EXISTS over the whole account first.
    assert "IS NOT NULL" in sql and "EXISTS" not in sql and f'"U1"."owner_id" = {owner.pk}' in sql
    assert set(selectors.interaction_list(owner, q="love")) == {with_ada, with_alan}


def test_interaction_list_filters_by_kind(owner):
    call = InteractionFactory(owner=owner, kind="call")
    InteractionFactory(owner=owner, kind="coffee")
    assert list(selectors.interaction_list(owner, kind="call")) == [call]


def test_support_list_filters_direction_and_status(owner, stranger):
    ask = SupportFactory(owner=owner, direction=Direction.ASK)
    SupportFactory(owner=owner, direction=Direction.GIVE)
    SupportFactory(owner=owner, direction=Direction.ASK, status=SupportStatus.DONE)
    SupportFactory(owner=stranger, direction=Direction.ASK)
    assert list(selectors.support_list(owner, direction="ask", status="offered")) == [ask]


def test_mentorships_are_grouped_by_role(owner):
    person, other = ContactFactory(owner=owner), ContactFactory(owner=owner)
    mentee = MentorshipFactory(owner=owner, mentor=None, mentee=person)
    mentor = MentorshipFactory(owner=owner, mentor=person, mentee=None)
    matched = MentorshipFactory(owner=owner, mentor=person, mentee=other)
    groups = selectors.mentorship_groups(owner)
    assert groups == {"my_mentee": [mentee], "my_mentor": [mentor], "matched": [matched]}
