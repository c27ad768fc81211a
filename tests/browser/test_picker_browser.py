"""The contact picker on the forms that pick one person (contacts.widgets.ContactPicker): typed
and driven from the keyboard like the Log form's, a pick replaces the choice, Enter never
submits the form, and the form saves the person picked."""

import pytest
from playwright.sync_api import expect

from interactions.models import Support
from tests.factories import ContactFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def people(owner):
    return {
        name: ContactFactory(owner=owner, name=name)
        for name in ("Ada Lovelace", "Ada Yonath", "Grace Hopper")
    }


def test_a_give_picks_its_person_by_typing_and_the_keyboard(owner_page, people, browser_errors):
    page = owner_page
    page.goto("/interactions/gives/new/")
    picker = page.locator("[data-contact-picker][data-field-name=contact]")
    search = picker.get_by_role("searchbox")
    search.press_sequentially("ada")
    options = picker.locator(".picker-results .picker-option")
    expect(options).to_have_count(2)
    search.press("ArrowDown")
    search.press("ArrowDown")
    expect(options.nth(1)).to_have_class("picker-option is-active")
    search.press("Enter")

    chosen = picker.locator("[data-picker-selected]")
    expect(chosen).to_have_text("Ada Yonath")
    expect(search).to_be_focused()
    expect(page.locator(".errorlist")).to_have_count(0)  # Enter did not submit the form
    assert not Support.objects.exists()

    # One person: the next pick replaces the first.
    search.press_sequentially("grace")
    expect(options).to_have_count(1)
    search.press("Enter")
    expect(chosen).to_have_text("Grace Hopper")

    page.get_by_label("Description").fill("Review of the compiler talk")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("Give saved")
    support = Support.objects.get()
    assert support.contact == people["Grace Hopper"]
    assert support.description == "Review of the compiler talk"
    assert browser_errors == []
