"""Pages every site has: /favicon.ico, and styled 404 and 500 pages with DEBUG off."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import include, path

pytestmark = pytest.mark.django_db


@login_not_required
def _broken_page(request):
    raise RuntimeError("a bug in a view")


# This module is also the URLconf of the 500 test: the site's URLs plus one view that fails.
urlpatterns = [path("broken/", _broken_page), path("", include("network_crm.urls"))]


def test_favicon_ico_redirects_to_the_apps_icon_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".png")
    icon = client.get(response["Location"])
    assert icon.status_code == 200


def test_not_found_page_is_the_apps_own_page_with_a_way_back(owner_client, settings):
    settings.DEBUG = False
    response = owner_client.get("/no/such/page/")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert 'href="/"' in response.text and "app.css" in response.text


def test_not_found_page_offers_sign_in_when_signed_out(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Sign in" in response.text


@pytest.mark.urls(__name__)
def test_server_error_page_is_styled_and_says_nothing_was_lost(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "app.css" in response.text and "a bug in a view" not in response.text
