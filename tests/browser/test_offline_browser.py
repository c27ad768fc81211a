"""The installable app in Chromium: installable (manifest with icons and start_url, a service
worker that controls the page), the app shell and the Log form open offline, a conversation
logged offline is kept on the device and saved once when the connection returns."""

import datetime as dt
import struct
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from interactions.models import FollowUpReason, Interaction
from tests.factories import ContactFactory, FollowUpFactory

pytestmark = pytest.mark.browser

# Chromium logs a request that fails for want of a network as a console error; offline, that
# is the point of the test, not a fault of the page.
OFFLINE_NOISE = ("ERR_INTERNET_DISCONNECTED", "Failed to fetch")


def real_errors(errors):
    return [e for e in errors if not any(noise in e for noise in OFFLINE_NOISE)]


@pytest.fixture
def radia(owner):
    ContactFactory(owner=owner, name="Margaret Hamilton", company="Apollo Software")
    contact = ContactFactory(owner=owner, name="Radia Perlman", company="Spanning Trees Inc")
    FollowUpFactory(
        owner=owner,
        contact=contact,
        reason=FollowUpReason.CADENCE,
        due_on=timezone.localdate() - dt.timedelta(days=3),
        source_key="seed:radia",
    )
    return contact


def wait_for_async(page, script: str, timeout_ms: int = 10_000) -> None:
    """Poll an async function in the page until it resolves truthy (wait_for_function does not
    wait for a promise: it takes the promise itself as truthy)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for: {script}")
        page.wait_for_timeout(100)


def wait_until_installed(page):
    """The service worker controls the page and has the Log form and the contacts on the
    device."""
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )
    wait_for_async(
        page,
        """async () => {
            const cache = await caches.open("ncrm-pages");
            return Boolean(await cache.match("/interactions/log/"))
                && Boolean(await cache.match("/app/contacts.json"))
                && Boolean(await cache.match("/app/offline/"));
        }"""
    )


def test_the_manifest_makes_the_app_installable(owner_page, browser_errors):
    page = owner_page
    page.goto("/")
    wait_until_installed(page)
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert manifest["url"].endswith("/manifest.webmanifest")
    # Playwright's contexts are incognito, where Chromium installs nothing; any other reason
    # would be the app's.
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e for e in errors if e["errorId"] != "in-incognito"] == [], errors

    data = page.request.get("/manifest.webmanifest").json()
    assert data["start_url"] == "/" and data["scope"] == "/" and data["display"] == "standalone"
    assert data["name"] and data["short_name"] and data["theme_color"] and data["background_color"]
    sizes = {}
    for icon in data["icons"]:
        response = page.request.get(icon["src"])
        assert response.ok, icon["src"]
        assert response.headers["content-type"].startswith(icon["type"])
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", response.body()[16:24])
            assert icon["sizes"] == f"{width}x{height}"
            sizes[(width, icon["purpose"])] = True
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= set(sizes)
    assert any(icon["type"] == "image/svg+xml" for icon in data["icons"])
    assert browser_errors == []


def test_the_service_worker_controls_the_page_at_the_site_root(owner_page, browser_errors):
    page = owner_page
    page.goto("/contacts/")
    wait_until_installed(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == page.url.split("/contacts/")[0] + "/"
    response = page.request.get("/sw.js")
    assert response.headers["service-worker-allowed"] == "/"
    assert "no-cache" in response.headers["cache-control"]
    assert browser_errors == []


def test_offline_the_app_shell_and_the_log_form_reload_from_the_device(
    owner_page, radia, browser_errors
):
    page = owner_page
    page.goto("/")
    wait_until_installed(page)
    page.reload()  # now through the worker, which keeps this copy
    expect(page.locator("#card-reach-out")).to_contain_text("Radia Perlman")
    page.context.set_offline(True)

    page.reload()
    expect(page.locator("#card-reach-out")).to_contain_text("Radia Perlman")
    expect(page.locator("#app-status")).to_contain_text("Offline")
    assert page.evaluate("getComputedStyle(document.body).fontFamily")  # the stylesheet came too

    page.goto("/interactions/log/?next=/")
    expect(page.get_by_role("heading", name="Log a conversation")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_visible()

    page.goto("/insights/never-visited/")
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()
    page.context.set_offline(False)
    assert real_errors(browser_errors) == []


def log_offline(page):
    """Open the Log form, go offline, and log a conversation with Radia from the device."""
    page.goto(reverse("interactions:create"))
    wait_until_installed(page)
    page.context.set_offline(True)
    page.reload()

    search = page.get_by_role("searchbox")
    search.press_sequentially("perl")
    expect(page.locator(".picker-results")).to_contain_text("Radia Perlman")  # on the device
    search.press("Enter")
    page.get_by_label("Summary").fill("Corridor chat about routing")
    page.get_by_role("button", name="Save").click()


def test_a_conversation_logged_offline_is_sent_once_when_the_connection_returns(
    owner_page, owner, radia, browser_errors, screenshot
):
    page = owner_page
    log_offline(page)
    expect(page.locator(".queued")).to_contain_text("Kept on this device")
    expect(page.locator("#app-status")).to_contain_text("1 logged on this device is not sent yet")
    screenshot(page, "logged-offline")
    assert not Interaction.objects.filter(owner=owner).exists()
    key = page.evaluate("NcrmOutbox.all().then(entries => entries[0].key)")

    page.context.set_offline(False)
    expect(page.locator("#app-status")).to_be_hidden(timeout=10_000)
    expect(page.locator("#messages")).to_contain_text("Sent 1 conversation logged on this device")
    logged = Interaction.objects.get(owner=owner)
    assert logged.summary == "Corridor chat about routing"
    assert list(logged.contacts.all()) == [radia]

    page.goto(reverse("webapp:outbox"))
    item = page.locator(".outbox-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Saved")
    screenshot(page, "outbox-saved")
    expect(item.get_by_role("link", name="View")).to_have_attribute(
        "href", reverse("interactions:detail", args=[logged.pk])
    )

    # Sent again (a second tab, the worker's Background Sync, an answer that was lost): the
    # server knows the key and logs nothing twice.
    state = page.evaluate(
        """key => NcrmOutbox.update(key, {state: "waiting"})
            .then(() => NcrmOutbox.flush())
            .then(() => NcrmOutbox.get(key)).then(entry => entry.state)""",
        key,
    )
    assert state == "saved"
    assert Interaction.objects.filter(owner=owner).count() == 1
    assert real_errors(browser_errors) == []


def test_the_page_says_what_was_sent_when_another_sender_sent_it(
    owner_page, owner, radia, browser_errors
):
    """When the connection returns, the service worker's Background Sync (or another tab) may
    take the outbox's lock before this page does; the page still says what arrived."""
    page = owner_page
    log_offline(page)
    expect(page.locator(".queued")).to_contain_text("Kept on this device")
    page.evaluate(
        """() => new Promise(held => navigator.locks.request("ncrm-outbox",
            () => new Promise(release => { window.releaseOutbox = release; held(); })))"""
    )

    page.context.set_offline(False)  # the page tries to send, and finds the outbox busy
    page.wait_for_function("navigator.onLine")
    expect(page.locator("#app-status")).to_contain_text("1 logged on this device is not sent yet")
    assert not Interaction.objects.filter(owner=owner).exists()

    page.evaluate(  # then another sender sends it, as the worker does
        """async () => {
            window.releaseOutbox();
            await navigator.locks.request("ncrm-outbox", () => null);
            return NcrmOutbox.flush();
        }"""
    )
    expect(page.locator("#messages")).to_contain_text("Sent 1 conversation logged on this device")
    expect(page.locator("#app-status")).to_be_hidden()
    assert Interaction.objects.filter(owner=owner).count() == 1
    assert real_errors(browser_errors) == []


PHONE_PAGES = [
    "dashboard",
    "contacts:list",
    "interactions:list",
    "interactions:create",
    "interactions:support_list",
    "contacts:event_list",
    "interactions:mentorship_list",
    "insights:network",
    "insights:network_table",
    "insights:insights",
    "settings",
    "notifications:settings",
    "webapp:outbox",
    "digest:preview",
]


def test_no_main_page_scrolls_sideways_on_a_phone(owner_phone_page, owner, radia, browser_errors):
    from tests.factories import EventFactory, InteractionFactory

    page = owner_phone_page
    InteractionFactory(
        owner=owner,
        contacts=[radia],
        summary="A rather long summary of a talk about spanning tree protocols and more",
    )
    EventFactory(owner=owner, name="A conference with a remarkably long name for testing wrapping")
    urls = [reverse(name) for name in PHONE_PAGES] + [reverse("contacts:detail", args=[radia.pk])]
    too_wide = {}
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.viewport_size["width"]:
            too_wide[url] = width
    assert too_wide == {}
    assert real_errors(browser_errors) == []


def test_signing_out_drops_the_pages_kept_on_the_device(owner_page, browser_errors):
    page = owner_page
    page.goto("/")
    wait_until_installed(page)
    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    wait_for_async(
        page,
        """async () => {
            const cache = await caches.open("ncrm-pages");
            return !(await cache.match("/interactions/log/"))
                && !(await cache.match("/app/contacts.json"));
        }""",
    )
    assert real_errors(browser_errors) == []
