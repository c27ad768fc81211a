"""Personal access tokens: Bearer, hashed at rest, scoped, expiring; failed attempts throttled
per client; the session works only with CSRF."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from api.models import AccessToken, TokenScope
from api.tokens import create_access_token, token_hash
from tests.api.conftest import ApiClient
from tests.factories import ContactFactory


def test_a_bearer_token_reads_the_owners_contacts(api, owner):
    ContactFactory(owner=owner, name="Ada Lovelace")
    response = api.get("/api/v1/contacts/")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == ["Ada Lovelace"]


def test_only_the_hash_of_a_token_is_stored(owner):
    row, token = create_access_token(owner, "script")
    stored = AccessToken.objects.get(pk=row.pk)
    assert stored.token_hash == token_hash(token)
    assert token not in {str(v) for v in AccessToken.objects.values_list().get(pk=row.pk)}


def test_no_credentials_is_a_401_that_asks_for_a_bearer_token(db):
    response = Client().get("/api/v1/contacts/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_an_unknown_token_is_a_401(db):
    response = ApiClient("ncrm_not-a-real-token").get("/api/v1/contacts/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "The access token is unknown, revoked or expired.", "errors": []}


def test_an_expired_token_is_refused(owner):
    _, token = create_access_token(owner, "short", expires_in_days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert ApiClient(token).get("/api/v1/contacts/").status_code == 401


def test_a_revoked_token_is_refused(owner):
    row, token = create_access_token(owner, "gone")
    row.delete()
    assert ApiClient(token).get("/api/v1/contacts/").status_code == 401


def test_a_read_only_token_cannot_write(read_api, owner):
    assert read_api.get("/api/v1/contacts/").status_code == 200
    response = read_api.post("/api/v1/contacts/", {"name": "Nope"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not owner.contacts.exists()


def test_using_a_token_records_when(api, owner):
    api.get("/api/v1/contacts/")
    assert AccessToken.objects.get(owner=owner).last_used_at is not None


def test_the_session_works_with_csrf_and_is_refused_without(owner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    assert browser.get("/api/v1/contacts/").status_code == 200
    response = browser.post("/api/v1/contacts/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_failed_tokens_from_one_address_are_throttled(db, settings):
    settings.CREDENTIAL_FAILURE_LIMIT = 3
    guesser = ApiClient("ncrm_guess")
    codes = [guesser.get("/api/v1/contacts/", REMOTE_ADDR="203.0.113.9").status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    response = guesser.get("/api/v1/contacts/", REMOTE_ADDR="203.0.113.9")
    assert int(response["Retry-After"]) > 0
    # Another client is not punished for it.
    assert guesser.get("/api/v1/contacts/", REMOTE_ADDR="203.0.113.10").status_code == 401


def test_each_token_has_a_rate_limit_with_retry_after(api, settings):
    settings.API_RATE_PER_MINUTE = 3
    codes = [api.get("/api/v1/contacts/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/api/v1/contacts/")
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Request was throttled")


def test_the_rate_limit_counts_per_token(owner, settings):
    settings.API_RATE_PER_MINUTE = 1
    first = ApiClient(create_access_token(owner, "a", TokenScope.READ)[1])
    second = ApiClient(create_access_token(owner, "b", TokenScope.READ)[1])
    assert first.get("/api/v1/contacts/").status_code == 200
    assert first.get("/api/v1/contacts/").status_code == 429
    assert second.get("/api/v1/contacts/").status_code == 200


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer ünïcode"])
def test_malformed_authorization_headers_are_401s(db, header):
    response = Client().get("/api/v1/contacts/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
