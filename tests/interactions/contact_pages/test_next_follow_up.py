"""The contacts list and the contact page show the same next follow-up: the earlier of the
cadence date and the earliest open follow-up of any kind (contacts.selectors.next_due)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import FollowUpReason, FollowUpStatus
from tests.contacts.test_views import count_queries
from tests.factories import ContactFactory, FollowUpFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _row(html: str, name: str) -> str:
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


def test_list_and_page_show_an_open_follow_up_earlier_than_the_cadence(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Ada Early", next_follow_up_on=_day(30))
    FollowUpFactory(
        owner=owner, contact=contact, reason=FollowUpReason.GIVE, due_on=_day(5), note="Send the deck"
    )
    # Closed follow-ups do not count, however early.
    FollowUpFactory(owner=owner, contact=contact, due_on=_day(2), status=FollowUpStatus.DONE)
    shown = f"{_day(5):%-d %b %Y}"

    listing = owner_client.get(reverse("contacts:list")).content.decode()
    page = owner_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()

    assert shown in _row(listing, "Ada Early")
    assert f"{_day(30):%-d %b %Y}" not in _row(listing, "Ada Early")
    assert f"{_day(5):%a} {shown} · Give to deliver: Send the deck" in page


def test_the_cadence_date_wins_when_it_comes_first(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Bo Cadence", next_follow_up_on=_day(3))
    FollowUpFactory(owner=owner, contact=contact, due_on=_day(20))

    listing = owner_client.get(reverse("contacts:list")).content.decode()
    page = owner_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()

    assert f"{_day(3):%-d %b %Y}" in _row(listing, "Bo Cadence")
    assert f"{_day(3):%a %-d %b %Y} · Time to reconnect" in page


def test_sort_and_due_filter_use_the_same_date(owner_client, owner):
    ContactFactory(owner=owner, name="Cy Later", next_follow_up_on=_day(10))
    early = ContactFactory(owner=owner, name="Di Overdue", next_follow_up_on=None)
    FollowUpFactory(owner=owner, contact=early, due_on=_day(-1))
    ContactFactory(owner=owner, name="Ed Nothing", next_follow_up_on=None)

    listing = owner_client.get(reverse("contacts:list"), {"sort": "next"}).content.decode()
    due = owner_client.get(reverse("contacts:list"), {"due": "on"}).content.decode()

    assert listing.index("Di Overdue") < listing.index("Cy Later") < listing.index("Ed Nothing")
    assert "Di Overdue" in due and "Cy Later" not in due


def test_list_query_count_stays_flat_with_follow_ups(owner_client, owner):
    for index in range(3):
        FollowUpFactory(owner=owner, contact=ContactFactory(owner=owner, name=f"P{index}"))
    few = count_queries(owner_client, reverse("contacts:list"), data={"sort": "next"})
    for index in range(20):
        FollowUpFactory(owner=owner, contact=ContactFactory(owner=owner, name=f"Q{index}"))
    assert count_queries(owner_client, reverse("contacts:list"), data={"sort": "next"}) == few
