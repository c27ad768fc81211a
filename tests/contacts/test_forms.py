"""Contact, bulk, event and link forms: parsing, errors kept with what was typed, and every
choice of another row scoped to the owner."""

import datetime

import pytest

from contacts.forms import (
    BriefForm,
    BulkActionForm,
    ContactForm,
    ContactLinkForm,
    EventForm,
    parse_labelled_lines,
    parse_tags,
)
from contacts.models import LinkKind
from tests.factories import ContactEmailFactory, ContactFactory, EventFactory, TagFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def contact_data(**overrides):
    data = {
        "name": "Ada Lovelace",
        "circle": "industry_peer",
        "discipline": "engineering",
        "tier": "network",
        "emails": "",
        "phones": "",
        "tags": "",
    }
    data.update(overrides)
    return data


def test_labelled_lines_split_label_from_value():
    assert parse_labelled_lines("work: a@x.org\n\n b@y.org ") == [
        ("work", "a@x.org"),
        ("", "b@y.org"),
    ]


def test_tags_are_trimmed_and_deduplicated_case_insensitively():
    assert parse_tags(" k8s, Speaker ,K8S,, ") == ["k8s", "Speaker"]


def test_contact_form_cleans_emails_to_labelled_lowercase_rows(owner):
    form = ContactForm(contact_data(emails="Work: Ada@Example.org\nada@home.org"), owner=owner)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["emails"] == [("Work", "ada@example.org"), ("", "ada@home.org")]


def test_contact_form_invalid_email_is_reported_on_the_field_and_text_kept(owner):
    form = ContactForm(contact_data(emails="not-an-email"), owner=owner)
    assert not form.is_valid()
    assert "not a valid email" in form.errors["emails"][0]
    assert "not-an-email" in str(form["emails"])


def test_contact_form_rejects_a_strangers_event(owner, stranger):
    event = EventFactory(owner=stranger)
    form = ContactForm(contact_data(met_at=event.pk), owner=owner)
    assert not form.is_valid()
    assert "met_at" in form.errors


def test_contact_form_rejects_a_strangers_contact_as_introducer(owner, stranger):
    other = ContactFactory(owner=stranger)
    form = ContactForm(contact_data(introduced_by=other.pk), owner=owner)
    assert not form.is_valid()
    assert "introduced_by" in form.errors


def test_contact_form_accepts_own_event_and_introducer(owner):
    event, introducer = EventFactory(owner=owner), ContactFactory(owner=owner)
    form = ContactForm(contact_data(met_at=event.pk, introduced_by=introducer.pk), owner=owner)
    assert form.is_valid(), form.errors


def test_contact_cannot_be_introduced_by_itself(owner):
    contact = ContactFactory(owner=owner)
    form = ContactForm(contact_data(introduced_by=contact.pk), instance=contact, owner=owner)
    assert not form.is_valid()
    assert "introduced_by" in form.errors


def test_contact_form_edit_shows_existing_emails_and_tags(owner):
    contact = ContactFactory(owner=owner)
    ContactEmailFactory(contact=contact, email="ada@example.org", label="work")
    contact.tags.add(TagFactory(owner=owner, name="speaker"))
    form = ContactForm(instance=contact, owner=owner)
    assert form.initial["emails"] == "work: ada@example.org"
    assert form.initial["tags"] == "speaker"


def test_contact_form_rejects_unknown_time_zone(owner):
    form = ContactForm(contact_data(time_zone="Mars/Olympus"), owner=owner)
    assert not form.is_valid()
    assert "time_zone" in form.errors


def test_brief_form_scopes_event_choices(owner, stranger):
    contact = ContactFactory(owner=owner)
    form = BriefForm(
        {"tier": "network", "met_at": EventFactory(owner=stranger).pk},
        instance=contact,
        owner=owner,
    )
    assert not form.is_valid()
    assert "met_at" in form.errors


def test_bulk_form_rejects_a_strangers_contact(owner, stranger):
    other = ContactFactory(owner=stranger)
    form = BulkActionForm({"ids": [other.pk], "action": "archive"}, owner=owner)
    assert not form.is_valid()
    assert "ids" in form.errors


def test_bulk_tag_needs_a_tag_name(owner):
    contact = ContactFactory(owner=owner)
    form = BulkActionForm({"ids": [contact.pk], "action": "tag", "tag": " "}, owner=owner)
    assert not form.is_valid()
    assert "tag" in form.errors


def test_event_form_rejects_a_strangers_contact_as_person_met(owner, stranger):
    form = EventForm(
        {
            "name": "KubeCon",
            "kind": "conference",
            "starts_on": "2026-03-01",
            "people_met": [ContactFactory(owner=stranger).pk],
        },
        owner=owner,
    )
    assert not form.is_valid()
    assert "people_met" in form.errors


def test_event_form_rejects_end_before_start(owner):
    form = EventForm(
        {
            "name": "KubeCon",
            "kind": "conference",
            "starts_on": "2026-03-05",
            "ends_on": "2026-03-01",
        },
        owner=owner,
    )
    assert not form.is_valid()
    assert form.errors["ends_on"] == ["The event cannot end before it starts."]


def test_link_form_offers_neither_self_nor_strangers(owner, stranger):
    contact, friend = ContactFactory(owner=owner), ContactFactory(owner=owner)
    ContactFactory(owner=stranger)
    form = ContactLinkForm(owner=owner, from_contact=contact)
    assert list(form.fields["to_contact"].queryset) == [friend]


def test_link_form_rejects_a_duplicate_link(owner):
    from contacts.models import ContactLink

    contact, friend = ContactFactory(owner=owner), ContactFactory(owner=owner)
    ContactLink.objects.create(
        owner=owner, from_contact=contact, to_contact=friend, kind=LinkKind.COLLEAGUES
    )
    form = ContactLinkForm(
        {
            "to_contact": friend.pk,
            "kind": LinkKind.COLLEAGUES,
            "since": str(datetime.date(2025, 1, 1)),
        },
        owner=owner,
        from_contact=contact,
    )
    assert not form.is_valid()
    assert "already exists" in str(form.non_field_errors())
