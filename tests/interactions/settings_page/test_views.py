"""The Settings page: the Profile form, the digest's address and schedule, cadence defaults."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact, Profile, Tier
from interactions import followups, tasks
from interactions.models import FollowUp, ScheduleRefresh
from tests.factories import ContactFactory, InteractionFactory, ProfileFactory
from tests.interactions.dashboard.test_dashboard import reach_out_ids
from tests.interactions.digests.test_views import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def reschedules(monkeypatch):
    """The user ids whose schedule a save queued for the worker (the task is not run)."""
    queued = []
    monkeypatch.setattr(tasks.refresh_owner_schedule, "delay", queued.append)
    return queued


@pytest.fixture
def save(owner_client, django_capture_on_commit_callbacks):
    """POST the settings form as a committed request would: its on-commit callbacks run."""

    def post(data, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return owner_client.post(reverse("settings"), data, **kwargs)

    return post


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


def test_changing_a_tier_cadence_moves_next_follow_ups_once_the_worker_ran(
    save, reschedules, owner
):
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=at(2026, 1, 1, 12))
    followups.refresh_contact_schedule([contact.pk])
    save(_settings_data(time_zone="UTC", cadence_peer="10"))
    # Not in the request (20 s at 30,000 contacts): queued for the worker.
    assert Contact.objects.get(pk=contact.pk).next_follow_up_on == date(2026, 1, 31)
    assert reschedules == [owner.pk]
    tasks.refresh_owner_schedule(*reschedules)
    assert Contact.objects.get(pk=contact.pk).next_follow_up_on == date(2026, 1, 11)


def test_changing_the_time_zone_moves_next_follow_ups_once_the_worker_ran(
    save, reschedules, owner
):
    ProfileFactory(owner=owner, time_zone="UTC")
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    # 23:30 UTC on 1 January is already the 2nd in Tokyo.
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=at(2026, 1, 1, 23, 30))
    followups.refresh_contact_schedule([contact.pk])
    save(_settings_data(time_zone="Asia/Tokyo", cadence_peer="30"))
    assert Contact.objects.get(pk=contact.pk).next_follow_up_on == date(2026, 1, 31)
    tasks.refresh_owner_schedule(*reschedules)
    assert Contact.objects.get(pk=contact.pk).next_follow_up_on == date(2026, 2, 1)


def test_a_save_that_moves_no_schedule_queues_nothing_and_says_saved(
    save, reschedules, owner_client
):
    owner_client.get(save(_settings_data())["Location"])  # the first save moves it from UTC
    reschedules.clear()
    response = save(_settings_data(digest_hour="9", own_team="Platform"))
    assert reschedules == []
    page = owner_client.get(response["Location"]).text
    assert "Settings saved." in page and "rescheduled" not in page


def test_quick_saves_queue_one_run_which_moves_the_schedule_to_the_last(
    save, reschedules, owner
):
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=at(2026, 1, 1, 12))
    followups.refresh_contact_schedule([contact.pk])
    save(_settings_data(time_zone="UTC", cadence_peer="10"))
    save(_settings_data(time_zone="UTC", cadence_peer="20"))
    save(_settings_data(time_zone="UTC", cadence_peer="40"))
    assert reschedules == [owner.pk]  # the worker had not run yet: one run serves all three
    assert ScheduleRefresh.objects.filter(owner=owner).exists()
    tasks.refresh_owner_schedule(*reschedules)
    assert Contact.objects.get(pk=contact.pk).next_follow_up_on == date(2026, 2, 10)
    assert not ScheduleRefresh.objects.exists()
    save(_settings_data(time_zone="UTC", cadence_peer="30"))  # after the run: queued again
    assert reschedules == [owner.pk, owner.pk]


def test_a_new_cadence_says_the_reminders_are_being_rescheduled(save, reschedules, owner_client):
    response = save(_settings_data(cadence_close="7"))
    page = owner_client.get(response["Location"]).text
    assert "Your reminders are being rescheduled" in page


def test_with_htmx_the_form_says_the_reminders_are_being_rescheduled(save, reschedules):
    response = save(_settings_data(time_zone="Asia/Tokyo"), headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith("<form")
    assert "Your reminders are being rescheduled" in response.text


def test_a_refused_save_queues_no_rescheduling(save, reschedules):
    response = save(_settings_data(time_zone="Asia/Tokyo", cadence_peer="-1"))
    assert response.status_code == 200 and reschedules == []


def test_a_schedule_change_costs_the_request_the_same_queries_for_3_or_12_contacts(
    save, reschedules, owner, monkeypatch
):
    # Were the recomputation still in the request, 12 contacts would take more round trips.
    monkeypatch.setattr(followups.schedule, "REFRESH_CHUNK", 2)
    save(_settings_data(time_zone="Asia/Tokyo"))  # the profile and the session, once
    ContactFactory.create_batch(3, owner=owner, tier=Tier.PEER)

    def queries_of_a_save(time_zone):
        with CaptureQueriesContext(connection) as queries:
            assert save(_settings_data(time_zone=time_zone)).status_code == 302
        return [q["sql"] for q in queries.captured_queries]

    few = queries_of_a_save("Europe/Berlin")
    ContactFactory.create_batch(9, owner=owner, tier=Tier.PEER)
    many = queries_of_a_save("Asia/Tokyo")
    assert len(few) == len(many)
    assert not any(sql.startswith('UPDATE "contacts_contact"') for sql in many)
    assert reschedules == [owner.pk]  # queued once: the worker has not run between the saves


def test_the_dashboard_shows_the_new_schedule_once_the_worker_ran(
    save, reschedules, owner_client, owner
):
    ProfileFactory(owner=owner, time_zone="UTC")
    contact = ContactFactory(owner=owner, tier=Tier.PEER)
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=at(2026, 1, 1, 12))
    followups.refresh_contact_schedule([contact.pk])
    with time_machine.travel(at(2026, 2, 5, 12), tick=False):
        followups.scan_follow_ups()  # due on 31 January: a cadence reminder is open
        reminder = FollowUp.objects.get(contact=contact)
        assert reach_out_ids(owner_client.get(reverse("dashboard"))) == [reminder.pk]
        save(_settings_data(time_zone="UTC", cadence_peer="60"))
        # Until the worker has run, the page (and so its cached cards) still shows it.
        assert reach_out_ids(owner_client.get(reverse("dashboard"))) == [reminder.pk]
        tasks.refresh_owner_schedule(*reschedules)
        # Due on 2 March now: the untouched reminder went, and the cards were rendered again.
        assert not FollowUp.objects.filter(contact=contact).exists()
        assert reach_out_ids(owner_client.get(reverse("dashboard"))) == []
