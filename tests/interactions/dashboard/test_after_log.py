"""After a conversation is logged, the dashboard's cards show it: the Log's answer fires
interactionLogged, every card reloads on it, and Upcoming lists the follow-up and give dates
just set (interactions.dashboard.selectors.upcoming_follow_ups)."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.urls import reverse

from interactions.models import FollowUpReason, FollowUpStatus
from tests.factories import ContactFactory, FollowUpFactory

NOON = dt.datetime(2026, 3, 18, 12, 0, tzinfo=dt.UTC)
TODAY = NOON.date()
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOON, tick=False):
        yield


def _card(client, slug):
    return client.get(reverse("dashboard_card", args=[slug]), **HTMX).content.decode()


def test_logging_refreshes_reach_out_and_fills_upcoming(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    cadence = FollowUpFactory(
        owner=owner, contact=ada, reason=FollowUpReason.CADENCE, due_on=TODAY - dt.timedelta(days=3),
        source_key=f"cadence:{ada.pk}:x",
    )
    promise = FollowUpFactory(
        owner=owner, contact=ada, reason=FollowUpReason.PROMISE, due_on=TODAY - dt.timedelta(days=5),
        note="Send the paper",
    )
    # The cards are cached: render them once so the log has something stale to replace.
    before = _card(owner_client, "reach-out")
    assert "Send the paper" in before
    assert "Ada Lovelace" not in _card(owner_client, "upcoming")

    response = owner_client.post(
        reverse("interactions:create"),
        {
            "contacts": [ada.pk], "kind": "coffee", "occurred_on": TODAY.isoformat(),
            "initiated_by": "me", "follow_up_on": (TODAY + dt.timedelta(days=7)).isoformat(),
            "follow_up_note": "Ask about the engine", "give_kind": "help",
            "give_description": "Intro to Babbage", "give_due_on": (TODAY + dt.timedelta(days=10)).isoformat(),
        },
        **HTMX,
    )

    assert "HX-Trigger" in response, re.findall(r"errorlist[^<]*<li>[^<]*", response.content.decode())
    assert "interactionLogged" in json.loads(response["HX-Trigger"])
    cadence.refresh_from_db()
    promise.refresh_from_db()
    assert cadence.status != FollowUpStatus.OPEN and promise.status == FollowUpStatus.OPEN
    reach_out = _card(owner_client, "reach-out")
    assert "Send the paper" in reach_out and f"follow-up-{promise.pk}" in reach_out
    upcoming = _card(owner_client, "upcoming")
    assert "Ask about the engine" in upcoming and "Intro to Babbage" in upcoming
    assert upcoming.index("Ask about the engine") < upcoming.index("Intro to Babbage")
    trigger = re.search(r'hx-trigger="([^"]*)"', upcoming).group(1)
    assert "interactionLogged from:body" in trigger


def test_upcoming_leaves_out_closed_archived_today_and_far_off_follow_ups(owner_client, owner):
    def make(name, days, **kwargs):
        contact = ContactFactory(owner=owner, name=name, archived=kwargs.pop("archived", False))
        FollowUpFactory(owner=owner, contact=contact, due_on=TODAY + dt.timedelta(days=days), **kwargs)

    make("Shown Soon", 2)
    make("Due Today", 0)
    make("Far Away", 30)
    make("Done Already", 3, status=FollowUpStatus.DONE)
    make("Archived Person", 3, archived=True)
    upcoming = _card(owner_client, "upcoming")
    assert "Shown Soon" in upcoming
    for name in ("Due Today", "Far Away", "Done Already", "Archived Person"):
        assert name not in upcoming
