"""The installable app's endpoints: the manifest and service worker, the session the outbox
reads, the contacts kept on the device, and the Log form's idempotent POST."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from tests.factories import ContactFactory
from webapp import selectors
from webapp.models import OfflineLog

pytestmark = pytest.mark.django_db
LOG = reverse("webapp:log")
JSON = {"Accept": "application/json"}


@pytest.fixture
def contact(owner):
    return ContactFactory(owner=owner, name="Radia Perlman")


def _form(contact, **changes):
    data = {
        "contacts": [contact.pk],
        "kind": "call",
        "occurred_on": timezone.localdate().isoformat(),
        "initiated_by": "me",
        "summary": "Corridor chat",
        "idempotency_key": str(uuid.uuid4()),
    }
    return data | changes


def test_a_key_sent_twice_logs_once(owner_client, owner, contact):
    data = _form(contact)
    first = owner_client.post(LOG, data, headers=JSON)
    again = owner_client.post(LOG, data, headers=JSON)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["status"] == "saved" and again.json()["status"] == "already saved"
    assert first.json()["interaction"] == again.json()["interaction"]
    assert Interaction.objects.filter(owner=owner).count() == 1
    assert OfflineLog.objects.get().interaction_id == first.json()["interaction"]


def test_two_keys_log_two_conversations(owner_client, owner, contact):
    owner_client.post(LOG, _form(contact), headers=JSON)
    owner_client.post(LOG, _form(contact), headers=JSON)
    assert Interaction.objects.filter(owner=owner).count() == 2


def test_keys_are_per_user(owner_client, stranger_client, stranger, contact):
    data = _form(contact)
    owner_client.post(LOG, data, headers=JSON)
    theirs = ContactFactory(owner=stranger)
    response = stranger_client.post(LOG, data | {"contacts": [theirs.pk]}, headers=JSON)
    assert response.status_code == 201  # the stranger's own conversation, not the owner's
    assert Interaction.objects.get(owner=stranger).contacts.get() == theirs


def test_another_users_contact_is_a_field_error(owner_client, stranger, owner):
    theirs = ContactFactory(owner=stranger)
    response = owner_client.post(LOG, _form(theirs), headers=JSON)
    assert response.status_code == 422
    assert "contacts" in response.json()["errors"]
    assert not Interaction.objects.exists() and not OfflineLog.objects.exists()


def test_the_outbox_must_send_a_key(owner_client, contact):
    response = owner_client.post(LOG, _form(contact, idempotency_key=""), headers=JSON)
    assert response.status_code == 400


def test_the_time_it_was_logged_on_the_device_is_when_it_happened(owner_client, owner, contact):
    logged_at = timezone.now() - timedelta(minutes=90)
    if timezone.localtime(logged_at).date() != timezone.localdate():
        pytest.skip("the device's time would be yesterday")
    owner_client.post(LOG, _form(contact, logged_at=logged_at.isoformat()), headers=JSON)
    assert Interaction.objects.get().occurred_at == logged_at


def test_a_wrong_device_clock_is_ignored(owner_client, contact):
    future = timezone.now() + timedelta(days=3)
    before = timezone.now()
    owner_client.post(LOG, _form(contact, logged_at=future.isoformat()), headers=JSON)
    assert Interaction.objects.get().occurred_at >= before


def test_htmx_gets_the_log_forms_fragments(owner_client, contact):
    data = _form(contact)
    response = owner_client.post(LOG, data, headers={"HX-Request": "true"})
    assert "Logged “Corridor chat” with Radia Perlman" in response.content.decode()
    assert "interactionLogged" in response["HX-Trigger"]
    again = owner_client.post(LOG, data, headers={"HX-Request": "true"})
    assert "Logged “Corridor chat”" in again.content.decode()
    assert Interaction.objects.count() == 1
    invalid = owner_client.post(LOG, _form(contact, contacts=[]), headers={"HX-Request": "true"})
    assert 'id="log-form"' in invalid.content.decode()
    assert "Pick at least one contact." in invalid.content.decode()


def test_a_key_whose_conversation_was_deleted_is_still_answered(owner_client, contact):
    data = _form(contact)
    owner_client.post(LOG, data, headers=JSON)
    Interaction.objects.all().delete()
    response = owner_client.post(LOG, data, headers=JSON)
    assert response.json() == {
        "status": "already saved",
        "interaction": None,
        "url": None,
        "summary": "",
    }
    assert not Interaction.objects.exists()


def test_the_log_endpoint_refuses_a_post_without_csrf_token(owner, contact):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(LOG, _form(contact), headers=JSON).status_code == 403


def test_the_session_says_who_is_signed_in_with_a_token(owner_client, owner, client):
    data = owner_client.get(reverse("webapp:session")).json()
    assert data["user"] == owner.pk and data["csrf_token"]
    assert Client().get(reverse("webapp:session")).json() == {"user": None}


def test_the_contacts_on_the_device_are_the_users_own_in_one_query(owner_client, owner, stranger):
    ContactFactory(owner=owner, name="Ada", company="Analytical")
    ContactFactory(owner=stranger, name="Not mine")
    owner_client.get(reverse("webapp:contacts"))  # the session is cached from here on
    with CaptureQueriesContext(connection) as queries:
        data = owner_client.get(reverse("webapp:contacts")).json()
    assert [row[1:] for row in data["contacts"]] == [["Ada", "Analytical"]]
    for n in range(10):
        ContactFactory(owner=owner)
    with CaptureQueriesContext(connection) as more:
        owner_client.get(reverse("webapp:contacts"))
    assert len(more) == len(queries)


def test_the_device_keeps_the_people_met_most_recently_not_the_whole_account(owner, owner_client):
    now = timezone.now()
    met = [
        ContactFactory(owner=owner, name=f"Met {n}", last_interaction_at=now - timedelta(days=n))
        for n in range(3)
    ]
    ContactFactory(owner=owner, name="Never met")
    ContactFactory(owner=owner, name="Archived", archived=True, last_interaction_at=now)
    assert [row[1] for row in selectors.contact_directory(owner, size=2)] == ["Met 0", "Met 1"]
    names = [row[1] for row in owner_client.get(reverse("webapp:contacts")).json()["contacts"]]
    assert names == ["Met 0", "Met 1", "Met 2", "Never met"]
    assert met[0].pk in {row[0] for row in selectors.contact_directory(owner, size=1)}


def test_the_manifest_and_service_worker_are_public_and_at_the_root(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["start_url"] == "/"
    worker = client.get("/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    body = worker.content.decode()
    assert "/static/js/outbox.js" in body and '"/interactions/log/"' in body


def test_the_offline_and_outbox_pages_render(owner_client):
    assert "No connection" in owner_client.get(reverse("webapp:offline")).content.decode()
    assert "data-outbox-list" in owner_client.get(reverse("webapp:outbox")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_twice_at_the_same_moment_logs_once(owner, contact):
    """Two tabs (or a tab and the service worker) sending at once: the second waits on the
    key's unique index, then answers "already saved"."""
    import threading

    from django.db import connection as main_connection

    if main_connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: nothing to race")
    data = _form(contact)
    start = threading.Barrier(2)
    statuses = []

    def send():
        from django.db import connection

        client = Client()
        client.force_login(owner)
        start.wait()
        statuses.append(client.post(LOG, data, headers=JSON).status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 201]
    assert Interaction.objects.filter(owner=owner).count() == 1
