"""The import's bulk insert (COPY on PostgreSQL) stores text, NULLs and defaults exactly."""

import datetime as dt

import pytest

from contacts.importing import bulk
from contacts.models import Contact

pytestmark = pytest.mark.django_db

AWKWARD = ['He said "hi", then left', "line one\nline two", "back\\slash \\N", "", "'quoted'"]


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

