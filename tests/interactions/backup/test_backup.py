"""Exports in open formats: CSV with formula escaping, vCard 4.0, and a JSON document that
restores an account exactly."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from contacts.csv_cells import escape_cell
from contacts.importing.services import run_import
from contacts.models import Contact, ContactKind, ContactLink, LinkKind
from interactions.backup import contact_files
from interactions.backup.document import export_document, export_json
from interactions.backup.restore import RestoreError, import_document
from interactions.models import Direction
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    MentorshipFactory,
    SupportFactory,
    TagFactory,
    UserFactory,
)
from tests.interactions.backup.normalise import normalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(owner):
    ada = ContactFactory(
        owner=owner, name="Ada Lovelace", company="Analytical", notes='=HYPERLINK("x")'
    )
    bob = ContactFactory(owner=owner, name="Bob Ng", company="Acme", introduced_by=ada)
    ContactEmailFactory(contact=ada, email="ada@example.com", label="work")
    bob.phones.create(number="+44 20 7946 0000", label="mobile")
    bob.tags.add(TagFactory(owner=owner, name="mentors"))
    event = EventFactory(owner=owner, name="LeadDev")
    event.people_met.add(ada, bob)
    ada.met_at = event
    ada.save()
    interaction = InteractionFactory(owner=owner, contacts=[ada, bob], summary="Lunch", event=event)
    support = SupportFactory(
        owner=owner, contact=bob, intro_to=ada, interaction=interaction, direction=Direction.GIVE
    )
    mentorship = MentorshipFactory(owner=owner, mentee=bob)
    FollowUpFactory(owner=owner, contact=bob, support=support, source_key=f"give:{support.pk}")
    FollowUpFactory(
        owner=owner,
        contact=bob,
        mentorship=mentorship,
        source_key=f"mentorship:{mentorship.pk}:2026-01-01",
    )
    ContactLink.objects.create(
        owner=owner, from_contact=ada, to_contact=bob, kind=LinkKind.INTRODUCED
    )
    return owner


def test_escape_cell_prefixes_formula_starts():
    assert [escape_cell(v) for v in ["=1+1", "+49", "-2", "@SUM", "\tx", "\rx", "plain"]] == [
        "'=1+1",
        "'+49",
        "'-2",
        "'@SUM",
        "'\tx",
        "'\rx",
        "plain",
    ]


def test_csv_export_escapes_formulas(account):
    text = "".join(contact_files.export_csv(account))
    assert "'=HYPERLINK" in text
    assert "'+44 20 7946 0000" in text
    assert ",=HYPERLINK" not in text


def test_csv_export_contains_only_own_contacts(account, stranger):
    ContactFactory(owner=stranger, name="Someone Else")
    text = "".join(contact_files.export_csv(account))
    assert "Ada Lovelace" in text and "Someone Else" not in text


def test_csv_export_reimports_into_an_empty_account(account, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("".join(contact_files.export_csv(account)), encoding="utf-8")
    other = UserFactory(username="fresh")
    run_import(path, other, dry_run=False)
    bob = Contact.objects.get(owner=other, name="Bob Ng")
    assert list(bob.phones.values_list("number", flat=True)) == ["+442079460000"]  # E.164
    assert Contact.objects.get(owner=other, name="Ada Lovelace").notes == '=HYPERLINK("x")'


def test_vcard_export_is_version_4_and_reimports(account, tmp_path):
    text = "".join(contact_files.export_vcard(account))
    assert text.count("BEGIN:VCARD") == 2 and "VERSION:4.0\r\n" in text
    path = tmp_path / "contacts.vcf"
    path.write_text(text, encoding="utf-8", newline="")
    other = UserFactory(username="fresh")
    summary = run_import(path, other, dry_run=False)
    assert summary.counts["new"] == 2
    ada = Contact.objects.get(owner=other, name="Ada Lovelace")
    assert list(ada.emails.values_list("email", flat=True)) == ["ada@example.com"]


def test_vcard_lines_are_folded_at_75_octets(owner):
    ContactFactory(owner=owner, name="Long Notes", notes="é" * 200)
    text = "".join(contact_files.export_vcard(owner))
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75


def test_json_round_trip_reproduces_the_account(account):
    document = json.loads(export_json(account))
    fresh = UserFactory(username="fresh")
    import_document(fresh, document)
    assert normalised(json.loads(export_json(fresh))) == normalised(document)


def test_json_round_trip_keeps_times_to_the_microsecond(owner):
    # Django's JSON encoder cut them to milliseconds: .000456 came back as .000 (a CI flake).
    stamp = datetime(2026, 3, 1, 9, 30, 0, 456, tzinfo=UTC)
    contact = ContactFactory(owner=owner)
    Contact.objects.filter(pk=contact.pk).update(created_at=stamp, updated_at=stamp)
    fresh = UserFactory(username="fresh")
    import_document(fresh, json.loads(export_json(owner)))
    restored = Contact.objects.get(owner=fresh)
    assert (restored.created_at, restored.updated_at) == (stamp, stamp)


def test_json_restore_refuses_a_non_empty_account(account):
    document = json.loads(export_json(account))
    with pytest.raises(RestoreError, match="empty account"):
        import_document(account, document)


def test_json_restore_refuses_other_documents(owner):
    with pytest.raises(RestoreError, match="not a network_crm"):
        import_document(owner, {"contacts": []})


def test_json_document_excludes_other_users_rows(account, stranger):
    ContactFactory(owner=stranger, name="Someone Else")
    document = export_document(account)
    assert {c["name"] for c in document["contacts"]} == {"Ada Lovelace", "Bob Ng"}


def test_export_data_command_writes_each_format(account, tmp_path):
    for fmt, marker in (
        ("json", '"network_crm-export"'),
        ("csv", "Name,"),
        ("vcard", "BEGIN:VCARD"),
    ):
        path = tmp_path / f"out.{fmt}"
        call_command(
            "export_data",
            "--user",
            "owner",
            "--format",
            fmt,
            "--output",
            str(path),
            stderr=StringIO(),
        )
        assert marker in path.read_text(encoding="utf-8")
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfName,")


def test_restore_command_restores_json_into_empty_account(account, tmp_path):
    path = tmp_path / "all.json"
    path.write_text(export_json(account), encoding="utf-8")
    UserFactory(username="fresh")
    out = StringIO()
    call_command("restore_data", str(path), "--user", "fresh", stdout=out)
    assert "2 contacts" in out.getvalue()
    assert Contact.objects.filter(owner__username="fresh").count() == 2


def test_vcard_export_says_what_is_an_organisation_and_how_a_name_is_said(owner, tmp_path):
    ContactFactory(owner=owner, name="Acme Robotics", kind=ContactKind.ORGANISATION)
    ContactFactory(owner=owner, name="山田 太郎", phonetic_name="Taro Yamada")
    text = "".join(contact_files.export_vcard(owner))
    assert "KIND:org\r\nX-ABShowAs:COMPANY" in text
    assert "X-PHONETIC-FIRST-NAME:Taro\r\nX-PHONETIC-LAST-NAME:Yamada" in text
    path = tmp_path / "contacts.vcf"
    path.write_text(text, encoding="utf-8", newline="")
    other = UserFactory(username="fresh")
    run_import(path, other, dry_run=False)
    assert Contact.objects.get(owner=other, name="Acme Robotics").kind == ContactKind.ORGANISATION
    assert Contact.objects.get(owner=other, name="山田 太郎").phonetic_name == "Taro Yamada"


def test_a_backup_made_before_contacts_stored_their_history_gets_it_from_the_rows(account):
    document = json.loads(export_json(account))
    for row in document["contacts"]:
        for derived in ("interaction_count", "revived_at", "quiet_since"):
            del row[derived]
    fresh = UserFactory(username="fresh")
    import_document(fresh, document)
    counts = {c.name: c.interaction_count for c in Contact.objects.filter(owner=fresh)}
    assert counts == {
        c.name: c.interactions.count() for c in Contact.objects.filter(owner=fresh)
    }
    assert any(counts.values())
