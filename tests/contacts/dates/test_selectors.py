from datetime import date

import pytest

from contacts.dates.models import DateKind
from contacts.dates.selectors import upcoming_dates, upcoming_dates_by_owner
from tests.factories import ContactFactory, ImportantDateFactory, UserFactory

pytestmark = pytest.mark.django_db


def texts(found):
    return [(u.on, u.contact.name, u.text) for u in found]


def test_upcoming_dates_cross_the_new_year_soonest_first(owner):
    ada = ContactFactory(owner=owner, name="Ada")
    bob = ContactFactory(owner=owner, name="Bob")
    ImportantDateFactory(contact=ada, month=1, day=3, year=1990)
    ImportantDateFactory(contact=bob, month=12, day=30)
    ImportantDateFactory(contact=bob, kind=DateKind.WORK_ANNIVERSARY, month=2, day=1)
    found = upcoming_dates(owner, date(2026, 12, 20), 21)
    assert texts(found) == [
        (date(2026, 12, 30), "Bob", "Birthday"),
        (date(2027, 1, 3), "Ada", "Birthday (turns 37)"),
    ]


def test_a_29_february_birthday_shows_on_the_28th_in_other_years(owner):
    ImportantDateFactory(contact=ContactFactory(owner=owner, name="Leo"), month=2, day=29)
    assert [u.on for u in upcoming_dates(owner, date(2027, 2, 20), 10)] == [date(2027, 2, 28)]
    assert [u.on for u in upcoming_dates(owner, date(2028, 2, 20), 10)] == [date(2028, 2, 29)]


def test_past_one_off_dates_and_archived_people_are_left_out(owner):
    ImportantDateFactory(
        contact=ContactFactory(owner=owner), kind=DateKind.OTHER, label="Launch",
        month=3, day=5, year=2025, yearly=False,
    )
    ImportantDateFactory(contact=ContactFactory(owner=owner, archived=True), month=3, day=6)
    soon = ImportantDateFactory(
        contact=ContactFactory(owner=owner), kind=DateKind.OTHER, label="Wedding",
        month=3, day=7, year=2026, yearly=False,
    )
    assert [u.important_date.pk for u in upcoming_dates(owner, date(2026, 3, 1), 14)] == [soon.pk]


def test_a_batch_of_owners_is_read_in_one_query(django_assert_num_queries):
    owners = UserFactory.create_batch(3)
    for n, user in enumerate(owners):
        ImportantDateFactory(contact=ContactFactory(owner=user), month=5, day=1 + n)
    today = {user.pk: date(2026, 4, 28) for user in owners}
    with django_assert_num_queries(1):
        found = upcoming_dates_by_owner([u.pk for u in owners], today, 7)
        labels = [[u.contact.name for u in found[user.pk]] for user in owners]
    assert [len(names) for names in labels] == [1, 1, 1]
