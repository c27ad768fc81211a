"""Per-address throttles: many accounts guessed from one address, and passkey attempts."""

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.factories import UserFactory

from .helpers import add_passkey, client, sign_in_with_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limits(settings, time_machine):
    settings.SIGN_IN_THROTTLES = {"password_failures": (3, 60), "passkey": (4, 60)}
    # The windows are fixed minutes: start each test at the start of one, so a slow machine
    # never sees its attempts split across two windows.
    time_machine.move_to(datetime(2026, 12, 7, 10, 0, 1, tzinfo=UTC), tick=True)


def test_failed_passwords_across_accounts_from_one_address_are_throttled(low_limits):
    for n in range(3):
        UserFactory(username=f"user{n}")
        assert sign_in_with_password(client(), f"user{n}", "guess", REMOTE_ADDR="198.51.100.7").status_code == 200
    UserFactory(username="ada")
    response = sign_in_with_password(client(), "ada", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert "Too many failed sign-ins from your address" in response.content.decode()
    # Another address is not concerned.
    assert sign_in_with_password(client(), "ada", REMOTE_ADDR="203.0.113.1").status_code == 302


def test_passkey_attempts_from_one_address_are_throttled(low_limits):
    passkey, _ = add_passkey(UserFactory(username="ada"))
    c = client()
    for _ in range(2):
        options = c.get(reverse("mfa_login_webauthn"), HTTP_ACCEPT="application/json").json()["request_options"]
        c.post(reverse("mfa_login_webauthn"), {"credential": json.dumps(passkey.get(options, tamper=True))})
    response = c.get(reverse("mfa_login_webauthn"), HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    assert client().get(reverse("mfa_login_webauthn"), HTTP_ACCEPT="application/json", REMOTE_ADDR="203.0.113.1").status_code == 200


def test_with_the_cache_down_signing_in_still_works(cache_down):
    UserFactory(username="ada")
    assert sign_in_with_password(client(), "ada", "guess").status_code == 200
    assert sign_in_with_password(client(), "ada").status_code == 302
