"""The brief beside the network map (insights:contact_brief): what a user needs before meeting
someone, the same for both people of an intro, only ever the owner's, in a fixed number of
queries."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.dates.models import DateKind
from interactions.models import Direction, FollowUpReason, FollowUpStatus, SupportKind, SupportStatus
from tests.factories import (
    ContactFactory,
    FollowUpFactory,
    ImportantDateFactory,
    InteractionFactory,
    ProfileFactory,
    SupportFactory,
)

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


NOW = dt.datetime(2026, 3, 18, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def days(n):
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def frozen(owner):
    ProfileFactory(owner=owner, time_zone="UTC")
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_brief_has_what_to_know_before_meeting_someone(owner_client, owner, frozen):
    grace = ContactFactory(
        owner=owner, name="Grace Hopper", working_on="COBOL standard",
        why_it_matters="Her team's budget", notes="Prefers mornings",
    )
    for n, summary in enumerate(["Oldest chat", "Conference dinner", "Code review", "Lunch"]):
        InteractionFactory(
            owner=owner, contacts=[grace], summary=summary,
            occurred_at=NOW - dt.timedelta(days=40 - 10 * n),
            notes="She is hiring two SREs" if summary == "Lunch" else "",
        )
    SupportFactory(
        owner=owner, contact=grace, description="Send the RFC template",
        offered_on=days(-5), due_on=days(-1),
    )
    SupportFactory(
        owner=owner, contact=grace, direction=Direction.ASK, description="Review my talk",
        offered_on=days(-3),
    )
    SupportFactory(
        owner=owner, contact=grace, description="Shared the hiring guide",
        status=SupportStatus.DONE, offered_on=days(-20), done_on=days(-19),
    )
    SupportFactory(
        owner=owner, contact=grace, direction=Direction.RECEIVED, description="Intro to her VP",
        status=SupportStatus.DONE, offered_on=days(-12), done_on=days(-12),
    )
    FollowUpFactory(
        owner=owner, contact=grace, reason=FollowUpReason.PROMISE, note="Check on the hire",
        due_on=days(2),
    )
    FollowUpFactory(
        owner=owner, contact=grace, reason=FollowUpReason.EVENT, due_on=days(9),
    )
    FollowUpFactory(
        owner=owner, contact=grace, due_on=days(-30), status=FollowUpStatus.DONE,
        note="Long done",
    )
    ImportantDateFactory(contact=grace, kind=DateKind.BIRTHDAY, month=3, day=28, year=1986)
    ImportantDateFactory(contact=grace, kind=DateKind.WORK_ANNIVERSARY, month=8, day=1)

    html = brief(owner_client, grace)

    for text in (
        "Lunch", "Code review", "Conference dinner", "She is hiring two SREs",  # newest three
        "Send the RFC template", "due 17 Mar",  # my open promise, overdue
        "Review my talk",  # what I asked
        "Shared the hiring guide", "Intro to her VP",  # gives each way, lately
        "Promised follow-up: Check on the hire", "Met at an event",  # open follow-ups
        "Birthday (turns 40) · Sat 28 Mar",  # important dates within 60 days
        "COBOL standard", "Her team&#x27;s budget", "Prefers mornings",
    ):
        assert text in html, text
    for text in ("Oldest chat", "Long done", "Work anniversary"):
        assert text not in html, text
    assert "Fri 20 Mar 2026 · Promised follow-up" in html  # the next one, said once
    assert html.count("Check on the hire") == 1


def fill(owner, contact, n):
    for i in range(n):
        other = ContactFactory(owner=owner)
        InteractionFactory(owner=owner, contacts=[contact, other], occurred_at=NOW - dt.timedelta(days=i))
        for direction in Direction:
            SupportFactory(owner=owner, contact=contact, direction=direction, due_on=days(3))
            SupportFactory(
                owner=owner, contact=contact, direction=direction,
                status=SupportStatus.DONE, done_on=TODAY,
            )
        SupportFactory(owner=owner, contact=other, intro_to=contact, kind=SupportKind.INTRO)
        SupportFactory(owner=owner, contact=contact, intro_to=other, kind=SupportKind.INTRO)
        FollowUpFactory(owner=owner, contact=contact, due_on=days(i + 1))
        ImportantDateFactory(contact=contact, kind=DateKind.OTHER, label=f"Day {i}", month=3, day=20 + i % 8)


def test_the_brief_takes_the_same_queries_whatever_the_history(owner_client, owner, frozen):
    contact = ContactFactory(owner=owner)
    fill(owner, contact, 1)

    def queries():
        brief(owner_client, contact)  # warm up: the session
        with CaptureQueriesContext(connection) as ctx:
            html = brief(owner_client, contact)
        assert "Recent conversations" in html
        return len(ctx.captured_queries)

    few = queries()
    fill(owner, contact, 12)
    assert queries() == few


def count_queries(client, contact, **extra) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("insights:contact_brief", args=[contact.pk]), **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.text


def test_a_repeat_visit_reads_the_brief_kept_and_a_write_builds_it_again(owner_client, owner, frozen):
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    fill(owner, grace, 1)
    built, first = count_queries(owner_client, grace, **HTMX)
    kept, again = count_queries(owner_client, grace, **HTMX)
    assert again == first and kept < built
    fill(owner, grace, 12)  # writes: the brief is built again, with what they changed
    assert count_queries(owner_client, grace, **HTMX)[0] == built
    assert count_queries(owner_client, grace, **HTMX)[0] == kept
    InteractionFactory(owner=owner, contacts=[grace], summary="Breakfast at the summit")
    assert "Breakfast at the summit" in brief(owner_client, grace)


def test_without_htmx_the_brief_is_a_page_of_its_own(owner_client, owner, frozen):
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    InteractionFactory(owner=owner, contacts=[grace], summary="Lunch")
    fragment = brief(owner_client, grace)
    page = owner_client.get(reverse("insights:contact_brief", args=[grace.pk])).text
    assert "<html" in page and "← Network map" in page
    assert fragment.strip() in page and "<html" not in fragment


def test_the_brief_shows_the_contacts_strength(owner_client, owner):
    contact = ContactFactory(owner=owner, strength=42.5)
    assert 'optimum="100" value="42.5">42.5</meter>' in brief(owner_client, contact)
