from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from contacts.dates.models import DateKind, ImportantDate
from tests.factories import ContactFactory, ImportantDateFactory

pytestmark = pytest.mark.django_db


def test_a_yearly_date_comes_next_this_year_or_next():
    birthday = ImportantDate(month=4, day=12, year=1986)
    assert birthday.next_on(date(2026, 4, 1)) == date(2026, 4, 12)
    assert birthday.next_on(date(2026, 4, 12)) == date(2026, 4, 12)
    assert birthday.next_on(date(2026, 4, 13)) == date(2027, 4, 12)


def test_29_february_falls_on_the_28th_in_other_years():
    leapling = ImportantDate(month=2, day=29)
    assert leapling.next_on(date(2026, 1, 1)) == date(2026, 2, 28)
    assert leapling.next_on(date(2027, 3, 1)) == date(2028, 2, 29)


def test_a_one_off_date_has_no_next_once_past():
    once = ImportantDate(kind=DateKind.OTHER, label="Wedding", month=6, day=1, year=2026, yearly=False)
    assert once.next_on(date(2026, 5, 1)) == date(2026, 6, 1)
    assert once.next_on(date(2026, 6, 2)) is None


def test_an_agenda_line_counts_years_only_when_the_year_is_known():
    assert ImportantDate(month=4, day=12, year=1986).describe_on(date(2026, 4, 12)) == (
        "Birthday (turns 40)"
    )
    assert ImportantDate(month=4, day=12).describe_on(date(2026, 4, 12)) == "Birthday"
    work = ImportantDate(kind=DateKind.WORK_ANNIVERSARY, month=9, day=1, year=2025)
    assert work.describe_on(date(2026, 9, 1)) == "Work anniversary (1 year)"
    assert work.date_text == "1 September 2025"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"month": 2, "day": 30}, "day"),
        ({"month": 2, "day": 29, "year": 2026}, "day"),
        ({"month": 4, "day": 31}, "day"),
        ({"month": 5, "day": 1, "yearly": False}, "year"),
        ({"month": 5, "day": 1, "kind": DateKind.OTHER}, "label"),
    ],
)
def test_impossible_dates_are_refused_with_a_field_error(fields, field):
    contact = ContactFactory()
    with pytest.raises(ValidationError) as error:
        ImportantDate(owner=contact.owner, contact=contact, **fields).full_clean()
    assert field in error.value.message_dict


def test_29_february_without_a_year_is_a_real_birthday():
    contact = ContactFactory()
    ImportantDate(owner=contact.owner, contact=contact, month=2, day=29).full_clean()


def test_the_database_refuses_a_day_the_month_does_not_have():
    with pytest.raises(IntegrityError):
        ImportantDateFactory(month=11, day=31)


def test_a_person_has_one_birthday_but_many_other_dates():
    first = ImportantDateFactory()
    ImportantDateFactory(contact=first.contact, kind=DateKind.WORK_ANNIVERSARY)
    ImportantDateFactory(contact=first.contact, kind=DateKind.WORK_ANNIVERSARY, month=1)
    with pytest.raises(IntegrityError):
        ImportantDateFactory(contact=first.contact, kind=DateKind.BIRTHDAY, month=1)
