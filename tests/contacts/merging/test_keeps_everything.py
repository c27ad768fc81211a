"""A merge keeps everything: prose from both contacts, the value the user chose where they
differ, and every row that pointed at either contact, whichever app it belongs to."""

import pytest
from django.urls import reverse

from capture.models import Rule, RuleAction
from contacts.merging import merge_contacts, plan_merge
from contacts.merging.plan import SEPARATOR
from contacts.models import Contact, Tier
from interactions.models import FollowUp
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    FollowUpFactory,
    ImportantDateFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

PROSE = ("notes", "working_on", "why_it_matters", "how_we_met")


@pytest.fixture
def pair(owner):
    survivor = ContactFactory(
        owner=owner,
        name="Ben Carter",
        company="Atlassian",
        title="EM",
        tier=Tier.PEER,
        working_on="A migration to Postgres",
        how_we_met="",
    )
    other = ContactFactory(
        owner=owner,
        name="Benjamin Carter",
        company="Canva",
        title="",
        tier=Tier.CLOSE,
        working_on="Hiring two staff engineers",
        why_it_matters="Their team doubles next year",
        how_we_met="LeadDev Berlin",
    )
    return survivor, other


def test_prose_from_both_contacts_is_joined_never_dropped(pair):
    survivor, other = pair
    merge_contacts(survivor, other)
    survivor.refresh_from_db()
    assert survivor.working_on == f"A migration to Postgres{SEPARATOR}Hiring two staff engineers"
    assert survivor.why_it_matters == "Their team doubles next year"
    assert survivor.how_we_met == "LeadDev Berlin"


@pytest.mark.parametrize("name", PROSE)
def test_each_prose_field_keeps_both_sides(owner, name):
    survivor = ContactFactory(owner=owner, **{name: "mine"})
    other = ContactFactory(owner=owner, **{name: "theirs"})
    merge_contacts(survivor, other)
    survivor.refresh_from_db()
    assert getattr(survivor, name) == f"mine{SEPARATOR}theirs"


def test_fields_that_differ_keep_the_survivors_value_unless_the_user_chose(pair):
    survivor, other = pair
    merge_contacts(survivor, other, {"company": "other", "tier": "other"})
    survivor.refresh_from_db()
    assert (survivor.name, survivor.company, survivor.tier) == ("Ben Carter", "Canva", Tier.CLOSE)


def test_a_blank_field_is_filled_from_the_other_whatever_the_choice(pair):
    survivor, other = pair
    merge_contacts(survivor, other, {"title": "survivor"})
    survivor.refresh_from_db()
    assert survivor.title == "EM"  # the other's is blank: nothing to choose


def test_the_plan_offers_a_choice_only_where_both_have_different_values(pair):
    plan = plan_merge(*pair)
    assert {f.name for f in plan.choices} == {"name", "company", "tier"}
    by_name = {f.name: f for f in plan.fields}
    assert by_name["working_on"].source == "combined"
    assert by_name["how_we_met"].source == "from other"


def test_important_dates_interactions_and_follow_ups_move(owner, pair):
    survivor, other = pair
    birthday = ImportantDateFactory(owner=owner, contact=other, month=7, day=3)
    interaction = InteractionFactory(owner=owner, contacts=[other])
    follow_up = FollowUpFactory(owner=owner, contact=other)
    merge_contacts(survivor, other)
    for row in (birthday, interaction, follow_up):
        row.refresh_from_db()
    assert birthday.contact == survivor and follow_up.contact == survivor
    assert list(interaction.contacts.all()) == [survivor]


def test_rows_of_apps_contacts_does_not_know_move_too(owner, pair):
    """A capture rule points at a contact with related_name="+": it moves all the same, and
    the other's rule is dropped where the survivor has one (one rule per contact)."""
    survivor, other = pair
    third = ContactFactory(owner=owner)
    moved = Rule.objects.create(owner=owner, contact=other, action=RuleAction.NEVER_SUGGEST)
    merge_contacts(survivor, other)
    moved.refresh_from_db()
    assert moved.contact == survivor
    Rule.objects.create(owner=owner, contact=third, action=RuleAction.NEVER_SUGGEST)
    merge_contacts(survivor, third)
    assert list(Rule.objects.values_list("contact", flat=True)) == [survivor.pk]


def test_the_plan_counts_what_moves(owner, pair):
    survivor, other = pair
    ImportantDateFactory(owner=owner, contact=other)
    InteractionFactory(owner=owner, contacts=[other])
    moves = plan_merge(survivor, other).moves
    assert moves["interactions"] == 1
    assert sum(moves.values()) == 2


def test_two_open_cadence_reminders_do_not_break_the_one_open_cadence_rule(owner, pair):
    survivor, other = pair
    FollowUpFactory(owner=owner, contact=survivor, reason="cadence", source_key="a")
    FollowUpFactory(owner=owner, contact=other, reason="cadence", source_key="b")
    merge_contacts(survivor, other)  # an IntegrityError if both moved
    assert not FollowUp.objects.filter(source_key="b").exists()


# The screen ---------------------------------------------------------------------------------


def merge_url(contact):
    return reverse("data:merge", args=[contact.pk])


def test_the_screen_shows_a_radio_per_field_that_differs(owner_client, pair):
    survivor, other = pair
    page = owner_client.get(merge_url(survivor), {"other": other.pk}).content.decode()
    for name in ("company", "tier", "name"):
        assert f'name="{name}" value="survivor"' in page
        assert f'name="{name}" value="other"' in page
    assert 'name="title"' not in page  # only one side has a title
    assert "Hiring two staff engineers" in page and "both kept" in page


def test_posting_a_choice_merges_with_it(owner_client, pair):
    survivor, other = pair
    owner_client.post(
        merge_url(survivor),
        {"other": other.pk, "keep": survivor.pk, "company": "other", "name": "survivor"},
    )
    survivor.refresh_from_db()
    assert (survivor.name, survivor.company) == ("Ben Carter", "Canva")
    assert not Contact.objects.filter(pk=other.pk).exists()


def test_a_choice_that_is_not_offered_is_a_field_error_and_merges_nothing(owner_client, pair):
    survivor, other = pair
    ContactEmailFactory(contact=other)
    response = owner_client.post(
        merge_url(survivor), {"other": other.pk, "keep": survivor.pk, "company": "bogus"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Contact.objects.filter(pk=other.pk).exists()
