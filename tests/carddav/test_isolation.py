"""Every DAV path of one user, tried by another user's app password: 404 (or 401 when the
username does not match the password), never a card; nothing changed."""

import pytest

from carddav.models import Card
from carddav.sync import reconcile
from contacts.models import Contact
from tests.carddav.conftest import basic, vcard
from tests.factories import ContactFactory

METHODS = ["GET", "PROPFIND", "REPORT", "PUT", "DELETE", "PROPPATCH"]
SYNC = ('<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:prop><d:getetag/></d:prop>'
        "</d:sync-collection>")


@pytest.fixture
def owners_card(owner):
    contact = ContactFactory(owner=owner, name="Owner Secret")
    reconcile(owner)
    return Card.objects.get(contact=contact)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/dav/owner/", "/dav/owner/contacts/", "CARD"])
def test_another_users_dav_paths_are_404(stranger_dav, owners_card, path, method):
    path = f"/dav/owner/contacts/{owners_card.name}" if path == "CARD" else path
    body = vcard(fn="Pwned") if method == "PUT" else SYNC if method == "REPORT" else ""
    content_type = "text/vcard" if method == "PUT" else "application/xml"
    response = stranger_dav.request(method, path, body, content_type=content_type)
    assert response.status_code == 404
    assert b"Owner Secret" not in response.content
    contact = Contact.objects.get(pk=owners_card.contact_id)
    assert (contact.name, contact.archived) == ("Owner Secret", False)


def test_the_strangers_own_address_book_holds_none_of_the_owners_cards(stranger_dav, owners_card):
    response = stranger_dav.report(stranger_dav.book, SYNC)
    assert response.status_code == 207
    assert owners_card.name.encode() not in response.content


def test_an_app_password_signs_in_only_its_own_user(client, owners_card, stranger_dav):
    password = stranger_dav.auth  # the stranger's header, with the owner's name in it
    import base64

    _, secret = base64.b64decode(password.split()[1]).decode().split(":", 1)
    response = client.generic("PROPFIND", "/dav/owner/contacts/", b"",
                              HTTP_AUTHORIZATION=basic("owner", secret))
    assert response.status_code == 401


def test_a_session_cookie_opens_nothing_on_dav(owner_client, owners_card):
    response = owner_client.generic("PROPFIND", "/dav/owner/contacts/", b"", HTTP_DEPTH="1")
    assert response.status_code == 401


def test_failed_app_passwords_are_throttled_per_client(client, owner, settings):
    settings.CREDENTIAL_FAILURE_LIMIT = 2
    codes = [
        client.generic("PROPFIND", "/dav/", b"", HTTP_AUTHORIZATION=basic("owner", "guess"),
                       REMOTE_ADDR="198.51.100.7").status_code
        for _ in range(3)
    ]
    assert codes == [401, 401, 429]
    response = client.generic("PROPFIND", "/dav/", b"", HTTP_AUTHORIZATION=basic("owner", "x"),
                              REMOTE_ADDR="198.51.100.7")
    assert int(response["Retry-After"]) > 0
