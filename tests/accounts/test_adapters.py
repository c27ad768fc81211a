"""Single sign-on against a real OpenID Connect provider (a second server process): accounts
found by the email the provider verified, created only when allowed, linked from Settings."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso(identity_provider, settings):
    identity_provider.configure(settings)
    return identity_provider


def _start(c, process="login"):
    url = reverse("openid_connect_login", kwargs={"provider_id": "sso"})
    response = c.post(f"{url}?process={process}")
    assert response.status_code == 302, response.content.decode()[:300]
    assert response["Location"].startswith("http://127.0.0.1:")
    return response["Location"]


def _come_back(c, sso, username):
    callback = sso.authorize(_start(c), username)
    assert callback.startswith("http://testserver/accounts/oidc/sso/login/callback/?")
    return c.get(callback.removeprefix("http://testserver"))


def _user_id(c):
    return int(c.session[SESSION_KEY]) if SESSION_KEY in c.session else None


def test_the_sign_in_page_offers_the_provider_by_name(sso, client):
    body = client.get(reverse("login")).content.decode()
    assert "Sign in with Test IdP" in body


def test_a_verified_email_signs_in_to_the_account_that_has_it(sso, client):
    ada = UserFactory(username="ada", email="Ada@Example.com")
    response = _come_back(client, sso, "alice")
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert _user_id(client) == ada.pk
    account = SocialAccount.objects.get(user=ada)
    assert account.provider == "sso"
    # Linked on an email this app never checked itself: its password is turned off (allauth's
    # guard against an account made with someone else's address).
    ada.refresh_from_db()
    assert not ada.has_usable_password()


def test_the_second_sign_in_follows_the_link(sso, client):
    ada = UserFactory(username="ada", email="ada@example.com")
    _come_back(client, sso, "alice")
    ada.email = "changed@example.com"
    ada.save()
    client.logout()
    _come_back(client, sso, "alice")
    assert _user_id(client) == ada.pk


def test_an_email_the_provider_did_not_verify_finds_no_account(sso, client):
    ada = UserFactory(username="ada", email="ada@example.com")
    response = _come_back(client, sso, "mallory")
    assert _user_id(client) is None
    assert "No account here yet" in response.content.decode()
    assert not SocialAccount.objects.exists()
    ada.refresh_from_db()
    assert ada.has_usable_password()


def test_an_unknown_person_gets_no_account_unless_creation_is_on(sso, client, settings):
    response = _come_back(client, sso, "newbie")
    assert _user_id(client) is None and "No account here yet" in response.content.decode()
    settings.OIDC_CREATE_USERS = True
    client.logout()
    response = _come_back(client, sso, "newbie")
    created = get_user_model().objects.get(email="newbie@example.com")
    assert _user_id(client) == created.pk and created.username == "newbie"
    assert not created.has_usable_password()


def test_two_accounts_with_the_same_email_are_not_guessed_between(sso, client):
    UserFactory(username="twin1", email="twin@example.com")
    UserFactory(username="twin2", email="twin@example.com")
    response = _come_back(client, sso, "twin")
    assert _user_id(client) is None and "No account here yet" in response.content.decode()


def test_linking_from_settings_keeps_the_password_whatever_the_email(sso, client):
    ada = UserFactory(username="ada", email="ada@example.com")
    client.force_login(ada)
    callback = sso.authorize(_start(client, process="connect"), "carol")
    response = client.get(callback.removeprefix("http://testserver"))
    assert response["Location"] == reverse("account_security")
    page = client.get(reverse("account_security")).content.decode()
    assert "Linked to Test IdP as <strong>carol@elsewhere.example</strong>" in page
    ada.refresh_from_db()
    assert ada.has_usable_password()
    client.logout()
    _come_back(client, sso, "carol")
    assert _user_id(client) == ada.pk


def test_unlinking_from_settings(sso, client):
    ada = UserFactory(username="ada", email="ada@example.com")
    client.force_login(ada)
    client.get(sso.authorize(_start(client, process="connect"), "carol").removeprefix("http://testserver"))
    account = SocialAccount.objects.get(user=ada)
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 302
    assert not SocialAccount.objects.exists()


def test_sso_only_still_lets_the_provider_in(sso, client, settings):
    sso.configure(settings, sso_only=True)
    UserFactory(username="ada", email="ada@example.com")
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page and "Sign in with Test IdP" in page
    _come_back(client, sso, "alice")
    assert _user_id(client) is not None


def test_a_provider_that_is_not_configured_is_not_found(client):
    url = reverse("openid_connect_login", kwargs={"provider_id": "sso"})
    assert client.post(url).status_code == 404


def test_an_account_with_two_factor_is_still_asked_for_it_after_single_sign_on(sso, client):
    from .helpers import app_code, turn_on_app

    ada = UserFactory(username="ada", email="ada@example.com")
    client.force_login(ada)
    client.get(sso.authorize(_start(client, process="connect"), "carol").removeprefix("http://testserver"))
    client.logout()
    turn_on_app(ada)
    response = _come_back(client, sso, "carol")
    assert response["Location"] == reverse("mfa_authenticate") and _user_id(client) is None
    client.post(reverse("mfa_authenticate"), {"code": app_code()})
    assert _user_id(client) == ada.pk


def test_another_user_cannot_unlink_someone_elses_identity(sso, client):
    ada = UserFactory(username="ada", email="ada@example.com")
    client.force_login(ada)
    client.get(sso.authorize(_start(client, process="connect"), "carol").removeprefix("http://testserver"))
    account = SocialAccount.objects.get(user=ada)
    stranger = UserFactory(username="stranger")
    client.force_login(stranger)
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 200  # the form refuses an identity not among the user's own
    assert SocialAccount.objects.filter(pk=account.pk, user=ada).exists()
    assert "carol@elsewhere.example" not in response.content.decode()
