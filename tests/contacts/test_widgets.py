"""contacts.widgets: every form that picks one of the owner's contacts (introduced by, a link's
other person, the people met at an event, a capture rule's contact) renders the picker with only
the chosen contacts, never one option per contact; a stranger's contact stays a field error."""

import pytest
from django.urls import reverse

from contacts.models import Contact, ContactLink, Event
from tests.factories import ContactFactory, EventFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def chip(name, contact):
    return f'name="{name}" value="{contact.pk}" checked'


@pytest.fixture
def pages(owner):
    """Each page with a contact picker, its chosen people set where the page edits a row."""
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    grace = ContactFactory(owner=owner, name="Grace Hopper", introduced_by=ada)
    event = EventFactory(owner=owner)
    event.people_met.add(ada, grace)
    return {
        "contact create": reverse("contacts:create"),
        "contact edit": reverse("contacts:edit", args=[grace.pk]),
        "link create": reverse("contacts:link_create", args=[grace.pk]),
        "event create": reverse("contacts:event_create"),
        "event edit": reverse("contacts:event_edit", args=[event.pk]),
        "capture rules": reverse("capture:rules") + f"?contact={ada.pk}",
    }


PAGES = ["contact create", "contact edit", "link create", "event create", "event edit"]


@pytest.mark.parametrize("page", [*PAGES, "capture rules"])
def test_picker_pages_do_not_grow_with_the_contacts(owner_client, owner, pages, page_cost, page):
    ContactFactory(owner=owner)
    few = page_cost(owner_client, pages[page])
    ContactFactory.create_batch(57, owner=owner)
    assert page_cost(owner_client, pages[page]) == few


def test_contact_edit_and_its_brief_show_who_introduced_them(owner_client, owner):
    ada = ContactFactory(owner=owner)
    grace = ContactFactory(owner=owner, introduced_by=ada)
    url = reverse("contacts:edit", args=[grace.pk])
    assert chip("introduced_by", ada) in owner_client.get(url).content.decode()
    brief = owner_client.get(url, {"part": "brief"}, **HTMX).content.decode()
    assert chip("introduced_by", ada) in brief and "<select name=\"introduced_by\"" not in brief


def test_event_edit_shows_the_people_met(owner_client, owner):
    ada, grace = ContactFactory(owner=owner), ContactFactory(owner=owner)
    event = EventFactory(owner=owner)
    event.people_met.add(ada, grace)
    body = owner_client.get(reverse("contacts:event_edit", args=[event.pk])).content.decode()
    assert chip("people_met", ada) in body and chip("people_met", grace) in body


def test_unticking_introduced_by_clears_it(owner_client, owner):
    ada = ContactFactory(owner=owner)
    grace = ContactFactory(owner=owner, name="Grace Hopper", introduced_by=ada)
    response = owner_client.post(
        reverse("contacts:edit", args=[grace.pk]),
        # The chip was unticked: nothing is posted for introduced_by.
        {"name": "Grace Hopper", "emails": "", "phones": "", "tags": "", "cadence_days": ""},
    )
    assert response.status_code == 302
    grace.refresh_from_db()
    assert grace.introduced_by is None


def test_a_contact_introduced_by_a_strangers_contact_is_not_saved(owner_client, stranger):
    theirs = ContactFactory(owner=stranger)
    response = owner_client.post(
        reverse("contacts:create"),
        {"name": "Ada Lovelace", "introduced_by": theirs.pk, "emails": "", "phones": ""},
    )
    assert "introduced_by" in response.context["form"].errors
    assert not Contact.objects.filter(name="Ada Lovelace").exists()


def test_a_link_to_a_strangers_contact_is_not_saved(owner_client, owner, stranger):
    grace = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("contacts:link_create", args=[grace.pk]),
        {"to_contact": ContactFactory(owner=stranger).pk, "kind": "colleagues"},
    )
    assert "to_contact" in response.context["form"].errors and not ContactLink.objects.exists()


def test_an_event_with_a_strangers_contact_is_not_saved(owner_client, stranger):
    response = owner_client.post(
        reverse("contacts:event_create"),
        {
            "name": "DevConf",
            "kind": "conference",
            "starts_on": "2026-06-01",
            "people_met": [ContactFactory(owner=stranger).pk],
        },
    )
    assert "people_met" in response.context["form"].errors and not Event.objects.exists()


def test_the_link_picker_never_offers_the_contact_itself(owner_client, owner):
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    body = owner_client.post(
        reverse("contacts:link_create", args=[grace.pk]),
        {"picker_find": "to_contact", "to_contact_q": "grace", "kind": "colleagues"},
    ).content.decode()
    assert "No contact matches" in body and not ContactLink.objects.exists()


def test_find_without_javascript_adds_matches_beside_the_people_chosen(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    body = owner_client.post(
        reverse("contacts:event_create"),
        {
            "name": "DevConf",
            "people_met": [ada.pk],
            "picker_find": "people_met",
            "people_met_q": "hopper",
        },
    ).content.decode()
    # Several people: the matches are checkboxes next to the chosen one, nothing saved yet.
    assert chip("people_met", ada) in body
    assert f'type="checkbox" name="people_met" value="{grace.pk}"' in body
    assert not Event.objects.exists() and 'value="DevConf"' in body
