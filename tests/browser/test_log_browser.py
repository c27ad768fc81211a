"""Logging from the dashboard in a real browser: the "l" key opens the Log form in a dialog,
contacts are picked by typing, and saving closes it, confirms, and refreshes the cards."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interactions.models import FollowUpReason, Interaction
from tests.factories import ContactFactory, FollowUpFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def due_contact(owner):
    """Someone overdue for a cadence touch, among a few others."""
    ContactFactory(owner=owner, name="Margaret Hamilton", company="Apollo Software")
    ContactFactory(owner=owner, name="Barbara Liskov", company="MIT")
    contact = ContactFactory(owner=owner, name="Radia Perlman", company="Spanning Trees Inc")
    FollowUpFactory(
        owner=owner,
        contact=contact,
        reason=FollowUpReason.CADENCE,
        due_on=timezone.localdate() - dt.timedelta(days=20),
        source_key="seed:radia",
    )
    return contact


def open_log_with_l(page):
    page.goto("/")
    page.locator("body").click(position={"x": 5, "y": 300})  # focus the page, not a field
    page.keyboard.press("l")
    dialog = page.locator("dialog#log-dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_l_opens_the_log_form_and_saving_refreshes_the_cards(
    owner_page, due_contact, browser_errors
):
    page = owner_page
    dialog = open_log_with_l(page)
    search = dialog.get_by_role("searchbox")
    expect(search).to_be_focused()

    search.press_sequentially("perl")
    expect(dialog.locator(".picker-results")).to_contain_text("Radia Perlman")
    search.press("Enter")
    expect(dialog.locator("[data-picker-selected]")).to_contain_text("Radia Perlman")
    dialog.get_by_label("Summary").fill("Coffee about network protocols")
    dialog.get_by_role("button", name="Save").click()

    expect(dialog).to_be_hidden()
    expect(page.locator("#messages")).to_contain_text("Coffee about network protocols")
    expect(page.locator("#card-activity")).to_contain_text("Coffee about network protocols")
    expect(page.locator("#card-reach-out")).not_to_contain_text("Radia Perlman")
    expect(page.locator("#card-counts .stat", has_text="touch this week")).to_contain_text("1")
    assert Interaction.objects.filter(
        contacts=due_contact, summary="Coffee about network protocols"
    ).exists()
    assert browser_errors == []


def test_saving_without_a_contact_shows_the_error_next_to_the_field(
    owner_page, due_contact, browser_errors
):
    page = owner_page
    dialog = open_log_with_l(page)
    dialog.get_by_label("Summary").fill("Lunch")
    dialog.get_by_role("button", name="Save").click()

    expect(dialog.locator(".field:has([data-contact-picker]) .errorlist")).to_contain_text(
        "Pick at least one contact"
    )
    expect(dialog.get_by_role("searchbox")).to_be_focused()
    expect(dialog.get_by_label("Summary")).to_have_value("Lunch")
    expect(dialog).to_be_visible()
    assert not Interaction.objects.exists()
    assert browser_errors == []


def test_escape_closes_the_log_dialog_and_gives_focus_back(owner_page, due_contact, browser_errors):
    page = owner_page
    dialog = open_log_with_l(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("a[data-shortcut='l']")).to_be_focused()
    assert browser_errors == []


def test_log_a_touch_on_a_row_opens_the_form_for_that_person(
    owner_page, due_contact, browser_errors
):
    page = owner_page
    page.goto("/")
    row = page.locator("#card-reach-out li.reach-row", has_text="Radia Perlman")
    row.get_by_role("link", name="Log a touch").click()

    dialog = page.locator("dialog#log-dialog")
    expect(dialog.locator("[data-picker-selected]")).to_contain_text("Radia Perlman")
    dialog.get_by_label("Summary").fill("Caught up on her new book")
    dialog.get_by_role("button", name="Save").click()

    expect(dialog).to_be_hidden()
    expect(page.locator("#card-reach-out")).not_to_contain_text("Radia Perlman")
    expect(row.get_by_role("link", name="Log a touch")).to_have_count(0)
    assert browser_errors == []
