"""Undo of a delete in a real browser: an interaction deleted from the list (htmx, after the
browser's confirm) or from its confirm page, or a contact deleted from their page, comes back,
with what went with it, from the Undo of the message."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from interactions.models import Interaction
from tests.factories import ContactEmailFactory, ContactFactory, InteractionFactory

pytestmark = pytest.mark.browser


def test_delete_an_interaction_from_the_list_then_undo(owner_page, owner, browser_errors):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    interaction = InteractionFactory(owner=owner, contacts=[ada], summary="Talked about engines")
    InteractionFactory(owner=owner, contacts=[ada], summary="Sent the notes")
    page = owner_page
    page.goto("/interactions/")
    page.once("dialog", lambda dialog: dialog.accept())
    row = page.locator(f"#interaction-{interaction.pk}")
    row.get_by_role("link", name="Delete").click()
    expect(row).to_have_count(0)
    note = page.locator("#messages .undo-note")
    expect(note).to_contain_text("Interaction deleted: Talked about engines.")
    note.get_by_role("button", name="Undo").click()
    expect(page.locator("#messages")).to_contain_text("Undone: Talked about engines back as before.")
    expect(page.locator(f"#interaction-{interaction.pk}")).to_contain_text("Ada Lovelace")
    assert list(Interaction.objects.get(pk=interaction.pk).contacts.all()) == [ada]
    assert browser_errors == []


def test_delete_an_interaction_from_its_page_then_undo(owner_page, owner, browser_errors):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    interaction = InteractionFactory(owner=owner, contacts=[ada], summary="Talked about engines")
    page = owner_page
    page.goto(f"/interactions/{interaction.pk}/delete/")
    expect(page.locator("main")).to_contain_text("has an Undo")
    page.get_by_role("button", name="Delete").click()
    note = page.locator("#messages .undo-note")
    expect(note).to_contain_text("Interaction deleted: Talked about engines.")
    note.get_by_role("button", name="Undo").click()
    expect(page.locator("#messages")).to_contain_text("Undone: Talked about engines back as before.")
    expect(page.locator(f"#interaction-{interaction.pk}")).to_contain_text("Ada Lovelace")
    assert browser_errors == []


def test_delete_a_contact_from_their_page_then_undo(owner_page, owner, browser_errors):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    ContactEmailFactory(contact=ada, email="ada@example.org")
    InteractionFactory(owner=owner, contacts=[ada], summary="Talked about engines")
    page = owner_page
    page.goto(f"/contacts/{ada.pk}/")
    page.get_by_role("link", name="Delete").click()
    expect(page.locator("main")).to_contain_text("One conversation was with Ada Lovelace alone")
    page.get_by_role("button", name="Delete").click()
    expect(page).to_have_url("/contacts/")
    note = page.locator("#messages .undo-note")
    expect(note).to_contain_text("Deleted Ada Lovelace.")
    expect(page.locator("main")).not_to_contain_text("ada@example.org")
    note.get_by_role("button", name="Undo").click()
    expect(page.locator("#messages")).to_contain_text("Undone: Ada Lovelace back as before.")
    expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.locator("main")).to_contain_text("Talked about engines")
    assert Contact.objects.get(pk=ada.pk).emails.get().email == "ada@example.org"
    assert browser_errors == []
