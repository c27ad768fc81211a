"""A new contact whose email already belongs to another contact: a warning that links to them,
and saving only after "save anyway" (nothing typed is lost meanwhile)."""

import pytest
from django.urls import reverse

from contacts.models import Contact
from tests.factories import ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _new_contact(**overrides):
    data = {
        "name": "A. Lovelace",
        "circle": "community",
        "discipline": "engineering",
        "tier": "peer",
        "emails": "work: Ada@Example.org",
        "company": "Analytical Engines",
    }
    data.update(overrides)
    return data


@pytest.fixture
def ada(owner):
    contact = ContactFactory(owner=owner, name="Ada Lovelace")
    ContactEmailFactory(contact=contact, email="ada@example.org")
    return contact


def test_new_contact_with_a_known_email_warns_and_links_to_the_other_contact(
    owner_client, owner, ada
):
    response = owner_client.post(reverse("contacts:create"), _new_contact())
    assert response.status_code == 200
    assert "already belongs to another contact" in response.text
    assert f'href="{reverse("contacts:detail", args=[ada.pk])}">Ada Lovelace</a>' in response.text
    assert 'value="Analytical Engines"' in response.text
    assert Contact.objects.filter(owner=owner).count() == 1


def test_save_anyway_adds_the_second_contact(owner_client, owner, ada):
    response = owner_client.post(reverse("contacts:create"), _new_contact(save_anyway="on"))
    assert response.status_code == 302
    assert Contact.objects.filter(owner=owner).count() == 2


def test_another_users_contact_with_that_email_is_neither_named_nor_a_reason_to_warn(
    owner_client, owner, stranger
):
    theirs = ContactFactory(owner=stranger, name="Stranger's Ada")
    ContactEmailFactory(contact=theirs, email="ada@example.org")
    response = owner_client.post(reverse("contacts:create"), _new_contact())
    assert response.status_code == 302


def test_editing_a_contact_does_not_warn_about_its_own_address(owner_client, ada):
    response = owner_client.post(
        reverse("contacts:edit", args=[ada.pk]),
        _new_contact(name="Ada Lovelace", emails="ada@example.org"),
    )
    assert response.status_code == 302
