"""The secret iCalendar feed (parsed with vobject) and the rotation of its secret link."""

from datetime import date, timedelta

import pytest
import vobject
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Profile
from interactions import followups
from interactions.models import FollowUpReason
from tests.factories import ContactFactory, EventFactory, FollowUpFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def feed_path(user):
    return reverse("calendar_feed", args=[Profile.objects.get(owner=user).calendar_token])


def test_signed_out_rotate_redirects_to_login(client):
    response = client.post(reverse("settings_rotate_calendar"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


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
    due_on = date.today() - timedelta(days=3)
    FollowUpFactory(
        owner=owner,
        contact=contact,
        reason=FollowUpReason.PROMISE,
        note="send the RFC template, with notes; and more",
        due_on=due_on,
    )
    EventFactory(
        owner=owner, name="KubeCon EU", starts_on=date(2099, 4, 1), ends_on=date(2099, 4, 3)
    )
    response = client.get(feed_path(owner))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = vobject.readOne(response.content.decode())
    events = {ev.summary.value: ev for ev in calendar.vevent_list}
    follow_up = events["Reach out: Grace Hopper"]
    assert follow_up.dtstart.value == due_on
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


def test_calendar_feed_shows_follow_ups_due_in_its_window_of_days_only(client, owner):
    today = ProfileFactory(owner=owner).today()
    for days, name in ((-91, "Too old"), (-90, "Oldest"), (365, "Farthest"), (366, "Too far")):
        contact = ContactFactory(owner=owner, name=name)
        FollowUpFactory(owner=owner, contact=contact, due_on=today + timedelta(days=days))
    body = client.get(feed_path(owner)).content.decode()
    assert "Oldest" in body and "Farthest" in body
    assert "Too old" not in body and "Too far" not in body


def test_calendar_feed_answers_304_to_an_app_that_has_it_until_it_changes(client, owner):
    ProfileFactory(owner=owner)
    FollowUpFactory(owner=owner, contact=ContactFactory(owner=owner, name="Grace Hopper"))
    first = client.get(feed_path(owner))
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    again = client.get(feed_path(owner), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    FollowUpFactory(owner=owner, contact=ContactFactory(owner=owner, name="Ada Lovelace"))
    changed = client.get(feed_path(owner), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and b"Ada Lovelace" in changed.content


def test_calendar_feed_polled_again_reads_only_the_profile(client, owner):
    ProfileFactory(owner=owner)
    FollowUpFactory.create_batch(3, owner=owner)
    path = feed_path(owner)
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(path).content
    assert len(ctx.captured_queries) == 1 and body.count(b"BEGIN:VEVENT") == 3


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
