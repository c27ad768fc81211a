"""The give and mentorship forms pick people with the contact picker (contacts.widgets): their
pages never list every contact, a stranger's contact is a field error, edits show who is chosen,
and without JavaScript the picker's Find shows matches instead of saving."""

import pytest
from django.urls import reverse

from interactions.models import Mentorship, Support
from tests.factories import (
    ContactFactory,
    EventFactory,
    InteractionFactory,
    MentorshipFactory,
    SupportFactory,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def give_data(contact, **overrides):
    return {
        "direction": "give",
        "contact": contact.pk,
        "kind": "help",
        "status": "offered",
        "offered_on": "2026-06-15",
        "description": "Review the design doc",
        **overrides,
    }


def chip(name, contact):
    """A chosen contact as the picker renders it."""
    return f'name="{name}" value="{contact.pk}" checked'


@pytest.mark.parametrize("page", ["create", "edit"])
def test_give_form_pages_do_not_grow_with_the_contacts(owner_client, owner, page_cost, page):
    ada, grace = ContactFactory(owner=owner), ContactFactory(owner=owner)
    support = SupportFactory(owner=owner, contact=ada, kind="intro", intro_to=grace)
    url = (
        reverse("interactions:support_create")
        if page == "create"
        else reverse("interactions:support_edit", args=[support.pk])
    )
    ContactFactory(owner=owner)
    few = page_cost(owner_client, url)
    ContactFactory.create_batch(57, owner=owner)
    assert page_cost(owner_client, url) == few


def test_give_edit_shows_both_people_chosen(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    support = SupportFactory(owner=owner, contact=ada, kind="intro", intro_to=grace)
    body = owner_client.get(reverse("interactions:support_edit", args=[support.pk])).content
    body = body.decode()
    assert chip("contact", ada) in body and chip("intro_to", grace) in body
    assert "<select name=\"contact\"" not in body


@pytest.mark.parametrize("field", ["contact", "intro_to"])
def test_give_with_a_strangers_contact_is_a_field_error(owner_client, owner, stranger, field):
    ada = ContactFactory(owner=owner)
    theirs = ContactFactory(owner=stranger, name="Their Contact")
    data = give_data(ada, kind="intro", intro_to=ContactFactory(owner=owner).pk)
    data[field] = theirs.pk
    response = owner_client.post(reverse("interactions:support_create"), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Support.objects.exists()
    assert "Their Contact" not in response.content.decode()


def test_give_edit_with_a_strangers_contact_keeps_the_give(owner_client, owner, stranger):
    support = SupportFactory(owner=owner)
    theirs = ContactFactory(owner=stranger)
    response = owner_client.post(
        reverse("interactions:support_edit", args=[support.pk]), give_data(theirs)
    )
    assert "contact" in response.context["form"].errors
    support.refresh_from_db()
    assert support.contact.owner == owner


def test_find_without_javascript_shows_matches_and_saves_nothing(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    data = give_data(ada, kind="intro", description="Intro for the compiler talk")
    data.update({"picker_find": "intro_to", "intro_to_q": "hopper"})
    response = owner_client.post(reverse("interactions:support_create"), data)
    body = response.content.decode()
    assert response.status_code == 200 and not Support.objects.exists()
    # The match is a radio of the intro_to group; what was typed and chosen stays.
    assert f'type="radio" name="intro_to" value="{grace.pk}"' in body
    assert "Intro for the compiler talk" in body and chip("contact", ada) in body
    # Nothing is reported as wrong yet: the form was not submitted to be saved.
    assert "errorlist" not in body


def test_search_names_its_matches_after_the_pickers_field(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    other = ContactFactory(owner=owner, name="Ada Byron")
    body = owner_client.get(
        reverse("contacts:search"),
        {"field": "intro_to", "intro_to_q": "ada", "exclude": other.pk},
    ).content.decode()
    assert f'name="intro_to" value="{ada.pk}"' in body and "Ada Byron" not in body


# --- mentorships -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["create", "edit"])
def test_mentorship_form_pages_do_not_grow_with_the_contacts(
    owner_client, owner, page_cost, page
):
    mentorship = MentorshipFactory(
        owner=owner, mentor=ContactFactory(owner=owner), mentee=ContactFactory(owner=owner)
    )
    url = (
        reverse("interactions:mentorship_create")
        if page == "create"
        else reverse("interactions:mentorship_edit", args=[mentorship.pk])
    )
    ContactFactory(owner=owner)
    few = page_cost(owner_client, url)
    ContactFactory.create_batch(57, owner=owner)
    assert page_cost(owner_client, url) == few


def test_mentorship_edit_shows_mentor_and_mentee_chosen(owner_client, owner):
    mia, max_ = ContactFactory(owner=owner), ContactFactory(owner=owner)
    mentorship = MentorshipFactory(owner=owner, mentor=mia, mentee=max_)
    body = owner_client.get(
        reverse("interactions:mentorship_edit", args=[mentorship.pk])
    ).content.decode()
    assert chip("mentor", mia) in body and chip("mentee", max_) in body


@pytest.mark.parametrize("field", ["mentor", "mentee"])
def test_mentorship_with_a_strangers_contact_is_a_field_error(
    owner_client, owner, stranger, field
):
    theirs = ContactFactory(owner=stranger)
    data = {"started_on": "2026-06-01", "goals": "Grow", "active": "on"}
    data[field] = theirs.pk
    response = owner_client.post(reverse("interactions:mentorship_create"), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Mentorship.objects.exists()


def test_unticking_the_mentor_makes_me_the_mentor(owner_client, owner):
    mentee = ContactFactory(owner=owner)
    mentorship = MentorshipFactory(owner=owner, mentor=ContactFactory(owner=owner), mentee=mentee)
    response = owner_client.post(
        reverse("interactions:mentorship_edit", args=[mentorship.pk]),
        # The mentor's chip was unticked: nothing is posted for it.
        {"mentee": mentee.pk, "started_on": "2026-06-01", "session_cadence_days": 30},
    )
    assert response.status_code == 302, response.context["form"].errors
    mentorship.refresh_from_db()
    assert mentorship.mentor is None and mentorship.mentee == mentee


# --- the Log form's Find without JavaScript ------------------------------------------------------


@pytest.mark.parametrize("page", ["log", "interaction edit", "event"])
def test_find_by_get_leaves_the_csrf_token_out_of_the_address(owner_client, owner, page):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    url = {
        "log": reverse("interactions:create"),
        "interaction edit": reverse(
            "interactions:edit", args=[InteractionFactory(owner=owner, contacts=[ada]).pk]
        ),
        "event": reverse("contacts:event_detail", args=[EventFactory(owner=owner).pk]),
    }[page]
    response = owner_client.get(
        url, {"csrfmiddlewaretoken": "secret", "q": "ada", "contacts": ada.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?q=ada&contacts={ada.pk}"
    assert "Ada Lovelace" in owner_client.get(response["Location"]).content.decode()
