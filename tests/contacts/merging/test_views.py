"""Pages under /data/: merge from the contact page, possible duplicates, and the exports' sign-in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from tests.factories import ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(owner):
    return (
        ContactFactory(owner=owner, name="Ben Carter", company="Atlassian", title=""),
        ContactFactory(owner=owner, name="Benjamin Carter", company="Atlassian", title="Senior EM"),
    )


def merge_url(contact):
    return reverse("data:merge", args=[contact.pk])


def test_merge_page_suggests_possible_duplicate(owner_client, pair):
    page = owner_client.get(merge_url(pair[0])).content.decode()
    assert "Benjamin Carter" in page and f"?other={pair[1].pk}" in page


def test_merge_page_searches_other_contacts(owner_client, pair, owner):
    ContactFactory(owner=owner, name="Zara Quinn", company="Elsewhere")
    page = owner_client.get(merge_url(pair[0]), {"q": "zara"}).content.decode()
    assert "Zara Quinn" in page


def test_merge_search_finds_archived_contacts_and_tags_but_not_the_contact_itself(
    owner_client, pair, owner
):
    ContactFactory(owner=owner, name="Carter Quinn", archived=True)
    tagged = ContactFactory(owner=owner, name="Dee Vance")
    tagged.tags.create(owner=owner, name="carter-family")
    page = owner_client.get(merge_url(pair[0]), {"q": "carter"}).content.decode()
    assert "Carter Quinn" in page and "Dee Vance" in page
    assert f"?other={pair[1].pk}" in page and f"?other={pair[0].pk}\"" not in page


def pick_queries(client, contact, q):
    client.get(merge_url(contact), {"q": q})  # warm up: the duplicates are found and kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get(merge_url(contact), {"q": q})
    assert response.status_code == 200
    return len(queries)


def test_merge_pick_queries_are_the_same_with_duplicates_or_none_and_for_any_search(
    owner_client, pair, owner, monkeypatch
):
    # The bench's contact with the longest history had possible duplicates at one size only.
    alone = ContactFactory(owner=owner, name="Zara Quinn", company="Elsewhere")
    for i in range(3):
        ContactEmailFactory(contact=ContactFactory(owner=owner), email=f"carter{i}@example.com")
    counts = {pick_queries(owner_client, contact, "carter") for contact in (alone, pair[0])}
    # Past SEARCH_BY_IDS matches the search is a condition of the page's query instead.
    monkeypatch.setattr("contacts.selectors.SEARCH_BY_IDS", 2)
    counts |= {pick_queries(owner_client, contact, "carter") for contact in (alone, pair[0])}
    assert len(counts) == 1


def test_merge_preview_shows_field_by_field(owner_client, pair):
    page = owner_client.get(merge_url(pair[0]), {"other": pair[1].pk}).content.decode()
    assert "Senior EM" in page and "from Benjamin Carter" in page


def test_merge_preview_with_htmx_returns_fragment(owner_client, pair):
    response = owner_client.get(
        merge_url(pair[0]), {"other": pair[1].pk, "keep": pair[1].pk}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="merge-plan">')
    assert "into “Benjamin Carter”" in body


def test_merge_post_merges_and_redirects_to_survivor(owner_client, pair):
    response = owner_client.post(merge_url(pair[0]), {"other": pair[1].pk, "keep": pair[0].pk})
    assert response.url == reverse("contacts:detail", args=[pair[0].pk])
    assert list(Contact.objects.values_list("name", flat=True)) == ["Ben Carter"]


def test_merge_with_strangers_contact_is_404(owner_client, pair, stranger):
    theirs = ContactFactory(owner=stranger)
    assert owner_client.get(merge_url(pair[0]), {"other": theirs.pk}).status_code == 404
    assert owner_client.post(merge_url(pair[0]), {"other": theirs.pk}).status_code == 404
    assert Contact.objects.filter(pk=theirs.pk).exists()


def test_stranger_gets_404_on_owners_merge_page(stranger_client, pair):
    assert stranger_client.get(merge_url(pair[0])).status_code == 404
    assert stranger_client.post(merge_url(pair[0]), {"other": pair[1].pk}).status_code == 404
    assert Contact.objects.count() == 2


def test_duplicates_page_lists_pairs(owner_client, pair):
    page = owner_client.get(reverse("data:duplicates")).content.decode()
    assert "similar names at the same company" in page


def test_duplicates_page_shows_only_own_pairs(stranger_client, pair):
    page = stranger_client.get(reverse("data:duplicates")).content.decode()
    assert "Ben Carter" not in page


@pytest.mark.parametrize("count", [3, 30])
def test_duplicates_page_query_count_is_flat(
    owner_client, owner, count, django_assert_max_num_queries
):
    for i in range(count):
        c = ContactFactory(owner=owner, name=f"Twin {i}", company=f"Co{i}")
        ContactEmailFactory(contact=c, email=f"twin{i}@example.com")
        d = ContactFactory(owner=owner, name=f"Other {i}", company=f"Else{i}")
        ContactEmailFactory(contact=d, email=f"twin{i}@example.com")
    with django_assert_max_num_queries(12):
        response = owner_client.get(reverse("data:duplicates"))
    assert response.content.decode().count("Review merge") == count


@pytest.mark.parametrize(
    "name, args",
    [
        ("data:merge", [1]),
        ("data:duplicates", []),
        ("data:export", []),
        ("data:export_vcard", []),
        ("data:export_csv", []),
        ("data:export_json", []),
    ],
)
def test_signed_out_redirects_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/accounts/login/" in response.url
