"""Contact and event reads: search, filters, sorting, events, today."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts import selectors
from contacts.models import Contact, ContactEmail, Tag
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    EventFactory,
    TagFactory,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


TODAY = datetime.date(2026, 6, 15)


def names(queryset):
    return [c.name for c in queryset]


@pytest.fixture(params=["by ids", "broad"])
def both_search_paths(request, monkeypatch):
    """A search runs one of two ways (selectors._matching): by the matching ids, or, past
    SEARCH_BY_IDS matches, as a condition of the page's query. Both must find the same."""
    if request.param == "broad":
        monkeypatch.setattr(selectors, "SEARCH_BY_IDS", 0)


@pytest.mark.usefixtures("both_search_paths")
def test_search_matches_name_company_email_and_tag(owner):
    ContactFactory(owner=owner, name="Ada", company="Analytical")
    bob = ContactFactory(owner=owner, name="Bob", company="Initech")
    cy = ContactFactory(owner=owner, name="Cy", company="Umbrella")
    ContactEmailFactory(contact=bob, email="bob@engine.org")
    cy.tags.add(TagFactory(owner=owner, name="engines"))
    assert names(selectors.contact_list(owner, q="analyt")) == ["Ada"]
    assert names(selectors.contact_list(owner, q="engine")) == ["Bob", "Cy"]


@pytest.mark.usefixtures("both_search_paths")
def test_one_or_two_letters_find_where_a_word_starts_in_every_field(owner):
    """contacts.search: names, companies and tags at a word's start (after a space or a line
    break of search_text), addresses at their start or after a dot or the "@"."""
    for name, company in (("Alan Turing", ""), ("Ada Alice", ""), ("Bo", "Alpha Corp"),
                          ("Sally Ride", "Royal Society"), ("Cy", ""), ("Di", ""), ("Ed", "")):
        ContactFactory(owner=owner, name=name, company=company)
    ContactEmailFactory(contact=ContactFactory(owner=owner, name="Eve"), email="eve.al@x.org")
    ContactEmailFactory(contact=ContactFactory(owner=owner, name="Fay"), email="fay@alps.org")
    ContactEmailFactory(contact=ContactFactory(owner=owner, name="Gus"), email="gus@royal.org")
    tagged = ContactFactory(owner=owner, name="Hal")
    tagged.tags.add(TagFactory(owner=owner, name="old alumni"))
    assert names(selectors.contact_list(owner, q="al")) == [
        "Ada Alice", "Alan Turing", "Bo", "Eve", "Fay", "Hal",
    ]
    # Three letters match anywhere.
    assert names(selectors.contact_list(owner, q="all")) == ["Sally Ride"]
    assert names(selectors.contact_list(owner, q="yal")) == ["Gus", "Sally Ride"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm and btree_gin are PostgreSQL's"
)
def test_a_search_reads_the_owners_trigram_index_of_names_on_postgresql(owner, stranger):
    """A word few names hold is found in the index (migration 0022), the owner part of what it
    looks up, not tested against each of the account's names: one or two letters too, as word
    starts. The btree indexes are out of this one plan (the test's transaction puts them back)
    so that the owner's rows are read through this one, and the owner has enough of them
    that the word narrows them down."""
    Contact.objects.bulk_create(Contact(owner=owner, name=f"Ada {n}") for n in range(10000))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'contacts_contact' "
            "AND indexdef LIKE '%USING btree (owner_id%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("ANALYZE contacts_contact")
        cursor.execute("SET LOCAL enable_seqscan = off")
        for q in ("zzqx", "zq"):
            with CaptureQueriesContext(connection) as queries:
                list(selectors.contact_list(owner, q=q, archived="all"))
            # The ids' query (selectors._matching_ids), its values written in.
            sql = next(q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"])
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Bitmap Index Scan on contact_owner_search_trgm" in plan, plan
            assert f"((owner_id = {owner.pk}) AND (search_text ~~" in plan, plan


@pytest.mark.usefixtures("both_search_paths")
def test_search_lists_a_contact_once_when_two_emails_match(owner):
    ada = ContactFactory(owner=owner, name="Ada")
    ContactEmailFactory(contact=ada, email="ada@work.org")
    ContactEmailFactory(contact=ada, email="ada@home.org")
    assert names(selectors.contact_list(owner, q="ada@")) == ["Ada"]


def test_list_hides_archived_unless_asked(owner):
    ContactFactory(owner=owner, name="Active")
    ContactFactory(owner=owner, name="Gone", archived=True)
    assert names(selectors.contact_list(owner)) == ["Active"]
    assert names(selectors.contact_list(owner, archived="archived")) == ["Gone"]
    assert names(selectors.contact_list(owner, archived="all")) == ["Active", "Gone"]


def test_due_filter_keeps_contacts_due_today_or_earlier(owner):
    ContactFactory(owner=owner, name="Due", next_follow_up_on=TODAY)
    ContactFactory(owner=owner, name="Later", next_follow_up_on=TODAY + datetime.timedelta(days=1))
    ContactFactory(owner=owner, name="Never")
    assert names(selectors.contact_list(owner, due=True, today=TODAY)) == ["Due"]


def test_due_filter_reads_the_due_follow_ups_once_instead_of_each_contacts_next_date(owner):
    from tests.factories import FollowUpFactory

    yesterday, tomorrow = TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)
    FollowUpFactory(owner=owner, contact__name="Asked", due_on=yesterday)
    FollowUpFactory(
        owner=owner, contact__name="Snoozed", due_on=TODAY, status="snoozed",
        snoozed_until=timezone.now(),
    )
    FollowUpFactory(owner=owner, contact__name="Done", due_on=yesterday, status="done")
    FollowUpFactory(owner=owner, contact__name="Soon", due_on=tomorrow)
    ContactFactory(owner=owner, name="Cadence", next_follow_up_on=yesterday)
    due = selectors.contact_list(owner, due=True, today=TODAY)
    assert names(due) == ["Asked", "Cadence", "Snoozed"]
    # next_due_on is computed for the rows shown (SELECT), not for every contact (WHERE).
    least = "LEAST(" if connection.vendor == "postgresql" else "MIN("  # SQLite's is MIN(a, b)
    assert str(due.query).upper().count(least) == 1


def test_filters_by_circle_discipline_and_tag(owner):
    a = ContactFactory(owner=owner, name="A", circle="community", discipline="design")
    ContactFactory(owner=owner, name="B", circle="community", discipline="product")
    a.tags.add(TagFactory(owner=owner, name="mentor"))
    assert names(selectors.contact_list(owner, circle="community", discipline="design")) == ["A"]
    assert names(selectors.contact_list(owner, tag="mentor")) == ["A"]


def test_sort_by_last_contact_puts_never_contacted_last(owner):
    now = timezone.now()
    ContactFactory(owner=owner, name="Never")
    ContactFactory(owner=owner, name="Old", last_interaction_at=now - datetime.timedelta(days=90))
    ContactFactory(owner=owner, name="Recent", last_interaction_at=now)
    assert names(selectors.contact_list(owner, sort="last")) == ["Recent", "Old", "Never"]


def test_sort_by_strength_strongest_first(owner):
    ContactFactory(owner=owner, name="Weak", strength=5)
    ContactFactory(owner=owner, name="Strong", strength=80)
    assert names(selectors.contact_list(owner, sort="strength")) == ["Strong", "Weak"]


def test_row_details_give_tags_by_name_and_the_oldest_email(owner):
    ada = ContactFactory(owner=owner, name="Ada")
    ada.tags.add(TagFactory(owner=owner, name="speaker"), TagFactory(owner=owner, name="alumni"))
    ContactEmailFactory(contact=ada, email="first@example.com")
    ContactEmailFactory(contact=ada, email="second@example.com")
    bare = ContactFactory(owner=owner, name="Bob")

    rows = {c.name: c for c in selectors.with_row_details(selectors.contact_list(owner))}

    assert rows["Ada"].tag_names == ["alumni", "speaker"]
    assert rows["Ada"].first_email == "first@example.com" == ada.primary_email
    assert (rows["Bob"].tag_names, rows["Bob"].first_email) == ([], "")
    assert bare.primary_email == ""


def test_row_details_of_a_page_take_one_query(owner, django_assert_num_queries):
    for i in range(5):
        contact = ContactFactory(owner=owner, name=f"C{i}")
        contact.tags.add(TagFactory(owner=owner, name=f"t{i}"))
        ContactEmailFactory(contact=contact, email=f"c{i}@example.com")
    contacts = list(selectors.contact_list(owner))
    with django_assert_num_queries(1):
        selectors.with_row_details(contacts)


def test_list_never_shows_a_strangers_contacts(owner, stranger):
    ContactFactory(owner=stranger, name="Secret")
    assert names(selectors.contact_list(owner, archived="all")) == []


@pytest.mark.usefixtures("both_search_paths")
def test_picker_search_skips_archived_selected_and_strangers(owner, stranger):
    ada = ContactFactory(owner=owner, name="Ada One")
    ContactFactory(owner=owner, name="Ada Two")
    ContactFactory(owner=owner, name="Ada Archived", archived=True)
    ContactFactory(owner=stranger, name="Ada Stranger")
    assert names(selectors.search_contacts(owner, "ada", exclude_ids=[ada.pk])) == ["Ada Two"]


def test_picker_search_with_empty_query_returns_nothing(owner):
    ContactFactory(owner=owner)
    assert selectors.search_contacts(owner, "  ") == []


def test_events_split_into_upcoming_soonest_first_and_past_newest_first(owner):
    EventFactory(owner=owner, name="Past", starts_on=TODAY - datetime.timedelta(days=10))
    EventFactory(
        owner=owner, name="Ongoing", starts_on=TODAY - datetime.timedelta(days=1), ends_on=TODAY
    )
    EventFactory(owner=owner, name="Soon", starts_on=TODAY + datetime.timedelta(days=5))
    upcoming, past = selectors.event_lists(owner, TODAY)
    assert [e.name for e in upcoming] == ["Ongoing", "Soon"]
    assert [e.name for e in past] == ["Past"]


def test_today_follows_the_users_time_zone(owner):
    import time_machine

    from contacts.services import get_profile

    profile = get_profile(owner)
    profile.time_zone = "Pacific/Auckland"
    profile.save()
    with time_machine.travel(datetime.datetime(2026, 6, 15, 20, tzinfo=datetime.UTC), tick=False):
        assert selectors.today_for(owner) == datetime.date(2026, 6, 16)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_email_and_tag_search_have_trigram_indexes_on_postgresql(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%_trgm'")
        found = dict(cursor.fetchall())
    for name in ("contactemail_email_trgm", "tag_name_trgm"):
        assert "gin_trgm_ops" in found[name], found
    # The contact columns' ones are gone (migration 0005: PostgreSQL did not use them).
    assert not {"contact_name_trgm", "contact_company_trgm"} & found.keys(), found


@pytest.mark.usefixtures("both_search_paths")
def test_search_matches_each_field_once_whatever_the_case(owner, stranger):
    hit = ContactFactory(owner=owner, name="Zed Quorra", company="Quorra Labs")
    ContactEmail.objects.create(contact=hit, email="zed@quorra.example")
    ContactEmail.objects.create(contact=hit, email="z.quorra@other.example")
    by_tag = ContactFactory(owner=owner, name="Tagged One")
    by_tag.tags.add(Tag.objects.create(owner=owner, name="quorra-alumni"))
    ContactFactory(owner=stranger, name="Quorra Stranger")
    ContactFactory(owner=owner, name="Nobody Else")
    found = list(selectors.contact_list(owner, q="QUORRA"))
    assert sorted(c.pk for c in found) == sorted([hit.pk, by_tag.pk])


@pytest.mark.usefixtures("both_search_paths")
def test_search_matches_a_preferred_name_and_a_renamed_contact(owner):
    """search_text is computed by the database from the row: edits are searchable at once."""
    contact = ContactFactory(owner=owner, name="Margaret Hamilton", preferred_name="Maggie")
    assert names(selectors.contact_list(owner, q="maggie")) == ["Margaret Hamilton"]
    contact.company = "Apollo Guidance"
    contact.save()
    assert names(selectors.contact_list(owner, q="GUIDANCE")) == ["Margaret Hamilton"]


@pytest.mark.usefixtures("both_search_paths")
def test_search_finds_a_name_in_another_script_by_its_phonetic_name(owner):
    contact = ContactFactory(owner=owner, name="山田 太郎", phonetic_name="Yamada Tarō")
    ContactFactory(owner=owner, name="Yamamoto Ken")
    assert names(selectors.contact_list(owner, q="yamada")) == ["山田 太郎"]
    assert names(selectors.search_contacts(owner, "tarō")) == ["山田 太郎"]
    if connection.vendor == "postgresql":  # SQLite folds the case of ASCII letters only
        assert names(selectors.search_contacts(owner, "TARŌ")) == ["山田 太郎"]
    contact.phonetic_name = "Yamada Taro"
    contact.save()
    assert names(selectors.contact_list(owner, q="taro")) == ["山田 太郎"]


@pytest.mark.usefixtures("both_search_paths")
def test_search_takes_wildcards_literally(owner):
    ContactFactory(owner=owner, name="Ada", company="100% Remote")
    ContactFactory(owner=owner, name="Bob", company="1000 Remote")
    assert names(selectors.contact_list(owner, q="100%")) == ["Ada"]
    assert names(selectors.contact_list(owner, q="_")) == []


@pytest.mark.usefixtures("both_search_paths")
def test_search_folds_the_case_of_accented_names_on_postgresql(owner):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite folds the case of ASCII letters only (as its LIKE does)")
    ContactFactory(owner=owner, name="Élodie Durand")
    assert names(selectors.contact_list(owner, q="élodie")) == ["Élodie Durand"]


def test_a_search_past_the_ids_limit_is_matched_in_the_pages_query(owner, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_BY_IDS", 2)
    for name in ("Ada", "Adam", "Adele"):
        ContactFactory(owner=owner, name=name)
    queryset = selectors.contact_list(owner, q="ad")
    assert "search_text" in str(queryset.query)  # not a list of ids
    assert names(queryset) == ["Ada", "Adam", "Adele"]
    assert "search_text" not in str(selectors.contact_list(owner, q="adam").query)
