"""Revisions kept in step with the contacts (carddav.sync), in a number of queries that does
not grow with the address book: the reconcile, a depth-1 PROPFIND and a sync-collection."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from carddav.models import AddressBook, Card
from carddav.sync import reconcile
from contacts import services
from tests.carddav.conftest import NS, xml
from tests.factories import ContactEmailFactory, ContactFactory, TagFactory

SYNC = """<d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
<d:sync-token/><d:prop><d:getetag/><card:address-data/></d:prop></d:sync-collection>"""


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _add_contacts(owner, count, start=0):
    for i in range(start, start + count):
        contact = ContactFactory(owner=owner, name=f"Person {i}")
        ContactEmailFactory(contact=contact)
        contact.tags.add(TagFactory(owner=owner, name=f"tag{i}"))


def test_reconcile_makes_cards_for_new_contacts_once(owner):
    _add_contacts(owner, 3)
    book = reconcile(owner)
    assert Card.objects.filter(owner=owner).count() == 3
    assert reconcile(owner).revision == book.revision  # nothing changed, no new revision


def test_reconcile_costs_the_same_queries_for_5_or_50_changed_contacts(owner):
    reconcile(owner)
    _add_contacts(owner, 5)
    few = _queries(lambda: reconcile(owner))
    _add_contacts(owner, 45, start=5)
    assert _queries(lambda: reconcile(owner)) == few


def test_a_deleted_contact_leaves_a_tombstone_with_a_new_revision(owner):
    contact = ContactFactory(owner=owner)
    reconcile(owner)
    before = AddressBook.objects.get(owner=owner).revision
    services.delete_contact(contact)
    reconcile(owner)
    card = Card.objects.get(owner=owner)
    assert card.deleted and card.contact_id is None and card.revision > before


def test_depth_1_propfind_and_sync_collection_cost_the_same_queries_for_5_or_50_cards(dav, owner):
    body = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
    _add_contacts(owner, 5)
    dav.propfind(dav.book, body, depth="1")  # makes the cards
    propfind_few = _queries(lambda: dav.propfind(dav.book, body, depth="1"))
    sync_few = _queries(lambda: dav.report(dav.book, SYNC))
    _add_contacts(owner, 45, start=5)
    dav.propfind(dav.book, body, depth="1")
    assert _queries(lambda: dav.propfind(dav.book, body, depth="1")) == propfind_few
    assert _queries(lambda: dav.report(dav.book, SYNC)) == sync_few
    root = xml(dav.report(dav.book, SYNC))
    assert len(root.findall("d:response", NS)) == 50
