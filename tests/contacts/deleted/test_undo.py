"""Undo after deleting a contact: the delete is real (every page, the API, CardDAV and the
digest stop showing them at once), a copy of what it took away is kept for the Undo window
(contacts.deleted), and the Undo of the message puts every row back with its id; only for its
owner, only while the token can be spent, and beat sweeps the copies after that."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capture.models import Rule, RuleAction, Suggestion
from carddav.models import Card
from carddav.sync import reconcile
from contacts import tasks
from contacts.deleted import services as deleted
from contacts.deleted.models import DeletedContact
from contacts.models import (
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    Event,
    ImportantDate,
    LinkKind,
    Tier,
)
from contacts.services import set_tags
from interactions import services
from interactions.models import Direction, FollowUp, Interaction, Mentorship, Support, SupportKind
from network_crm import undo as undo_core
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    ImportantDateFactory,
    InteractionFactory,
    MentorshipFactory,
    SupportFactory,
)
from tests.interactions.test_delete_undo import HTMX, assert_same, token_of

pytestmark = pytest.mark.django_db

# Every table a contact's delete takes rows from or empties a reference in.
TABLES = (
    Contact, ContactEmail, ContactPhone, Contact.tags.through, ImportantDate, ContactLink,
    Event.people_met.through, Interaction, Interaction.contacts.through, Support, Mentorship,
    FollowUp, Rule, Suggestion.contacts.through, Card,
)


def state():
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in TABLES
    }


def ada_with_everything(owner, interactions=2, gives=2, follow_ups=2):
    """Ada with a row in every table a delete touches; Grace and Linus keep theirs."""
    event = EventFactory(owner=owner, name="PyCon")
    ada = ContactFactory(owner=owner, name="Ada Lovelace", tier=Tier.CLOSE, met_at=event)
    grace = ContactFactory(owner=owner, name="Grace Hopper", introduced_by=ada)
    linus = ContactFactory(owner=owner, name="Linus")
    ContactEmailFactory(contact=ada, email="ada@example.org")
    ContactEmailFactory(contact=ada, email="countess@example.org")
    ContactPhone.objects.create(contact=ada, number="+44 20 7946 0018", label="mobile")
    set_tags(ada, ["speaker", "math"])
    set_tags(grace, ["speaker"])
    ImportantDateFactory(contact=ada, label="Birthday", month=12, day=10)
    event.people_met.set([ada, grace])
    ContactLink.objects.create(owner=owner, from_contact=ada, to_contact=grace, kind=LinkKind.KNOWS)
    ContactLink.objects.create(
        owner=owner, from_contact=linus, to_contact=ada, kind=LinkKind.COLLEAGUES
    )
    shared = InteractionFactory(owner=owner, contacts=[ada, grace], summary="Compilers")
    for n in range(interactions):
        InteractionFactory(
            owner=owner, contacts=[ada], summary=f"Engines {n}",
            occurred_at=timezone.now() - dt.timedelta(days=n + 1),
        )
    for n in range(gives):
        SupportFactory(owner=owner, contact=ada, description=f"Review {n}", interaction=shared)
    # Grace's intro to Ada: the delete empties its intro_to.
    SupportFactory(
        owner=owner, contact=grace, intro_to=ada, kind=SupportKind.INTRO,
        direction=Direction.GIVE, description="Intro to Ada",
    )
    for _ in range(follow_ups):
        FollowUpFactory(owner=owner, contact=ada)
    mentorship = MentorshipFactory(owner=owner, mentee=ada, mentor=None)
    FollowUpFactory(owner=owner, contact=ada, mentorship=mentorship)
    Rule.objects.create(owner=owner, contact=ada, action=RuleAction.ALWAYS_LOG)
    suggestion = Suggestion.objects.create(
        owner=owner, key=f"mail:{ada.pk}", origin="mail", occurred_at=timezone.now(),
        ends_at=timezone.now(),
    )
    suggestion.contacts.set([ada, grace])
    reconcile(owner)  # the phone's card of every contact
    services.contacts_touched(owner.pk, [ada.pk, grace.pk, linus.pk])
    return ada


def delete(client, contact, **extra):
    return client.post(reverse("contacts:delete", args=[contact.pk]), **extra)


def test_undo_puts_the_contact_back_exactly_with_everything_the_delete_took(owner_client, owner):
    ada = ada_with_everything(owner)
    before = state()

    response = delete(owner_client, ada, follow=True)
    assert "Deleted Ada Lovelace." in response.text
    assert not Contact.objects.filter(pk=ada.pk).exists()
    assert not ContactEmail.objects.filter(email="ada@example.org").exists()
    assert Card.objects.filter(contact__isnull=True).count() == 1
    assert Support.objects.get(description="Intro to Ada").intro_to_id is None
    assert Contact.objects.get(name="Grace Hopper").introduced_by_id is None

    response = owner_client.post(
        reverse("undo"), {"token": token_of(response.text), "next": "/contacts/"}, follow=True
    )
    assert "Undone: Ada Lovelace back as before." in response.text
    assert_same(before, state())
    assert not DeletedContact.objects.exists()


def test_the_copy_is_kept_only_while_the_undo_can_be_spent(owner_client, owner):
    ada = ada_with_everything(owner, interactions=0, gives=0, follow_ups=0)
    response = delete(owner_client, ada, **HTMX)
    assert DeletedContact.objects.filter(owner=owner).count() == 1
    # One message of the Undo window, then the sweep a little later.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=undo_core.UNDO_SECONDS + 1)):
        late = owner_client.post(reverse("undo"), {"token": token_of(response.text)}, **HTMX)
        assert "Too late to undo" in late.text
        tasks.forget_deleted_contacts()
        assert DeletedContact.objects.count() == 1
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=deleted.KEEP_SECONDS + 1)):
        tasks.forget_deleted_contacts()
    assert not DeletedContact.objects.exists()
    assert not Contact.objects.filter(pk=ada.pk).exists()


def test_the_sweep_removes_old_copies_only(owner, stranger):
    old = ContactFactory(owner=owner)
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=deleted.KEEP_SECONDS + 5)):
        deleted.delete_with_undo(owner, old)
    deleted.delete_with_undo(owner, ContactFactory(owner=owner))
    deleted.delete_with_undo(stranger, ContactFactory(owner=stranger))
    assert deleted.forget_old_copies() == 1
    assert DeletedContact.objects.count() == 2
    assert old.pk not in [c.copy["origin"][1] for c in DeletedContact.objects.all()]


def test_a_stranger_cannot_spend_the_owners_undo(owner_client, stranger_client, owner):
    ada = ada_with_everything(owner, interactions=0, gives=0, follow_ups=0)
    response = delete(owner_client, ada, follow=True)
    refused = stranger_client.post(reverse("undo"), {"token": token_of(response.text)}, follow=True)
    assert "That undo link is not valid." in refused.text
    assert not Contact.objects.filter(pk=ada.pk).exists()
    assert DeletedContact.objects.count() == 1


def test_a_token_naming_someone_elses_copy_puts_nothing_back(owner_client, stranger_client, owner,
                                                             stranger):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    delete(owner_client, ada)
    copy = DeletedContact.objects.get(owner=owner)
    # Signed for the stranger (as if the secret key leaked), naming the owner's copy.
    token = undo_core.make_token(stranger, deleted.KIND, {"copy": copy.pk})
    response = stranger_client.post(reverse("undo"), {"token": token}, follow=True)
    assert "Nothing left to undo." in response.text
    assert "Ada" not in response.text
    assert not Contact.objects.filter(pk=ada.pk).exists()
    assert DeletedContact.objects.filter(pk=copy.pk).exists()


def test_a_forged_token_puts_nothing_back(owner_client, owner):
    ada = ContactFactory(owner=owner)
    token = token_of(delete(owner_client, ada, **HTMX).text)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = owner_client.post(reverse("undo"), {"token": forged}, **HTMX)
    assert "That undo link is not valid." in response.text
    assert not Contact.objects.filter(pk=ada.pk).exists()


def test_an_undo_spent_twice_puts_nothing_back_twice(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    token = token_of(delete(owner_client, ada, **HTMX).text)
    owner_client.post(reverse("undo"), {"token": token})
    before = state()
    response = owner_client.post(reverse("undo"), {"token": token}, follow=True)
    assert "Nothing left to undo." in response.text
    assert_same(before, state())


def test_a_stranger_gets_404_on_the_delete_page(stranger_client, owner):
    ada = ContactFactory(owner=owner)
    assert stranger_client.get(reverse("contacts:delete", args=[ada.pk])).status_code == 404
    assert delete(stranger_client, ada).status_code == 404
    assert Contact.objects.filter(pk=ada.pk).exists() and not DeletedContact.objects.exists()


def test_a_conversation_deleted_meanwhile_moves_their_last_interaction(owner_client, owner):
    ada = ContactFactory(owner=owner, tier=Tier.CLOSE)
    older = InteractionFactory(
        owner=owner, contacts=[ada], occurred_at=timezone.now() - dt.timedelta(days=30)
    )
    newer = InteractionFactory(owner=owner, contacts=[ada])
    services.contacts_touched(owner.pk, [ada.pk])
    token = token_of(delete(owner_client, ada, **HTMX).text)
    newer.delete()  # left with no one, then deleted from the log
    owner_client.post(reverse("undo"), {"token": token})
    ada.refresh_from_db()
    assert ada.last_interaction_at == older.occurred_at
    assert list(ada.interactions.all()) == [older]


def _delete_cost(client, owner, rows: int) -> int:
    ada = ada_with_everything(owner, interactions=rows, gives=rows, follow_ups=rows)
    with CaptureQueriesContext(connection) as queries:
        response = delete(client, ada, **HTMX)
    assert response.status_code == 200 and "Undo</button>" in response.text
    return len(queries)


def test_the_delete_costs_the_same_queries_for_one_conversation_or_twenty(owner_client, owner):
    _delete_cost(owner_client, owner, 1)  # the first request makes the profile and session
    assert _delete_cost(owner_client, owner, 1) == _delete_cost(owner_client, owner, 20)


def test_the_confirm_page_offers_the_undo_and_names_conversations_left_with_no_one(
    owner_client, owner
):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    grace = ContactFactory(owner=owner)
    InteractionFactory(owner=owner, contacts=[ada, grace], summary="With Grace too")
    for n in range(7):
        InteractionFactory(owner=owner, contacts=[ada], summary=f"Alone {n}")
    with CaptureQueriesContext(connection) as queries:
        page = owner_client.get(reverse("contacts:delete", args=[ada.pk])).text
    assert "cannot be undone" not in page and "has an Undo" in page
    assert "7 conversations were with Ada Lovelace alone" in page
    assert page.count("Alone ") == 5 and "and 2 more" in page
    assert "With Grace too" not in page
    assert len(queries) <= 10


def test_a_conversation_left_with_no_one_says_so(owner_client, owner):
    ada = ContactFactory(owner=owner)
    interaction = InteractionFactory(owner=owner, contacts=[ada], summary="Engines")
    delete(owner_client, ada)
    assert "No one: the contact was deleted." in owner_client.get(
        reverse("interactions:detail", args=[interaction.pk])
    ).text
    assert "no one (contact deleted)" in owner_client.get(reverse("interactions:list")).text
