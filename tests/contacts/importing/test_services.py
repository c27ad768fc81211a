"""Preview classifies every row; applying writes accepted rows once, never overwriting."""

import pytest

from contacts.importing.results import Status
from contacts.importing.services import run_import
from contacts.importing.sniff import ImportFileError
from contacts.dates.models import ImportantDate
from contacts.models import Contact, ContactEmail, Tag
from tests.factories import ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db


def statuses(summary):
    return [(r.line, r.status) for r in summary.rows]


def test_preview_writes_nothing(owner, fixture_path):
    summary = run_import(fixture_path("linkedin_connections.csv"), owner, dry_run=True)
    assert summary.counts[Status.NEW] == 6
    assert Contact.objects.count() == 0


def test_preview_lists_every_row_with_its_line(owner, fixture_path):
    summary = run_import(fixture_path("linkedin_connections.csv"), owner)
    assert statuses(summary) == [
        (5, "new"),
        (6, "new"),
        (7, "new"),
        (8, "new"),
        (9, "new"),
        (10, "skipped"),
        (11, "new"),
    ]
    assert summary.rows[5].reason == "no name or email address"


def test_apply_creates_contacts_owned_by_importer(owner, fixture_path):
    run_import(fixture_path("linkedin_connections.csv"), owner, dry_run=False)
    priya = Contact.objects.get(name="Priya Raman")
    assert priya.owner == owner
    assert priya.how_we_met == "Connected on LinkedIn on 12 Mar 2021"
    assert list(priya.emails.values_list("email", flat=True)) == ["priya.raman@example.com"]


def test_importing_same_file_twice_changes_nothing(owner, fixture_path):
    path = fixture_path("google_contacts.csv")
    run_import(path, owner, dry_run=False)
    before = sorted(Contact.objects.values_list("id", "name", "updated_at"))
    emails = ContactEmail.objects.count()
    second = run_import(path, owner, dry_run=False)
    assert second.counts[Status.NEW] == second.counts[Status.UPDATE] == 0
    assert sorted(Contact.objects.values_list("id", "name", "updated_at")) == before
    assert ContactEmail.objects.count() == emails


@pytest.mark.parametrize(
    "name",
    [
        "contacts_v21.vcf",
        "contacts_v30_apple.vcf",
        "contacts_v40.vcf",
        "outlook_contacts.csv",
        "google_contacts_legacy.csv",
        "excel_unicode_text.txt",
        "excel_semicolon.csv",
        "generic_ragged.csv",
        "linkedin_connections.csv",
    ],
)
def test_second_import_of_each_format_is_all_duplicates_or_refused(owner, fixture_path, name):
    run_import(fixture_path(name), owner, dry_run=False)
    count = Contact.objects.count()
    second = run_import(fixture_path(name), owner, dry_run=False)
    assert {r.status for r in second.rows} <= {Status.DUPLICATE, Status.SKIPPED, Status.ERROR}
    assert Contact.objects.count() == count


def test_match_by_email_fills_blanks_and_never_overwrites(owner, fixture_path):
    priya = ContactFactory(owner=owner, name="Priya R.", company="", title="My own words")
    ContactEmailFactory(contact=priya, email="priya.raman@example.com")
    summary = run_import(fixture_path("linkedin_connections.csv"), owner, dry_run=False)
    priya.refresh_from_db()
    assert (priya.name, priya.title, priya.company) == ("Priya R.", "My own words", "Stripe")
    assert summary.rows[0].status == Status.UPDATE
    assert "company" in summary.rows[0].reason


def test_match_by_normalised_linkedin_url(owner, fixture_path):
    ContactFactory(owner=owner, name="Mei", linkedin_url="http://uk.linkedin.com/in/MeiChen/?trk=x")
    summary = run_import(fixture_path("linkedin_connections.csv"), owner)
    assert summary.rows[2].status == Status.UPDATE
    assert "by linkedin" in summary.rows[2].reason


def test_name_and_company_alone_make_a_possible_duplicate_never_a_merge(owner, fixture_path):
    tomas = ContactFactory(owner=owner, name="tomas alvarez", company="Globex Inc", title="")
    summary = run_import(fixture_path("linkedin_connections.csv"), owner, dry_run=False)
    assert summary.rows[1].status == Status.POSSIBLE
    assert "“tomas alvarez” (your contacts)" in summary.rows[1].reason
    tomas.refresh_from_db()
    assert (tomas.title, tomas.linkedin_url) == ("", "")
    assert Contact.objects.filter(owner=owner, name="Tomás Álvarez").count() == 1


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("name", ["linkedin_connections.csv", "duplicates.csv"])
def test_a_contact_deleted_while_the_import_runs_is_not_matched(owner, fixture_path, dry_run, name):
    """Deleted by its owner after the import read the account's keys and before a row that
    matches it: that row is new (it was a KeyError), and the rest of the file goes on."""
    # The contact, and the name the file gives the same person.
    gone, spelled = {
        "linkedin_connections.csv": (
            ContactFactory(
                owner=owner, name="tomas alvarez", company="Globex Inc", title="",
                linkedin_url="https://www.linkedin.com/in/tomasalvarez",
            ),
            "Tomás Álvarez",
        ),
        "duplicates.csv": (
            ContactFactory(
                owner=owner, name="Clara Diaz", company="Canva",
                linkedin_url="https://linkedin.com/in/claradiaz",
            ),
            "Clara Diaz",
        ),
    }[name]
    expected = run_import(fixture_path(name), owner, batch_size=1)

    def delete_after_first_batch(done):
        if done == 1:
            Contact.objects.filter(pk=gone.pk).delete()

    summary = run_import(
        fixture_path(name), owner, dry_run=dry_run, batch_size=1, progress=delete_after_first_batch
    )
    line = next(r.line for r in expected.rows if r.contact_id == gone.pk)
    assert {r.line: r.status for r in summary.rows}[line] == Status.NEW
    assert len(summary.rows) == len(expected.rows)
    assert not Contact.objects.filter(pk=gone.pk).exists()
    if not dry_run:
        assert Contact.objects.filter(owner=owner, name=spelled).count() == 1


def test_existing_contact_with_nothing_new_is_duplicate(owner, fixture_path):
    contact = ContactFactory(
        owner=owner,
        name="Zoë Papadopoulos",
        company="Workable",
        title="x",
        preferred_name="Zo",
        notes="n",
        linkedin_url="https://www.linkedin.com/in/zoepapa",
    )
    ContactEmailFactory(contact=contact, email="zoe@example.gr")
    contact.phones.create(number="+306900000000")
    ImportantDate.objects.create(owner=owner, contact=contact, month=4, day=15)
    summary = run_import(fixture_path("contacts_v40.vcf"), owner)
    assert summary.rows[0].status == Status.DUPLICATE


def test_rows_sharing_a_strong_identifier_in_one_file_become_one_contact(owner, fixture_path):
    summary = run_import(fixture_path("duplicates.csv"), owner, dry_run=False)
    assert statuses(summary) == [
        (2, "new"),
        (3, "duplicate"),
        (4, "new"),
        (5, "duplicate"),
        (6, "new"),
        # The same name at the same company with an email the first row lacks: maybe the
        # same person, maybe not; added and listed, never merged.
        (7, "possible"),
    ]
    assert Contact.objects.count() == 4
    ben = Contact.objects.get(name="Ben Carter")
    assert ben.title == "Senior EM"
    assert "line 6 of this file" in summary.rows[5].reason
    dev = Contact.objects.get(name="Dev Patel")
    assert list(dev.phones.values_list("number", flat=True)) == ["+442079460000"]


def test_in_file_duplicates_across_batches_become_one_contact(owner, fixture_path):
    run_import(fixture_path("duplicates.csv"), owner, dry_run=False, batch_size=1)
    assert Contact.objects.count() == 4
    assert Contact.objects.get(name="Ben Carter").title == "Senior EM"


def test_in_file_duplicates_across_batches_in_preview(owner, fixture_path):
    summary = run_import(fixture_path("duplicates.csv"), owner, batch_size=2)
    assert (summary.counts[Status.NEW], summary.counts[Status.POSSIBLE]) == (3, 1)


def test_an_invalid_email_loses_its_cell_with_a_warning_never_the_row(owner, fixture_path):
    summary = run_import(fixture_path("generic_ragged.csv"), owner, dry_run=False)
    liam = next(r for r in summary.rows if r.line == 6)
    assert liam.status == Status.NEW
    assert liam.warnings == ["“not-an-email” is not an email address; left out"]
    assert not Contact.objects.get(name="Liam Jones").emails.exists()


def test_broken_vcard_does_not_stop_the_others(owner, fixture_path):
    summary = run_import(fixture_path("contacts_v21.vcf"), owner, dry_run=False)
    assert summary.counts == {Status.NEW: 3, Status.ERROR: 1}
    assert Contact.objects.count() == 3


def test_tags_are_created_once_per_owner(owner, fixture_path):
    run_import(fixture_path("generic_ragged.csv"), owner, dry_run=False)
    run_import(fixture_path("generic_ragged.csv"), owner, dry_run=False)
    assert sorted(Tag.objects.filter(owner=owner).values_list("name", flat=True)) == [
        "fintech",
        "mentors",
    ]
    assert Contact.objects.get(name="Olivia Brown").tags.count() == 2


def test_other_users_contacts_are_not_matched(owner, stranger, fixture_path):
    theirs = ContactFactory(owner=stranger, name="Priya Raman", company="Stripe")
    ContactEmailFactory(contact=theirs, email="priya.raman@example.com")
    summary = run_import(fixture_path("linkedin_connections.csv"), owner, dry_run=False)
    assert summary.rows[0].status == Status.NEW
    assert Contact.objects.filter(owner=owner, name="Priya Raman").exists()


def test_error_in_the_middle_of_apply_rolls_everything_back(owner, fixture_path, monkeypatch):
    from contacts.importing.importer import Importer

    calls = {"n": 0}
    original = Importer.flush

    def failing_flush(self, touched):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(self, touched)

    monkeypatch.setattr(Importer, "flush", failing_flush)
    with pytest.raises(RuntimeError):
        run_import(fixture_path("linkedin_connections.csv"), owner, dry_run=False, batch_size=2)
    assert Contact.objects.count() == 0


def test_csv_without_contact_columns_is_refused_clearly(owner, fixture_path):
    with pytest.raises(ImportFileError, match="does not look like a contact file"):
        run_import(fixture_path("transactions.csv"), owner)


def test_generic_csv_uses_given_mapping(owner, fixture_path):
    mapping = ["name", "", "company", "", ""]
    summary = run_import(fixture_path("generic_ragged.csv"), owner, mapping=mapping, dry_run=False)
    assert summary.counts[Status.NEW] == 5
    assert not ContactEmail.objects.exists()


def test_imported_contacts_are_unsorted_with_no_follow_up_due(owner, fixture_path):
    run_import(fixture_path("contacts_v40.vcf"), owner, dry_run=False)
    contact = Contact.objects.get(name="Ravi Shankar")
    assert (contact.circle, contact.discipline, contact.tier) == ("", "", "")
    assert contact.circle_label == contact.discipline_label == contact.tier_label == "Not set"
    assert contact.next_follow_up_on is None


def test_error_reading_a_later_batch_rolls_back_the_batches_written(
    owner, fixture_path, monkeypatch
):
    from contacts.importing import linkedin

    # A LinkedIn export is read row by row by its batch importer.
    read_rows = linkedin.iter_csv

    def rows_then_failure(*args):
        for number, row in enumerate(read_rows(*args)):
            if number == 3:
                raise RuntimeError("disk full")
            yield row

    monkeypatch.setattr(linkedin, "iter_csv", rows_then_failure)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(fixture_path("linkedin_connections.csv"), owner, dry_run=False, batch_size=2)
    assert Contact.objects.count() == 0


def test_multi_batch_import_links_emails_to_their_contacts(owner, fixture_path):
    run_import(fixture_path("linkedin_connections.csv"), owner, dry_run=False, batch_size=2)
    assert sorted(ContactEmail.objects.values_list("contact__name", "email")) == [
        ("Aisha Okafor", "aisha@okafor.dev"),
        ("Priya Raman", "priya.raman@example.com"),
    ]
