"""Undo after deleting an interaction, a give or a mentorship: the message after the delete
carries an Undo (network_crm.undo) that puts back exactly what the delete took away (the row
with its id and times, its contacts, the follow-ups that went with it, the give that pointed at
it) and what the delete moved (the contacts' last interaction, next follow-up, strength); only
for its owner."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, Tier
from interactions import followups, services
from interactions.models import (
    FollowUp,
    FollowUpReason,
    Interaction,
    Mentorship,
    Support,
)
from tests.factories import (
    ContactFactory,
    FollowUpFactory,
    InteractionFactory,
    MentorshipFactory,
    SupportFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def token_of(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, html[:3000]
    return match[1]


def state():
    """Every row an interaction, give or mentorship delete could touch, as stored."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            Interaction, Interaction.contacts.through, Support, Mentorship, FollowUp, Contact,
        )
    }


def assert_same(before, after):
    """Row by row, field by field: what differs (a plain == hides it in a truncated dump)."""
    for table, rows in before.items():
        assert [r["id"] for r in after[table]] == [r["id"] for r in rows], table
        for old, new in zip(rows, after[table], strict=True):
            changed = {k: (v, new[k]) for k, v in old.items() if new[k] != v}
            assert not changed, (table, old["id"], changed)


def logged_with_two(owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace", tier=Tier.PEER)
    grace = ContactFactory(owner=owner, name="Grace Hopper", tier=Tier.CLOSE)
    interaction = services.log_interaction(
        owner,
        {
            "contacts": [ada, grace],
            "occurred_on": timezone.localdate() - dt.timedelta(days=2),
            "summary": "Talked about compilers",
            "notes": "Long notes " * 200,
            "follow_up_on": timezone.localdate() + dt.timedelta(days=5),
            "follow_up_note": "send the paper",
            "give_kind": "review",
            "give_description": "Review the draft",
        },
    )
    older = InteractionFactory(
        owner=owner, contacts=[ada], occurred_at=timezone.now() - dt.timedelta(days=40)
    )
    followups.refresh_contact_schedule([ada.pk, grace.pk])
    services.contacts_touched(owner.pk, [ada.pk, grace.pk])
    return interaction, ada, grace, older


def test_undo_puts_the_interaction_back_with_its_contacts_follow_ups_and_gives(
    owner_client, owner
):
    interaction, ada, grace, _ = logged_with_two(owner)
    assert FollowUp.objects.filter(interaction=interaction).count() == 2
    assert Support.objects.filter(interaction=interaction).count() == 2
    before = state()

    response = owner_client.post(reverse("interactions:delete", args=[interaction.pk]), follow=True)
    assert "Interaction deleted: Talked about compilers." in response.text
    assert not Interaction.objects.filter(pk=interaction.pk).exists()
    assert not Support.objects.filter(interaction__isnull=False).exists()
    assert state() != before

    response = owner_client.post(
        reverse("undo"), {"token": token_of(response.text), "next": "/interactions/"}
    )
    assert response.status_code == 302 and response["Location"] == "/interactions/"
    assert_same(before, state())
    page = owner_client.get("/interactions/").text
    assert "Undone: Talked about compilers back as before." in page


def test_the_contacts_last_interaction_and_strength_come_back(owner_client, owner):
    interaction, ada, grace, older = logged_with_two(owner)
    ada.refresh_from_db()
    last, strength = ada.last_interaction_at, ada.strength
    response = owner_client.post(reverse("interactions:delete", args=[interaction.pk]), **HTMX)
    ada.refresh_from_db()
    assert ada.last_interaction_at == older.occurred_at and ada.strength != strength
    owner_client.post(reverse("undo"), {"token": token_of(response.text)}, **HTMX)
    ada.refresh_from_db()
    assert (ada.last_interaction_at, ada.strength) == (last, strength)


def test_an_htmx_delete_answers_the_message_with_its_undo(owner_client, owner):
    interaction, *_ = logged_with_two(owner)
    response = owner_client.post(reverse("interactions:delete", args=[interaction.pk]), **HTMX)
    assert 'hx-swap-oob="afterbegin:#messages"' in response.text
    assert "Undo</button>" in response.text
    assert "interactionLogged" in response["HX-Trigger"]
    undo = owner_client.post(reverse("undo"), {"token": token_of(response.text)}, **HTMX)
    assert undo["HX-Refresh"] == "true"
    assert Interaction.objects.filter(pk=interaction.pk).exists()


def test_an_undo_spent_twice_puts_nothing_back_twice(owner_client, owner):
    interaction, *_ = logged_with_two(owner)
    response = owner_client.post(reverse("interactions:delete", args=[interaction.pk]), **HTMX)
    token = token_of(response.text)
    owner_client.post(reverse("undo"), {"token": token})
    before = state()
    response = owner_client.post(reverse("undo"), {"token": token}, follow=True)
    assert "Nothing left to undo." in response.text
    assert_same(before, state())


def test_a_contact_deleted_since_is_left_out_of_the_interaction(owner_client, owner):
    interaction, ada, grace, _ = logged_with_two(owner)
    response = owner_client.post(reverse("interactions:delete", args=[interaction.pk]), **HTMX)
    grace.delete()
    owner_client.post(reverse("undo"), {"token": token_of(response.text)})
    restored = Interaction.objects.get(pk=interaction.pk)
    assert list(restored.contacts.all()) == [ada]
    assert set(FollowUp.objects.filter(interaction=restored).values_list("contact", flat=True)) == {
        ada.pk
    }


def test_a_stranger_cannot_spend_the_owners_undo(owner_client, stranger_client, owner):
    interaction, *_ = logged_with_two(owner)
    response = owner_client.post(reverse("interactions:delete", args=[interaction.pk]), **HTMX)
    response = stranger_client.post(
        reverse("undo"), {"token": token_of(response.text)}, follow=True
    )
    assert "That undo link is not valid." in response.text
    assert not Interaction.objects.filter(pk=interaction.pk).exists()


def test_a_forged_token_puts_nothing_back(owner_client, owner):
    interaction, *_ = logged_with_two(owner)
    response = owner_client.post(reverse("interactions:delete", args=[interaction.pk]), **HTMX)
    token = token_of(response.text)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = owner_client.post(reverse("undo"), {"token": forged}, **HTMX)
    assert "That undo link is not valid." in response.text
    assert not Interaction.objects.filter(pk=interaction.pk).exists()


def test_a_stranger_still_gets_404_on_the_delete(stranger_client, owner):
    interaction, *_ = logged_with_two(owner)
    response = stranger_client.post(reverse("interactions:delete", args=[interaction.pk]))
    assert response.status_code == 404
    assert Interaction.objects.filter(pk=interaction.pk).exists()


def test_undo_puts_a_give_back_with_its_reminder(owner_client, owner):
    contact = ContactFactory(owner=owner)
    support = services.save_support(
        owner,
        {
            "contact": contact,
            "description": "Intro to a hiring manager",
            "offered_on": timezone.localdate(),
            "due_on": timezone.localdate() + dt.timedelta(days=3),
        },
    )
    assert FollowUp.objects.filter(support=support, reason=FollowUpReason.GIVE).exists()
    before = state()
    response = owner_client.post(
        reverse("interactions:support_delete", args=[support.pk]), follow=True
    )
    assert "Deleted: Intro to a hiring manager." in response.text
    assert state() != before
    owner_client.post(reverse("undo"), {"token": token_of(response.text)})
    assert_same(before, state())


def test_undo_puts_a_mentorship_back_with_its_session_reminders(owner_client, owner):
    mentorship = MentorshipFactory(owner=owner)
    FollowUpFactory(
        owner=owner, contact=mentorship.mentee, mentorship=mentorship,
        reason=FollowUpReason.MENTORSHIP, source_key=f"mentorship:{mentorship.pk}:2026-01-01",
    )
    before = state()
    response = owner_client.post(
        reverse("interactions:mentorship_delete", args=[mentorship.pk]), follow=True
    )
    assert "Mentorship deleted:" in response.text
    assert state() != before
    owner_client.post(reverse("undo"), {"token": token_of(response.text)})
    assert_same(before, state())


def _delete_cost(client, owner, contacts: int) -> int:
    people = [ContactFactory(owner=owner) for _ in range(contacts)]
    interaction = InteractionFactory(owner=owner, contacts=people)
    for person in people:
        FollowUpFactory(owner=owner, contact=person, interaction=interaction)
        SupportFactory(owner=owner, contact=person, interaction=interaction)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("interactions:delete", args=[interaction.pk]), **HTMX)
    assert response.status_code == 200 and "Undo</button>" in response.text
    return len(queries)


def test_the_delete_costs_the_same_queries_for_one_contact_or_twenty(owner_client, owner):
    _delete_cost(owner_client, owner, 1)  # the first request makes the profile and session
    assert _delete_cost(owner_client, owner, 1) == _delete_cost(owner_client, owner, 20)


def test_the_confirm_page_says_the_delete_can_be_undone(owner_client, owner):
    interaction, *_ = logged_with_two(owner)
    page = owner_client.get(reverse("interactions:delete", args=[interaction.pk])).text
    assert "cannot be undone" not in page
    assert "has an Undo" in page
