"""Phone numbers in E.164: one number written two ways is one phone."""

import importlib

import pytest
from django.apps import apps

from contacts.models import ContactPhone
from contacts.phones import normalize_phone, phone_key
from contacts.services import sync_phones
from tests.factories import ContactFactory, ProfileFactory


@pytest.mark.parametrize(
    "written, region, stored",
    [
        ("+1 206 555 0134", "US", "+12065550134"),
        ("(206) 555-0134", "US", "+12065550134"),
        ("206.555.0134", "US", "+12065550134"),
        ("tel:+1-206-555-0134", "DE", "+12065550134"),
        ("030 1234567", "DE", "+49301234567"),
        ("0049 30 1234567", "US", "+49301234567"),
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("(206) 555-0134 x12", "US", "+12065550134 ext. 12"),
    ],
)
def test_numbers_are_stored_in_e164_with_the_region_for_local_ones(written, region, stored):
    assert normalize_phone(written, region) == stored


def test_what_is_not_a_phone_number_is_kept_as_written_and_never_matches():
    assert normalize_phone("  ask  reception ", "US") == "ask reception"
    assert normalize_phone("12", "US") == "12"
    assert phone_key("ask reception", "US") == ""
    assert phone_key("(206) 555-0134", "US") == "+12065550134"


@pytest.mark.django_db
def test_sync_phones_keeps_one_phone_for_a_number_written_two_ways(owner):
    ProfileFactory(owner=owner, phone_region="US")
    contact = ContactFactory(owner=owner)
    sync_phones(contact, [("mobile", "+1 206 555 0134"), ("", "(206) 555-0134")])
    assert list(contact.phones.values_list("number", "label")) == [("+12065550134", "mobile")]


@pytest.mark.django_db
def test_sync_phones_reads_local_numbers_in_the_owners_region(owner):
    ProfileFactory(owner=owner, phone_region="GB")
    contact = ContactFactory(owner=owner)
    sync_phones(contact, [("work", "020 7946 0958")])
    assert list(contact.phones.values_list("number", flat=True)) == ["+442079460958"]


@pytest.mark.django_db
def test_the_data_migration_rewrites_existing_numbers_and_merges_repeats(owner, stranger):
    ProfileFactory(owner=owner, phone_region="US")
    ProfileFactory(owner=stranger, phone_region="DE")
    mine = ContactFactory(owner=owner)
    theirs = ContactFactory(owner=stranger)
    ContactPhone.objects.create(contact=mine, number="+1 206 555 0134", label="")
    ContactPhone.objects.create(contact=mine, number="(206) 555-0134", label="mobile")
    ContactPhone.objects.create(contact=mine, number="call the office", label="work")
    ContactPhone.objects.create(contact=theirs, number="030 1234567", label="")
    migration = importlib.import_module("contacts.migrations.0009_phones_e164")
    migration.to_e164(apps, None)
    assert sorted(mine.phones.values_list("number", "label")) == [
        ("+12065550134", "mobile"),
        ("call the office", "work"),
    ]
    assert list(theirs.phones.values_list("number", flat=True)) == ["+49301234567"]
