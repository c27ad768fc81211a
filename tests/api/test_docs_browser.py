"""/api/v1/docs in Debian's chromium: Swagger UI from static/vendor (no CDN), under the
site's strict CSP, lists the API's operations and tries one with the signed-in session."""

import pytest

from tests.browser.conftest import (  # noqa: F401  (fixtures, registered by being imported)
    browser_errors,
    chromium,
    live_server,
    owner_page,
)
from tests.factories import ContactFactory

pytestmark = pytest.mark.browser


def test_the_docs_page_lists_operations_without_csp_violations(owner_page, owner, browser_errors):
    ContactFactory(owner=owner, name="Ada Lovelace")
    requested = []
    owner_page.on("request", lambda request: requested.append(request.url))
    owner_page.goto("/api/v1/docs")
    owner_page.get_by_text("/api/v1/contacts/", exact=True).first.wait_for()
    assert owner_page.locator(".opblock").count() >= 30
    # "Try it out" on the contacts list, with the session the page was opened with.
    owner_page.locator("#operations-contacts-contacts_list").click()
    owner_page.get_by_role("button", name="Try it out").click()
    owner_page.get_by_role("button", name="Execute").click()
    owner_page.locator(".responses-wrapper .live-responses-table").get_by_text(
        "Ada Lovelace").first.wait_for()
    assert all(url.startswith(owner_page.url.split("/api/")[0]) for url in requested)
    assert browser_errors == []


def test_the_schema_is_openapi_3_and_public(client, db):
    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/follow-ups/{id}/snooze/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["accessToken"]["scheme"] == "bearer"
