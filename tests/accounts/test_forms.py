"""Each way in, step by step: password, then a code from the app, a recovery code or a key;
a passkey on its own; and what single sign-on only turns off."""

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import UserFactory

from .helpers import (
    add_passkey,
    app_code,
    client,
    json_data,
    other_code,
    sign_in_with_password,
    turn_on_app,
)

pytestmark = pytest.mark.django_db


def _signed_in(c) -> bool:
    return SESSION_KEY in c.session


def test_a_password_alone_signs_in_an_account_without_two_factor():
    UserFactory(username="ada")
    c = client()
    response = sign_in_with_password(c, "ada")
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert _signed_in(c)


def test_with_an_app_the_password_leads_to_the_code_step_not_in():
    turn_on_app(UserFactory(username="ada"))
    c = client()
    response = sign_in_with_password(c, "ada")
    assert response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(c)
    page = c.get(reverse("mfa_authenticate"))
    assert "Enter the 6-digit code" in page.content.decode()
    assert c.get(reverse("dashboard")).status_code == 302  # still signed out


def test_the_code_from_the_app_finishes_signing_in():
    turn_on_app(UserFactory(username="ada"))
    c = client()
    sign_in_with_password(c, "ada")
    response = c.post(reverse("mfa_authenticate"), {"code": app_code()})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert _signed_in(c)


def test_a_wrong_code_is_refused_with_a_message():
    turn_on_app(UserFactory(username="ada"))
    c = client()
    sign_in_with_password(c, "ada")
    response = c.post(reverse("mfa_authenticate"), {"code": other_code(app_code())})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not _signed_in(c)


def test_a_code_signs_in_once_even_from_a_second_browser():
    turn_on_app(UserFactory(username="ada"))
    code = app_code()
    first, second = client(), client()
    sign_in_with_password(first, "ada")
    sign_in_with_password(second, "ada")
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    response = second.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200 and not _signed_in(second)


def test_a_recovery_code_signs_in_once():
    codes = turn_on_app(UserFactory(username="ada"))
    c = client()
    sign_in_with_password(c, "ada")
    assert c.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    again = client()
    sign_in_with_password(again, "ada")
    assert again.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200
    assert again.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_the_code_step_cannot_be_skipped_by_opening_a_page():
    turn_on_app(UserFactory(username="ada"))
    c = client()
    sign_in_with_password(c, "ada")
    assert c.get(reverse("contacts:list"))["Location"].startswith(reverse("login"))


def test_a_security_key_answers_the_second_step():
    user = UserFactory(username="ada")
    passkey, _ = add_passkey(user, passwordless=False)
    c = client()
    assert sign_in_with_password(c, "ada")["Location"] == reverse("mfa_authenticate")
    options = json_data(c.get(reverse("mfa_authenticate")))["request_options"]
    response = c.post(reverse("mfa_authenticate"), {"credential": json.dumps(passkey.get(options))})
    assert response.status_code == 302 and _signed_in(c)


def test_a_passkey_alone_signs_in():
    user = UserFactory(username="ada")
    passkey, key = add_passkey(user)
    c = client()
    options = c.get(reverse("mfa_login_webauthn"), HTTP_ACCEPT="application/json").json()["request_options"]
    response = c.post(reverse("mfa_login_webauthn"), {"credential": json.dumps(passkey.get(options))})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert int(c.session[SESSION_KEY]) == user.pk
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_forged_passkey_answer_signs_nobody_in():
    passkey, _ = add_passkey(UserFactory(username="ada"))
    c = client()
    options = c.get(reverse("mfa_login_webauthn"), HTTP_ACCEPT="application/json").json()["request_options"]
    credential = passkey.get(options, tamper=True)
    response = c.post(reverse("mfa_login_webauthn"), {"credential": json.dumps(credential)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not _signed_in(c)


def test_the_sign_in_page_offers_passkeys_and_the_password_reset(client):
    body = client.get(reverse("login")).content.decode()
    assert "Use a passkey" in body
    assert reverse("password_reset") in body
    assert "Sign in with" not in body  # no single sign-on configured


@pytest.fixture
def sso_only(settings):
    settings.OIDC_SERVER_URL = "http://127.0.0.1:9/o"
    settings.OIDC_NAME = "Authentik"
    settings.SSO_ONLY = True


def test_sso_only_refuses_passwords_and_passkeys_and_offers_the_provider(sso_only):
    user = UserFactory(username="ada")
    passkey, _ = add_passkey(user)
    c = client()
    page = c.get(reverse("login")).content.decode()
    assert "Sign in with Authentik" in page
    assert 'name="password"' not in page and "Use a passkey" not in page
    response = sign_in_with_password(c, "ada")
    assert response.status_code == 200 and "use single sign-on" in response.content.decode()
    options = c.get(reverse("mfa_login_webauthn"), HTTP_ACCEPT="application/json").json()["request_options"]
    c.post(reverse("mfa_login_webauthn"), {"credential": json.dumps(passkey.get(options))})
    assert not _signed_in(c)


def test_sso_only_turns_password_reset_and_change_off(sso_only, owner_client):
    assert owner_client.get(reverse("password_reset")).status_code == 404
    assert owner_client.get(reverse("password_change")).status_code == 404


def test_the_code_step_offers_a_key_only_to_accounts_that_have_one():
    turn_on_app(UserFactory(username="ada"))
    c = client()
    sign_in_with_password(c, "ada")
    assert "Use a passkey or security key" not in c.get(reverse("mfa_authenticate")).content.decode()
    add_passkey(UserFactory(username="bob"), passwordless=False)
    c = client()
    sign_in_with_password(c, "bob")
    assert "Use a passkey or security key" in c.get(reverse("mfa_authenticate")).content.decode()
