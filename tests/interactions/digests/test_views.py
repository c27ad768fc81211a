"""Pages around the digest: preview, signed one-click links and RFC 8058 unsubscribe."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from contacts.models import Profile
from interactions import digests
from interactions.models import FollowUp, FollowUpReason, FollowUpStatus
from tests.factories import ContactFactory, FollowUpFactory, ProfileFactory

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


# Sign-in rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["settings", "digest:preview", "digest:preview_email"])
def test_signed_out_request_redirects_to_login(client, name):
    response = client.get(reverse(name))
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


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_a_repeat_preview_reads_the_digest_from_the_cache(owner_client, owner):
    ProfileFactory(owner=owner)
    for contact in ContactFactory.create_batch(5, owner=owner):
        FollowUpFactory(owner=owner, contact=contact, due_on=date.today())
    cold = queries(owner_client, reverse("digest:preview"))
    # You, your profile (when the next digest goes out) and whether this week's has gone.
    assert queries(owner_client, reverse("digest:preview")) == 3 < cold
    queries(owner_client, reverse("digest:preview_email"))
    assert queries(owner_client, reverse("digest:preview_email")) == 1


def test_the_preview_shows_a_write_on_the_next_visit(owner_client, owner):
    ProfileFactory(owner=owner)
    assert "Grace Hopper" not in owner_client.get(reverse("digest:preview")).text
    assert "Grace Hopper" not in owner_client.get(reverse("digest:preview_email")).text
    FollowUpFactory(owner=owner, contact=ContactFactory(owner=owner, name="Grace Hopper"))
    assert "Grace Hopper" in owner_client.get(reverse("digest:preview")).text
    assert "Grace Hopper" in owner_client.get(reverse("digest:preview_email")).text


def test_the_preview_shows_the_emails_parts_as_they_are_sent(owner_client, owner):
    profile = ProfileFactory(owner=owner)
    FollowUpFactory(owner=owner, contact=ContactFactory(owner=owner, name="Ada <Lovelace>"))
    with time_machine.travel(at(2026, 3, 30, 7, 5), tick=False):
        preview = owner_client.get(reverse("digest:preview")).text
        email = owner_client.get(reverse("digest:preview_email")).text
        message = digests.render_digest_message(
            owner, digests.build_digest(owner, at(2026, 3, 30, 7, 5), profile=profile, links=False)
        )
    assert escape(message.body) in preview
    assert email == message.alternatives[0].content


def test_preview_query_count_does_not_grow_with_the_network(owner_client, owner):
    ProfileFactory(owner=owner)

    def count(n):
        people = ContactFactory.create_batch(n, owner=owner, cadence_days=None)
        ContactFactory.create_batch(n, owner=owner, cadence_days=7)
        for contact in people:
            FollowUpFactory(owner=owner, contact=contact, due_on=date.today())
        return queries(owner_client, reverse("digest:preview")), queries(
            owner_client, reverse("digest:preview_email")
        )

    count(1)  # the first request creates the profile's cache entries
    assert count(2) == count(40)


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


def test_action_page_asks_a_signed_out_reader_to_sign_in_to_open_the_contact(client, owner):
    follow_up = FollowUpFactory(owner=owner)
    response = client.get(action_path(follow_up, "done"))
    assert "(sign-in needed)" in response.text


def test_action_page_does_not_ask_the_signed_in_owner_to_sign_in(owner_client, owner):
    follow_up = FollowUpFactory(owner=owner)
    response = owner_client.get(action_path(follow_up, "done"))
    assert response.status_code == 200
    assert "sign-in needed" not in response.text
    assert reverse("contacts:detail", args=[follow_up.contact_id]) in response.text


def test_action_page_tells_another_signed_in_user_whose_link_it_is(stranger_client, owner):
    follow_up = FollowUpFactory(owner=owner)
    response = stranger_client.get(action_path(follow_up, "done"))
    assert "sign in as the digest's recipient" in response.text
