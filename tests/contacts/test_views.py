"""Contact and event pages: happy paths, htmx fragments vs full pages, redirects without htmx,
a stranger's 404 on every object URL, sign-in required, and query counts that do not grow."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.forms import ContactFilterForm
from contacts.models import Contact, ContactLink, Event, LinkKind
from interactions.models import FollowUp
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    EventFactory,
    TagFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def count_queries(client, url, **extra):
    client.get(url, **extra)  # warm up: the first request creates the profile, the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def make_contacts(owner, n):
    for _ in range(n):
        contact = ContactFactory(owner=owner)
        ContactEmailFactory(contact=contact)
        contact.tags.add(TagFactory(owner=owner, name=f"t{contact.pk}"))


# --- contacts list ---------------------------------------------------------------------------


def test_list_shows_the_owners_contacts_only(owner_client, owner, stranger):
    ContactFactory(owner=owner, name="Ada Lovelace")
    ContactFactory(owner=stranger, name="Secret Person")
    response = owner_client.get(reverse("contacts:list"))
    assert b"Ada Lovelace" in response.content
    assert b"Secret Person" not in response.content


def test_list_search_with_htmx_returns_only_the_results_fragment(owner_client, owner):
    ContactFactory(owner=owner, name="Ada Lovelace")
    ContactFactory(owner=owner, name="Bob Builder")
    response = owner_client.get(reverse("contacts:list"), {"q": "ada"}, **HTMX)
    body = response.content.decode()
    assert 'id="contact-results"' in body
    assert "<html" not in body
    assert "Ada Lovelace" in body and "Bob Builder" not in body


def test_list_search_input_is_an_active_search(owner_client):
    body = owner_client.get(reverse("contacts:list")).content.decode()
    assert 'hx-trigger="input changed delay:250ms, search"' in body


def test_list_paginates_fifty_per_page(owner_client, owner):
    Contact.objects.bulk_create([Contact(owner=owner, name=f"P{i:03}") for i in range(55)])
    first = owner_client.get(reverse("contacts:list")).content.decode()
    second = owner_client.get(reverse("contacts:list"), {"page": 2}).content.decode()
    assert "P049" in first and "P050" not in first
    assert "P050" in second and "Page 2 of 2" in second


def test_list_counts_its_contacts_up_to_a_limit_then_pages_without_a_count(
    owner_client, owner, monkeypatch
):
    monkeypatch.setattr("contacts.views.COUNT_UP_TO", 60)
    Contact.objects.bulk_create([Contact(owner=owner, name=f"P{i:03}") for i in range(60)])
    counted = owner_client.get(reverse("contacts:list")).content.decode()
    assert "60 contacts" in counted and "Page 1 of 2" in counted
    Contact.objects.create(owner=owner, name="P060")
    first = owner_client.get(reverse("contacts:list")).content.decode()
    assert "More than 60 contacts" in first and "Page 1<" in first and "Next →" in first
    second = owner_client.get(reverse("contacts:list"), {"page": 2}).content.decode()
    assert "P060" in second and "Page 2<" in second and "Next →" not in second
    # A page past the end is the last one, as Django's Paginator has it.
    assert "P060" in owner_client.get(reverse("contacts:list"), {"page": 9}).content.decode()


def test_list_ignores_an_invalid_filter_value(owner_client, owner):
    ContactFactory(owner=owner, name="Ada")
    response = owner_client.get(reverse("contacts:list"), {"circle": "nonsense", "sort": "x"})
    assert b"Ada" in response.content


@pytest.mark.parametrize(("query", "checked"), [("", False), ("due=on", True)])
def test_list_due_filter_checkbox_shows_its_state(owner_client, query, checked):
    html = owner_client.get(reverse("contacts:list") + "?" + query).content.decode()
    widget = str(ContactFilterForm(QueryDict(query))["due"])  # what the form would render
    assert widget in html
    assert ("checked" in widget) is checked


def test_list_query_count_does_not_grow_with_contacts(owner_client, owner):
    make_contacts(owner, 3)
    few = count_queries(owner_client, reverse("contacts:list"))
    make_contacts(owner, 30)
    assert count_queries(owner_client, reverse("contacts:list")) == few


def test_list_search_query_count_does_not_grow_with_contacts(owner_client, owner):
    make_contacts(owner, 3)
    url = reverse("contacts:list") + "?q=example&sort=last&due=on"
    few = count_queries(owner_client, url, **HTMX)
    make_contacts(owner, 30)
    assert count_queries(owner_client, url, **HTMX) == few


@pytest.mark.parametrize("path", ["contacts:list", "contacts:search"])
def test_a_broad_search_query_count_does_not_grow_with_contacts(
    owner_client, owner, monkeypatch, path
):
    # Past SEARCH_BY_IDS matches a search is a condition of the page's query
    # (contacts.selectors._matching): "example" matches every contact's email.
    monkeypatch.setattr("contacts.selectors.SEARCH_BY_IDS", 2)
    make_contacts(owner, 3)
    url = reverse(path) + "?q=example"
    few = count_queries(owner_client, url, **HTMX)
    make_contacts(owner, 30)
    assert count_queries(owner_client, url, **HTMX) == few


def count_building_queries(client, owner, url, **extra):
    """The queries of a visit that builds the list's results (the first after a write)."""
    from network_crm import fragment_cache

    client.get(url, **extra)  # warm up: the first request creates the profile, the session
    fragment_cache.invalidate(owner.pk)
    return count_queries_once(client, url, **extra)


def count_queries_once(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "?q=example", "?q=example&sort=last&due=on", "?page=2"])
def test_building_the_list_reads_the_same_queries_for_few_or_many_contacts(
    owner_client, owner, query
):
    make_contacts(owner, 3)
    url = reverse("contacts:list") + query
    few = count_building_queries(owner_client, owner, url)
    make_contacts(owner, 60)
    assert count_building_queries(owner_client, owner, url) == few


def test_contact_list_says_when_a_search_finds_the_start_of_words(owner_client, owner):
    for name in ("Alan Turing", "Sally Ride"):
        ContactFactory(owner=owner, name=name)
    url = reverse("contacts:list")
    short = owner_client.get(url, {"q": "al"}).content.decode()
    assert "Alan Turing" in short and "Sally Ride" not in short
    assert "type a third" in short
    longer = owner_client.get(url, {"q": "all"}).content.decode()
    assert "Sally Ride" in longer and "type a third" not in longer


def test_a_repeat_visit_reads_the_kept_results_and_a_write_shows_at_once(owner_client, owner):
    ContactFactory(owner=owner, name="Ada Lovelace")
    url = reverse("contacts:list") + "?q=a"
    built = count_building_queries(owner_client, owner, url)
    kept = count_queries_once(owner_client, url)
    assert kept < built
    ContactFactory(owner=owner, name="Alan Turing")
    page = owner_client.get(url).content.decode()
    assert "Ada Lovelace" in page and "Alan Turing" in page
    assert "Alan Turing" not in owner_client.get(reverse("contacts:list") + "?q=ada").content.decode()


def test_kept_results_carry_each_requests_own_csrf_token(owner_client, owner):
    ContactFactory(owner=owner, name="Ada Lovelace")
    owner_client.get(reverse("contacts:list"))
    page = owner_client.get(reverse("contacts:list"), **HTMX).content.decode()
    assert 'name="csrfmiddlewaretoken" value="' in page
    assert "fragment-csrf-placeholder" not in page


def test_the_contact_forms_are_kept_until_a_write_with_each_requests_token(owner_client, owner):
    """contacts.views.kept_form: a second visit draws no field; a save shows at once."""
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    for url in (reverse("contacts:create"), reverse("contacts:edit", args=[ada.pk])):
        built = count_building_queries(owner_client, owner, url)
        assert count_queries_once(owner_client, url) < built
        page = owner_client.get(url).content.decode()
        assert 'name="csrfmiddlewaretoken" value="' in page
        assert "fragment-csrf-placeholder" not in page
    url = reverse("contacts:edit", args=[ada.pk])
    assert 'value="Ada Lovelace"' in owner_client.get(url).content.decode()
    owner_client.post(url, {"name": "Ada King"})
    page = owner_client.get(url).content.decode()
    assert 'value="Ada King"' in page and "Ada Lovelace" not in page


def test_a_contact_form_with_errors_is_drawn_with_them_not_from_the_cache(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    url = reverse("contacts:edit", args=[ada.pk])
    owner_client.get(url)
    page = owner_client.post(url, {"name": ""}).content.decode()
    assert "has-error" in page and 'value="Ada Lovelace"' not in page


def _bulk_contacts(owner, n, start=0):
    from contacts.models import ContactEmail, Tag

    contacts = Contact.objects.bulk_create(
        [
            Contact(
                owner=owner,
                name=f"Person {start + i:04}",
                next_follow_up_on=datetime.date(2026, 1, 1),
            )
            for i in range(n)
        ]
    )
    ContactEmail.objects.bulk_create(
        [ContactEmail(contact=c, email=f"p{c.pk}@example.org") for c in contacts]
    )
    tag = Tag.objects.get_or_create(owner=owner, name="bulk")[0]
    Contact.tags.through.objects.bulk_create(
        [Contact.tags.through(contact=c, tag=tag) for c in contacts]
    )


def test_list_uses_the_same_queries_for_10_and_1000_contacts(owner_client, owner):
    url = reverse("contacts:list") + "?sort=next&due=on"
    _bulk_contacts(owner, 10)
    few = count_queries(owner_client, url)
    _bulk_contacts(owner, 990, start=10)
    assert count_queries(owner_client, url) == few


def test_list_column_headers_sort_and_keep_the_filters(owner_client, owner):
    ContactFactory(owner=owner)
    body = owner_client.get(
        reverse("contacts:list"), {"circle": "community", "sort": "name"}
    ).content.decode()
    assert 'href="?circle=community&amp;sort=last"' in body
    assert 'aria-sort="ascending"' in body


# --- bulk --------------------------------------------------------------------------------------


def test_bulk_archive_redirects_back_to_the_list(owner_client, owner):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    back = reverse("contacts:list") + "?circle=community"
    response = owner_client.post(
        reverse("contacts:bulk"), {"ids": [a.pk, b.pk], "action": "archive", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    assert Contact.objects.filter(owner=owner, archived=True).count() == 2


def test_bulk_tag_adds_the_tag(owner_client, owner):
    a = ContactFactory(owner=owner)
    owner_client.post(reverse("contacts:bulk"), {"ids": [a.pk], "action": "tag", "tag": "speaker"})
    assert [t.name for t in a.tags.all()] == ["speaker"]


def test_bulk_set_cadence(owner_client, owner):
    a = ContactFactory(owner=owner)
    owner_client.post(
        reverse("contacts:bulk"), {"ids": [a.pk], "action": "cadence", "cadence_days": "45"}
    )
    a.refresh_from_db()
    assert a.cadence_days == 45


def test_bulk_on_a_strangers_contact_changes_nothing(stranger_client, owner):
    a = ContactFactory(owner=owner)
    stranger_client.post(reverse("contacts:bulk"), {"ids": [a.pk], "action": "archive"})
    a.refresh_from_db()
    assert a.archived is False


def test_bulk_ignores_an_offsite_next(owner_client, owner):
    a = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("contacts:bulk"),
        {"ids": [a.pk], "action": "archive", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("contacts:list")


# --- search (picker) ---------------------------------------------------------------------------


def test_search_returns_checkboxes_named_contacts(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    body = owner_client.get(reverse("contacts:search"), {"q": "ada"}, **HTMX).content.decode()
    assert f'name="contacts" value="{ada.pk}"' in body


def test_search_matches_by_tag(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    ada.tags.add(TagFactory(owner=owner, name="mathematics"))
    assert b"Ada Lovelace" in owner_client.get(reverse("contacts:search"), {"q": "mathem"}).content


def test_search_never_returns_a_strangers_contact(stranger_client, owner):
    ContactFactory(owner=owner, name="Ada Lovelace")
    assert b"Ada" not in stranger_client.get(reverse("contacts:search"), {"q": "ada"}).content


# --- create / delete ----------------------------------------------------------------------------


def test_create_contact_redirects_to_its_page(owner_client, owner):
    response = owner_client.post(
        reverse("contacts:create"),
        {
            "name": "Ada Lovelace",
            "circle": "community",
            "discipline": "engineering",
            "tier": "peer",
            "emails": "work: ada@example.org",
            "phones": "",
            "tags": "math, speaker",
        },
    )
    contact = Contact.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:detail", args=[contact.pk])
    assert contact.primary_email == "ada@example.org"
    assert sorted(t.name for t in contact.tags.all()) == ["math", "speaker"]


def test_create_contact_with_errors_keeps_what_was_typed(owner_client, owner):
    response = owner_client.post(
        reverse("contacts:create"),
        {
            "name": "",
            "circle": "community",
            "discipline": "engineering",
            "tier": "peer",
            "emails": "broken-address",
            "company": "Analytical Engines",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert "is not a valid email address" in body
    assert "Analytical Engines" in body and "broken-address" in body
    assert not Contact.objects.filter(owner=owner).exists()


def test_delete_get_asks_for_confirmation(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Ada")
    response = owner_client.get(reverse("contacts:delete", args=[contact.pk]))
    assert b"Delete this contact?" in response.content
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_delete_post_redirects_to_the_list(owner_client, owner):
    contact = ContactFactory(owner=owner)
    response = owner_client.post(reverse("contacts:delete", args=[contact.pk]))
    assert response["Location"] == reverse("contacts:list")
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_delete_with_htmx_answers_only_the_message_with_its_undo(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Ada")
    response = owner_client.post(reverse("contacts:delete", args=[contact.pk]), **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div hx-swap-oob="afterbegin:#messages">')
    assert "Deleted Ada." in response.text and "Undo</button>" in response.text


# --- links -------------------------------------------------------------------------------------


def test_link_create_ties_two_contacts_and_redirects(owner_client, owner):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("contacts:link_create", args=[a.pk]), {"to_contact": b.pk, "kind": "colleagues"}
    )
    assert response["Location"] == reverse("contacts:detail", args=[a.pk])
    assert ContactLink.objects.filter(owner=owner, from_contact=a, to_contact=b).exists()


def test_link_create_rejects_a_strangers_contact(owner_client, owner, stranger):
    a = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("contacts:link_create", args=[a.pk]),
        {"to_contact": ContactFactory(owner=stranger).pk, "kind": "knows"},
    )
    assert response.status_code == 200 and not ContactLink.objects.exists()


def test_link_delete_removes_the_link(owner_client, owner):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    link = ContactLink.objects.create(
        owner=owner, from_contact=a, to_contact=b, kind=LinkKind.KNOWS
    )
    response = owner_client.post(reverse("contacts:link_delete", args=[link.pk]))
    assert response["Location"] == reverse("contacts:detail", args=[a.pk])
    assert not ContactLink.objects.exists()


# --- events ------------------------------------------------------------------------------------


def test_event_list_shows_upcoming_and_past(owner_client, owner):
    EventFactory(
        owner=owner,
        name="FutureConf",
        starts_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    EventFactory(
        owner=owner, name="PastConf", starts_on=datetime.date.today() - datetime.timedelta(days=30)
    )
    body = owner_client.get(reverse("contacts:event_list")).content.decode()
    assert body.index("FutureConf") < body.index("PastConf")


def test_event_list_query_count_does_not_grow(owner_client, owner):
    def add(n):
        for _ in range(n):
            EventFactory(owner=owner).people_met.add(ContactFactory(owner=owner))

    add(3)
    few = count_queries(owner_client, reverse("contacts:event_list"))
    add(30)
    assert count_queries(owner_client, reverse("contacts:event_list")) == few


def test_event_create_with_people_met(owner_client, owner):
    ada = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("contacts:event_create"),
        {
            "name": "KubeCon",
            "kind": "conference",
            "starts_on": "2026-03-01",
            "people_met": [ada.pk],
        },
    )
    event = Event.objects.get(owner=owner)
    assert response["Location"] == reverse("contacts:event_detail", args=[event.pk])
    assert list(event.people_met.all()) == [ada]


def test_event_edit_saves(owner_client, owner):
    event = EventFactory(owner=owner, name="Old")
    owner_client.post(
        reverse("contacts:event_edit", args=[event.pk]),
        {
            "name": "New",
            "kind": "meetup",
            "starts_on": "2026-03-01",
        },
    )
    event.refresh_from_db()
    assert event.name == "New"


def test_event_detail_lists_people_met_and_the_follow_up_button(owner_client, owner):
    event = EventFactory(owner=owner)
    event.people_met.add(ContactFactory(owner=owner, name="Ada Lovelace"))
    body = owner_client.get(reverse("contacts:event_detail", args=[event.pk])).content.decode()
    assert "Ada Lovelace" in body and "Log follow-ups for everyone I met" in body


def test_event_delete_keeps_the_contacts(owner_client, owner):
    event = EventFactory(owner=owner)
    contact = ContactFactory(owner=owner)
    event.people_met.add(contact)
    owner_client.post(reverse("contacts:event_delete", args=[event.pk]))
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not Event.objects.filter(pk=event.pk).exists()


# --- isolation and sign-in ---------------------------------------------------------------------


@pytest.fixture
def owned(owner):
    contact = ContactFactory(owner=owner)
    other = ContactFactory(owner=owner)
    event = EventFactory(owner=owner)
    event.people_met.add(contact)
    link = ContactLink.objects.create(
        owner=owner, from_contact=contact, to_contact=other, kind=LinkKind.KNOWS
    )
    return {"contact": contact, "event": event, "link": link}


OBJECT_URLS = [
    ("contacts:detail", "contact", {"get"}),
    ("contacts:edit", "contact", {"get", "post"}),
    ("contacts:delete", "contact", {"get", "post"}),
    ("contacts:link_create", "contact", {"get", "post"}),
    ("contacts:link_delete", "link", {"get", "post"}),
    ("contacts:event_detail", "event", {"get"}),
    ("contacts:event_edit", "event", {"get", "post"}),
    ("contacts:event_delete", "event", {"get", "post"}),
    ("contacts:event_log_follow_ups", "event", {"post"}),
    ("contacts:event_people", "event", {"post"}),
]


@pytest.mark.parametrize("name,key,methods", OBJECT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_stranger_gets_404_on_the_owners_object(stranger_client, owned, name, key, methods, method):
    url = reverse(name, args=[owned[key].pk])
    response = getattr(stranger_client, method)(url, HTTP_HX_REQUEST="true")
    # A method the view does not take is refused (405) before anything is looked up.
    assert response.status_code == (404 if method in methods else 405)


def test_stranger_post_changes_nothing(stranger_client, owned):
    stranger_client.post(reverse("contacts:delete", args=[owned["contact"].pk]))
    stranger_client.post(reverse("contacts:event_log_follow_ups", args=[owned["event"].pk]))
    assert Contact.objects.filter(pk=owned["contact"].pk).exists()
    assert not FollowUp.objects.exists()


ALL_URLS = [(n, k) for n, k, _ in OBJECT_URLS] + [
    ("contacts:list", None),
    ("contacts:create", None),
    ("contacts:bulk", None),
    ("contacts:search", None),
    ("contacts:event_list", None),
    ("contacts:event_create", None),
]


@pytest.mark.parametrize("name,key", ALL_URLS)
def test_signed_out_request_redirects_to_login(client, owned, name, key):
    url = reverse(name, args=[owned[key].pk]) if key else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_event_people_adds_picked_contacts(owner_client, owner):
    event = EventFactory(owner=owner)
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("contacts:event_people", args=[event.pk]), {"contacts": [a.pk, b.pk]}
    )
    assert response["Location"] == reverse("contacts:event_detail", args=[event.pk])
    assert set(event.people_met.all()) == {a, b}


def test_event_people_remove_with_htmx_returns_the_people_card(owner_client, owner):
    event = EventFactory(owner=owner)
    a = ContactFactory(owner=owner, name="Ada Lovelace")
    event.people_met.add(a)
    response = owner_client.post(
        reverse("contacts:event_people", args=[event.pk]), {"remove": a.pk}, **HTMX
    )
    body = response.content.decode()
    assert 'id="event-people"' in body and "<html" not in body
    assert reverse("contacts:detail", args=[a.pk]) not in body
    assert not event.people_met.exists()


def test_event_people_rejects_a_strangers_contact(owner_client, owner, stranger):
    event = EventFactory(owner=owner)
    response = owner_client.post(
        reverse("contacts:event_people", args=[event.pk]),
        {"contacts": [ContactFactory(owner=stranger).pk]},
    )
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert not event.people_met.exists()


def test_contact_labels_match_djangos_display(owner):
    for circle, discipline in (("community", "design"), ("industry_peer", "sales_marketing")):
        contact = ContactFactory(owner=owner, circle=circle, discipline=discipline)
        assert contact.circle_label == contact.get_circle_display()
        assert contact.discipline_label == contact.get_discipline_display()


def test_an_organisation_is_shown_as_such_in_the_list_and_on_its_page(owner_client, owner):
    acme = ContactFactory(owner=owner, name="Acme Plumbing", kind="organisation")
    ContactFactory(owner=owner, name="Ada Lovelace")
    page = owner_client.get(reverse("contacts:list")).content.decode()
    assert page.count('<span class="badge">organisation</span>') == 1
    detail = owner_client.get(reverse("contacts:detail", args=[acme.pk])).content.decode()
    assert '<span class="badge">organisation</span>' in detail


def test_the_contact_form_sets_kind_and_phonetic_name(owner_client, owner):
    form = owner_client.get(reverse("contacts:create")).content.decode()
    assert 'name="kind"' in form and 'name="phonetic_name"' in form
    response = owner_client.post(
        reverse("contacts:create"),
        {"kind": "organisation", "name": "山田工務店", "phonetic_name": "Yamada Kōmuten"},
    )
    contact = Contact.objects.get(owner=owner)
    assert response.status_code == 302
    assert (contact.kind, contact.phonetic_name) == ("organisation", "Yamada Kōmuten")
    page = owner_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert '<span class="badge">organisation</span>' in page and "Yamada Kōmuten" in page
    edit = owner_client.get(reverse("contacts:edit", args=[contact.pk])).content.decode()
    assert '<option value="organisation" selected>' in edit
    assert 'value="Yamada Kōmuten"' in edit


def test_editing_an_organisation_into_a_person_and_a_post_without_kind_keeps_it(
    owner_client, owner
):
    acme = ContactFactory(owner=owner, name="Acme Plumbing", kind="organisation")
    owner_client.post(reverse("contacts:edit", args=[acme.pk]), {"name": "Acme Plumbing Ltd"})
    acme.refresh_from_db()
    assert (acme.name, acme.kind) == ("Acme Plumbing Ltd", "organisation")
    owner_client.post(reverse("contacts:edit", args=[acme.pk]), {"name": "Kev", "kind": "person"})
    acme.refresh_from_db()
    assert acme.kind == "person"
    response = owner_client.post(
        reverse("contacts:edit", args=[acme.pk]), {"name": "Kev", "kind": "robot"}
    )
    assert "Select a valid choice" in response.content.decode()


def test_the_list_shows_a_phonetic_name_under_the_name(owner_client, owner):
    ContactFactory(owner=owner, name="山田 太郎", phonetic_name="Yamada Tarō")
    page = owner_client.get(reverse("contacts:list"), {"q": "yamada"}).content.decode()
    assert "山田 太郎" in page and '<div class="muted small" lang="">Yamada Tarō</div>' in page
