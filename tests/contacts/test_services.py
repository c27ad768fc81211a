"""Contact services: emails, phones and tags synced from form data; bulk actions; links."""

import pytest

from contacts import services
from contacts.models import Contact, LinkKind, Tag
from tests.factories import ContactFactory, TagFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def base_data(**overrides):
    data = {
        "name": "Grace Hopper",
        "circle": "community",
        "discipline": "engineering",
        "tier": "peer",
    }
    data.update(overrides)
    return data


def test_create_contact_stores_emails_phones_and_tags(owner):
    contact = services.create_contact(
        owner,
        base_data(
            emails=[("work", "grace@navy.mil")],
            phones=[("", "+1 555 0100")],
            tags=["cobol", "speaker"],
        ),
    )
    assert [(e.label, e.email) for e in contact.emails.all()] == [("work", "grace@navy.mil")]
    assert [p.number for p in contact.phones.all()] == ["+1 555 0100"]
    assert sorted(t.name for t in contact.tags.all()) == ["cobol", "speaker"]
    assert contact.owner == owner


def test_update_contact_replaces_emails_and_keeps_unchanged_rows(owner):
    contact = services.create_contact(owner, base_data(emails=[("", "a@x.org"), ("", "b@x.org")]))
    kept = contact.emails.get(email="a@x.org")
    services.update_contact(contact, {"emails": [("home", "a@x.org"), ("", "c@x.org")]})
    assert sorted(e.email for e in contact.emails.all()) == ["a@x.org", "c@x.org"]
    kept.refresh_from_db()
    assert kept.label == "home"


def test_tags_reuse_the_owners_existing_tag_case_insensitively(owner):
    TagFactory(owner=owner, name="Kubernetes")
    contact = services.create_contact(owner, base_data(tags=["kubernetes"]))
    assert [t.name for t in contact.tags.all()] == ["Kubernetes"]
    assert Tag.objects.filter(owner=owner).count() == 1


def test_tags_are_created_for_the_owner_not_shared_with_a_stranger(owner, stranger):
    TagFactory(owner=stranger, name="speaker")
    contact = services.create_contact(owner, base_data(tags=["speaker"]))
    assert contact.tags.get().owner == owner


def test_changing_cadence_recomputes_the_next_follow_up(owner, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "interactions.followups.refresh_contact_schedule", lambda ids, **kw: calls.append(list(ids))
    )
    contact = ContactFactory(owner=owner)
    services.update_contact(contact, {"cadence_days": 7})
    assert calls == [[contact.pk]]


def test_editing_notes_only_does_not_touch_the_schedule(owner, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "interactions.followups.refresh_contact_schedule", lambda ids, **kw: calls.append(ids)
    )
    contact = ContactFactory(owner=owner)
    services.update_contact(contact, {"notes": "Likes climbing"})
    assert calls == []


def test_bulk_tag_adds_the_tag_once(owner):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    services.bulk_update_contacts(owner, [a], "tag", tag="speaker")
    services.bulk_update_contacts(owner, [a, b], "tag", tag="speaker")
    assert a.tags.count() == 1 and b.tags.get().name == "speaker"


def test_bulk_archive_and_unarchive(owner):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    services.bulk_update_contacts(owner, [a, b], "archive")
    assert Contact.objects.filter(owner=owner, archived=True).count() == 2
    services.bulk_update_contacts(owner, [a], "unarchive")
    assert list(Contact.objects.filter(owner=owner, archived=False)) == [a]


def test_bulk_set_cadence(owner):
    a = ContactFactory(owner=owner)
    services.bulk_update_contacts(owner, [a], "cadence", cadence_days=21)
    a.refresh_from_db()
    assert a.cadence_days == 21


def test_bulk_ignores_a_strangers_contact(owner, stranger):
    other = ContactFactory(owner=stranger)
    services.bulk_update_contacts(owner, [other], "archive")
    other.refresh_from_db()
    assert other.archived is False


def test_create_link_ties_two_contacts(owner):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    link = services.create_link(owner, a, {"to_contact": b, "kind": LinkKind.COLLEAGUES})
    assert (link.from_contact, link.to_contact, link.owner) == (a, b, owner)
