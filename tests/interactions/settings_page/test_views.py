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


def selected_regions(html: str) -> list[str]:
    select = html.split('<select name="phone_region"')[1].split("</select>")[0]
    return [part.split('"')[0] for part in select.split('<option value="')[1:] if "selected" in part.split(">")[0]]


def test_the_phone_region_select_shows_the_saved_region_each_time_it_changes(owner_client):
    # The field is kept rendered per region (settings.html): each region shows as its own.
    for region in ("DE", "FR", "DE"):
        owner_client.post(reverse("settings"), _settings_data(phone_region=region))
        assert selected_regions(owner_client.get(reverse("settings")).text) == [region]


def test_a_refused_phone_region_shows_its_error_beside_the_select(owner_client):
    owner_client.get(reverse("settings"))  # the saved region's field, kept rendered
    response = owner_client.post(reverse("settings"), _settings_data(phone_region="XX"))
    field = response.text.split('<select name="phone_region"')[1].split('<div class="field')[0]
    assert 'aria-invalid="true"' in response.text.split('<select name="phone_region"')[1].split(">")[0]
    assert "Select a valid choice" in field


@time_machine.travel(at(2026, 1, 5, 3), tick=False)  # Monday, before the 07:00 digest
def test_saving_the_email_with_htmx_updates_the_digest_card_beside_the_form(owner_client, owner):
    owner.email = ""
    owner.save()
    assert "Add your email address" in owner_client.get(reverse("settings")).text
    response = owner_client.post(
        reverse("settings"), _settings_data(email="me@example.com"), HTTP_HX_REQUEST="true"
    )
    assert response.text.lstrip().startswith("<form")
    assert 'id="digest-card"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "Add your email address" not in response.text
    assert "Next one:" in response.text


@time_machine.travel(at(2026, 1, 5, 3), tick=False)
def test_a_refused_save_leaves_the_digest_card_on_the_saved_schedule(owner_client, owner):
    owner_client.post(reverse("settings"), _settings_data(digest_hour="7"))
    response = owner_client.post(
        reverse("settings"), _settings_data(digest_hour="9", cadence_peer="-1")
    )
    assert "errorlist" in response.text
    assert "07:00" in response.text.split('id="digest-card"')[1]


def test_time_zone_is_typed_with_a_list_of_suggestions_not_a_long_select(owner_client):
    response = owner_client.get(reverse("settings"))
    assert '<select name="time_zone"' not in response.text
    assert 'list="id_time_zone-zones"' in response.text
    assert '<datalist id="id_time_zone-zones">' in response.text
    assert '<option value="Europe/Berlin">' in response.text


def test_time_zone_typed_in_lower_case_with_spaces_is_understood(owner_client, owner):
    owner_client.post(reverse("settings"), _settings_data(time_zone="america/new york"))
    assert Profile.objects.get(owner=owner).time_zone == "America/New_York"


@pytest.mark.parametrize(
    "name", ["settings", "contacts:create", "interactions:create", "contacts:event_create"]
)
def test_form_labels_end_without_a_colon(owner_client, name):
    response = owner_client.get(reverse(name))
    assert response.status_code == 200
    assert ":</label>" not in response.text


def test_contact_form_spells_linkedin_as_linkedin_does(owner_client):
    response = owner_client.get(reverse("contacts:create"))
    assert ">LinkedIn URL</label>" in response.text and "Linkedin url" not in response.text


def test_time_zone_typed_as_a_city_alone_is_understood(owner_client, owner):
    owner_client.post(reverse("settings"), _settings_data(time_zone="Tokyo"))
    assert Profile.objects.get(owner=owner).time_zone == "Asia/Tokyo"


def test_contact_time_zone_is_typed_with_the_same_suggestions(owner_client):
    response = owner_client.get(reverse("contacts:create"))
    assert '<datalist id="id_time_zone-zones">' in response.text
    assert '<select name="time_zone"' not in response.text
