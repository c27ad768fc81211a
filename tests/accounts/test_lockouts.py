"""Lockouts (django-axes, per username and client address) at every sign-in step, and with a
reverse proxy in front: X-Forwarded-For counts only when the trusted proxy sent it."""

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import UserFactory

from .helpers import add_passkey, app_code, client, json_data, other_code, sign_in_with_password, turn_on_app

pytestmark = pytest.mark.django_db

PROXY = "10.1.2.3"
ATTACKER = "198.51.100.66"
VICTIM = "203.0.113.10"


def _locked(response) -> bool:
    return response.status_code == 429 and "Too many failed sign-ins" in response.content.decode()


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def test_wrong_codes_lock_the_account_and_the_right_code_then_fails_too(limit):
    turn_on_app(UserFactory(username="ada"))
    c = client()
    sign_in_with_password(c, "ada")
    wrong = other_code(app_code())
    answers = [c.post(reverse("mfa_authenticate"), {"code": wrong}) for _ in range(limit)]
    assert [r.status_code for r in answers[:-1]] == [200] * (limit - 1)
    assert _locked(answers[-1])
    assert _locked(c.post(reverse("mfa_authenticate"), {"code": app_code()}))
    assert SESSION_KEY not in c.session
    # The lockout holds at the password step too, from the same address.
    assert _locked(sign_in_with_password(client(), "ada"))


def test_wrong_recovery_codes_count_like_wrong_app_codes(limit):
    codes = turn_on_app(UserFactory(username="ada"))
    c = client()
    sign_in_with_password(c, "ada")
    for _ in range(limit - 1):
        c.post(reverse("mfa_authenticate"), {"code": "00000000"})
    assert _locked(c.post(reverse("mfa_authenticate"), {"code": "11111111"}))
    assert _locked(c.post(reverse("mfa_authenticate"), {"code": codes[0]}))


def test_a_forged_key_at_the_second_step_counts_as_a_failure(limit):
    user = UserFactory(username="ada")
    passkey, _ = add_passkey(user, passwordless=False)
    c = client()
    sign_in_with_password(c, "ada")
    for attempt in range(limit):
        options = json_data(c.get(reverse("mfa_authenticate")))["request_options"]
        response = c.post(
            reverse("mfa_authenticate"), {"credential": json.dumps(passkey.get(options, tamper=True))}
        )
    assert _locked(response)


def test_a_locked_account_cannot_come_in_with_its_passkey_either(limit):
    user = UserFactory(username="ada")
    passkey, _ = add_passkey(user)
    for _ in range(limit):
        sign_in_with_password(client(), "ada", "wrong guess")
    c = client()
    options = c.get(reverse("mfa_login_webauthn"), HTTP_ACCEPT="application/json").json()["request_options"]
    response = c.post(reverse("mfa_login_webauthn"), {"credential": json.dumps(passkey.get(options))})
    assert _locked(response)
    assert SESSION_KEY not in c.session


def test_a_lockout_is_per_address_so_the_owner_elsewhere_still_signs_in(limit):
    UserFactory(username="ada")
    for _ in range(limit):
        sign_in_with_password(client(), "ada", "wrong guess", REMOTE_ADDR=ATTACKER)
    assert _locked(sign_in_with_password(client(), "ada", REMOTE_ADDR=ATTACKER))
    assert sign_in_with_password(client(), "ada", REMOTE_ADDR=VICTIM).status_code == 302


@pytest.fixture
def behind_proxy(settings, limit):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


def _via_proxy(client_address, username="ada", password="wrong guess", forwarded=None):
    return sign_in_with_password(
        client(),
        username,
        password,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded if forwarded is not None else client_address,
    )


def test_behind_the_proxy_the_lockout_holds_the_client_not_the_proxy(behind_proxy, limit):
    UserFactory(username="ada")
    for _ in range(limit):
        _via_proxy(ATTACKER)
    assert _locked(_via_proxy(ATTACKER, password="correct horse battery"))
    # Everyone else comes through the same proxy, and is not locked out with the attacker.
    assert _via_proxy(VICTIM, password="correct horse battery").status_code == 302


def test_behind_the_proxy_a_forged_header_does_not_dodge_the_lockout(behind_proxy, limit):
    UserFactory(username="ada")
    for n in range(limit):
        # The attacker writes a new address at the start of the header each time; the proxy
        # appends the real one.
        _via_proxy(ATTACKER, forwarded=f"192.0.2.{n}, {ATTACKER}")
    assert _locked(_via_proxy(ATTACKER, password="correct horse battery", forwarded=f"192.0.2.99, {ATTACKER}"))


def test_a_client_talking_to_the_app_directly_cannot_choose_its_address(behind_proxy, limit):
    UserFactory(username="ada")
    for n in range(limit):
        sign_in_with_password(
            client(), "ada", "wrong guess", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )
    # Not dodged: its header was ignored and every failure counted against its own address...
    assert _locked(sign_in_with_password(client(), "ada", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.50"))
    # ...and not caused: naming the victim's address in the header locked nobody else out.
    for _ in range(limit):
        sign_in_with_password(client(), "ada", "wrong guess", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=VICTIM)
    assert _via_proxy(VICTIM, password="correct horse battery").status_code == 302


def test_a_successful_sign_in_clears_the_earlier_failures(limit):
    turn_on_app(UserFactory(username="ada"))
    c = client()
    sign_in_with_password(c, "ada")
    for _ in range(limit - 1):
        c.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert c.post(reverse("mfa_authenticate"), {"code": app_code()}).status_code == 302
    again = client()
    sign_in_with_password(again, "ada")
    assert again.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
