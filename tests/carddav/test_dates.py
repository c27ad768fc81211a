"""Birthdays and anniversaries on the cards: BDAY / ANNIVERSARY (X-ANNIVERSARY in vCard 3),
with or without a year, read from a phone's card and written back."""

import pytest

from carddav.vcard import dates, reading
from carddav.models import Card
from contacts.dates.models import DateKind, ImportantDate
from contacts.models import Contact
from tests.carddav.conftest import vcard as make_card
from tests.carddav.test_cards import card_path
from tests.factories import ContactFactory, ImportantDateFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("BDAY:1986-04-12", ("birthday", 4, 12, 1986)),
        ("BDAY:19860412", ("birthday", 4, 12, 1986)),
        ("BDAY:--0412", ("birthday", 4, 12, None)),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12", ("birthday", 4, 12, None)),
        ("BDAY:1986-04-12T00:00:00Z", ("birthday", 4, 12, 1986)),
        ("ANNIVERSARY:20100619", ("anniversary", 6, 19, 2010)),
        ("X-ANNIVERSARY:2010-06-19", ("anniversary", 6, 19, 2010)),
    ],
)
def test_card_dates_are_read_in_every_form_phones_write(line, expected):
    card = reading.parse(make_card(extra=line))
    assert card.dates == [expected]
    assert not any(l.startswith(("BDAY", "ANNIVERSARY", "X-ANNIVERSARY")) for l in card.extra)


def test_a_date_that_is_not_a_date_is_kept_aside_as_it_came():
    card = reading.parse(make_card(extra="BDAY;VALUE=text:circa 1800", version="4.0"))
    assert card.dates == [] and "BDAY;VALUE=text:circa 1800" in card.extra


def test_a_phone_card_creates_the_contacts_birthday_and_reads_back(dav, owner):
    dav.put(f"{dav.book}kj.vcf", make_card(uid="kj", fn="Katherine Johnson",
                                           extra="BDAY;X-APPLE-OMIT-YEAR=1604:1604-08-26"))
    contact = Contact.objects.get(owner=owner, name="Katherine Johnson")
    row = ImportantDate.objects.get(contact=contact)
    assert (row.owner_id, row.kind, row.month, row.day, row.year) == (owner.pk, "birthday", 8, 26, None)
    text = dav.get(f"{dav.book}kj.vcf").content.decode()
    assert text.count("BDAY") == 1 and "BDAY;X-APPLE-OMIT-YEAR=1604:1604-08-26" in text


def test_a_birthday_removed_on_the_phone_is_removed_in_the_crm(dav, owner):
    contact = ContactFactory(owner=owner, name="Ada Lovelace")
    ImportantDateFactory(contact=contact, month=12, day=10, year=1815)
    ImportantDateFactory(contact=contact, kind=DateKind.OTHER, label="First program", month=7, day=1)
    path = card_path(contact)
    assert "BDAY:1815-12-10" in dav.get(path).content.decode()
    uid = Card.objects.get(contact=contact).uid
    dav.put(path, make_card(uid=uid, fn="Ada Lovelace"))
    assert list(ImportantDate.objects.filter(contact=contact).values_list("label", flat=True)) == [
        "First program"
    ]


def test_vcard_4_writes_dates_without_a_year_as_rfc_6350_says(owner):
    contact = ContactFactory(owner=owner)
    rows = [ImportantDateFactory(contact=contact, month=4, day=12),
            ImportantDateFactory(contact=contact, kind=DateKind.ANNIVERSARY, month=6, day=19,
                                 year=2010)]
    assert dates.important_dates(rows, "4.0") == ["BDAY:--0412", "ANNIVERSARY:20100619"]
    assert dates.important_dates(rows, "3.0") == [
        "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12", "X-ANNIVERSARY:2010-06-19"
    ]
