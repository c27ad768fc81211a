"""The contact picker (contacts.widgets): on a form that picks one person it is typed and driven
from the keyboard like the Log form's, a pick replaces the choice, Enter never submits the form,
and the form saves the person picked. Without JavaScript, Find posts the form back to show the
matches (the CSRF token never in an address) and Enter in a text field saves."""

import pytest
from playwright.sync_api import expect

from interactions.models import Interaction, Support
from tests.browser.conftest import DESKTOP, RequestsInFlight, _new_page, close_when_quiet
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


# --- without JavaScript --------------------------------------------------------------------------


@pytest.fixture
def page_without_js(chromium, live_server, owner, browser_errors):
    """A desktop page signed in as the owner, with JavaScript off: <noscript> is rendered, every
    address the browser asks for is kept in `page.urls`."""
    context, page = _new_page(
        chromium, live_server, owner, browser_errors, DESKTOP, java_script_enabled=False
    )
    page.urls = []
    page.on("request", lambda request: page.urls.append(request.url))
    requests = RequestsInFlight(page)
    yield page
    close_when_quiet(context, requests)


def test_find_on_the_log_form_without_js_posts_back_and_saves_nothing(
    page_without_js, owner, people, browser_errors
):
    page = page_without_js
    ada, grace = people["Ada Lovelace"], people["Grace Hopper"]
    page.goto(f"/interactions/log/?contact={ada.pk}")
    page.get_by_label("Summary").fill("Lunch at the lab")
    page.get_by_label("Who").fill("grace")
    with page.expect_navigation():
        page.get_by_role("button", name="Find").click()

    assert Interaction.objects.count() == 0
    match = page.get_by_role("checkbox", name="Grace Hopper")
    expect(match).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Ada Lovelace")).to_be_checked()
    expect(page.get_by_label("Summary")).to_have_value("Lunch at the lab")
    expect(page.locator(".errorlist")).to_have_count(0)
    match.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".flash-success")).to_contain_text("Lunch at the lab")
    interaction = Interaction.objects.get()
    assert set(interaction.contacts.all()) == {ada, grace}
    # Find posted the form: the CSRF token never travelled in an address.
    assert page.urls and not [url for url in page.urls if "csrfmiddlewaretoken" in url]
    assert browser_errors == []


def test_enter_in_the_summary_without_js_saves_the_log_form(
    page_without_js, owner, people, browser_errors
):
    page = page_without_js
    ada = people["Ada Lovelace"]
    page.goto(f"/interactions/log/?contact={ada.pk}")
    summary = page.get_by_label("Summary")
    summary.fill("Coffee about the engine")
    with page.expect_navigation():
        summary.press("Enter")

    expect(page.locator(".flash-success")).to_contain_text("Coffee about the engine")
    assert list(Interaction.objects.get().contacts.all()) == [ada]
    assert browser_errors == []


def test_enter_in_the_search_box_without_js_finds_the_name_typed(
    page_without_js, owner, people, browser_errors
):
    page = page_without_js
    page.goto(f"/interactions/log/?contact={people['Ada Lovelace'].pk}")
    page.get_by_label("Summary").fill("Lunch")
    search = page.get_by_label("Who")
    search.fill("hopper")
    with page.expect_navigation():
        search.press("Enter")

    expect(page.get_by_role("checkbox", name="Grace Hopper")).not_to_be_checked()
    expect(page.get_by_label("Summary")).to_have_value("Lunch")
    assert not Interaction.objects.exists()
    assert browser_errors == []
