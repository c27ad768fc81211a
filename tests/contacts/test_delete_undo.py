"""Undo after deleting an event or a link between two contacts: the message after the delete
carries an Undo (network_crm.undo) that puts back the row with its people met, the reminders
that went with it and the references the delete emptied (a contact met there, a conversation
logged there); only for its owner."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact, ContactLink, Event, LinkKind
from interactions.models import FollowUp, FollowUpReason, Interaction
from tests.factories import ContactFactory, EventFactory, FollowUpFactory, InteractionFactory
from tests.interactions.test_delete_undo import HTMX, assert_same, token_of

pytestmark = pytest.mark.django_db


def state():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            Event, Event.people_met.through, Contact, ContactLink, Interaction, FollowUp,
        )
    }


def event_with_people(owner, people=2):
    event = EventFactory(owner=owner, name="PyCon", goals="meet compiler people")
    met = [ContactFactory(owner=owner, met_at=event) for _ in range(people)]
    event.people_met.set(met)
    InteractionFactory(owner=owner, contacts=met[:1], event=event)
    for person in met:
        FollowUpFactory(
            owner=owner, contact=person, event=event, reason=FollowUpReason.EVENT,
            source_key=f"event:{event.pk}:{person.pk}",
        )
    return event, met


def test_undo_puts_the_event_back_with_its_people_reminders_and_references(
    owner_client, owner
):
    event, met = event_with_people(owner)
    before = state()
    response = owner_client.post(reverse("contacts:event_delete", args=[event.pk]), follow=True)
    assert "Deleted PyCon." in response.text
    assert Contact.objects.filter(met_at__isnull=False).count() == 0
    owner_client.post(reverse("undo"), {"token": token_of(response.text), "next": "/events/"})
    assert_same(before, state())
    assert "Undone: PyCon back as before." in owner_client.get("/events/").text


def test_a_later_change_to_an_emptied_reference_stands(owner_client, owner):
    event, met = event_with_people(owner)
    other = EventFactory(owner=owner)
    response = owner_client.post(reverse("contacts:event_delete", args=[event.pk]), **HTMX)
    Contact.objects.filter(pk=met[0].pk).update(met_at=other)
    owner_client.post(reverse("undo"), {"token": token_of(response.text)})
    assert Contact.objects.get(pk=met[0].pk).met_at_id == other.pk
    assert Contact.objects.get(pk=met[1].pk).met_at_id == event.pk


def test_undo_puts_a_link_back(owner_client, owner):
    ada, grace = ContactFactory(owner=owner, name="Ada"), ContactFactory(owner=owner, name="Grace")
    link = ContactLink.objects.create(
        owner=owner, from_contact=ada, to_contact=grace, kind=LinkKind.choices[0][0], notes="x"
    )
    before = state()
    response = owner_client.post(reverse("contacts:link_delete", args=[link.pk]), follow=True)
    assert "Link removed: Ada → Grace" in response.text
    assert not ContactLink.objects.exists()
    owner_client.post(reverse("undo"), {"token": token_of(response.text)})
    assert_same(before, state())


def test_a_stranger_cannot_spend_the_owners_undo(owner_client, stranger_client, owner):
    event, _ = event_with_people(owner)
    response = owner_client.post(reverse("contacts:event_delete", args=[event.pk]), follow=True)
    response = stranger_client.post(
        reverse("undo"), {"token": token_of(response.text)}, follow=True
    )
    assert "That undo link is not valid." in response.text
    assert not Event.objects.exists()


def _delete_cost(client, owner, people: int) -> int:
    event, _ = event_with_people(owner, people)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("contacts:event_delete", args=[event.pk]), **HTMX)
    assert response.status_code == 200 and "Undo</button>" in response.text
    return len(queries)


def test_the_delete_costs_the_same_queries_for_one_person_met_or_twenty(owner_client, owner):
    _delete_cost(owner_client, owner, 1)  # the first request makes the profile and session
    assert _delete_cost(owner_client, owner, 1) == _delete_cost(owner_client, owner, 20)
