"""Important dates go into the JSON backup and come back on the restored contact."""

import json

import pytest

from contacts.dates.models import DateKind, ImportantDate
from interactions.backup.document import export_json
from interactions.backup.restore import import_document
from tests.factories import ContactFactory, ImportantDateFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_restored_account_has_the_same_dates_on_the_restored_contacts(owner):
    ada = ContactFactory(owner=owner, name="Ada")
    ImportantDateFactory(contact=ada, month=12, day=10, year=1815)
    ImportantDateFactory(contact=ada, kind=DateKind.OTHER, label="First program", month=7, day=1,
                         year=1843, yearly=False)
    fresh = UserFactory(username="fresh")
    import_document(fresh, json.loads(export_json(owner)))
    restored = ImportantDate.objects.filter(owner=fresh).select_related("contact")
    assert sorted((d.contact.name, d.title, d.month, d.day, d.year, d.yearly) for d in restored) == [
        ("Ada", "Birthday", 12, 10, 1815, True),
        ("Ada", "First program", 7, 1, 1843, False),
    ]
    assert {d.contact.owner_id for d in restored} == {fresh.pk}
