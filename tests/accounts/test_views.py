"""Sign-in and security: setting up and removing two-factor, with the password asked again."""

import json
import re
from email import message_from_bytes

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory

from .helpers import (
    SoftPasskey,
    add_passkey,
    app_code,
    client,
    json_data,
    reauthenticate,
    turn_on_app,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    return UserFactory(username="ada", email="ada@example.com")


@pytest.fixture
def ada_client(ada):
    c = client()
    c.force_login(ada)
    return c


def test_the_page_shows_two_factor_off_and_how_to_turn_it_on(ada_client):
    body = ada_client.get(reverse("account_security")).content.decode()
    assert "Two-factor sign-in" in body and '<span class="badge">Off</span>' in body
    assert reverse("mfa_activate_totp") in body and reverse("mfa_add_webauthn") in body
    assert reverse("password_change") in body


def test_settings_links_to_sign_in_and_security(ada_client):
    assert reverse("account_security") in ada_client.get(reverse("settings")).content.decode()


def test_setting_up_the_app_asks_for_the_password_again(ada_client):
    response = ada_client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    wrong = ada_client.post(reverse("account_reauthenticate"), {"password": "not it"})
    assert wrong.status_code == 200
    assert ada_client.get(reverse("mfa_activate_totp")).status_code == 302


def _activate(c):
    page = c.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body  # the QR code, drawn on the server
    secret = re.search(r'id="authenticator_secret" type="text" readonly value="([A-Z2-7]+)"', body).group(1)
    return secret, c.post(reverse("mfa_activate_totp"), {"code": app_code(secret)})


# Committed for real: allauth sends its notice when the transaction commits, still inside the
# request (the test transaction would hold it back until the request is over).
@pytest.mark.django_db(transaction=True)
def test_turning_the_app_on_shows_recovery_codes_and_mails_the_owner(ada_client, ada):
    reauthenticate(ada_client)
    secret, response = _activate(ada_client)
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = ada_client.get(reverse("mfa_view_recovery_codes")).content.decode()
    codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page)
    assert len(codes) == 10
    assert Authenticator.objects.filter(user=ada, type=Authenticator.Type.TOTP).count() == 1
    # A security notice, as a real MIME message to the address in Settings.
    [notice] = [m for m in mail.outbox if "authenticator app" in m.subject.lower()]
    parsed = message_from_bytes(notice.message().as_bytes())
    assert parsed["To"] == "ada@example.com"
    assert parsed.get_content_type() == "text/plain"
    text = parsed.get_payload(decode=True).decode()
    assert "Authenticator app activated." in text
    assert "127.0.0.1" in text  # where the change came from
    security = ada_client.get(reverse("account_security")).content.decode()
    assert '<span class="badge good">On</span>' in security and "10 unused codes left" in security


def test_a_wrong_code_does_not_turn_the_app_on(ada_client, ada):
    reauthenticate(ada_client)
    ada_client.get(reverse("mfa_activate_totp"))
    response = ada_client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=ada).exists()


def test_removing_the_app_asks_again_and_takes_the_recovery_codes_with_it(ada_client, ada):
    turn_on_app(ada)
    assert ada_client.get(reverse("mfa_deactivate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    # With two-factor on, a code confirms it is you as well as the password.
    confirm = ada_client.get(reverse("account_reauthenticate")).content.decode()
    assert reverse("mfa_reauthenticate") in confirm
    assert ada_client.post(reverse("mfa_reauthenticate"), {"code": app_code()}).status_code == 302
    assert ada_client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=ada).exists()


def test_a_passkey_is_added_with_the_browser_ceremony_and_listed(ada_client, ada):
    reauthenticate(ada_client)
    page = ada_client.get(reverse("mfa_add_webauthn"))
    options = json_data(page)["creation_options"]
    passkey = SoftPasskey()
    response = ada_client.post(
        reverse("mfa_add_webauthn"),
        {"name": "Work laptop", "passwordless": "on", "credential": json.dumps(passkey.create(options))},
    )
    assert response.status_code == 302
    security = ada_client.get(reverse("account_security")).content.decode()
    assert "Work laptop" in security and '<span class="badge accent">passkey</span>' in security
    # The first key also made recovery codes.
    assert Authenticator.objects.filter(user=ada, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_a_key_is_renamed_and_removed_by_its_owner(ada_client, ada):
    _, key = add_passkey(ada, "Old name")
    reauthenticate(ada_client)
    ada_client.post(reverse("mfa_edit_webauthn", kwargs={"pk": key.pk}), {"name": "Phone"})
    assert "Phone" in ada_client.get(reverse("account_security")).content.decode()
    assert ada_client.post(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})).status_code == 302
    assert not Authenticator.objects.filter(pk=key.pk).exists()


def test_another_users_key_is_not_found_even_after_confirming(ada):
    _, key = add_passkey(ada)
    stranger = UserFactory(username="stranger")
    c = client()
    c.force_login(stranger)
    reauthenticate(c)
    for name in ("mfa_edit_webauthn", "mfa_remove_webauthn"):
        url = reverse(name, kwargs={"pk": key.pk})
        assert c.get(url).status_code == 404
        assert c.post(url, {"name": "mine now"}).status_code == 404
    assert Authenticator.objects.get(pk=key.pk).wrap().name == "Laptop"


def test_recovery_codes_are_shown_after_confirming_downloaded_and_renewed(ada_client, ada):
    codes = turn_on_app(ada)
    hidden = ada_client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert codes[0] not in hidden  # not recently confirmed: masked
    reauthenticate(ada_client)
    assert codes[0] in ada_client.get(reverse("mfa_view_recovery_codes")).content.decode()
    download = ada_client.get(reverse("mfa_download_recovery_codes"))
    assert download["Content-Type"].startswith("text/plain") and codes[0] in download.content.decode()
    assert ada_client.post(reverse("mfa_generate_recovery_codes")).status_code == 302
    renewed = ada_client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert codes[0] not in renewed and len(re.findall(r"<li><code>", renewed)) == 10


def test_the_page_reads_the_same_number_of_queries_with_many_keys(ada_client, ada):
    turn_on_app(ada)
    add_passkey(ada, "one")
    ada_client.get(reverse("account_security"))
    with CaptureQueriesContext(connection) as few:
        ada_client.get(reverse("account_security"))
    for n in range(5):
        add_passkey(ada, f"key {n}")
    with CaptureQueriesContext(connection) as many:
        body = ada_client.get(reverse("account_security")).content.decode()
    assert "key 4" in body
    assert len(many) == len(few)


def test_the_page_needs_sign_in(client):
    assert client.get(reverse("account_security"))["Location"].startswith(reverse("login"))
