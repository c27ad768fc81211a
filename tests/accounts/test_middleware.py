"""The admin's "require two-factor for staff" rule."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SecurityPolicy
from tests.factories import UserFactory

from .helpers import add_passkey, app_code, client, sign_in_with_password, turn_on_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule_on():
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"require_two_factor_for_staff": True})


@pytest.fixture
def staff_client():
    staff = UserFactory(username="boss", is_staff=True)
    c = client()
    c.force_login(staff)
    return staff, c


def test_staff_without_two_factor_are_sent_to_set_it_up(rule_on, staff_client):
    _, c = staff_client
    response = c.get(reverse("contacts:list"))
    assert response.status_code == 302 and response["Location"] == reverse("account_security")
    page = c.get(reverse("account_security")).content.decode()
    assert "asks staff to use two-factor" in page
    assert c.get(reverse("admin:index"))["Location"] == reverse("account_security")
    # The pages that set it up stay open.
    assert c.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))


def test_an_htmx_request_is_told_to_go_to_the_set_up_page(rule_on, staff_client):
    _, c = staff_client
    response = c.get(reverse("contacts:list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("account_security")


def test_staff_with_an_app_or_a_key_go_on_as_usual(rule_on, staff_client):
    staff, c = staff_client
    turn_on_app(staff)
    assert c.get(reverse("contacts:list")).status_code == 200
    other = UserFactory(username="boss2", is_staff=True)
    add_passkey(other)
    c2 = client()
    c2.force_login(other)
    assert c2.get(reverse("contacts:list")).status_code == 200


def test_the_rule_leaves_other_users_alone_and_is_off_by_default(staff_client, owner_client):
    _, c = staff_client
    assert c.get(reverse("contacts:list")).status_code == 200
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"require_two_factor_for_staff": True})
    assert owner_client.get(reverse("contacts:list")).status_code == 200
    assert c.get(reverse("contacts:list")).status_code == 302  # the saved rule applies at once


def test_signing_in_then_setting_up_the_app_lets_staff_through(rule_on):
    UserFactory(username="boss", is_staff=True)
    c = client()
    assert sign_in_with_password(c, "boss").status_code == 302
    assert c.get(reverse("dashboard"))["Location"] == reverse("account_security")
    c.post(reverse("account_reauthenticate"), {"password": "correct horse battery"})
    body = c.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'value="([A-Z2-7]{32})"', body).group(1)
    c.post(reverse("mfa_activate_totp"), {"code": app_code(secret)})
    assert c.get(reverse("dashboard")).status_code == 200


def test_a_non_staff_page_costs_no_query_for_the_rule(rule_on, owner_client):
    owner_client.get(reverse("account_security"))
    with CaptureQueriesContext(connection) as queries:
        owner_client.get(reverse("account_security"))
    assert not [q for q in queries if "accounts_securitypolicy" in q["sql"]]
