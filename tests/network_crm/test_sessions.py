"""Sessions (network_crm/sessions.py): read from the cache, kept in the database, and pages
still served, and sign-in still possible, with the cache down."""

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _session_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, [q["sql"] for q in captured if "django_session" in q["sql"]]


def test_a_page_reads_the_session_from_the_cache_not_the_database(owner_client):
    owner_client.get(reverse("contacts:list"))  # the first read may fill the cache
    response, queries = _session_queries(owner_client, reverse("contacts:list"))
    assert response.status_code == 200
    assert queries == []


def test_the_database_keeps_the_session_for_when_the_cache_loses_it(owner_client, owner):
    from django.core.cache import cache

    key = owner_client.session.session_key
    cache.delete(f"django.contrib.sessions.cached_db{key}")
    response, queries = _session_queries(owner_client, reverse("contacts:list"))
    assert response.status_code == 200
    assert response.context["user"] == owner
    assert len(queries) == 1


def test_pages_serve_with_the_cache_down(owner_client, owner, cache_down):
    response = owner_client.get(reverse("contacts:list"))
    assert response.status_code == 200
    assert response.context["user"] == owner


def test_signing_in_works_with_the_cache_down(client, owner, cache_down):
    owner.set_password("a long enough password")
    owner.save()
    response = client.post(
        reverse("login"), {"login": owner.username, "password": "a long enough password"}
    )
    assert response.status_code == 302
    assert client.get(reverse("contacts:list")).status_code == 200


def test_signing_in_from_an_existing_session_works_with_the_cache_down(
    client, owner, take_cache_down
):
    owner.set_password("a long enough password")
    owner.save()
    anonymous = client.session  # a session saved before sign-in, as a browser may hold
    anonymous["seen"] = True
    anonymous.save()
    old_key = anonymous.session_key
    take_cache_down()
    response = client.post(
        reverse("login"), {"login": owner.username, "password": "a long enough password"}
    )
    assert response.status_code == 302
    assert client.session.session_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.get(reverse("contacts:list")).status_code == 200


def test_signing_out_ends_the_session_in_the_cache_and_the_database(owner_client):
    key = owner_client.session.session_key
    owner_client.get(reverse("contacts:list"))
    owner_client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    owner_client.cookies["sessionid"] = key  # a copy of the old cookie
    response = owner_client.get(reverse("contacts:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_out_with_the_cache_down_signs_out_with_a_clear_page(
    owner_client, take_cache_down
):
    """The database row goes, the page says so; the copy left in the cache is bounded by
    SESSION_CACHE_SECONDS (next test)."""
    key = owner_client.session.session_key
    owner_client.get(reverse("contacts:list"))
    take_cache_down()
    response = owner_client.post(reverse("logout"), follow=True)
    # As any sign-out: to the sign-in page, signed out.
    assert response.redirect_chain == [(reverse("login"), 302)]
    assert response.status_code == 200 and not response.context["user"].is_authenticated
    assert not Session.objects.filter(session_key=key).exists()
    assert owner_client.get(reverse("contacts:list")).status_code == 302


def test_a_cached_session_copy_lives_at_most_session_cache_seconds(owner_client, settings):
    """So a copy the sign-out could not remove (the cache was down) ends soon after."""
    from django.core.cache import cache

    settings.SESSION_CACHE_SECONDS = 300
    key = owner_client.session.session_key
    owner_client.get(reverse("contacts:list"))
    cache_key = f"django.contrib.sessions.cached_db{key}"
    assert cache.get(cache_key) is not None
    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):  # Redis: its TTL
        raw = cache.make_and_validate_key(cache_key)
        assert 0 < cache._cache.get_client(raw).ttl(raw) <= 300
    from network_crm.sessions import SessionStore

    store = SessionStore(key)
    assert store._cache_seconds() == 300 < store.get_expiry_age()
