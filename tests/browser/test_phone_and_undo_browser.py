"""Screen sizes and Undo in a real browser: at 375 px the navigation and the contacts filters
stay compact and the Log dialog shows its results unclipped; a desktop screen shows a useful
number of contacts; Done on a Reach out row and a bulk action on the contacts list can be undone
from their message."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts.models import Contact
from interactions.models import FollowUp, FollowUpReason, FollowUpStatus
from tests.browser.conftest import RequestsInFlight, TIMEOUT_MS, close_when_quiet, sign_in
from tests.factories import ContactEmailFactory, ContactFactory, FollowUpFactory, TagFactory

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 812}


@pytest.fixture
def phone_page(chromium, live_server, owner, browser_errors):
    context = chromium.new_context(viewport=PHONE_375, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    sign_in(context, owner, live_server.url)
    page = browser_errors.watch(context.new_page())
    requests = RequestsInFlight(page)
    yield page
    close_when_quiet(context, requests)


@pytest.fixture
def many_contacts(owner):
    tag = TagFactory(owner=owner, name="speaker")
    people = []
    for n in range(30):
        contact = ContactFactory(
            owner=owner, name=f"Person {n:02d} Example", company="Analytical Engines",
            title="Staff Engineer",
        )
        ContactEmailFactory(contact=contact, email=f"person{n}@example.org")
        contact.tags.add(tag)
        people.append(contact)
    return people


def rows_in_view(page) -> int:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.contacts-table tbody tr'))
              .filter((row) => row.getBoundingClientRect().bottom <= window.innerHeight).length"""
    )


def test_desktop_shows_more_than_a_handful_of_contacts_per_screen(
    owner_page, many_contacts, browser_errors, screenshot
):
    page = owner_page
    page.goto("/contacts/")
    expect(page.locator(".contacts-table tbody tr")).to_have_count(len(many_contacts))
    screenshot(page, "contacts-desktop")
    assert rows_in_view(page) >= 8
    assert browser_errors == []


def test_phone_navigation_keeps_gives_and_asks_on_one_line(phone_page, browser_errors):
    page = phone_page
    page.goto("/")
    link = page.get_by_role("link", name="Gives & asks")
    height = link.evaluate("(el) => el.getBoundingClientRect().height")
    line = link.evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight) || 24")
    assert height < 2 * line
    assert browser_errors == []


def test_phone_contacts_filters_start_folded_with_the_search_in_sight(
    phone_page, many_contacts, browser_errors, screenshot
):
    page = phone_page
    page.goto("/contacts/")
    expect(page.get_by_label("Search")).to_be_visible()
    filters = page.locator("form.filters")
    height = filters.evaluate("(el) => el.getBoundingClientRect().height")
    assert height < 812 / 3
    expect(page.locator("form.filters #id_circle")).to_be_hidden()
    page.locator("form.filters summary").click()
    expect(page.locator("form.filters #id_circle")).to_be_visible()
    screenshot(page, "contacts-phone")
    assert browser_errors == []


def test_phone_log_dialog_shows_its_results_inside_the_screen(
    phone_page, many_contacts, browser_errors, screenshot
):
    page = phone_page
    page.goto("/contacts/")
    page.locator("h1").click()
    page.keyboard.press("l")
    dialog = page.locator("#modal [role=dialog]")
    search = dialog.get_by_role("searchbox")
    expect(search).to_be_focused()
    search.press_sequentially("person 0")
    results = dialog.locator(".picker-results")
    expect(results.locator(".picker-option").first).to_be_visible()
    screenshot(page, "log-dialog-phone")
    for box in (dialog.bounding_box(), results.bounding_box()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_375["width"] + 0.5
    # The results are not cut off by the dialog: every option is inside it or scrolls in it.
    option = results.locator(".picker-option").first.bounding_box()
    assert option["y"] >= 0 and option["y"] + option["height"] <= PHONE_375["height"]
    dialog.get_by_role("button", name="Save").scroll_into_view_if_needed()
    expect(dialog.get_by_role("button", name="Save")).to_be_in_viewport()
    assert browser_errors == []


def test_done_then_undo_brings_the_row_back(owner_page, owner, browser_errors):
    contact = ContactFactory(owner=owner, name="Radia Perlman")
    follow_up = FollowUpFactory(
        owner=owner, contact=contact, reason=FollowUpReason.PROMISE, note="send the slides",
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    page = owner_page
    page.goto("/")
    row = page.locator("#card-reach-out li.reach-row", has_text="Radia Perlman")
    row.get_by_role("button", name="Done").click()
    expect(row).to_have_count(0)
    note = page.locator("#messages .undo-note")
    expect(note).to_contain_text("Done: Radia Perlman.")
    note.get_by_role("button", name="Undo").click()
    expect(page.locator("#messages")).to_contain_text("Undone")
    expect(page.locator("#card-reach-out li.reach-row", has_text="Radia Perlman")).to_have_count(1)
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN
    assert browser_errors == []


def test_bulk_archive_then_undo_brings_the_contacts_back(owner_page, owner, browser_errors):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    ContactFactory(owner=owner, name="Alan Turing")
    page = owner_page
    page.goto("/contacts/")
    page.get_by_label("Select Ada Lovelace").check()
    page.get_by_label("Select Grace Hopper").check()
    page.locator("#bulk-action").select_option("archive")
    page.locator("#bulk-form").get_by_role("button", name="Apply").click()
    table = page.locator(".contacts-table")
    expect(table).not_to_contain_text("Ada Lovelace")
    expect(table).to_contain_text("Alan Turing")
    note = page.locator("#messages .undo-note")
    expect(note).to_contain_text("Done: archive on 2 contacts.")
    note.get_by_role("button", name="Undo").click()
    expect(page.locator("#messages")).to_contain_text("Undone: 2 contacts back as before.")
    expect(table).to_contain_text("Ada Lovelace")
    expect(table).to_contain_text("Grace Hopper")
    assert list(Contact.objects.filter(pk__in=[ada.pk, grace.pk]).values_list("archived", flat=True)) == [False, False]
    assert browser_errors == []
