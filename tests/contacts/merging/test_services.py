"""Merging moves everything onto the survivor, fills only its blanks, and breaks no constraint."""

import pytest

from contacts.merging import MergeError, merge_contacts, plan_merge, possible_duplicates
from contacts.models import Contact, ContactLink, LinkKind
from interactions.models import FollowUp, Mentorship
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    MentorshipFactory,
    SupportFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(owner):
    survivor = ContactFactory(
        owner=owner, name="Ben Carter", company="Atlassian", title="", notes="Likes chess"
    )
    other = ContactFactory(
        owner=owner,
        name="Benjamin Carter",
        company="Atlassian",
        title="Senior EM",
        notes="Runs a meetup",
    )
    return survivor, other


def test_merge_fills_blanks_and_keeps_survivor_values(pair):
    survivor, other = pair
    other.company = "Other Co"
    other.save()
    merge_contacts(survivor, other)
    survivor.refresh_from_db()
    assert (survivor.name, survivor.company, survivor.title) == (
        "Ben Carter",
        "Atlassian",
        "Senior EM",
    )


def test_merge_appends_notes(pair):
    survivor, other = pair
    merge_contacts(survivor, other)
    survivor.refresh_from_db()
    assert survivor.notes == "Likes chess\n\nRuns a meetup"


def test_merge_deletes_other(pair):
    survivor, other = pair
    merge_contacts(survivor, other)
    assert not Contact.objects.filter(pk=other.pk).exists()


def test_merge_moves_interactions_without_duplicating(owner, pair):
    survivor, other = pair
    shared = InteractionFactory(owner=owner, contacts=[survivor, other])
    own = InteractionFactory(owner=owner, contacts=[other])
    merge_contacts(survivor, other)
    assert set(survivor.interactions.all()) == {shared, own}
    assert list(shared.contacts.all()) == [survivor]


def test_merge_moves_supports_and_clears_self_intro(owner, pair):
    survivor, other = pair
    give = SupportFactory(owner=owner, contact=other)
    intro = SupportFactory(owner=owner, contact=survivor, intro_to=other)
    merge_contacts(survivor, other)
    give.refresh_from_db()
    intro.refresh_from_db()
    assert give.contact == survivor
    assert intro.intro_to is None


def test_merge_moves_follow_ups_rewriting_keys(owner, pair):
    survivor, other = pair
    moved = FollowUpFactory(owner=owner, contact=other, source_key=f"event:7:{other.pk}")
    merge_contacts(survivor, other)
    moved.refresh_from_db()
    assert (moved.contact, moved.source_key) == (survivor, f"event:7:{survivor.pk}")


def test_merge_drops_follow_up_whose_key_collides(owner, pair):
    survivor, other = pair
    FollowUpFactory(owner=owner, contact=survivor, source_key=f"cadence:{survivor.pk}:2026-01-01")
    FollowUpFactory(owner=owner, contact=other, source_key=f"cadence:{other.pk}:2026-01-01")
    merge_contacts(survivor, other)
    assert list(FollowUp.objects.values_list("source_key", flat=True)) == [
        f"cadence:{survivor.pk}:2026-01-01"
    ]


def test_merge_moves_links_dropping_self_and_duplicate_links(owner, pair):
    survivor, other = pair
    third = ContactFactory(owner=owner)
    ContactLink.objects.create(
        owner=owner, from_contact=survivor, to_contact=other, kind=LinkKind.COLLEAGUES
    )
    ContactLink.objects.create(
        owner=owner, from_contact=survivor, to_contact=third, kind=LinkKind.KNOWS
    )
    ContactLink.objects.create(
        owner=owner, from_contact=other, to_contact=third, kind=LinkKind.KNOWS
    )
    ContactLink.objects.create(
        owner=owner, from_contact=third, to_contact=other, kind=LinkKind.MENTOR_OF
    )
    merge_contacts(survivor, other)
    assert sorted(ContactLink.objects.values_list("from_contact", "to_contact", "kind")) == sorted(
        [
            (survivor.pk, third.pk, LinkKind.KNOWS),
            (third.pk, survivor.pk, LinkKind.MENTOR_OF),
        ]
    )


def test_merge_moves_mentorships_and_drops_one_between_them(owner, pair):
    survivor, other = pair
    kept = MentorshipFactory(owner=owner, mentee=other)
    MentorshipFactory(owner=owner, mentor=survivor, mentee=other)
    merge_contacts(survivor, other)
    assert list(Mentorship.objects.all()) == [kept]
    kept.refresh_from_db()
    assert kept.mentee == survivor


def test_merge_moves_events_emails_phones_and_tags(owner, pair):
    survivor, other = pair
    event = EventFactory(owner=owner)
    event.people_met.add(other)
    ContactEmailFactory(contact=survivor, email="ben@example.com")
    ContactEmailFactory(contact=other, email="ben@example.com")
    ContactEmailFactory(contact=other, email="benjamin@example.com")
    other.phones.create(number="+1 555 0100")
    other.tags.add(TagFactory(owner=owner, name="mentors"))
    merge_contacts(survivor, other)
    assert list(event.people_met.all()) == [survivor]
    assert sorted(survivor.emails.values_list("email", flat=True)) == [
        "ben@example.com",
        "benjamin@example.com",
    ]
    assert list(survivor.phones.values_list("number", flat=True)) == ["+1 555 0100"]
    assert list(survivor.tags.values_list("name", flat=True)) == ["mentors"]


def test_merge_repoints_introductions(owner, pair):
    survivor, other = pair
    introduced = ContactFactory(owner=owner, introduced_by=other)
    merge_contacts(survivor, other)
    introduced.refresh_from_db()
    assert introduced.introduced_by == survivor


def test_merge_refuses_contacts_of_different_owners(pair, stranger):
    survivor, _ = pair
    with pytest.raises(MergeError):
        merge_contacts(survivor, ContactFactory(owner=stranger))


def test_merge_refuses_same_contact(pair):
    with pytest.raises(MergeError):
        merge_contacts(pair[0], pair[0])


def test_plan_shows_each_field_source(pair):
    survivor, other = pair
    plan = {f.name: f for f in plan_merge(survivor, other).fields}
    assert (plan["title"].result, plan["title"].source) == ("Senior EM", "from other")
    assert (plan["name"].result, plan["name"].source) == ("Ben Carter", "choice")
    assert plan["notes"].source == "combined"


def test_possible_duplicates_by_email_linkedin_and_similar_names(owner, pair):
    a = ContactFactory(owner=owner, name="Ann Lee", company="X")
    b = ContactFactory(owner=owner, name="Annie Zhou", company="Y")
    ContactEmailFactory(contact=a, email="ann@example.com")
    ContactEmailFactory(contact=b, email="ann@example.com")
    c = ContactFactory(
        owner=owner, name="C One", company="", linkedin_url="https://www.linkedin.com/in/cee"
    )
    d = ContactFactory(
        owner=owner, name="D Two", company="", linkedin_url="http://linkedin.com/in/CEE/"
    )
    ContactFactory(owner=owner, name="Zed Unrelated", company="Atlassian")
    found = {(p.first.pk, p.second.pk): p.reasons for p in possible_duplicates(owner)}
    assert found == {
        (pair[0].pk, pair[1].pk): ["similar names at the same company"],
        (a.pk, b.pk): ["same email ann@example.com"],
        (c.pk, d.pk): ["same LinkedIn profile"],
    }


def test_possible_duplicates_ignores_other_users(owner, stranger):
    ContactFactory(owner=owner, name="Ann Lee", company="X")
    ContactFactory(owner=stranger, name="Ann Lee", company="X")
    assert possible_duplicates(owner) == []


def test_possible_duplicates_query_count_does_not_grow(owner, django_assert_max_num_queries):
    for i in range(30):
        ContactFactory(owner=owner, name=f"Person {i}", company="Same")
    with django_assert_max_num_queries(4):
        possible_duplicates(owner)


def test_possible_duplicates_by_phone_and_by_a_name_in_another_spelling(owner):
    taro = ContactFactory(owner=owner, name="山田 太郎", phonetic_name="やまだ たろう")
    yamada = ContactFactory(owner=owner, name="Taro Yamada", company="Sony")
    bob = ContactFactory(owner=owner, name="Bob Smith")
    robert = ContactFactory(owner=owner, name="Robert Smith")
    kev = ContactFactory(owner=owner, name="Plumber - Kev")
    kevin = ContactFactory(owner=owner, name="Kevin O'Brien")
    kev.phones.create(number="+12065550134")
    kevin.phones.create(number="+12065550134")
    # Two LinkedIn profiles: two people, however alike their names.
    ContactFactory(owner=owner, name="Mei Chen", linkedin_url="https://linkedin.com/in/mei-1")
    ContactFactory(owner=owner, name="Mei Chen", linkedin_url="https://linkedin.com/in/mei-2")
    found = {(p.first.pk, p.second.pk): p.reasons for p in possible_duplicates(owner)}
    assert found == {
        (taro.pk, yamada.pk): ["the same name, written differently"],
        (bob.pk, robert.pk): ["the same name, written differently"],
        (kev.pk, kevin.pk): ["same phone +12065550134"],
    }
