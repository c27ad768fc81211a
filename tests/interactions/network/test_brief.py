"""The brief beside the network map (insights:contact_brief): what a user needs before meeting
someone, the same for both people of an intro, only ever the owner's, in a fixed number of
queries."""

import json

import pytest
from django.urls import reverse

from interactions.models import Direction, SupportKind, SupportStatus
from tests.factories import ContactFactory, SupportFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def brief(client, contact):
    return client.get(reverse("insights:contact_brief", args=[contact.pk]), **HTMX).text


def test_an_intro_shows_in_both_peoples_briefs_and_as_a_link_on_the_map(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    data_url = reverse("insights:network_data")
    assert owner_client.get(data_url).json()["meta"]["links"] == 0  # cached from here on
    owner_client.post(reverse("interactions:support_create"), {
        "direction": Direction.GIVE, "contact": ada.pk, "intro_to": grace.pk,
        "kind": SupportKind.INTRO, "status": SupportStatus.DONE, "description": "Compilers",
        "offered_on": "2026-03-02", "done_on": "2026-03-02",
    })

    ada_url = reverse("contacts:detail", args=[ada.pk])
    grace_url = reverse("contacts:detail", args=[grace.pk])
    assert f'Introduced to <a href="{ada_url}">Ada Lovelace</a> by you' in brief(owner_client, grace)
    assert f'You introduced them to <a href="{grace_url}">Grace Hopper</a>' in brief(
        owner_client, ada
    )
    edges = [
        e["data"] for e in json.loads(owner_client.get(data_url).content)["elements"]
        if e["group"] == "edges" and e["data"].get("kind") == "introduced"
    ]
    assert [(e["source"], e["target"]) for e in edges] == [(f"c{ada.pk}", f"c{grace.pk}")]


def test_a_declined_intro_leaves_no_trace_in_the_brief(owner_client, owner):
    ada, grace = ContactFactory(owner=owner), ContactFactory(owner=owner, name="Grace Hopper")
    SupportFactory(
        owner=owner, contact=ada, intro_to=grace, kind=SupportKind.INTRO,
        status=SupportStatus.DECLINED,
    )
    assert "Intros" not in brief(owner_client, grace)
