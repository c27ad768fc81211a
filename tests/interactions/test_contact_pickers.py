"""The give, mentorship, Log, interaction edit and event "add people you met" forms pick people
with the contact picker (contacts.widgets): their pages never list every contact, a stranger's
contact is a field error, edits show who is chosen, and without JavaScript the picker's Find
posts the form back to show matches instead of saving, while Enter saves."""

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction, Mentorship, Support
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


# --- the Log form, the interaction edit form and an event's "add people you met" -------------------


@pytest.fixture
def people(owner):
    return {
        "ada": ContactFactory(owner=owner, name="Ada Lovelace"),
        "grace": ContactFactory(owner=owner, name="Grace Hopper"),
    }


@pytest.fixture
def forms(owner, people):
    """Each of the three forms: the page that shows it, where it posts, what it posts to save
    Ada (chosen), and whether anything was saved."""
    ada = people["ada"]
    interaction = InteractionFactory(owner=owner, contacts=[ada], summary="Before")
    event = EventFactory(owner=owner)
    today = timezone.localdate().isoformat()
    saved_data = {"kind": "coffee", "occurred_on": today, "initiated_by": "me"}
    return {
        "log": {
            "page": reverse("interactions:create") + f"?contact={ada.pk}",
            "post": reverse("interactions:create"),
            "data": {**saved_data, "contacts": [ada.pk], "summary": "Lunch at the lab"},
            "saved": lambda: Interaction.objects.filter(summary="Lunch at the lab").exists(),
        },
        "interaction edit": {
            "page": reverse("interactions:edit", args=[interaction.pk]),
            "post": reverse("interactions:edit", args=[interaction.pk]),
            "data": {**saved_data, "contacts": [ada.pk], "summary": "Lunch at the lab"},
            "saved": lambda: Interaction.objects.filter(summary="Lunch at the lab").exists(),
        },
        "event": {
            "page": reverse("contacts:event_detail", args=[event.pk]),
            "post": reverse("contacts:event_people", args=[event.pk]),
            "data": {"contacts": [ada.pk]},
            "saved": lambda: event.people_met.exists(),
        },
    }


FORMS = ["log", "interaction edit", "event"]


@pytest.mark.parametrize("form", FORMS)
def test_the_form_pages_do_not_grow_with_the_contacts(owner_client, owner, forms, page_cost, form):
    """Only the chosen contact is rendered (Ada, prefilled or already in the interaction)."""
    ContactFactory(owner=owner)
    few = page_cost(owner_client, forms[form]["page"])
    ContactFactory.create_batch(57, owner=owner)
    assert page_cost(owner_client, forms[form]["page"]) == few


@pytest.mark.parametrize("form", FORMS)
def test_the_forms_use_the_picker_widget(owner_client, forms, people, form):
    body = owner_client.get(forms[form]["page"]).content.decode()
    assert 'name="contacts_q"' in body and 'name="q"' not in body
    assert 'name="picker_find" value="contacts"' in body and 'formmethod="get"' not in body
    if form != "event":
        assert chip("contacts", people["ada"]) in body


@pytest.mark.parametrize("form", FORMS)
def test_find_without_javascript_posts_back_and_saves_nothing(owner_client, forms, people, form):
    """Find posts the form (the CSRF token stays in the body, never in an address) and shows the
    matches beside the chosen; what was typed stays, nothing is saved or reported as wrong."""
    spec = forms[form]
    data = {**spec["data"], "picker_find": "contacts", "contacts_q": "hopper"}
    response = owner_client.post(spec["post"], data)
    body = response.content.decode()
    assert response.status_code == 200 and not spec["saved"]()
    assert f'type="checkbox" name="contacts" value="{people["grace"].pk}"' in body
    assert chip("contacts", people["ada"]) in body and 'value="hopper"' in body
    assert "errorlist" not in body
    if form != "event":
        assert "Lunch at the lab" in body


@pytest.mark.parametrize("form", FORMS)
def test_enter_without_javascript_saves(owner_client, forms, form):
    """Enter in a text field presses the form's first submit button: the picker's invisible
    default button (picker_enter), placed before its Find."""
    spec = forms[form]
    response = owner_client.post(
        spec["post"], {**spec["data"], "picker_enter": "1", "contacts_q": ""}
    )
    assert response.status_code == 302 and spec["saved"]()


@pytest.mark.parametrize("form", FORMS)
def test_enter_with_a_name_typed_in_the_search_box_finds_it(owner_client, forms, people, form):
    """Enter with a name not yet found: as with JavaScript, Enter finds it; saving would drop
    the person the user was typing."""
    spec = forms[form]
    response = owner_client.post(
        spec["post"], {**spec["data"], "picker_enter": "1", "contacts_q": "hopper"}
    )
    assert response.status_code == 200 and not spec["saved"]()
    body = response.content.decode()
    assert f'type="checkbox" name="contacts" value="{people["grace"].pk}"' in body


def test_the_enter_button_comes_before_find_and_save(owner_client, forms):
    body = owner_client.get(forms["log"]["page"]).content.decode()
    form = body[body.index('<form id="log-form"') :]
    first_submit = form[form.index('type="submit"') :]
    assert first_submit.startswith('type="submit" name="picker_enter"')
    save = first_submit.index('class="primary">Save</button>')
    assert first_submit.index('name="picker_find"') < save


def test_find_on_the_log_form_offers_only_the_owners_contacts(owner_client, owner, stranger):
    ContactFactory(owner=stranger, name="Ada Stranger")
    ContactFactory(owner=owner, name="Ada Archived", archived=True)
    response = owner_client.post(
        reverse("interactions:create"), {"picker_find": "contacts", "contacts_q": "ada"}
    )
    body = response.content.decode()
    assert "Ada Stranger" not in body and "Ada Archived" not in body
    assert 'No contact matches “ada”' in body


def test_log_form_prefill_shows_no_strangers_contact(owner_client, stranger):
    theirs = ContactFactory(owner=stranger, name="Secret Person")
    body = owner_client.get(reverse("interactions:create"), {"contact": theirs.pk}).content
    assert b"Secret Person" not in body and f'value="{theirs.pk}" checked'.encode() not in body
