"""The keyboard away from the dashboard: "l" opens the Log form in the page's dialog with focus
inside, Tab stays in it, Escape closes it and gives focus back; the contact picker is driven
with the arrows and Enter; Back after a contacts search leaves no script error."""

import pytest
from playwright.sync_api import expect

from interactions.models import Interaction
from tests.factories import ContactFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def people(owner):
    return [
        ContactFactory(owner=owner, name="Ada Lovelace", company="Analytical Engines"),
        ContactFactory(owner=owner, name="Ada Yonath", company="Weizmann Institute"),
        ContactFactory(owner=owner, name="Grace Hopper", company="Navy"),
    ]


def open_log_on_contacts(page):
    page.goto("/contacts/")
    page.locator("h1").click()  # focus the page, not a field
    page.keyboard.press("l")
    dialog = page.locator("#modal [role=dialog]")
    expect(dialog).to_be_visible()
    return dialog


def focus_is_inside(page, selector: str) -> bool:
    return page.evaluate(
        "(selector) => document.querySelector(selector).contains(document.activeElement)", selector
    )


def test_l_on_the_contacts_page_opens_the_log_dialog_with_focus_in_the_search(
    owner_page, people, browser_errors
):
    page = owner_page
    dialog = open_log_on_contacts(page)
    expect(dialog.get_by_role("searchbox")).to_be_focused()
    assert browser_errors == []


def test_tab_and_shift_tab_stay_inside_the_log_dialog(owner_page, people, browser_errors):
    page = owner_page
    dialog = open_log_on_contacts(page)
    expect(dialog.get_by_role("searchbox")).to_be_focused()
    for _ in range(30):  # more stops than the dialog has: Tab must wrap around
        page.keyboard.press("Tab")
        assert focus_is_inside(page, "#modal [role=dialog]")
    dialog.get_by_role("searchbox").focus()
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        assert focus_is_inside(page, "#modal [role=dialog]")
    assert browser_errors == []


def test_escape_closes_the_log_dialog_and_focus_returns_to_the_log_link(
    owner_page, people, browser_errors
):
    page = owner_page
    dialog = open_log_on_contacts(page)
    expect(dialog.get_by_role("searchbox")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator("a[data-shortcut='l']")).to_be_focused()
    assert browser_errors == []


def test_arrow_down_then_enter_picks_the_highlighted_contact_and_does_not_submit(
    owner_page, people, browser_errors
):
    page = owner_page
    dialog = open_log_on_contacts(page)
    search = dialog.get_by_role("searchbox")
    search.press_sequentially("ada")
    options = dialog.locator(".picker-results .picker-option")
    expect(options).to_have_count(2)
    search.press("ArrowDown")
    search.press("ArrowDown")
    expect(options.nth(1)).to_have_class("picker-option is-active")
    search.press("Enter")

    selected = dialog.locator("[data-picker-selected]")
    expect(selected).to_contain_text("Ada Yonath")
    expect(selected).not_to_contain_text("Ada Lovelace")
    expect(search).to_be_focused()
    expect(dialog.locator(".errorlist")).to_have_count(0)
    assert not Interaction.objects.exists()
    assert browser_errors == []


def test_escape_in_the_picker_first_empties_the_results_then_closes(
    owner_page, people, browser_errors
):
    page = owner_page
    dialog = open_log_on_contacts(page)
    search = dialog.get_by_role("searchbox")
    search.press_sequentially("grace")
    expect(dialog.locator(".picker-results")).to_contain_text("Grace Hopper")
    search.press("Escape")
    expect(dialog.locator(".picker-option")).to_have_count(0)
    expect(dialog).to_be_visible()
    search.press("Escape")
    expect(dialog).to_have_count(0)
    assert browser_errors == []


def test_back_after_a_contacts_search_raises_no_script_error(owner_page, people, browser_errors):
    page = owner_page
    page.goto("/contacts/")
    page.get_by_label("Search").press_sequentially("grace")
    expect(page.locator("#contact-results")).not_to_contain_text("Ada Lovelace")
    page.wait_for_url("**/contacts/?*q=grace*")
    page.go_back()
    page.wait_for_url("**/contacts/")
    expect(page.locator("#contact-results")).to_contain_text("Ada Lovelace")
    page.go_forward()
    page.wait_for_url("**/contacts/?*q=grace*")
    expect(page.locator("#contact-results")).not_to_contain_text("Ada Lovelace")
    page.wait_for_timeout(300)
    assert browser_errors == []
