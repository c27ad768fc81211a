""""N days ago" is one count everywhere: between the user's local dates, so a conversation late
one evening is as many days ago on the map's brief as in Reach out and the digest."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from interactions import digests, followups
from interactions.models import FollowUpReason
from tests.factories import ContactFactory, FollowUpFactory, InteractionFactory, ProfileFactory

pytestmark = pytest.mark.django_db

# 08:00 in Berlin on 18 March; the last talk was 23:30 in Berlin on 16 February: 30 local days,
# though only 29 whole days of 24 hours.
NOW = dt.datetime(2026, 3, 18, 7, 0, tzinfo=dt.UTC)
LAST_TALK = dt.datetime(2026, 2, 16, 22, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_map_brief_dashboard_and_digest_count_the_same_days(owner_client, owner):
    owner.email = "owner@example.com"
    owner.save()
    ProfileFactory(owner=owner, time_zone="Europe/Berlin")
    contact = ContactFactory(owner=owner, name="Grace Hopper", cadence_days=14)
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=LAST_TALK)
    followups.refresh_contact_schedule([contact.pk])
    FollowUpFactory(
        owner=owner, contact=contact, reason=FollowUpReason.CADENCE,
        due_on=dt.date(2026, 3, 2),
    )
    with time_machine.travel(NOW, tick=False):
        brief = owner_client.get(
            reverse("insights:contact_brief", args=[contact.pk]), HTTP_HX_REQUEST="true"
        ).text
        dashboard = owner_client.get("/").text
        (digest,) = digests.build_digests([owner], NOW)
    assert "30 days ago" in brief and "29 days ago" not in brief
    assert "last talked 30 days ago" in dashboard.lower()
    assert "30 days ago" in digest["reach_out"][0]["reason"]
