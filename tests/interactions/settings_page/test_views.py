"""The Settings page: the Profile form, the digest's address and schedule, cadence defaults."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Contact, Profile, Tier
from interactions import followups
from tests.factories import ContactFactory, InteractionFactory, ProfileFactory
from tests.interactions.digests.test_views import at

pytestmark = pytest.mark.django_db


def _settings_data(**overrides):
    data = {
        "time_zone": "Europe/Berlin",
        "digest_enabled": "on",
        "digest_weekday": "0",
        "digest_hour": "7",
        "cadence_close": "14",
        "cadence_peer": "30",
        "cadence_network": "90",
        "cadence_dormant": "180",
        "own_discipline": "engineering",
        "own_company": "",
        "own_team": "",
        "email": "owner@example.com",
        "phone_region": "US",
    }
    data.update(overrides)
    return data


def test_settings_page_shows_the_form_and_feed_url(owner_client, owner):
    response = owner_client.get(reverse("settings"))
    assert response.status_code == 200
    assert 'name="digest_hour"' in response.text
    assert Profile.objects.get(owner=owner).calendar_token in response.text


def test_settings_says_a_missed_digest_of_this_week_is_on_its_way(owner_client, owner):
    ProfileFactory(owner=owner, digest_weekday=0, digest_hour=7)
    with time_machine.travel(at(2026, 4, 1, 10), tick=False):  # Wednesday; Monday's was missed
        response = owner_client.get(reverse("settings"))
    assert "This week's digest is due" in response.text


def test_settings_post_saves_and_redirects(owner_client, owner):
    response = owner_client.post(
        reverse("settings"), _settings_data(digest_weekday="4", digest_hour="9")
    )
    assert response.status_code == 302 and response["Location"] == reverse("settings")
    profile = Profile.objects.get(owner=owner)
    assert (profile.time_zone, profile.digest_weekday, profile.digest_hour) == (
        "Europe/Berlin",
        4,
        9,
    )


def test_settings_new_time_zone_applies_to_the_next_page(owner_client, owner):
    from contacts.middleware import user_time_zone

    owner_client.post(reverse("settings"), _settings_data(time_zone="Asia/Tokyo"))
    assert user_time_zone(owner.pk) == "Asia/Tokyo"


def test_settings_sets_the_digest_email_address(owner_client, owner):
    owner_client.post(reverse("settings"), _settings_data(email="ada@example.org"))
    owner.refresh_from_db()
    assert owner.email == "ada@example.org"


def test_settings_with_htmx_returns_the_form_fragment(owner_client):
    response = owner_client.post(
        reverse("settings"), _settings_data(), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<form") and "<html" not in response.text


def test_settings_unknown_time_zone_shows_an_error_and_keeps_input(owner_client, owner):
    response = owner_client.post(
        reverse("settings"), _settings_data(time_zone="Mars/Olympus", own_team="Platform")
    )
    assert response.status_code == 200 and "errorlist" in response.text
    assert 'value="Platform"' in response.text
    assert Profile.objects.get(owner=owner).time_zone == "UTC"


def test_changing_a_tier_cadence_moves_next_follow_ups(owner_client, owner):
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=at(2026, 1, 1, 12))
    followups.refresh_contact_schedule([contact.pk])
    owner_client.post(reverse("settings"), _settings_data(time_zone="UTC", cadence_peer="10"))
    assert Contact.objects.get(pk=contact.pk).next_follow_up_on == date(2026, 1, 11)


def test_settings_saves_the_phone_region_numbers_without_a_country_code_belong_to(
    owner_client, owner
):
    response = owner_client.post(reverse("settings"), _settings_data(phone_region="DE"))
    assert response.status_code == 302
    assert Profile.objects.get(owner=owner).phone_region == "DE"
    response = owner_client.post(reverse("settings"), _settings_data(phone_region="XX"))
    assert response.status_code == 200 and "phone_region" in response.context["form"].errors
