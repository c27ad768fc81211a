"""Undo after Done, Snooze and Dismiss: the message carries an Undo that puts the follow-ups
(and a give marked delivered) back; only for their owner, only for ten minutes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from network_crm import undo
from interactions.models import FollowUp, FollowUpReason, FollowUpStatus, Support, SupportStatus
from contacts.models import Contact
from interactions import followups
from tests.factories import ContactFactory, FollowUpFactory, InteractionFactory, SupportFactory
from tests.interactions.dashboard.test_dashboard import HTMX, NOON, TODAY, reach_out_ids

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def _token(response) -> str:
    html = response.text
    start = html.index('name="token" value="') + len('name="token" value="')
    return html[start : html.index('"', start)]


def _due(owner, **kwargs):
    return FollowUpFactory(
        owner=owner, contact=ContactFactory(owner=owner), due_on=TODAY - dt.timedelta(days=3),
        **kwargs,
    )


@pytest.mark.parametrize("action", ["done", "dismiss", "snooze"])
def test_undo_puts_the_follow_up_back_in_reach_out(owner_client, owner, action):
    follow_up = _due(owner, reason=FollowUpReason.PROMISE, note="send the slides")
    data = {"until": (TODAY + dt.timedelta(days=7)).isoformat()} if action == "snooze" else {}
    response = owner_client.post(
        reverse(f"dashboard_follow_up_{action}", args=[follow_up.pk]), data, **HTMX
    )
    assert "Undo</button>" in response.text and 'hx-swap-oob="afterbegin:#messages"' in response.text
    assert reach_out_ids(owner_client.get("/")) == []

    undone = owner_client.post(
        reverse("undo"), {"token": _token(response)}, **HTMX
    )
    assert "Undone" in undone.text and "followUpChanged" in undone["HX-Trigger"]
    restored = FollowUp.objects.get(pk=follow_up.pk)
    assert (restored.status, restored.due_on, restored.closed_at) == (
        FollowUpStatus.OPEN, follow_up.due_on, None,
    )
    assert reach_out_ids(owner_client.get("/")) == [follow_up.pk]


def test_undo_of_done_on_a_cadence_reminder_puts_the_schedule_back(owner_client, owner):
    contact = ContactFactory(owner=owner, cadence_days=30)
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=NOON - dt.timedelta(days=40))
    followups.refresh_contact_schedule([contact.pk])
    next_before = Contact.objects.get(pk=contact.pk).next_follow_up_on
    follow_up = FollowUpFactory(
        owner=owner, contact=contact, reason=FollowUpReason.CADENCE, due_on=next_before
    )
    response = owner_client.post(reverse("dashboard_follow_up_done", args=[follow_up.pk]), **HTMX)
    assert Contact.objects.get(pk=contact.pk).next_follow_up_on > TODAY
    owner_client.post(reverse("undo"), {"token": _token(response)}, **HTMX)
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN
    assert Contact.objects.get(pk=contact.pk).next_follow_up_on == next_before


def test_undo_of_done_on_a_give_reopens_the_give(owner_client, owner):
    support = SupportFactory(owner=owner, status=SupportStatus.OFFERED)
    follow_up = FollowUpFactory(
        owner=owner, contact=support.contact, support=support, reason=FollowUpReason.GIVE,
        due_on=TODAY,
    )
    response = owner_client.post(reverse("dashboard_follow_up_done", args=[follow_up.pk]), **HTMX)
    assert Support.objects.get(pk=support.pk).status == SupportStatus.DONE
    owner_client.post(reverse("undo"), {"token": _token(response)}, **HTMX)
    assert Support.objects.get(pk=support.pk).status == SupportStatus.OFFERED


def test_another_user_cannot_spend_the_owners_undo(owner_client, owner, stranger_client):
    follow_up = _due(owner)
    response = owner_client.post(reverse("dashboard_follow_up_done", args=[follow_up.pk]), **HTMX)
    answer = stranger_client.post(
        reverse("undo"), {"token": _token(response)}, **HTMX
    )
    assert "not valid" in answer.text
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DONE


def test_undo_expires_after_ten_minutes(owner_client, owner):
    follow_up = _due(owner)
    response = owner_client.post(reverse("dashboard_follow_up_done", args=[follow_up.pk]), **HTMX)
    later = NOON + dt.timedelta(seconds=undo.UNDO_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        answer = owner_client.post(
            reverse("undo"), {"token": _token(response)}, **HTMX
        )
    assert "Too late to undo" in answer.text
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DONE


def test_undo_leaves_a_follow_up_changed_again_since(owner_client, owner):
    follow_up = _due(owner)
    response = owner_client.post(
        reverse("dashboard_follow_up_dismiss", args=[follow_up.pk]), **HTMX
    )
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUpStatus.OPEN)
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUpStatus.DONE)
    owner_client.post(reverse("undo"), {"token": _token(response)}, **HTMX)
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DONE


def test_without_javascript_the_next_page_shows_the_undo_button(owner_client, owner):
    follow_up = _due(owner)
    response = owner_client.post(
        reverse("dashboard_follow_up_done", args=[follow_up.pk]), follow=True
    )
    assert "Undo</button>" in response.text
    token = _token(response)
    back = owner_client.post(reverse("undo"), {"token": token}, follow=True)
    assert "Undone" in back.text
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN
