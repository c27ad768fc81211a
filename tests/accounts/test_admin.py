"""The admin signs in through the app (and its two-factor step), and holds the sign-in policy."""

import pytest
from django.urls import reverse

from accounts.models import SecurityPolicy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_sign_in_page_sends_people_to_the_apps(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_admin_refuses_a_password_posted_to_its_own_form(client):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    response = client.post(reverse("admin:login"), {"username": "boss", "password": "correct horse battery"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_policy_is_one_row_edited_in_the_admin(client):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(boss)
    response = client.get(reverse("admin:accounts_securitypolicy_changelist"))
    assert response["Location"] == reverse("admin:accounts_securitypolicy_change", args=[1])
    page = client.get(response["Location"])
    assert "Require two-factor for staff" in page.content.decode()
    client.post(response["Location"], {"require_two_factor_for_staff": "on"})
    assert SecurityPolicy.objects.get().require_two_factor_for_staff
