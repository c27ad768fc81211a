"""Signing in, in Chromium: an authenticator app set up from Settings and asked for at the next
sign-in; a recovery code; a passkey registered and used through Chromium's virtual
authenticator (DevTools' WebAuthn domain); single sign-on against a real OpenID Connect
provider running in a second server process."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.accounts.conftest import IDP_PASSWORD, new_rsa_key, run_identity_provider
from tests.accounts.helpers import PASSWORD, app_code, code_inside_its_step, turn_on_app
from tests.factories import UserFactory

from .conftest import DESKTOP, TIMEOUT_MS, RequestsInFlight, close_when_quiet

pytestmark = pytest.mark.browser


@pytest.fixture
def ada(db):
    return UserFactory(username="ada", email="ada@example.com")


@pytest.fixture
def page(chromium, live_server, browser_errors):
    """A signed-out desktop page."""
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = browser_errors.watch(context.new_page())
    requests = RequestsInFlight(page)
    yield page
    close_when_quiet(context, requests)


def sign_in_with_password(page, username="ada", password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page):
    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def confirm_password(page):
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def virtual_authenticator(page):
    """Chromium's virtual authenticator: a platform passkey that always says yes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_an_authenticator_app_is_set_up_in_settings_then_asked_for(page, ada, browser_errors, screenshot):
    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/settings/")
    page.get_by_role("link", name="Manage sign-in").click()
    page.locator("#set-up-totp").click()
    confirm_password(page)

    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    qr = page.get_by_alt_text("QR code of the secret for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 100  # the server-drawn SVG loaded under the CSP
    page.get_by_text("Can't scan? Type the key instead").click()
    secret = page.locator("#authenticator_secret").input_value()
    screenshot(page, "sign-in-totp-setup")
    page.get_by_label("Authenticator code").fill(code_inside_its_step(secret))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.locator("#recovery_codes li")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="Done").click()
    expect(page.locator("#two-factor + .badge, .badge.good").first).to_have_text("On")

    sign_out(page)
    sign_in_with_password(page)
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    page.get_by_label("Code").fill("000000" if app_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".errorlist")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(code_inside_its_step(secret, later=30))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()  # a future code fails
    page.get_by_label("Code").fill(code_inside_its_step(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("details.menu summary")).to_have_text("ada")
    assert browser_errors == []


def test_a_recovery_code_signs_in_when_the_phone_is_lost(page, ada, browser_errors):
    codes = turn_on_app(ada)
    sign_in_with_password(page)
    page.get_by_label("Code").fill(codes[3])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/accounts/security/")
    expect(page.get_by_text("9 unused codes left")).to_be_visible()
    assert browser_errors == []


def test_a_passkey_is_registered_and_then_signs_in_alone_and_as_second_step(page, ada, browser_errors, screenshot):
    cdp, authenticator_id = virtual_authenticator(page)
    sign_in_with_password(page)
    page.goto("/accounts/security/")
    page.locator("#add-key").click()
    confirm_password(page)
    expect(page.get_by_role("heading", name="Add a passkey or security key")).to_be_visible()
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add", exact=True).click()

    # The first key also made recovery codes.
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    page.get_by_role("link", name="Done").click()
    expect(page.locator("#keys")).to_contain_text("Work laptop")
    expect(page.locator("#keys .badge")).to_have_text("passkey")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]
    screenshot(page, "sign-in-security-page")

    sign_out(page)
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("details.menu summary")).to_have_text("ada")

    sign_out(page)
    sign_in_with_password(page)
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    page.get_by_role("button", name="Use a passkey or security key").click()
    expect(page).to_have_url(re.compile(r"/$"))
    count = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"][0]["signCount"]
    assert count >= 2
    assert browser_errors == []


def test_a_cancelled_passkey_prompt_is_explained_on_the_page(page, ada, browser_errors):
    cdp, authenticator_id = virtual_authenticator(page)
    # No credential for this site: Chromium's prompt ends with NotAllowedError.
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.locator("[data-webauthn-error]")).to_be_visible(timeout=15_000)
    expect(page.locator("[data-webauthn-error]")).to_contain_text("Try again")
    assert browser_errors == []


@pytest.fixture
def browser_identity_provider(tmp_path, live_server, settings):
    """The provider process, sending the browser back to the live server."""
    with run_identity_provider(
        tmp_path,
        new_rsa_key(),
        [f"{live_server.url}/accounts/oidc/sso/login/callback/"],
        [{"username": "alice", "email": "ada@example.com", "first_name": "Ada"}],
    ) as provider:
        provider.configure(settings, name="Authentik")
        yield provider


def test_single_sign_on_through_the_identity_provider(page, ada, browser_identity_provider, browser_errors, screenshot):
    page.goto("/accounts/login/")
    screenshot(page, "sign-in-page-with-sso")
    page.get_by_role("button", name="Sign in with Authentik").click()
    # At the provider (another server, another host name).
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/accounts/login/"))
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Log in to the identity provider").click()
    # Back in the app, signed in to the account with the provider's verified email.
    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/$"))
    expect(page.locator("details.menu summary")).to_have_text("ada")
    page.goto("/accounts/security/")
    expect(page.locator("#sso").locator("..")).to_contain_text("Linked to Authentik as ada@example.com")
    assert browser_errors == []
