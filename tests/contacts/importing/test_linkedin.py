"""The LinkedIn batch path reports and writes exactly what the general importer does: every bad
row with its line and reason, duplicates inside the file and against the account merged."""

import pytest
from django.db import connection, transaction

from contacts.importing import services
from contacts.importing.importer import Importer
from contacts.importing.linkedin import LinkedInImporter
from contacts.importing.results import Status
from contacts.importing.services import run_import
from contacts.importing.sniff import sniff
from contacts.models import Contact, ContactEmail
from tests.factories import ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
# (line in the file, CSV row); the preamble and header take lines 1 to 4.
ROWS = [
    (5, "Priya,Raman,https://www.linkedin.com/in/priya-raman,,Stripe,Eng Manager,12 Mar 2021"),
    (6, "Mei,Chen,https://www.linkedin.com/in/meichen,Mei@Chen.dev,Shopify,Director,28 Feb 2019"),
    (7, "Bad,Email,https://www.linkedin.com/in/bad-email,not-an-email,Acme,CTO,01 Jan 2020"),
    (8, "Long," + "x" * 250 + ",https://www.linkedin.com/in/long,,Acme,CTO,01 Jan 2020"),
    (9, ",,https://www.linkedin.com/in/unknown-member,,Acme,,01 Jan 2020"),
    (10, ",,,,,,"),
    # The same person as line 5, now with an email: merged into the contact line 5 creates.
    (11, "Priya,Raman,https://www.linkedin.com/in/priya-raman/,priya@stripe.com,Stripe,,"),
    # Exactly line 6 again.
    (12, "Mei,Chen,https://www.linkedin.com/in/meichen,Mei@Chen.dev,Shopify,Director,28 Feb 2019"),
    # Already in the account: by email, by LinkedIn URL, by name and company.
    (13, "Ada,Lovelace,,ada@example.com,Analytical Engines,Countess,10 Dec 2015"),
    (14, "Grace,Hopper,https://linkedin.com/in/ghopper?trk=x,,Navy,Rear Admiral,09 Dec 2016"),
    (15, "Alan,Turing,,,Bletchley Park Ltd,,"),
    # Not the usual shape, but valid: the general path reads them.
    (16, "Linus,Torvalds,linkedin.com/in/torvalds,,Linux Foundation,Fellow,"),
    (17, "Tim,Berners-Lee,example.org/timbl,,W3C,Director,"),
    (18, "Short,Row,https://www.linkedin.com/in/short-row"),
    (19, "Seán,Ó Súilleabháin,HTTPS://WWW.LinkedIn.com/in/Sean-OS,,Acme,,"),
    (20, "Bad,Url,https://www.linkedin.com/in/bad url,,Acme,,"),
    # Line 5's person once more, in a later batch when batches are small.
    (21, "Priya,Raman,,,Stripe,,"),
]


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(
        'Notes:\n"When exporting your connection data, you may notice that some of the email '
        'addresses are missing."\n\n'
        + HEADER
        + "\n"
        + "".join(row + "\n" for _, row in ROWS),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def account(owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace", company="", title="")
    ContactEmailFactory(contact=ada, email="ada@example.com")
    ContactFactory(
        owner=owner, name="G. Hopper", linkedin_url="https://www.linkedin.com/in/ghopper"
    )
    ContactFactory(
        owner=owner, name="Alan Turing", company="Bletchley Park", how_we_met="At the park"
    )
    return owner


def general_importer(monkeypatch):
    """Make run_import read a LinkedIn export through the general parser and importer."""
    monkeypatch.setattr(
        services, "importer_for", lambda sniffed, owner, **options: Importer(owner, **options)
    )


def outcome(summary, owner):
    """Every row's result and every contact written, with contacts named by their rank (ids
    differ from run to run)."""
    contacts = list(Contact.objects.filter(owner=owner).order_by("id"))
    rank = {c.id: i for i, c in enumerate(contacts)}
    rows = [
        {**r.as_dict(), "contact_id": rank.get(r.contact_id, r.contact_id)} for r in summary.rows
    ]
    written = [
        (
            c.name,
            c.company,
            c.title,
            c.linkedin_url,
            c.how_we_met,
            c.next_follow_up_on,
            sorted(c.emails.values_list("email", "label")),
        )
        for c in contacts
    ]
    return rows, written


def test_a_linkedin_export_takes_the_batch_path(export, owner):
    sniffed = sniff(export, "auto")
    assert type(services.importer_for(sniffed, owner, dry_run=True, sink=print)) is (
        LinkedInImporter
    )


@pytest.mark.parametrize("batch_size", [2, 2000])
@pytest.mark.parametrize("dry_run", [True, False])
def test_same_results_as_the_general_path(export, account, monkeypatch, batch_size, dry_run):
    with transaction.atomic():  # rolled back: the general path starts from the same account
        batch = run_import(export, account, dry_run=dry_run, batch_size=batch_size)
        batch_outcome = outcome(batch, account)
        transaction.set_rollback(True)
    general_importer(monkeypatch)
    general = run_import(export, account, dry_run=dry_run, batch_size=batch_size)
    assert (general.counts, outcome(general, account)) == (batch.counts, batch_outcome)


def test_bad_cells_are_left_out_with_a_warning_and_the_row_is_kept(export, owner):
    summary = run_import(export, owner, dry_run=False)
    refused = {
        r.line: (r.status, r.reason) for r in summary.rows if r.status in Status.REFUSED
    }
    assert refused == {
        9: (Status.SKIPPED, "no name or email address"),
        10: (Status.SKIPPED, "empty row"),
    }
    warned = {r.line: (r.status, r.warnings) for r in summary.rows if r.warnings}
    assert warned == {
        7: (Status.NEW, ["“not-an-email” is not an email address; left out"]),
        8: (Status.NEW, ["name is longer than 200 characters; cut to 200"]),
        18: (Status.NEW, ["3 cells where the header names 7 columns: the rest taken as blank"]),
        20: (Status.NEW, ["“https://www.linkedin.com/in/bad url” is not a LinkedIn URL; left out"]),
    }
    assert not Contact.objects.get(owner=owner, name="Bad Email").emails.exists()
    assert Contact.objects.get(owner=owner, name="Bad Url").linkedin_url == ""
    assert len(Contact.objects.get(owner=owner, name__startswith="Long x").name) == 200
    # Each refused row keeps its cells for the refused-rows CSV.
    blank = next(r for r in summary.rows if r.line == 9)
    assert blank.raw["url"] == "https://www.linkedin.com/in/unknown-member"


@pytest.mark.parametrize("batch_size", [2, 2000])
def test_duplicates_in_the_file_become_one_contact(export, owner, batch_size):
    summary = run_import(export, owner, dry_run=False, batch_size=batch_size)
    by_line = {r.line: r for r in summary.rows}
    assert (by_line[11].status, by_line[11].reason) == (
        Status.DUPLICATE,
        "same person as line 5 (same linkedin); merged",
    )
    assert by_line[12].reason == "same person as line 6 (same email); merged"
    # By name and company alone, saying nothing new: nothing to add, no second Priya.
    assert (by_line[21].status, by_line[21].reason) == (
        Status.DUPLICATE,
        "already in line 5 of this file as “Priya Raman”",
    )
    priya = Contact.objects.get(owner=owner, name="Priya Raman")  # one contact
    assert list(priya.emails.values_list("email", "label")) == [("priya@stripe.com", "LinkedIn")]
    assert priya.title == "Eng Manager"
    mei = Contact.objects.get(owner=owner, name="Mei Chen")
    assert list(mei.emails.values_list("email", flat=True)) == ["mei@chen.dev"]


def test_people_already_in_the_account_are_matched(export, account):
    summary = run_import(export, account, dry_run=False)
    by_line = {r.line: r for r in summary.rows}
    assert (by_line[13].status, by_line[13].reason) == (
        Status.UPDATE,
        "matches “Ada Lovelace” by email; adds company, title, how we met",
    )
    assert by_line[14].status == Status.UPDATE
    assert by_line[14].reason.startswith("matches “G. Hopper” by linkedin; adds")
    # Name and company alone: a possible duplicate, added and listed, never merged.
    assert (by_line[15].status, by_line[15].reason) == (
        Status.POSSIBLE,
        "possibly the same person as “Alan Turing” (your contacts): a similar name; not merged",
    )
    assert Contact.objects.get(name="Ada Lovelace").company == "Analytical Engines"
    assert ContactEmail.objects.filter(email="ada@example.com").count() == 1
    assert Contact.objects.filter(name="Alan Turing").count() == 2
    assert Contact.objects.get(name="Alan Turing", how_we_met="At the park").company == (
        "Bletchley Park"
    )


NAMESAKES = [
    # Namesakes of contacts in the account: one with another profile, one without any.
    (5, "Jane,Doe,https://www.linkedin.com/in/jane-doe-2,,Acme,,"),
    (6, "John,Roe,https://www.linkedin.com/in/john-roe,,Acme,,"),
    # Namesakes in the file: the second has another profile.
    (7, "Kim,Lee,https://www.linkedin.com/in/kim-lee-1,,Acme,,"),
    (8, "Kim,Lee,https://www.linkedin.com/in/kim-lee-2,,Acme,,"),
    # The account's John Roe (no profile) comes first among the two of that name.
    (9, "John,Roe,https://www.linkedin.com/in/john-roe-2,,,,"),
    # Sam Poe is given a profile by line 10 (same email): line 11's is another one.
    (10, "Sam,Poe,https://www.linkedin.com/in/sam-poe,sam@example.com,Acme,,"),
    (11, "Sam,Poe,https://www.linkedin.com/in/sam-poe-2,,Acme,,"),
    # A contact created without a profile, then a namesake with one.
    (12, "Pat,Moe,,,Acme,,"),
    (13, "Pat,Moe,https://www.linkedin.com/in/pat-moe,,Acme,,"),
]


@pytest.mark.parametrize("batch_size", [1, 2000])
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_namesake_is_a_possible_duplicate_unless_both_have_their_own_profile(
    tmp_path, owner, monkeypatch, batch_size, dry_run
):
    path = tmp_path / "Connections.csv"
    path.write_text(
        "Notes:\n\n\n" + HEADER + "\n" + "".join(row + "\n" for _, row in NAMESAKES)
    )
    ContactFactory(owner=owner, name="Jane Doe", linkedin_url="https://linkedin.com/in/jane-doe")
    ContactFactory(owner=owner, name="John Roe", linkedin_url="")
    sam = ContactFactory(owner=owner, name="Sam Poe", linkedin_url="")
    ContactEmailFactory(contact=sam, email="sam@example.com")
    with transaction.atomic():
        summary = run_import(path, owner, dry_run=dry_run, batch_size=batch_size)
        batch_outcome = outcome(summary, owner)
        transaction.set_rollback(True)
    assert {r.line: r.status for r in summary.rows} == {
        5: Status.NEW, 6: Status.POSSIBLE, 7: Status.NEW, 8: Status.NEW, 9: Status.POSSIBLE,
        10: Status.UPDATE, 11: Status.NEW, 12: Status.NEW, 13: Status.POSSIBLE,
    }
    general_importer(monkeypatch)
    assert outcome(run_import(path, owner, dry_run=dry_run, batch_size=batch_size), owner) == (
        batch_outcome
    )


def test_rows_of_an_unusual_shape_are_imported_as_the_general_path_reads_them(export, owner):
    run_import(export, owner, dry_run=False)
    contacts = {c.name: c for c in Contact.objects.filter(owner=owner)}
    assert contacts["Linus Torvalds"].linkedin_url == "https://linkedin.com/in/torvalds"
    assert contacts["Tim Berners-Lee"].website == ""
    assert contacts["Tim Berners-Lee"].linkedin_url == "https://example.org/timbl"
    assert contacts["Short Row"].company == ""
    assert contacts["Seán Ó Súilleabháin"].linkedin_url == "HTTPS://WWW.LinkedIn.com/in/Sean-OS"


def test_queries_do_not_grow_with_the_rows_of_a_batch(tmp_path, owner, stranger):
    from django.test.utils import CaptureQueriesContext

    def queries_for(rows: int, user) -> int:
        path = tmp_path / f"Connections-{rows}.csv"
        path.write_text(
            HEADER
            + "\n"
            + "".join(
                f"First{i},Last{i},https://www.linkedin.com/in/p{i},p{i}@example.com,Co,CTO,\n"
                for i in range(rows)
            ),
            encoding="utf-8",
        )
        with CaptureQueriesContext(connection) as queries:
            summary = run_import(path, user, dry_run=False)
        assert summary.counts[Status.NEW] == rows
        return len(queries)

    assert queries_for(3, owner) == queries_for(60, stranger)


# --- reads on a second connection (PostgreSQL, the import's transaction the outermost) ------

# A person already in the account and one the file creates, each met again in later batches
# (two rows to a batch): what the first rows added must be known to the later ones, though it
# is not committed yet, and written once.
REPEATS = [
    "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@example.com,Analytical Engines,Countess,",
    "New,Person,https://www.linkedin.com/in/new-person,,Acme,,",
    "Filler,One,https://www.linkedin.com/in/filler-one,,Acme,,",
    "Filler,Two,https://www.linkedin.com/in/filler-two,,Acme,,",
    "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@analytical.org,,,",
    "New,Person,https://www.linkedin.com/in/new-person,new@acme.com,Acme,Engineer,",
    # By her name alone, with another title: maybe another Ada, so a possible duplicate.
    "Ada,Lovelace,,,,Analyst,",
    "Filler,Three,https://www.linkedin.com/in/filler-three,,Acme,,",
    "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@analytical.org,,Countess,",
    "New,Person,,new@acme.com,,,",
]


def _recording_writers(monkeypatch) -> list:
    """The CopyWriters the imports make, each kept to look at its second connection."""
    from contacts.importing import bulk

    made = []

    class Recording(bulk.CopyWriter):
        def __init__(self, reader=None):
            super().__init__(reader)
            made.append(self)

    monkeypatch.setattr(bulk, "CopyWriter", Recording)
    return made


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the second connection is for PostgreSQL's COPYs",
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["batch", "general"])
@pytest.mark.parametrize("rows", ["export", "repeats"])
def test_reads_on_a_second_connection_give_what_reads_in_the_transaction_give(
    request, tmp_path, account, monkeypatch, path, rows
):
    if rows == "export":
        export = request.getfixturevalue("export")
    else:
        export = tmp_path / "Connections.csv"
        export.write_text(HEADER + "\n" + "".join(r + "\n" for r in REPEATS), encoding="utf-8")
    if path == "general":
        general_importer(monkeypatch)
    writers = _recording_writers(monkeypatch)
    with transaction.atomic():  # someone else's transaction: read on the import's connection
        inside = run_import(export, account, dry_run=False, batch_size=2)
        expected = (inside.counts, outcome(inside, account))
        transaction.set_rollback(True)
    alone = run_import(export, account, dry_run=False, batch_size=2)
    assert [w.reader is not None for w in writers] == [False, True]
    assert writers[1].reader.connection is None  # closed with the import
    assert (alone.counts, outcome(alone, account)) == expected


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_later_rows_add_to_what_earlier_batches_wrote(tmp_path, account, monkeypatch):
    export = tmp_path / "Connections.csv"
    export.write_text(HEADER + "\n" + "".join(r + "\n" for r in REPEATS), encoding="utf-8")
    writers = _recording_writers(monkeypatch)
    summary = run_import(export, account, dry_run=False, batch_size=2)
    assert writers[0].reader is not None
    statuses = [(r.line, r.status) for r in summary.rows]
    assert statuses == [
        (2, Status.UPDATE), (3, Status.NEW), (4, Status.NEW), (5, Status.NEW),
        (6, Status.UPDATE), (7, Status.DUPLICATE), (8, Status.POSSIBLE), (9, Status.NEW),
        (10, Status.DUPLICATE), (11, Status.DUPLICATE),
    ]
    ada = Contact.objects.get(owner=account, name="Ada Lovelace", emails__email="ada@example.com")
    assert (ada.company, ada.title) == ("Analytical Engines", "Countess")
    assert sorted(ada.emails.values_list("email", flat=True)) == [
        "ada@analytical.org", "ada@example.com",
    ]
    new = Contact.objects.get(owner=account, name="New Person")
    assert new.title == "Engineer"
    assert list(new.emails.values_list("email", "label")) == [("new@acme.com", "LinkedIn")]
