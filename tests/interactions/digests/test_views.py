"""Pages around the digest: preview, signed one-click links, RFC 8058 unsubscribe, settings,
and the secret iCalendar feed (parsed with vobject)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
import vobject
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact, Profile, Tier
from interactions import digests, followups, ical
from interactions.models import FollowUp, FollowUpReason, FollowUpStatus
from tests.factories import (
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Users are created in almost every test; the real hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def action_path(follow_up, action):
    return reverse("digest:action", args=[digests.make_action_token(follow_up, action)])


def unsubscribe_path(user):
    return reverse("digest:unsubscribe", args=[digests.make_unsubscribe_token(user.pk)])


def feed_path(user):
    return reverse("calendar_feed", args=[Profile.objects.get(owner=user).calendar_token])


# Sign-in rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["settings", "digest:preview", "digest:preview_email"])
def test_signed_out_request_redirects_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_signed_out_rotate_redirects_to_login(client):
    response = client.post(reverse("settings_rotate_calendar"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Preview ------------------------------------------------------------------------------------


def test_preview_shows_the_users_follow_ups_with_reasons(owner_client, owner):
    FollowUpFactory(
        owner=owner,
        contact=ContactFactory(owner=owner, name="Grace Hopper"),
        reason=FollowUpReason.PROMISE,
        note="send the RFC template",
    )
    response = owner_client.get(reverse("digest:preview"))
    assert response.status_code == 200
    assert (
        "Grace Hopper" in response.text and "you promised: send the RFC template" in response.text
    )


def test_preview_never_shows_another_users_follow_ups(stranger_client, owner):
    FollowUpFactory(owner=owner, contact=ContactFactory(owner=owner, name="Grace Hopper"))
    assert "Grace Hopper" not in stranger_client.get(reverse("digest:preview")).text


def test_preview_query_count_does_not_grow_with_follow_ups(owner_client, owner):
    def count(n):
        FollowUp.objects.all().delete()
        for contact in ContactFactory.create_batch(n, owner=owner):
            FollowUpFactory(owner=owner, contact=contact, due_on=date.today())
        with CaptureQueriesContext(connection) as ctx:
            assert owner_client.get(reverse("digest:preview")).status_code == 200
        return len(ctx.captured_queries)

    count(1)  # the first request creates the profile
    assert count(3) == count(15)


def test_preview_email_is_sandboxed_and_allows_only_inline_styles(owner_client):
    response = owner_client.get(reverse("digest:preview_email"))
    policy = response["Content-Security-Policy"]
    assert response.status_code == 200 and "Your network this week" in response.text
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy


# One-click actions ---------------------------------------------------------------------------


def test_action_link_get_only_asks_to_confirm(client, owner):
    follow_up = FollowUpFactory(owner=owner)
    response = client.get(action_path(follow_up, "done"))
    assert response.status_code == 200 and "<form" in response.text
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN


def test_action_link_post_marks_done_without_signing_in(client, owner):
    follow_up = FollowUpFactory(owner=owner)
    response = client.post(action_path(follow_up, "done"))
    assert response.status_code == 200 and "Marked done" in response.text
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DONE


def test_action_confirm_page_posts_with_its_own_csrf_token(owner):
    browser = Client(enforce_csrf_checks=True)
    follow_up = FollowUpFactory(owner=owner)
    path = action_path(follow_up, "done")
    page = browser.get(path)
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert browser.post(path, {"csrfmiddlewaretoken": token}).status_code == 200
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DONE


def test_action_link_does_not_sign_the_user_in(client, owner):
    client.post(action_path(FollowUpFactory(owner=owner), "done"))
    assert client.get(reverse("settings")).status_code == 302


def test_action_link_used_twice_changes_nothing_more(client, owner):
    follow_up = FollowUpFactory(owner=owner)
    path = action_path(follow_up, "done")
    client.post(path)
    closed_at = FollowUp.objects.get(pk=follow_up.pk).closed_at
    response = client.post(path)
    assert "Already done" in response.text
    assert FollowUp.objects.get(pk=follow_up.pk).closed_at == closed_at


def test_snooze_link_snoozes_a_week_in_the_users_zone(client, owner):
    ProfileFactory(owner=owner, time_zone="Pacific/Auckland")
    follow_up = FollowUpFactory(owner=owner)
    with time_machine.travel(at(2026, 3, 30, 20), tick=False):  # already 31 March in Auckland
        client.post(action_path(follow_up, "snooze"))
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.snoozed_until) == (FollowUpStatus.SNOOZED, date(2026, 4, 7))


def test_expired_action_link_is_refused(client, owner):
    follow_up = FollowUpFactory(owner=owner)
    with time_machine.travel(at(2026, 3, 1, 7), tick=False):
        path = action_path(follow_up, "done")
    with time_machine.travel(at(2026, 3, 16, 7), tick=False):
        response = client.post(path)
    assert response.status_code == 400 and "expired" in response.text
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN


def test_tampered_action_link_is_refused(client, owner):
    follow_up = FollowUpFactory(owner=owner)
    response = client.post(action_path(follow_up, "done").replace("/a/", "/a/x"))
    assert response.status_code == 400


def test_action_link_signed_for_the_stranger_cannot_touch_the_owners_follow_up(
    client, owner, stranger
):
    follow_up = FollowUpFactory(owner=owner)
    forged = FollowUp(pk=follow_up.pk, owner=stranger)  # a stranger's own valid token, owner's id
    response = client.post(action_path(forged, "done"))
    assert response.status_code == 404
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN


# Unsubscribe ----------------------------------------------------------------------------------


def test_unsubscribe_get_asks_and_changes_nothing(client, owner):
    ProfileFactory(owner=owner)
    response = client.get(unsubscribe_path(owner))
    assert response.status_code == 200 and "<form" in response.text
    assert Profile.objects.get(owner=owner).digest_enabled is True


def test_one_click_unsubscribe_post_without_csrf_turns_the_digest_off(owner):
    ProfileFactory(owner=owner)
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        unsubscribe_path(owner),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Profile.objects.get(owner=owner).digest_enabled is False


def test_unsubscribe_token_for_one_user_leaves_the_other_subscribed(client, owner, stranger):
    ProfileFactory(owner=owner)
    ProfileFactory(owner=stranger)
    client.post(unsubscribe_path(stranger))
    assert Profile.objects.get(owner=owner).digest_enabled is True


def test_bad_unsubscribe_token_is_refused(client):
    assert client.post(reverse("digest:unsubscribe", args=["nope"])).status_code == 400


# Settings -------------------------------------------------------------------------------------


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


def test_rotating_the_calendar_token_revokes_the_old_feed(owner_client, owner, client):
    ProfileFactory(owner=owner)
    old = feed_path(owner)
    owner_client.post(reverse("settings_rotate_calendar"))
    assert client.get(old).status_code == 404
    assert client.get(feed_path(owner)).status_code == 200


# Calendar feed --------------------------------------------------------------------------------


def test_calendar_feed_parses_and_lists_follow_ups_and_events(client, owner):
    ProfileFactory(owner=owner)
    contact = ContactFactory(owner=owner, name="Grace Hopper")
    FollowUpFactory(
        owner=owner,
        contact=contact,
        reason=FollowUpReason.PROMISE,
        note="send the RFC template, with notes; and more",
        due_on=date(2026, 4, 2),
    )
    EventFactory(
        owner=owner, name="KubeCon EU", starts_on=date(2099, 4, 1), ends_on=date(2099, 4, 3)
    )
    response = client.get(feed_path(owner))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = vobject.readOne(response.content.decode())
    events = {ev.summary.value: ev for ev in calendar.vevent_list}
    follow_up = events["Reach out: Grace Hopper"]
    assert follow_up.dtstart.value == date(2026, 4, 2)
    assert "send the RFC template, with notes; and more" in follow_up.description.value
    assert events["KubeCon EU"].dtend.value == date(2099, 4, 4)


def test_calendar_feed_leaves_out_closed_follow_ups(client, owner):
    ProfileFactory(owner=owner)
    follow_up = FollowUpFactory(owner=owner)
    followups.mark_done(follow_up)
    assert b"VEVENT" not in client.get(feed_path(owner)).content


def test_calendar_feed_of_one_user_never_shows_anothers_rows(client, owner, stranger):
    ProfileFactory(owner=stranger)
    FollowUpFactory(owner=owner, contact=ContactFactory(owner=owner, name="Grace Hopper"))
    assert b"Grace Hopper" not in client.get(feed_path(stranger)).content


def test_unknown_calendar_token_is_404(client):
    assert client.get(reverse("calendar_feed", args=["not-a-token"])).status_code == 404


def test_calendar_feed_query_count_does_not_grow_with_rows(client, owner):
    ProfileFactory(owner=owner)

    def count(n):
        for contact in ContactFactory.create_batch(n, owner=owner):
            FollowUpFactory(owner=owner, contact=contact, reason=FollowUpReason.CADENCE)
        with CaptureQueriesContext(connection) as ctx:
            client.get(feed_path(owner))
        return len(ctx.captured_queries)

    count(1)
    assert count(3) == count(30)


def test_ical_folds_long_lines_at_75_octets_without_splitting_characters():
    line = "DESCRIPTION:" + "é" * 100
    folded = ical.fold(line).split("\r\n")
    assert all(len(part.encode()) <= 75 for part in folded)
    assert "".join(part[1:] if i else part for i, part in enumerate(folded)) == line


def test_ical_escapes_text_values():
    assert ical.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_calendar_lines_end_with_crlf(client, owner):
    ProfileFactory(owner=owner)
    body = client.get(feed_path(owner)).content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")


def test_event_follow_up_reasons_show_in_the_feed(client, owner):
    ProfileFactory(owner=owner)
    event = EventFactory(owner=owner, name="KubeCon", starts_on=date.today() - timedelta(days=8))
    contact = ContactFactory(owner=owner)
    event.people_met.add(contact)
    followups.create_event_follow_ups(event)
    assert "met at KubeCon 8 days ago" in client.get(feed_path(owner)).content.decode()
