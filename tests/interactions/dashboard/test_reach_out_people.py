"""Reach out lists people, not follow-ups: someone with a promise and a cadence reminder is one
row with both reasons, and its actions close both; the digest counts people the same way."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from interactions import digests
from interactions.models import FollowUp, FollowUpReason, FollowUpStatus
from tests.factories import ContactFactory, FollowUpFactory, ProfileFactory
from tests.interactions.dashboard.test_dashboard import HTMX, NOON, TODAY, reach_out_ids, section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_noon():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def grace_twice(owner):
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    promise = FollowUpFactory(
        owner=owner, contact=grace, reason=FollowUpReason.PROMISE, note="send the RFC",
        due_on=TODAY - dt.timedelta(days=4),
    )
    cadence = FollowUpFactory(
        owner=owner, contact=grace, reason=FollowUpReason.CADENCE,
        due_on=TODAY - dt.timedelta(days=1),
    )
    return grace, promise, cadence


def test_a_person_due_for_two_reasons_is_one_row_with_both(owner_client, owner, grace_twice):
    _grace, promise, _cadence = grace_twice
    ContactFactory(owner=owner, name="Alan Kay")
    response = owner_client.get("/")
    assert reach_out_ids(response) == [promise.pk]
    html = section(response.text, "card-reach-out")
    assert html.count("Grace Hopper</a>") == 1
    assert "you promised: send the rfc" in html.lower()
    assert html.count('class="reach-reason"') == 2


def test_done_on_the_row_closes_every_reason_of_that_person(owner_client, owner, grace_twice):
    _grace, promise, cadence = grace_twice
    other = FollowUpFactory(owner=owner, due_on=TODAY)  # someone else's row stays
    owner_client.post(
        reverse("dashboard_follow_up_done", args=[promise.pk]),
        {"also": [cadence.pk, other.pk]},
        **HTMX,
    )
    statuses = dict(FollowUp.objects.values_list("pk", "status"))
    assert statuses[promise.pk] == statuses[cadence.pk] == FollowUpStatus.DONE
    assert statuses[other.pk] == FollowUpStatus.OPEN


def test_also_cannot_reach_another_users_follow_up(owner_client, owner, stranger, grace_twice):
    _grace, promise, _cadence = grace_twice
    theirs = FollowUpFactory(owner=stranger, due_on=TODAY)
    owner_client.post(
        reverse("dashboard_follow_up_dismiss", args=[promise.pk]), {"also": [theirs.pk]}, **HTMX
    )
    assert FollowUp.objects.get(pk=theirs.pk).status == FollowUpStatus.OPEN


def test_digest_subject_counts_people_and_lists_each_once(owner, grace_twice):
    owner.email = "owner@example.com"
    owner.save()
    ProfileFactory(owner=owner)
    FollowUpFactory(owner=owner, due_on=TODAY)
    (context,) = digests.build_digests([owner], NOON)
    assert context["reach_out_total"] == 2
    assert len(context["reach_out"]) == 2
    grace_item = next(i for i in context["reach_out"] if i["contact"].name == "Grace Hopper")
    assert "send the RFC" in grace_item["reason"] and ";" in grace_item["reason"]
