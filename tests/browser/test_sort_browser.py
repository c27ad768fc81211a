"""The Sort new people screen driven by the keyboard alone: keys choose circle, discipline and
tier, Enter saves and brings the next person, "c" types a cadence, "s" skips, "x" archives."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.browser
WAIT = 20_000


@pytest.fixture
def newcomers(owner):
    fields = {"circle": "", "discipline": "", "tier": ""}
    return [
        ContactFactory(owner=owner, name="Plumber Kev", **fields),
        ContactFactory(owner=owner, name="Mom", **fields),
        ContactFactory(owner=owner, name="Ada Lovelace", **fields),
    ]


def test_sorting_three_people_with_the_keyboard(owner_page, newcomers, browser_errors):
    kev, mom, ada = newcomers
    page = owner_page
    page.goto("/contacts/sort/")
    card = page.locator("#sort-card")
    expect(card.locator("h2")).to_have_text("Ada Lovelace", timeout=WAIT)
    expect(card).to_contain_text("3 to sort")
    page.locator("h1").click()  # focus the page, not a field

    for key in ("4", "d", "7"):
        page.keyboard.press(key)
    expect(card.locator('input[value="community"]')).to_be_checked()
    expect(card.locator('input[value="design"]')).to_be_checked()
    expect(card.locator('input[value="peer"]')).to_be_checked()
    page.keyboard.press("Enter")
    expect(card.locator("h2")).to_have_text("Mom", timeout=WAIT)
    expect(card).to_contain_text("Saved Ada Lovelace: Community · Design · Peer.")
    expect(card.locator("h2")).to_be_focused()
    ada.refresh_from_db()
    assert (ada.circle, ada.discipline, ada.tier) == ("community", "design", "peer")

    page.keyboard.press("s")
    expect(card.locator("h2")).to_have_text("Plumber Kev", timeout=WAIT)
    page.keyboard.press("c")
    expect(card.locator('input[name="cadence_days"]')).to_be_focused()
    page.keyboard.type("365")
    page.keyboard.press("Escape")
    page.keyboard.press("x")
    expect(card).to_contain_text("Archived Plumber Kev.", timeout=WAIT)
    expect(card).to_contain_text("That was the last one")
    expect(card).to_contain_text("1 person is still to sort")
    assert Contact.objects.get(pk=kev.pk).archived
    assert Contact.objects.get(pk=mom.pk).tier == ""
    assert browser_errors == []
