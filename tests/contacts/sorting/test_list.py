"""The contacts list's tier filter (with "not set") and the bulk set tier / circle /
discipline; the insights' mix counting the unsorted apart."""

import pytest
from django.urls import reverse

from contacts.models import Circle, Contact, Discipline, Tier
from interactions.insights.mix import diversity
from tests.factories import ContactFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def names(response) -> set[str]:
    html = response.content.decode()
    return {n for n in ("Close Cara", "Network Nell", "Unsorted Uma") if n in html}


def test_the_list_filters_by_tier_and_by_tier_not_set(owner_client, owner):
    ContactFactory(owner=owner, name="Close Cara", tier=Tier.CLOSE)
    ContactFactory(owner=owner, name="Network Nell", tier=Tier.NETWORK)
    ContactFactory(owner=owner, name="Unsorted Uma", tier="")
    assert names(owner_client.get("/contacts/", {"tier": "close"})) == {"Close Cara"}
    assert names(owner_client.get("/contacts/", {"tier": "none"})) == {"Unsorted Uma"}
    assert len(names(owner_client.get("/contacts/"))) == 3


def test_the_list_shows_not_set_for_an_unsorted_contact(owner_client, owner):
    ContactFactory(owner=owner, name="Unsorted Uma", circle="", discipline="")
    html = owner_client.get("/contacts/").content.decode()
    assert '<span class="badge">Not set</span> <span class="muted small">Not set</span>' in html


@pytest.mark.parametrize(
    ("action", "value", "field"),
    [("tier", Tier.CLOSE, "tier"), ("circle", Circle.COMMUNITY, "circle"),
     ("discipline", Discipline.DATA, "discipline"), ("tier", "", "tier")],
)
def test_bulk_sets_tier_circle_or_discipline(owner_client, owner, action, value, field):
    ProfileFactory(owner=owner)
    people = [ContactFactory(owner=owner, tier="", circle="", discipline="") for _ in range(2)]
    other = ContactFactory(owner=owner, tier=Tier.PEER, circle=Circle.SAME_TEAM)
    response = owner_client.post(
        reverse("contacts:bulk"),
        {"ids": [p.pk for p in people], "action": action, action: value},
    )
    assert response.status_code == 302
    assert {getattr(c, field) for c in Contact.objects.filter(pk__in=[p.pk for p in people])} == {
        value
    }
    other.refresh_from_db()
    assert (other.tier, other.circle) == (Tier.PEER, Circle.SAME_TEAM)


def test_bulk_tier_schedules_the_people_it_sorts(owner_client, owner):
    ProfileFactory(owner=owner, cadence_close=14)
    person = ContactFactory(owner=owner, tier="")
    owner_client.post(
        reverse("contacts:bulk"), {"ids": [person.pk], "action": "tier", "tier": Tier.CLOSE}
    )
    person.refresh_from_db()
    assert person.next_follow_up_on is not None


def test_bulk_cannot_touch_another_users_contacts(stranger_client, owner):
    person = ContactFactory(owner=owner, tier="")
    stranger_client.post(
        reverse("contacts:bulk"), {"ids": [person.pk], "action": "tier", "tier": Tier.CLOSE}
    )
    person.refresh_from_db()
    assert person.tier == ""


def test_the_mix_counts_the_unsorted_apart_and_never_as_engineers(owner):
    ProfileFactory(owner=owner)
    ContactFactory(owner=owner, discipline=Discipline.DESIGN, circle=Circle.COMMUNITY)
    ContactFactory(owner=owner, discipline=Discipline.PRODUCT, circle=Circle.COMMUNITY)
    for _ in range(8):
        ContactFactory(owner=owner, discipline="", circle="", tier="")
    mix = diversity(owner)
    shares = {s.key: s.percent for s in mix.disciplines}
    assert shares["engineering"] == 0
    assert shares["design"] == shares["product"] == 50
    assert (mix.discipline_unset, mix.circle_unset) == (8, 8)
    assert any("8 of your 10 contacts are not sorted yet" in n for n in mix.nudges)
    assert not any("engineers" in n for n in mix.nudges)


def test_a_network_nobody_sorted_has_nothing_missing(owner):
    ProfileFactory(owner=owner)
    ContactFactory(owner=owner, discipline="", circle="", tier="")
    mix = diversity(owner)
    assert mix.missing_disciplines == [] and mix.missing_circles == []
    assert mix.nudges == ["1 of your 1 contacts is not sorted yet (no discipline or circle): "
                          "they are left out of the shares below."]


def test_giving_a_tier_on_the_edit_form_schedules_the_contact(owner_client, owner):
    ProfileFactory(owner=owner, cadence_peer=30)
    person = ContactFactory(owner=owner, name="Edit Eve", tier="")
    response = owner_client.post(
        reverse("contacts:edit", args=[person.pk]), {"name": "Edit Eve", "tier": Tier.PEER}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.tier == Tier.PEER and person.next_follow_up_on is not None
