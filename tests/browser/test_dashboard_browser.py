"""The dashboard in a real browser: actions update the cards in place, with no reload, no
console error and no CSP violation. Screenshots go to test-results/screenshots/."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interactions.dashboard.views import CARDS
from interactions.models import FollowUp, FollowUpReason, FollowUpStatus, Interaction
from tests.browser.conftest import TIMEOUT_MS, RequestsInFlight, close_when_quiet
from tests.factories import (
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    SupportFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(owner):
    """A small believable account: three people due (one long overdue), a promise, history."""
    today = timezone.localdate()
    people = {
        name: ContactFactory(owner=owner, name=name, company=company, title=title)
        for name, company, title in [
            ("Ada Lovelace", "Analytical Engines", "Staff Engineer"),
            ("Grace Hopper", "Navy Labs", "Director of Engineering"),
            ("Linus Pauling", "Chem Corp", "VP Product"),
            ("Katherine Johnson", "NASA", "Data Lead"),
        ]
    }
    for name, days_ago, reason, note in [
        ("Ada Lovelace", 34, FollowUpReason.CADENCE, ""),
        ("Grace Hopper", 3, FollowUpReason.PROMISE, "Send the RFC template"),
        ("Linus Pauling", 0, FollowUpReason.CADENCE, ""),
    ]:
        FollowUpFactory(
            owner=owner,
            contact=people[name],
            reason=reason,
            note=note,
            due_on=today - dt.timedelta(days=days_ago),
            source_key=f"seed:{name}",
        )
    InteractionFactory(
        owner=owner,
        contacts=[people["Katherine Johnson"]],
        summary="Coffee about the data platform",
        occurred_at=timezone.now() - dt.timedelta(days=2),
    )
    SupportFactory(
        owner=owner,
        contact=people["Grace Hopper"],
        description="Review her team's hiring rubric",
        offered_on=today - dt.timedelta(days=6),
    )
    EventFactory(
        owner=owner, name="LeadDev Berlin", starts_on=today + dt.timedelta(days=9), place="Berlin"
    )
    return people


def reach_out_row(page, name):
    return page.locator("#card-reach-out li.reach-row", has_text=name)


def test_snooze_takes_the_row_off_reach_out_without_a_reload(
    owner_page, live_server, seeded, browser_errors, screenshot
):
    page = owner_page
    page.goto("/")
    expect(page.locator("#card-reach-out li.reach-row")).to_have_count(3)
    screenshot(page, "dashboard-desktop")
    page.evaluate("window.__sameDocument = true")

    row = reach_out_row(page, "Ada Lovelace")
    row.locator("summary", has_text="Snooze").click()
    row.get_by_role("button", name="1 week").click()

    expect(reach_out_row(page, "Ada Lovelace")).to_have_count(0)
    expect(page.locator("#card-reach-out li.reach-row")).to_have_count(2)
    assert page.evaluate("window.__sameDocument") is True
    follow_up = FollowUp.objects.get(contact=seeded["Ada Lovelace"])
    assert follow_up.status == FollowUpStatus.SNOOZED
    assert browser_errors == []


def test_a_picked_snooze_date_and_enter_snooze_the_row_and_done_still_works(
    owner_page, seeded, browser_errors
):
    # The date field belongs to a form of its own: Enter in it snoozes to that date, never
    # submits the row's first button ("Done").
    page = owner_page
    page.goto("/")
    until = timezone.localdate() + dt.timedelta(days=12)
    row = reach_out_row(page, "Grace Hopper")
    row.locator("summary", has_text="Snooze").click()
    date_input = row.locator("input[type=date]")
    date_input.fill(until.isoformat())
    date_input.press("Enter")
    expect(reach_out_row(page, "Grace Hopper")).to_have_count(0)
    follow_up = FollowUp.objects.get(contact=seeded["Grace Hopper"])
    assert (follow_up.status, follow_up.due_on) == (FollowUpStatus.SNOOZED, until)

    reach_out_row(page, "Ada Lovelace").get_by_role("button", name="Done").click()
    expect(reach_out_row(page, "Ada Lovelace")).to_have_count(0)
    assert FollowUp.objects.get(contact=seeded["Ada Lovelace"]).status == FollowUpStatus.DONE
    assert browser_errors == []


def test_congratulated_them_logs_and_shows_in_recent_activity(owner_page, seeded, browser_errors):
    page = owner_page
    page.goto("/")
    row = reach_out_row(page, "Linus Pauling")
    row.get_by_role("button", name="Congratulated them").click()

    activity = page.locator("#card-activity")
    expect(activity.locator("li", has_text="Linus Pauling").first).to_contain_text(
        "Congratulated them"
    )
    # Logging restarts the cadence, so the cadence reminder leaves Reach out.
    expect(reach_out_row(page, "Linus Pauling")).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Congratulated them")
    assert Interaction.objects.filter(
        contacts=seeded["Linus Pauling"], summary="Congratulated them"
    ).exists()
    assert browser_errors == []


def test_done_moves_keyboard_focus_to_the_next_row(owner_page, seeded, browser_errors):
    page = owner_page
    page.goto("/")
    first = page.locator("#card-reach-out li.reach-row").first
    expect(first).to_contain_text("Ada Lovelace")
    first.get_by_role("button", name="Done").focus()
    page.keyboard.press("Enter")

    expect(reach_out_row(page, "Ada Lovelace")).to_have_count(0)
    focused_row = page.locator("#card-reach-out li.reach-row:has(:focus)")
    expect(focused_row).to_contain_text("Grace Hopper")
    assert browser_errors == []


def test_dashboard_fits_a_phone_screen(owner_phone_page, seeded, browser_errors, screenshot):
    page = owner_phone_page
    page.goto("/")
    expect(page.locator("#card-reach-out li.reach-row")).to_have_count(3)
    screenshot(page, "dashboard-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert browser_errors == []


def test_signing_in_through_the_form_opens_the_dashboard(
    chromium, live_server, owner, seeded, browser_errors
):
    context = chromium.new_context(base_url=live_server.url)
    page = browser_errors.watch(context.new_page())
    requests = RequestsInFlight(page)
    try:
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        page.get_by_label("Username").fill("owner")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Today")).to_be_visible()
        expect(page.locator("#card-reach-out li.reach-row")).to_have_count(3)
    finally:
        close_when_quiet(context, requests)
    assert browser_errors == []


def test_a_name_on_reach_out_opens_the_before_you_talk_brief(
    owner_page, seeded, browser_errors, screenshot
):
    page = owner_page
    page.goto("/")
    reach_out_row(page, "Grace Hopper").get_by_role("link", name="Grace Hopper", exact=True).click()

    expect(page.get_by_role("heading", name="Grace Hopper", level=1)).to_be_visible()
    brief = page.locator("#brief")
    expect(brief).to_contain_text("Before you talk")
    expect(brief).to_contain_text("Review her team's hiring rubric")
    screenshot(page, "contact-page-desktop")
    assert browser_errors == []


# --- An answer that arrives after its card reloaded ----------------------------------------
# The user clicks an action on a row, and before its answer arrives another action's event
# reloads the card that holds the row. The answer then comes back to an element no longer in
# the page; its event must still reach the other cards.


def hold_requests(page, url: str) -> list:
    """Hold the page's requests to `url` until the test lets each through (.continue_())."""
    held = []
    page.route(url, lambda route: held.append(route))  # a bound held.append fails in Playwright
    return held


def wait_until(page, condition, what: str) -> None:
    # As patient as every expect() here (TIMEOUT_MS): a loaded machine answers slowly.
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if condition():
            return
        page.wait_for_timeout(50)  # lets Playwright dispatch the route handler meanwhile
    pytest.fail(f"Timed out waiting for {what}")


def reload_every_card_with_another_action(page) -> None:
    """Mark Grace Hopper done (not held): her answer's event reloads every card."""
    page.evaluate("window.__oldCards = Array.from(document.querySelectorAll('[id^=card-]'))")
    reach_out_row(page, "Grace Hopper").get_by_role("button", name="Done").click()
    reloaded = (
        "window.__oldCards.every((card) => !card.isConnected)"
        " && !document.querySelector('.htmx-request')"
    )
    # Not wait_for_function: it evaluates its string with eval(), which the CSP refuses.
    wait_until(page, lambda: page.evaluate(reloaded), "every card to reload")


def overdue_count(page):
    return page.locator("#card-counts .stat", has_text="overdue").locator(".stat-value")


def test_done_answered_after_its_card_reloaded_still_refreshes_the_cards(
    owner_page, seeded, browser_errors
):
    page = owner_page
    page.goto("/")
    page.wait_for_load_state("networkidle")  # "One person" loads itself after the page
    ada = FollowUp.objects.get(contact=seeded["Ada Lovelace"])
    held = hold_requests(page, f"**/dashboard/follow-ups/{ada.pk}/done/")
    reach_out_row(page, "Ada Lovelace").get_by_role("button", name="Done").click()
    wait_until(page, lambda: held, "Ada's Done to be sent")

    reload_every_card_with_another_action(page)
    expect(overdue_count(page)).to_have_text("1")  # Grace's reminder is done, Ada's not yet
    expect(reach_out_row(page, "Ada Lovelace")).to_have_count(1)

    held[0].continue_()
    expect(reach_out_row(page, "Ada Lovelace")).to_have_count(0)
    expect(overdue_count(page)).to_have_text("0")
    assert FollowUp.objects.get(pk=ada.pk).status == FollowUpStatus.DONE
    assert browser_errors == []


def test_quick_log_answered_after_its_card_reloaded_still_refreshes_the_cards(
    owner_page, seeded, browser_errors
):
    page = owner_page
    page.goto("/")
    page.wait_for_load_state("networkidle")
    linus = seeded["Linus Pauling"]
    held = hold_requests(page, f"**/interactions/quick/{linus.pk}/**")
    reach_out_row(page, "Linus Pauling").get_by_role("button", name="Congratulated them").click()
    wait_until(page, lambda: held, "the quick log to be sent")

    reload_every_card_with_another_action(page)
    expect(reach_out_row(page, "Linus Pauling")).to_have_count(1)

    held[0].continue_()
    activity = page.locator("#card-activity")
    expect(activity.locator("li", has_text="Linus Pauling").first).to_contain_text(
        "Congratulated them"
    )
    expect(reach_out_row(page, "Linus Pauling")).to_have_count(0)
    # The toast comes from the event too: the button that asked is gone from the page.
    expect(page.locator(".toast", has_text="Congratulated them")).to_have_text(
        "Logged “Congratulated them” for Linus Pauling."
    )
    assert browser_errors == []


def test_a_change_that_lands_while_a_card_reloads_still_shows_on_that_card(
    owner_page_without_service_worker, seeded, browser_errors
):
    # Reach out reloads (after Grace's Done) and the server answers that reload before Ada's
    # Done is saved, but the answer arrives after Ada's event: the card must reload again.
    # (Without the service worker: it would make the card's reload itself, unseen by
    # page.route, and the test would wait for a reload it never sees.)
    page = owner_page_without_service_worker
    page.goto("/")
    page.wait_for_load_state("networkidle")
    answers = []

    def read_now_answer_later(route):
        if answers:
            route.continue_()
        else:  # a loaded server may take a while: the page's own patience, not 5 s
            answers.append((route, route.fetch(timeout=TIMEOUT_MS)))

    page.route("**/dashboard/cards/reach-out/", read_now_answer_later)
    reach_out_row(page, "Grace Hopper").get_by_role("button", name="Done").click()
    wait_until(page, lambda: answers, "Reach out to reload")

    reach_out_row(page, "Ada Lovelace").get_by_role("button", name="Done").click()
    expect(reach_out_row(page, "Ada Lovelace")).to_have_count(0)  # the row's own answer
    expect(overdue_count(page)).to_have_text("0")  # Ada's event reached the counts

    route, answer_from_before = answers[0]
    route.fulfill(response=answer_from_before)  # Reach out as it was before Ada's Done
    expect(reach_out_row(page, "Grace Hopper")).to_have_count(0)
    expect(reach_out_row(page, "Ada Lovelace")).to_have_count(0)
    expect(page.locator("#card-reach-out li.reach-row")).to_have_count(1)  # Linus
    assert browser_errors == []


def test_one_action_reloads_each_card_once(owner_page, seeded, browser_errors):
    page = owner_page
    page.goto("/")
    page.wait_for_load_state("networkidle")
    requests = RequestsInFlight(page)
    sent = []
    page.on("request", lambda request: sent.append(request.url))

    reach_out_row(page, "Ada Lovelace").get_by_role("button", name="Done").click()
    expect(reach_out_row(page, "Ada Lovelace")).to_have_count(0)
    assert requests.wait_until_quiet()
    card_reloads = [url.split("/dashboard/cards/")[1] for url in sent if "/cards/" in url]
    assert sorted(card_reloads) == sorted(f"{card}/" for card in CARDS)
    assert browser_errors == []
