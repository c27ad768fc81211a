"""Shared fixtures for the real-browser tests: one Debian chromium per test session (driven by
Playwright's sync API), a fresh context per test, a page signed in as the `owner` on
pytest-django's live server, and a record of console errors and CSP violations that every
test must leave empty.

Run them with `pytest -m browser`; they skip with a reason when /usr/bin/chromium is missing.
"""

import os
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test import Client
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an asyncio loop in this thread; Django's ORM refuses to run
# where a loop is running unless told that this (test-only) use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR") or settings.BASE_DIR / "test-results" / "screenshots"
)
# Playwright waits up to this long for an element or an event before failing a test: generous,
# since a loaded two-core machine can take seconds to answer a page.
TIMEOUT_MS = int(os.environ.get("BROWSER_TIMEOUT_MS", "15000"))


_RUNNING: dict = {}


@pytest.fixture(scope="session")
def chromium():
    """One headless chromium for the whole session (starting it costs about a second)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    # tests/hardening imports this fixture too; a second Playwright in one process would fail
    # ("Sync API inside the asyncio loop"), so both share the first one's browser.
    if "browser" in _RUNNING:
        yield _RUNNING["browser"]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        _RUNNING["browser"] = browser
        yield browser
        _RUNNING.clear()
        browser.close()


class _SerialWSGIServer(WSGIServer):
    """A live server that answers one request at a time (see `live_server`)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        # LiveServerThread.run() has already put the shared connections in this thread.
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, except on in-memory SQLite (the default test database)
    where it answers one request at a time: the dashboard reloads several cards at once, and
    concurrent requests on the one shared SQLite connection fail with "table is locked".
    Asks for the test database first, so that it is the one shared with the server."""
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    serial = connection.vendor == "sqlite" and connection.is_in_memory_db()
    server_class = _SerialWSGIServer if serial else LiveServerThread.server_class
    with mock.patch.object(LiveServerThread, "server_class", server_class):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Users made by the factories hash a password; PBKDF2 would cost a second per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class BrowserErrors(list):
    """Console errors, uncaught exceptions and CSP violations seen by a page."""

    def watch(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.append(f"uncaught: {exc}"))
        return page

    def _on_console(self, message):
        text, where = message.text, message.location.get("url", "")
        # The browser asks for /favicon.ico on its own; that 404 is not the page's doing.
        if where.endswith("/favicon.ico"):
            return
        # Chromium reports a CSP violation as a console error ("Refused to ..." or "Applying
        # inline style violates ... Content Security Policy").
        if message.type == "error" or "Content Security Policy" in text:
            self.append(f"{message.type}: {text} ({where}:{message.location.get('lineNumber')})")


@pytest.fixture
def browser_errors():
    """Everything the page complained about; tests assert it stays empty."""
    return BrowserErrors()


def sign_in(context, user, base_url: str) -> None:
    """Give the browser context the session cookie of `user` (no login form round-trip)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


class RequestsInFlight:
    """The requests a page has sent and not seen answered yet.

    A test waits for them before its page closes: closing the page does not stop the live
    server, and a request it is still serving while pytest-django empties the database fails
    ("FOREIGN KEY constraint failed" on SQLite). `page.wait_for_load_state("networkidle")`
    cannot do this: once the page has been idle it returns at once, requests or not.
    """

    QUIET_MS = 300  # an answer's HX-Trigger starts the cards' refreshes just after it lands

    def __init__(self, page):
        self.page = page
        self.requests = set()
        page.on("request", lambda request: self.requests.add(request))
        page.on("requestfinished", lambda request: self.requests.discard(request))
        page.on("requestfailed", lambda request: self.requests.discard(request))

    def wait_until_quiet(self, timeout_ms: int = TIMEOUT_MS) -> bool:
        """Wait until no request has been in flight for QUIET_MS; False if that never came."""
        deadline = time.monotonic() + timeout_ms / 1000
        quiet_since = None
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)  # Playwright delivers the page's events meanwhile
            now = time.monotonic()
            if self.requests:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= self.QUIET_MS / 1000:
                return True
        return False


def close_when_quiet(context, requests: RequestsInFlight) -> None:
    if not requests.page.is_closed():
        requests.wait_until_quiet()
    context.close()


def _new_page(chromium, live_server, user, browser_errors, viewport, **context_options):
    context = chromium.new_context(viewport=viewport, base_url=live_server.url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    sign_in(context, user, live_server.url)
    page = browser_errors.watch(context.new_page())
    return context, page


@pytest.fixture
def owner_page(chromium, live_server, owner, browser_errors):
    """A desktop-sized page signed in as the owner."""
    context, page = _new_page(chromium, live_server, owner, browser_errors, DESKTOP)
    requests = RequestsInFlight(page)
    yield page
    close_when_quiet(context, requests)


@pytest.fixture
def owner_page_without_service_worker(chromium, live_server, owner, browser_errors):
    """A desktop-sized page signed in as the owner, whose service worker never registers. Once
    the service worker controls a page, it makes the page's htmx requests itself
    (templates/webapp/sw.js, `fragment`), and `page.route` never sees those: a test that holds
    or rewrites a card's reload at the page needs this page."""
    context, page = _new_page(
        chromium, live_server, owner, browser_errors, DESKTOP, service_workers="block"
    )
    requests = RequestsInFlight(page)
    yield page
    close_when_quiet(context, requests)


@pytest.fixture
def owner_phone_page(chromium, live_server, owner, browser_errors):
    """A phone-sized page signed in as the owner."""
    context, page = _new_page(chromium, live_server, owner, browser_errors, PHONE)
    requests = RequestsInFlight(page)
    yield page
    close_when_quiet(context, requests)


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves test-results/screenshots/name.png (full page)."""

    def save(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
