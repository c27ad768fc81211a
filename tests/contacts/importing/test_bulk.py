"""The import's bulk insert (COPY on PostgreSQL) stores text, NULLs and defaults exactly, and
the import's writes through it are complete, all-or-nothing and report their own errors."""

import datetime as dt

import psycopg
import pytest
from django.db import connection, transaction

from contacts.importing import bulk, linkedin
from contacts.importing.services import run_import
from contacts.models import Contact, ContactEmail

pytestmark = pytest.mark.django_db

AWKWARD = [
    'He said "hi", then left', "line one\nline two", "back\\slash \\N", "", "'quoted'",
    "tab\there", "carriage\r\nreturn", "\\.", "\\t not a tab",
]


def test_awkward_text_nulls_and_defaults_round_trip(owner):
    rows = [{"name": text, "notes": text, "cadence_days": None} for text in AWKWARD]
    rows.append({"name": "Given a cadence", "notes": "", "cadence_days": 30})
    ids = bulk.insert(
        Contact, rows, defaults={"owner": owner, "next_follow_up_on": dt.date(2031, 1, 2)}
    )
    stored = Contact.objects.in_bulk(ids)
    assert [(stored[i].name, stored[i].notes) for i in ids] == [
        (row["name"], row["notes"]) for row in rows
    ]
    assert [stored[i].cadence_days for i in ids] == [None] * len(AWKWARD) + [30]
    first = stored[ids[0]]
    assert (first.owner, first.next_follow_up_on) == (owner, dt.date(2031, 1, 2))
    assert (first.archived, first.strength, first.last_interaction_at) == (False, 0, None)
    assert first.created_at is not None and first.company == ""


def test_rows_of_numbers_dates_and_nulls_round_trip(owner):
    when = dt.datetime(2031, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
    ids = bulk.insert(Contact, [
        {"name": "All kinds", "owner_id": owner.pk, "cadence_days": 7, "strength": 12.5,
         "archived": True, "last_interaction_at": when, "next_follow_up_on": None},
    ])
    stored = Contact.objects.get(pk=ids[0])
    assert (stored.cadence_days, stored.strength, stored.archived) == (7, 12.5, True)
    assert (stored.last_interaction_at, stored.next_follow_up_on) == (when, None)


def test_update_sets_the_fields_given_and_nothing_else(owner):
    first, second, _ = (
        Contact.objects.create(owner=owner, name=name, title="Old", notes="Kept")
        for name in ("First", "Second", "Untouched")
    )
    bulk.update(Contact, [
        {"id": first.pk, "title": "New\ttitle", "company": "Acme"},
        {"id": second.pk, "title": "", "company": "back\\slash"},
    ], ["title", "company"])
    got = {c.name: (c.title, c.company, c.notes) for c in Contact.objects.filter(owner=owner)}
    assert got == {
        "First": ("New\ttitle", "Acme", "Kept"),
        "Second": ("", "back\\slash", "Kept"),
        "Untouched": ("Old", "", "Kept"),
    }


def test_rows_with_different_keys_take_the_defaults_for_the_rest(owner):
    ids = bulk.insert(
        Contact,
        [{"name": "Only a name"}, {"name": "With a title", "title": "CTO"}],
        defaults={"owner": owner},
    )
    assert list(Contact.objects.filter(id__in=ids).order_by("id").values_list("name", "title")) == [
        ("Only a name", ""),
        ("With a title", "CTO"),
    ]



# --- the import's writes on PostgreSQL: COPYs sent by a thread of their own ------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the CopyWriter is PostgreSQL's"
)


def _linkedin_export(path, titles):
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + "".join(
            f"First{i},Last{i},https://www.linkedin.com/in/p{i},p{i}@example.com,Co,{title},\n"
            for i, title in enumerate(titles)
        ),
        encoding="utf-8",
    )
    return path


@on_postgresql
def test_a_failed_copy_stops_the_import_with_its_own_error_and_writes_nothing(
    tmp_path, owner, monkeypatch
):
    # A title the row checks let through but the column refuses: the first batch's COPY
    # fails in the writer's thread, and the next batch must report that error, not the
    # "current transaction is aborted" of whatever query came next.
    monkeypatch.setattr(linkedin, "_TITLE_MAX", 10_000)
    path = _linkedin_export(tmp_path / "Connections.csv", ["x" * 201, "CTO", "CTO", "CTO"])
    with pytest.raises(psycopg.errors.StringDataRightTruncation):
        run_import(path, owner, dry_run=False, batch_size=2)
    assert not Contact.objects.filter(owner=owner).exists()


@on_postgresql
def test_foreign_keys_are_deferred_again_after_an_import(tmp_path, owner):
    run_import(_linkedin_export(tmp_path / "Connections.csv", ["CTO"]), owner, dry_run=False)
    with transaction.atomic():
        # A row that points at a contact not written yet is fine until the commit, as Django
        # declares its foreign keys; it is taken out again before then.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO contacts_contactemail (contact_id, email, label) "
                "VALUES (%s, 'later@example.com', '') RETURNING id",
                [10**12],
            )
            (email_id,) = cursor.fetchone()
        ContactEmail.objects.filter(pk=email_id).delete()


def test_an_import_writes_every_row_before_it_returns(tmp_path, owner):
    path = _linkedin_export(tmp_path / "Connections.csv", ["CTO"] * 7)
    run_import(path, owner, dry_run=False, batch_size=3)
    assert Contact.objects.filter(owner=owner).count() == 7
    assert ContactEmail.objects.filter(contact__owner=owner).count() == 7


def test_batches_start_small_when_the_writes_overlap_the_reading():
    from itertools import islice

    from contacts.importing.services import ramped

    assert list(islice(ramped(5000), 7)) == [500, 1000, 2000, 4000, 5000, 5000, 5000]
    assert list(islice(ramped(2), 3)) == [2, 2, 2]


@on_postgresql
def test_the_switch_interval_is_put_back_after_an_import_even_a_failed_one(
    tmp_path, owner, monkeypatch
):
    import sys

    before = sys.getswitchinterval()
    with monkeypatch.context() as patched:
        patched.setattr(linkedin, "_TITLE_MAX", 10_000)
        path = _linkedin_export(tmp_path / "Bad.csv", ["x" * 201])
        with pytest.raises(psycopg.errors.StringDataRightTruncation):
            run_import(path, owner, dry_run=False)
    assert sys.getswitchinterval() == before
    run_import(_linkedin_export(tmp_path / "Connections.csv", ["CTO"]), owner, dry_run=False)
    assert sys.getswitchinterval() == before
    assert Contact.objects.filter(owner=owner).count() == 1
