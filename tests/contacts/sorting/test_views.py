"""The Sort new people screen: one unsorted contact at a time, newest first; save, archive and
skip; a plain form without JavaScript and the next card with htmx; owner-scoped."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Circle, Contact, Discipline, Tier
from tests.factories import ContactFactory, ProfileFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SORT = "/contacts/sort/"


def unsorted(owner, name, **fields):
    return ContactFactory(owner=owner, name=name, circle="", discipline="", tier="", **fields)


def test_the_screen_shows_the_newest_unsorted_contact_and_how_many_are_left(owner_client, owner):
    unsorted(owner, "Older Olga")
    unsorted(owner, "Newer Nico")
    ContactFactory(owner=owner, name="Sorted Sam")
    unsorted(owner, "Archived Ada", archived=True)
    html = owner_client.get(SORT).content.decode()
    assert "Newer Nico" in html and "Older Olga" not in html
    assert "2 to sort" in html
    assert "Sorted Sam" not in html and "Archived Ada" not in html


def test_saving_without_javascript_sorts_and_redirects_to_the_next(owner_client, owner):
    ProfileFactory(owner=owner, cadence_peer=30)
    older = unsorted(owner, "Older Olga")
    newer = unsorted(owner, "Newer Nico")
    response = owner_client.post(
        reverse("contacts:sort_contact", args=[newer.pk]),
        {"action": "save", "circle": Circle.COMMUNITY, "discipline": Discipline.DESIGN,
         "tier": Tier.PEER, "cadence_days": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{SORT}?before={newer.pk}"
    newer.refresh_from_db()
    assert (newer.circle, newer.discipline, newer.tier) == ("community", "design", "peer")
    assert newer.next_follow_up_on is not None  # a tier brings its cadence
    page = owner_client.get(response["Location"]).content.decode()
    assert "Older Olga" in page and "Saved Newer Nico" in page
    assert older.pk != newer.pk


def test_with_htmx_the_answer_is_the_next_card(owner_client, owner):
    unsorted(owner, "Older Olga")
    newer = unsorted(owner, "Newer Nico")
    response = owner_client.post(
        reverse("contacts:sort_contact", args=[newer.pk]),
        {"action": "save", "tier": Tier.NETWORK}, **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card sort-card" id="sort-card"')
    assert "Older Olga" in html and "<html" not in html
    assert "contactChanged" in response["HX-Trigger"]


def test_a_cadence_alone_schedules_an_unsorted_contact(owner_client, owner):
    person = unsorted(owner, "Cadence Cleo")
    owner_client.post(
        reverse("contacts:sort_contact", args=[person.pk]), {"action": "save", "cadence_days": "21"}
    )
    person.refresh_from_db()
    assert person.cadence_days == 21 and person.tier == ""
    assert person.next_follow_up_on is not None


def test_archive_needs_no_choice(owner_client, owner):
    person = unsorted(owner, "Plumber Kev")
    owner_client.post(reverse("contacts:sort_contact", args=[person.pk]), {"action": "archive"})
    person.refresh_from_db()
    assert person.archived and person.tier == ""


def test_saving_nothing_or_a_bad_cadence_says_why_and_keeps_the_choices(owner_client, owner):
    person = unsorted(owner, "Mom")
    url = reverse("contacts:sort_contact", args=[person.pk])
    html = owner_client.post(url, {"action": "save"}, **HTMX).content.decode()
    assert "Choose a circle, discipline, tier or cadence" in html
    html = owner_client.post(
        url, {"action": "save", "circle": Circle.OUTSIDE_TECH, "cadence_days": "0"}, **HTMX
    ).content.decode()
    assert "Ensure this value is greater than or equal to 1" in html
    assert 'value="outside_tech" data-key="5" checked' in html
    person.refresh_from_db()
    assert person.circle == "" and person.cadence_days is None


def test_skip_is_a_link_to_the_one_after(owner_client, owner):
    older = unsorted(owner, "Older Olga")
    newer = unsorted(owner, "Newer Nico")
    html = owner_client.get(f"{SORT}?before={newer.pk}").content.decode()
    assert "Older Olga" in html
    html = owner_client.get(f"{SORT}?before={older.pk}").content.decode()
    assert "That was the last one" in html and "2 people are still to sort" in html


def test_everyone_sorted_says_so(owner_client, owner):
    ContactFactory(owner=owner)
    assert "Everyone is sorted" in owner_client.get(SORT).content.decode()


def test_another_users_contact_cannot_be_sorted(stranger_client, owner):
    person = unsorted(owner, "Private Pia")
    response = stranger_client.post(
        reverse("contacts:sort_contact", args=[person.pk]), {"action": "archive"}
    )
    assert response.status_code == 404
    assert not Contact.objects.get(pk=person.pk).archived
    assert "Private Pia" not in stranger_client.get(SORT).content.decode()


def test_the_screen_keeps_its_queries_whatever_the_number_of_unsorted(owner_client, owner):
    def count():
        owner_client.get(SORT)  # warm up: the profile, the session
        with CaptureQueriesContext(connection) as ctx:
            assert owner_client.get(SORT).status_code == 200
        return len(ctx.captured_queries)

    unsorted(owner, "First")
    few = count()
    Contact.objects.bulk_create(
        [Contact(owner=owner, name=f"Imported {n}") for n in range(200)]
    )
    assert count() == few


def test_the_contacts_list_and_dashboard_link_to_the_screen_when_someone_is_unsorted(
    owner_client, owner
):
    assert "/contacts/sort/" not in owner_client.get("/contacts/").content.decode()
    unsorted(owner, "New Nina")
    assert "Sort 1 new person" in owner_client.get("/contacts/").content.decode()
    assert "new person to sort" in owner_client.get("/").content.decode()
