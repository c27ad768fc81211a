"""Possible duplicates are found by shared keys, not by comparing every pair, and the pages
read what the last search found (contacts.merging.stored)."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.merging import stored
from contacts.merging.duplicates import SAME_COMPANY, find_pairs
from contacts.models import Contact
from tests.factories import ContactEmailFactory, ContactFactory

pytestmark = pytest.mark.django_db


def colleagues(owner, count, company="Big Co"):
    return Contact.objects.bulk_create(
        Contact(owner=owner, name=f"Person{i:04d} Staff", company=company) for i in range(count)
    )


def test_a_typo_is_found_at_a_company_of_hundreds(owner):
    colleagues(owner, 400)
    typo = ContactFactory(owner=owner, name="Margaret Hamiltn", company="Big Co Inc")
    right = ContactFactory(owner=owner, name="Margaret Hamilton", company="Big Co")
    assert (typo.pk, right.pk, [SAME_COMPANY]) in find_pairs(owner)


def test_a_first_name_and_its_beginning_at_a_company_of_hundreds_are_found(owner):
    colleagues(owner, 400)
    alex = ContactFactory(owner=owner, name="Alexandrina Okafor", company="Big Co")
    alexa = ContactFactory(owner=owner, name="Alexa Okafor", company="Big Co")
    ContactFactory(owner=owner, name="Alexa Okafor", company="Elsewhere")
    found = {(a, b): why for a, b, why in find_pairs(owner)}
    assert found[alex.pk, alexa.pk] == [SAME_COMPANY]


def twins(owner, count, start=0):
    for i in range(start, start + count):
        a = ContactFactory(owner=owner, name=f"Twin {i}", company=f"Co{i}")
        b = ContactFactory(owner=owner, name=f"Other {i}", company=f"Else{i}")
        ContactEmailFactory(contact=a, email=f"twin{i}@example.com")
        ContactEmailFactory(contact=b, email=f"twin{i}@example.com")


def test_the_page_shows_what_was_found_before_a_write_and_asks_the_worker(
    owner_client, owner, django_capture_on_commit_callbacks
):
    twins(owner, 1)
    owner_client.get(reverse("data:duplicates"))
    twins(owner, 1, start=1)  # a write: what was found is stale
    with (
        mock.patch("contacts.tasks.find_duplicates.delay") as delay,
        mock.patch("contacts.merging.stored.find_pairs") as search,
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = owner_client.get(reverse("data:duplicates")).content.decode()
        owner_client.get(reverse("data:duplicates"))
    search.assert_not_called()
    assert page.count("Review merge") == 1 and "being looked for again" in page
    delay.assert_called_once_with(owner.pk)

    stored.refresh_user(owner.pk)  # the task
    page = owner_client.get(reverse("data:duplicates")).content.decode()
    assert page.count("Review merge") == 2 and "being looked for again" not in page


def test_a_merged_contact_leaves_the_page_before_the_worker_looks_again(owner_client, owner):
    twins(owner, 2)
    owner_client.get(reverse("data:duplicates"))
    Contact.objects.filter(name="Other 0").delete()
    with mock.patch("contacts.tasks.find_duplicates.delay"):
        page = owner_client.get(reverse("data:duplicates")).content.decode()
    assert page.count("Review merge") == 1 and "Other 0" not in page


def test_the_page_shows_a_page_of_pairs_with_a_link_to_the_next(owner_client, owner, monkeypatch):
    monkeypatch.setattr(stored, "PAGE_SIZE", 2)
    twins(owner, 5)
    first = owner_client.get(reverse("data:duplicates")).content.decode()
    last = owner_client.get(reverse("data:duplicates") + "?page=3").content.decode()
    assert first.count("Review merge") == 2 and "?page=2" in first and "5 possible" in first
    assert last.count("Review merge") == 1 and "Twin 4" in last and "Twin 0" not in last


@pytest.mark.parametrize("cache_down", [False, True])
def test_the_page_searches_when_nothing_is_kept(owner_client, owner, cache_down, request):
    if cache_down:
        request.getfixturevalue("take_cache_down")()
    twins(owner, 3)
    page = owner_client.get(reverse("data:duplicates")).content.decode()
    assert page.count("Review merge") == 3


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_page_and_merge_screen_queries_do_not_grow_with_the_account(owner_client, owner):
    twins(owner, 2)
    contact = Contact.objects.get(name="Twin 0")
    urls = [reverse("data:duplicates"), reverse("data:merge", args=[contact.pk]) + "?q=twin"]
    for url in urls:
        owner_client.get(url)
    small = [queries_of(owner_client, url) for url in urls]
    twins(owner, 40, start=2)
    for url in urls:
        owner_client.get(url)
    assert [queries_of(owner_client, url) for url in urls] == small


def test_merge_screen_suggests_a_duplicate_past_the_first_page(owner_client, owner, monkeypatch):
    monkeypatch.setattr(stored, "PAGE_SIZE", 2)
    twins(owner, 4)
    last = Contact.objects.get(name="Twin 3")
    page = owner_client.get(reverse("data:merge", args=[last.pk])).content.decode()
    assert "Probably the same person" in page and "Other 3" in page


def test_the_worker_does_nothing_when_what_is_kept_is_current(owner):
    twins(owner, 1)
    stored.last_found(owner)
    with mock.patch("contacts.merging.stored.find_pairs") as search:
        stored.refresh_user(owner.pk)
        stored.refresh_user(owner.pk + 1000)  # gone
    search.assert_not_called()


def test_a_repeat_visit_reads_the_kept_page_and_a_rename_shows_at_once(owner_client, owner):
    twins(owner, 2)
    url = reverse("data:duplicates")
    owner_client.get(url)  # the search, and the page's table, kept
    with CaptureQueriesContext(connection) as kept:
        first = owner_client.get(url).content.decode()
    assert len(kept) == 1 and first.count("Review merge") == 2  # you, as Django's auth reads you
    Contact.objects.filter(name="Twin 0").update(name="Twin Zero")  # no signal: a request's write
    owner_client.post(reverse("settings"), {})  # any POST of the user's starts a new generation
    with mock.patch("contacts.tasks.find_duplicates.delay"):
        page = owner_client.get(url).content.decode()
    assert "Twin Zero" in page and ">Twin 0<" not in page
