"""Undo after a bulk action on the contacts list: the message after the action carries an Undo
(network_crm.undo) that puts each contact's field back as it was; only for its owner, and a
contact changed again since keeps that later change."""

import re

import pytest
from django.urls import reverse

from contacts.models import Circle, Contact, Discipline, Tag, Tier
from contacts.services import refresh_schedules
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def bulk(client, contacts, action, **data):
    back = reverse("contacts:list") + "?sort=name"
    response = client.post(
        reverse("contacts:bulk"),
        {"ids": [c.pk for c in contacts], "action": action, "next": back, **data},
        follow=True,
    )
    html = response.content.decode()
    assert "Undo</button>" in html, html[:2000]
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def state(contact):
    contact.refresh_from_db()
    return (
        contact.archived, contact.cadence_days, contact.tier, contact.circle, contact.discipline,
        sorted(t.name for t in contact.tags.all()),
    )


@pytest.mark.parametrize(("action", "data"), [
    ("archive", {}),
    ("unarchive", {}),
    ("cadence", {"cadence_days": "45"}),
    ("cadence", {"cadence_days": ""}),
    ("tier", {"tier": Tier.CLOSE}),
    ("tier", {"tier": ""}),
    ("circle", {"circle": Circle.COMMUNITY}),
    ("discipline", {"discipline": Discipline.DESIGN}),
    ("tag", {"tag": "Speaker"}),
])
def test_undo_puts_every_contact_back_as_it_was(owner_client, owner, action, data):
    a = ContactFactory(owner=owner, cadence_days=20, tier=Tier.PEER, circle=Circle.SAME_TEAM)
    b = ContactFactory(owner=owner, archived=True, tier="", circle="", discipline="")
    b.tags.add(Tag.objects.create(owner=owner, name="speaker"))
    before = [state(a), state(b)]
    token = bulk(owner_client, [a, b], action, **data)
    assert [state(a), state(b)] != before

    response = owner_client.post(reverse("undo"), {"token": token, "next": "/contacts/"})

    assert response.status_code == 302 and response["Location"] == "/contacts/"
    assert [state(a), state(b)] == before
    page = owner_client.get("/contacts/").content.decode()
    changed = "1 contact" if action == "tag" else "2 contacts"  # b had the tag already
    assert f"Undone: {changed} back as before." in page


def test_undo_of_a_new_tag_removes_the_tag_unless_a_contact_was_given_it_since(
    owner_client, owner
):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    token = bulk(owner_client, [a], "tag", tag="Speaker")
    owner_client.post(reverse("undo"), {"token": token})
    assert not Tag.objects.filter(owner=owner).exists()

    token = bulk(owner_client, [a], "tag", tag="Speaker")
    b.tags.add(Tag.objects.get(owner=owner))
    owner_client.post(reverse("undo"), {"token": token})
    assert [t.name for t in Tag.objects.filter(owner=owner)] == ["Speaker"]
    assert state(a)[-1] == [] and state(b)[-1] == ["Speaker"]


def test_undo_with_htmx_reloads_the_list_with_its_message(owner_client, owner):
    a = ContactFactory(owner=owner)
    token = bulk(owner_client, [a], "archive")
    response = owner_client.post(reverse("undo"), {"token": token}, **HTMX)
    assert response["HX-Refresh"] == "true"
    assert not Contact.objects.get(pk=a.pk).archived
    assert "Undone: 1 contact back as before." in owner_client.get("/contacts/").text


def test_a_contact_changed_again_since_keeps_that_change(owner_client, owner):
    a, b = ContactFactory(owner=owner, tier=Tier.PEER), ContactFactory(owner=owner, tier=Tier.PEER)
    token = bulk(owner_client, [a, b], "tier", tier=Tier.CLOSE)
    Contact.objects.filter(pk=b.pk).update(tier=Tier.DORMANT)
    owner_client.post(reverse("undo"), {"token": token})
    assert (state(a)[2], state(b)[2]) == (Tier.PEER, Tier.DORMANT)


def test_undo_of_a_tier_puts_the_next_follow_up_back(owner_client, owner):
    a = ContactFactory(owner=owner, tier=Tier.PEER)
    refresh_schedules([a.pk])
    a.refresh_from_db()
    before = a.next_follow_up_on
    token = bulk(owner_client, [a], "tier", tier=Tier.DORMANT)
    a.refresh_from_db()
    assert a.next_follow_up_on != before
    owner_client.post(reverse("undo"), {"token": token})
    a.refresh_from_db()
    assert a.next_follow_up_on == before


def test_a_stranger_cannot_spend_the_owners_undo(owner_client, stranger_client, owner):
    a = ContactFactory(owner=owner)
    token = bulk(owner_client, [a], "archive")
    response = stranger_client.post(reverse("undo"), {"token": token}, follow=True)
    assert "That undo link is not valid." in response.text
    assert Contact.objects.get(pk=a.pk).archived


def test_a_forged_token_changes_nothing(owner_client, owner):
    a = ContactFactory(owner=owner, archived=True)
    response = owner_client.post(reverse("undo"), {"token": "x:y:z"}, **HTMX)
    assert "That undo link is not valid." in response.text
    assert Contact.objects.get(pk=a.pk).archived
