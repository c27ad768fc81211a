"""Reads for the interactions, supports and mentorships pages: owner scope, filters, grouping."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interactions import selectors
from interactions.models import Direction, Interaction, SupportStatus
from tests.factories import ContactFactory, InteractionFactory, MentorshipFactory, SupportFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_interaction_list_is_scoped_to_the_owner(owner, stranger):
    mine = InteractionFactory(owner=owner)
    InteractionFactory(owner=stranger)
    assert list(selectors.interaction_list(owner)) == [mine]


def test_interaction_list_search_matches_a_contacts_name(owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    hit = InteractionFactory(owner=owner, contacts=[ada], summary="Coffee")
    InteractionFactory(
        owner=owner, contacts=[ContactFactory(owner=owner, name="Bob")], summary="Lunch"
    )
    assert list(selectors.interaction_list(owner, q="lovelace")) == [hit]


def test_interaction_list_search_reads_only_the_owners_contacts(owner, stranger):
    """The name match reads the owner's contacts only: unbounded, it read every account's."""
    mine = ContactFactory(owner=owner, name="Ada Lovelace")
    theirs = ContactFactory(owner=stranger, name="Ada Lovelace")
    with_mine = InteractionFactory(owner=owner, contacts=[mine], summary="Coffee")
    InteractionFactory(owner=stranger, contacts=[theirs], summary="Coffee")
    assert list(selectors.interaction_list(owner, q="lovelace")) == [with_mine]


def test_interaction_list_search_by_a_broad_name_reads_the_owners_contacts_row_by_row(
    owner, stranger, monkeypatch,
):
    monkeypatch.setattr(selectors, "NAMED_CONTACTS_LOOKUP", 1)
    ada, alan = (ContactFactory(owner=owner, name=n) for n in ("Ada Lovelace", "Alan Love"))
    with_ada = InteractionFactory(owner=owner, contacts=[ada], summary="Coffee")
    with_alan = InteractionFactory(owner=owner, contacts=[alan], summary="Coffee")
    InteractionFactory(owner=stranger, contacts=[ContactFactory(owner=stranger, name="Love")])
    sql = str(selectors.interaction_list(owner, q="love").query)
    # A subquery's value, not EXISTS: PostgreSQL hashed an EXISTS over the whole account first.
    assert "IS NOT NULL" in sql and "EXISTS" not in sql and f'"U1"."owner_id" = {owner.pk}' in sql
    assert set(selectors.interaction_list(owner, q="love")) == {with_ada, with_alan}


def test_interaction_list_text_search_matches_summary_or_notes_in_any_case(owner, stranger):
    by_summary = InteractionFactory(owner=owner, summary="Kubernetes migration")
    by_notes = InteractionFactory(owner=owner, summary="Coffee", notes="They run KUBERNETES.")
    InteractionFactory(owner=owner, summary="Coffee", notes="Talked about Rust")
    InteractionFactory(owner=stranger, summary="Kubernetes migration")
    assert set(selectors.interaction_list(owner, q="bernetes")) == {by_summary, by_notes}
    assert set(selectors.interaction_list(owner, q="kubernetes migration")) == {by_summary}
    assert list(selectors.interaction_list(owner, q="zzqx")) == []


def test_interaction_list_text_search_takes_its_words_literally(owner):
    """`%`, `_` and a backslash are characters to find, not patterns (the index must agree)."""
    hit = InteractionFactory(owner=owner, summary="Raised prices 10% on_call \\ wiki")
    InteractionFactory(owner=owner, summary="Raised prices 100 oncall")
    for q in ("10%", "on_call", "\\"):
        assert list(selectors.interaction_list(owner, q=q)) == [hit]


def test_interaction_list_search_matches_a_contacts_name_not_their_company(owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace", company="Quorra Labs")
    InteractionFactory(owner=owner, contacts=[ada], summary="Coffee")
    assert list(selectors.interaction_list(owner, q="quorra")) == []


def test_interaction_list_search_by_a_rare_name_lists_its_interactions_by_id(owner):
    """A person's few conversations are named by id in the page's query (PostgreSQL reads them
    through the primary key), together with the ones whose text holds the word."""
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    with_ada = InteractionFactory.create_batch(2, owner=owner, contacts=[ada], summary="Coffee")
    by_text = InteractionFactory(owner=owner, summary="Read Lovelace's notes")
    InteractionFactory(owner=owner, contacts=[ContactFactory(owner=owner)], summary="Lunch")
    found = selectors.interaction_list(owner, q="lovelace")
    assert "interactions_interaction_contacts" not in str(found.query)
    assert set(found) == {*with_ada, by_text}


def test_interaction_list_search_by_a_name_with_many_interactions_reads_them_by_contact(
    owner, monkeypatch,
):
    monkeypatch.setattr(selectors, "NAMED_INTERACTIONS_BY_ID", 2)
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    with_ada = InteractionFactory.create_batch(3, owner=owner, contacts=[ada], summary="Coffee")
    by_text = InteractionFactory(owner=owner, summary="Read Lovelace's notes")
    InteractionFactory(owner=owner, contacts=[ContactFactory(owner=owner)], summary="Lunch")
    found = selectors.interaction_list(owner, q="lovelace")
    assert "interactions_interaction_contacts" in str(found.query)
    assert set(found) == {*with_ada, by_text}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm and btree_gin are PostgreSQL's"
)
def test_text_search_can_read_the_owners_trigram_index_on_postgresql(owner):
    """The index's expressions are the ones Django writes for icontains, and the owner is part
    of what it looks up (migration 0009). A few rows are quicker to read through the owner's
    other indexes or the table, so those are out of this one plan (the test's transaction
    puts them back), and the owner has enough rows that the word narrows them down."""
    InteractionFactory(owner=owner, summary="Kubernetes migration")
    Interaction.objects.bulk_create(Interaction(owner=owner, summary="Coffee") for _ in range(5000))
    sql, params = selectors.interaction_list(owner, q="kubernetes").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'interactions_interaction' "
            "AND indexdef LIKE '%USING btree (owner_id%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT gin_clean_pending_list('interaction_owner_text_trgm')")
        cursor.execute("ANALYZE interactions_interaction")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    conditions = [line for line in plan.splitlines() if "Index Cond" in line]
    assert "Bitmap Index Scan on interaction_owner_text_trgm" in plan, plan
    owner_and = f"(owner_id = {owner.pk}) AND "
    assert any(owner_and + "(upper((summary)::text)" in c for c in conditions), plan
    assert any(owner_and + "(upper(notes)" in c for c in conditions), plan


def test_one_or_two_letters_find_the_words_that_start_with_them(owner):
    """`ai` finds "AI" at the start, after a space or a line break, not inside "email"."""
    first = InteractionFactory(owner=owner, summary="AI safety reading group")
    after_space = InteractionFactory(owner=owner, summary="Coffee", notes="Their AI plans")
    after_line = InteractionFactory(owner=owner, summary="Coffee", notes="Plans:\nai tooling")
    InteractionFactory(owner=owner, summary="Sent an email", notes="She said hi again")
    assert set(selectors.interaction_list(owner, q="ai")) == {first, after_space, after_line}
    assert set(selectors.interaction_results(owner, q="ai")[0:10]) == {
        first, after_space, after_line,
    }


def test_one_or_two_letters_find_names_where_a_word_starts_as_the_contacts_search_does(owner):
    alan, alice = (ContactFactory(owner=owner, name=n) for n in ("Alan Turing", "Ada Alice"))
    sally = ContactFactory(owner=owner, name="Sally Ride")
    with_alan, with_alice, with_sally = (
        InteractionFactory(owner=owner, contacts=[c], summary="Coffee")
        for c in (alan, alice, sally)
    )
    assert set(selectors.interaction_results(owner, q="al")[0:10]) == {with_alan, with_alice}
    assert set(selectors.interaction_list(owner, q="al")) == {with_alan, with_alice}
    # Three letters match anywhere.
    assert list(selectors.interaction_results(owner, q="all")[0:10]) == [with_sally]


def _dated(owner, summaries, start=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)):
    """Interactions a day apart in the order given, the last one newest."""
    return [
        InteractionFactory(owner=owner, summary=summary, occurred_at=start + datetime.timedelta(i))
        for i, summary in enumerate(summaries)
    ]


def _page(results, start, stop):
    with CaptureQueriesContext(connection) as ctx:
        rows = results[start:stop]
        for row in rows:
            list(row.contacts.all())
    interaction_queries = [
        q["sql"] for q in ctx.captured_queries if 'FROM "interactions_interaction" ' in q["sql"]
    ]
    return rows, interaction_queries


def test_search_finds_a_common_word_among_the_newest_interactions(owner, monkeypatch):
    """A word that fills the page within the newest NEWEST_WINDOW is read there alone."""
    monkeypatch.setattr(selectors, "NEWEST_WINDOW", 6)
    rows = _dated(owner, ["Kubernetes talk", "Lunch"] * 6)
    rows, queries = _page(selectors.interaction_results(owner, q="kubernetes"), 0, 3)
    newest_talks = [r for r in reversed(Interaction.objects.order_by("occurred_at"))
                    if r.summary == "Kubernetes talk"][:3]
    assert rows == newest_talks
    assert len(queries) == 1 and "NULLS LAST" not in queries[0]


def test_search_reads_a_word_rare_among_the_newest_from_the_text_index(owner, monkeypatch):
    """None (fewer than FEW_NEWEST_MATCHES) among the newest: the rare plan, newest first."""
    monkeypatch.setattr(selectors, "NEWEST_WINDOW", 4)
    old = _dated(owner, ["Kubernetes talk"] * 3 + ["Lunch"] * 4)[:3]
    rows, queries = _page(selectors.interaction_results(owner, q="kubernetes"), 0, 51)
    assert rows == old[::-1]
    assert len(queries) == 2 and "NULLS LAST" in queries[1]
    # PostgreSQL must not read the word: it is passed as a query of its own.
    assert "(SELECT " in queries[1]


def test_search_with_some_matches_among_the_newest_reads_the_whole_list(owner, monkeypatch):
    monkeypatch.setattr(selectors, "NEWEST_WINDOW", 4)
    monkeypatch.setattr(selectors, "FEW_NEWEST_MATCHES", 2)
    talks = [r for r in _dated(owner, ["Kubernetes talk", "Lunch"] * 4)
             if r.summary == "Kubernetes talk"]
    rows, queries = _page(selectors.interaction_results(owner, q="kubernetes"), 0, 51)
    assert rows == talks[::-1]
    assert len(queries) == 2 and "NULLS LAST" not in queries[1]


@pytest.mark.parametrize("summaries,rare", [
    # None of the newest 4 match: the rare plan.
    (["Kubernetes talk"] * 5 + ["Lunch"] * 4, True),
    # All 4 do; the page from the 4th on goes past them.
    (["Kubernetes talk"] * 9, False),
    # 2 of them do, and the page starts past both: they are counted.
    (["Kubernetes talk"] * 5 + ["Lunch", "Kubernetes talk"] * 2, False),
])
def test_a_later_page_of_a_search_counts_the_matches_among_the_newest(
    owner, monkeypatch, summaries, rare,
):
    monkeypatch.setattr(selectors, "NEWEST_WINDOW", 4)
    monkeypatch.setattr(selectors, "FEW_NEWEST_MATCHES", 2)
    talks = [r for r in _dated(owner, summaries) if r.summary == "Kubernetes talk"][::-1]
    rows, queries = _page(selectors.interaction_results(owner, q="kubernetes"), 3, 6)
    assert rows == talks[3:6]
    assert ("NULLS LAST" in queries[-1]) is rare


def test_search_results_count_every_match(owner):
    _dated(owner, ["Kubernetes talk", "Lunch"] * 3)
    assert selectors.interaction_results(owner, q="kubernetes").count() == 3


def test_a_broad_name_search_is_the_list_read_newest_first(owner, monkeypatch):
    monkeypatch.setattr(selectors, "NAMED_CONTACTS_LOOKUP", 1)
    for name in ("Ada", "Alan"):
        ContactFactory(owner=owner, name=name)
    results = selectors.interaction_results(owner, q="a")
    assert str(results.query) == str(selectors.interaction_list(owner, q="a").query)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm and btree_gin are PostgreSQL's"
)
def test_a_word_other_accounts_use_a_lot_is_read_from_the_owners_trigram_index(
    owner, stranger, monkeypatch,
):
    """PostgreSQL's statistics of the text are every account's: where a word fills a stranger's
    notes, the list's own query walks the owner's history newest first (2.5 s for a million);
    the rare plan reads the owner's few matches from the trigram index whatever they say."""
    monkeypatch.setattr(selectors, "NEWEST_WINDOW", 100)
    Interaction.objects.bulk_create(
        Interaction(owner=stranger, summary="Kubernetes rollout", notes="Kubernetes again")
        for _ in range(20000)
    )
    Interaction.objects.bulk_create(Interaction(owner=owner, summary="Coffee") for _ in range(5000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE interactions_interaction")
    results = selectors.interaction_results(owner, q="kubernetes")

    def plan(queryset):
        sql, params = queryset[:51].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    assert "interaction_owner_text_trgm" not in plan(results.matching)
    assert "Bitmap Index Scan on interaction_owner_text_trgm" in plan(results.rare)


def test_interaction_list_filters_by_kind(owner):
    call = InteractionFactory(owner=owner, kind="call")
    InteractionFactory(owner=owner, kind="coffee")
    assert list(selectors.interaction_list(owner, kind="call")) == [call]


def test_support_list_filters_direction_and_status(owner, stranger):
    ask = SupportFactory(owner=owner, direction=Direction.ASK)
    SupportFactory(owner=owner, direction=Direction.GIVE)
    SupportFactory(owner=owner, direction=Direction.ASK, status=SupportStatus.DONE)
    SupportFactory(owner=stranger, direction=Direction.ASK)
    assert list(selectors.support_list(owner, direction="ask", status="offered")) == [ask]


def test_mentorships_are_grouped_by_role(owner):
    person, other = ContactFactory(owner=owner), ContactFactory(owner=owner)
    mentee = MentorshipFactory(owner=owner, mentor=None, mentee=person)
    mentor = MentorshipFactory(owner=owner, mentor=person, mentee=None)
    matched = MentorshipFactory(owner=owner, mentor=person, mentee=other)
    groups = selectors.mentorship_groups(owner)
    assert groups == {"my_mentee": [mentee], "my_mentor": [mentor], "matched": [matched]}
