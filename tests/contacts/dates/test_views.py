"""Important dates on the contact form (a formset), the contact page, the dashboard's
Upcoming, the weekly digest and the calendar feed."""

import datetime as dt

import pytest
import time_machine
import vobject
from django.urls import reverse

from contacts.dates.models import DateKind, ImportantDate
from contacts.models import Profile
from interactions.digests import build_digest, render_digest_message
from tests.factories import ContactFactory, ImportantDateFactory, ProfileFactory

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 4, 6, 12, tzinfo=dt.UTC)


def form_data(contact, rows, *, existing=0):
    data = {
        "name": contact.name,
        "dates-TOTAL_FORMS": str(len(rows)),
        "dates-INITIAL_FORMS": str(existing),
        "dates-MIN_NUM_FORMS": "0",
        "dates-MAX_NUM_FORMS": "20",
    }
    for n, row in enumerate(rows):
        data.update({f"dates-{n}-{key}": value for key, value in row.items()})
    return data


def test_the_edit_form_adds_a_birthday_without_a_year(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Ada")
    response = owner_client.post(
        reverse("contacts:edit", args=[contact.pk]),
        form_data(contact, [{"kind": "birthday", "day": "12", "month": "4", "yearly": "on"}]),
    )
    assert response.status_code == 302
    row = ImportantDate.objects.get(contact=contact)
    assert (row.owner_id, row.kind, row.month, row.day, row.year) == (owner.pk, "birthday", 4, 12, None)
    page = owner_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "<dt>Birthday</dt><dd>12 April</dd>" in page


def test_the_edit_form_refuses_an_impossible_day_and_keeps_what_was_typed(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Ada")
    response = owner_client.post(
        reverse("contacts:edit", args=[contact.pk]),
        {**form_data(contact, [{"kind": "birthday", "day": "31", "month": "2", "year": "1990",
                                "yearly": "on"}]), "title": "Typed title"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "That month has no such day." in html and 'value="Typed title"' in html
    assert not ImportantDate.objects.exists()
    contact.refresh_from_db()
    assert contact.title != "Typed title"


def test_two_birthdays_are_refused(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Ada")
    row = {"kind": "birthday", "day": "1", "month": "1", "yearly": "on"}
    html = owner_client.post(
        reverse("contacts:edit", args=[contact.pk]), form_data(contact, [row, row])
    ).content.decode()
    assert "A person has one birthday" in html


def test_a_date_is_deleted_from_the_form(owner_client, owner):
    date_row = ImportantDateFactory(contact=ContactFactory(owner=owner, name="Ada"))
    contact = date_row.contact
    owner_client.post(
        reverse("contacts:edit", args=[contact.pk]),
        form_data(contact, [{"id": str(date_row.pk), "kind": "birthday", "day": "12", "month": "4",
                             "yearly": "on", "DELETE": "on"}], existing=1),
    )
    assert not ImportantDate.objects.exists()


def test_a_new_contact_is_added_with_its_dates(owner_client, owner):
    response = owner_client.post(reverse("contacts:create"), {
        "name": "Grace",
        "dates-TOTAL_FORMS": "1", "dates-INITIAL_FORMS": "0",
        "dates-0-kind": "other", "dates-0-label": "Wedding", "dates-0-day": "9",
        "dates-0-month": "9", "dates-0-year": "2027",
    })
    assert response.status_code == 302
    row = ImportantDate.objects.get()
    assert (row.contact.name, row.title, row.yearly, row.year) == ("Grace", "Wedding", False, 2027)


def test_the_edit_form_shows_the_dates_and_a_stranger_cannot_reach_it(
    owner_client, stranger_client, owner
):
    contact = ImportantDateFactory(contact=ContactFactory(owner=owner), year=1980).contact
    html = owner_client.get(reverse("contacts:edit", args=[contact.pk])).content.decode()
    assert 'name="dates-0-year" value="1980"' in html and 'name="dates-1-kind"' in html
    assert stranger_client.get(reverse("contacts:edit", args=[contact.pk])).status_code == 404


@time_machine.travel(NOON, tick=False)
def test_the_dashboard_upcoming_shows_birthdays_of_the_next_three_weeks(owner_client, owner):
    ProfileFactory(owner=owner)
    ImportantDateFactory(contact=ContactFactory(owner=owner, name="Soon Sam"), month=4, day=20,
                         year=1986)
    ImportantDateFactory(contact=ContactFactory(owner=owner, name="Far Fay"), month=6, day=1)
    html = owner_client.get("/").content.decode()
    upcoming = html[html.index('id="card-upcoming"'):]
    assert "Soon Sam" in upcoming and "Birthday (turns 40)" in upcoming
    assert "Far Fay" not in upcoming


@time_machine.travel(NOON, tick=False)
def test_the_digest_lists_the_weeks_birthdays_in_both_parts(owner):
    ProfileFactory(owner=owner)
    contact = ContactFactory(owner=owner, name="Week Wanda")
    ImportantDateFactory(contact=contact, kind=DateKind.WORK_ANNIVERSARY, month=4, day=9, year=2021)
    # Reminders off, so that Lou is not the digest's "one person" either.
    later = ContactFactory(owner=owner, name="Later Lou", reminders_off=True)
    ImportantDateFactory(contact=later, month=4, day=14)
    message = render_digest_message(owner, build_digest(owner, NOON))
    text = message.body
    html = message.alternatives[0][0]
    assert "BIRTHDAYS AND DATES THIS WEEK" in text
    assert "Thu 9 Apr: Week Wanda, Work anniversary (5 years)" in text
    assert "Week Wanda</a>, Work anniversary (5 years)" in html
    assert "Later Lou" not in text and "Later Lou" not in html


def test_the_calendar_feed_has_yearly_birthdays(client, owner):
    ProfileFactory(owner=owner)
    ImportantDateFactory(contact=ContactFactory(owner=owner, name="Grace"), month=12, day=9,
                         year=1906)
    ImportantDateFactory(contact=ContactFactory(owner=owner, name="Leap"), month=2, day=29)
    token = Profile.objects.get(owner=owner).calendar_token
    body = client.get(reverse("calendar_feed", args=[token])).content.decode()
    events = {ev.summary.value: ev for ev in vobject.readOne(body).vevent_list}
    grace = events["Birthday: Grace"]
    assert grace.dtstart.value == dt.date(1906, 12, 9)
    assert grace.rrule.value == "FREQ=YEARLY"
    assert events["Birthday: Leap"].rrule.value == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"


@pytest.mark.parametrize("page", ["contacts:detail", "contacts:edit"])
def test_the_contact_page_and_form_keep_their_queries_whatever_the_dates(owner_client, owner, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    contact = ContactFactory(owner=owner)
    url = reverse(page, args=[contact.pk])

    def count():
        owner_client.get(url)  # warm up: the profile, the session
        ImportantDateFactory(contact=contact, kind=DateKind.OTHER, label="Warm", month=1, day=1)
        with CaptureQueriesContext(connection) as ctx:
            assert owner_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(6):
        ImportantDateFactory(contact=contact, kind=DateKind.OTHER, label=f"D{n}", month=3, day=n + 1)
    assert count() == few
