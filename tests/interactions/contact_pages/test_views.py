"""The contact page (brief, timeline, history), its edit form in place, and the event page's
"log follow-ups for everyone I met": pages of the contacts namespace built in interactions."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import ContactLink, LinkKind
from interactions.contact_pages import selectors
from network_crm import fragment_cache
from interactions.models import Direction, FollowUp, FollowUpReason, SupportKind
from tests.contacts.test_views import HTMX, count_queries
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    SupportFactory,
)


# --- edit ----------------------------------------------------------------------------------------


def test_edit_page_saves_and_redirects(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Old Name")
    response = owner_client.post(
        reverse("contacts:edit", args=[contact.pk]),
        {
            "name": "New Name",
            "circle": "community",
            "discipline": "engineering",
            "tier": "peer",
        },
    )
    contact.refresh_from_db()
    assert response.status_code == 302 and contact.name == "New Name"


def test_edit_in_place_get_returns_the_brief_form_fragment(owner_client, owner):
    contact = ContactFactory(owner=owner)
    body = owner_client.get(
        reverse("contacts:edit", args=[contact.pk]), {"part": "brief"}, **HTMX
    ).content.decode()
    assert 'id="brief"' in body and "<form" in body and "<html" not in body
    assert 'name="working_on"' in body and 'name="emails"' not in body


def test_edit_in_place_post_returns_the_updated_brief_card(owner_client, owner):
    contact = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("contacts:edit", args=[contact.pk]),
        {
            "part": "brief",
            "tier": "close",
            "working_on": "Migrating to Rust",
        },
        **HTMX,
    )
    body = response.content.decode()
    assert (
        "Migrating to Rust" in body
        and "Before you talk" in body
        and "<form" not in body.split("Before you talk")[1][:300]
    )
    assert "contactChanged" in response["HX-Trigger"]
    contact.refresh_from_db()
    assert contact.working_on == "Migrating to Rust"


def test_edit_in_place_with_an_error_returns_the_form_again(owner_client, owner, stranger):
    contact = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("contacts:edit", args=[contact.pk]),
        {
            "part": "brief",
            "tier": "close",
            "met_at": EventFactory(owner=stranger).pk,
            "working_on": "Kept text",
        },
        **HTMX,
    )
    body = response.content.decode()
    assert "Select a valid choice" in body and "Kept text" in body


# --- contact page ------------------------------------------------------------------------------


def test_contact_page_shows_the_brief_and_timeline(owner_client, owner):
    contact = ContactFactory(
        owner=owner, working_on="Platform rewrite", why_it_matters="Promotion case"
    )
    InteractionFactory(
        owner=owner, contacts=[contact], summary="Lunch at Joe's", notes="Talked about hiring"
    )
    SupportFactory(owner=owner, contact=contact, description="Send the RFC template")
    body = owner_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    for text in (
        "Before you talk",
        "Platform rewrite",
        "Promotion case",
        "Lunch at Joe&#x27;s",
        "Talked about hiring",
        "Send the RFC template",
        "Timeline",
    ):
        assert text in body, text


def test_contact_page_shows_recent_history_and_loads_the_full_history_on_request(
    owner_client, owner, stranger_client
):
    contact = ContactFactory(owner=owner)
    base = timezone.now() - datetime.timedelta(days=1)
    for day in range(selectors.TIMELINE_RECENT + 5):
        InteractionFactory(
            owner=owner, contacts=[contact], summary=f"Chat number {day}",
            occurred_at=base - datetime.timedelta(days=day),
        )
    url = reverse("contacts:detail", args=[contact.pk])
    body = owner_client.get(url).content.decode()
    assert "Chat number 0<" in body and f"Chat number {selectors.TIMELINE_RECENT - 1}<" in body
    assert f"Chat number {selectors.TIMELINE_RECENT}<" not in body
    assert "Show full history" in body
    fragment = owner_client.get(url, {"part": "timeline", "history": "all"}, **HTMX)
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section class="card" id="timeline"')
    assert f"Chat number {selectors.TIMELINE_RECENT + 4}<" in html
    assert "Show full history" not in html
    # Without htmx the link opens the whole page with the whole history.
    assert f"Chat number {selectors.TIMELINE_RECENT + 4}<" in owner_client.get(
        url, {"history": "all"}
    ).content.decode()
    assert stranger_client.get(url, {"part": "timeline", "history": "all"}, **HTMX).status_code == 404


def test_contact_page_offers_log_and_give_prefilled_for_the_contact(owner_client, owner):
    contact = ContactFactory(owner=owner)
    body = owner_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert f"{reverse('interactions:create')}?contact={contact.pk}" in body
    assert (
        f"{reverse('interactions:support_create')}?direction=give&amp;contact={contact.pk}" in body
    )


def _fill_contact(owner, contact, n):
    for _ in range(n):
        other = ContactFactory(owner=owner)
        InteractionFactory(owner=owner, contacts=[contact, other])
        SupportFactory(owner=owner, contact=contact)
        FollowUpFactory(owner=owner, contact=contact)
        ContactLink.objects.create(
            owner=owner, from_contact=contact, to_contact=other, kind=LinkKind.KNOWS
        )
        EventFactory(owner=owner).people_met.add(contact)
        ContactEmailFactory(contact=contact)
        # Intros both ways: each names the other person, read in the same query.
        SupportFactory(owner=owner, contact=other, intro_to=contact, kind=SupportKind.INTRO)
        SupportFactory(owner=owner, contact=contact, intro_to=other, kind=SupportKind.INTRO)


def count_rendering_queries(client, owner, url):
    """Queries of the page rendered afresh: a cached body would hide what rendering costs."""
    client.get(url)  # warm up: the first request creates the profile, the session
    fragment_cache.invalidate(owner.pk)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert "Timeline" in response.text
    return len(ctx.captured_queries)


def test_contact_page_query_count_does_not_grow_with_history(owner_client, owner):
    contact = ContactFactory(owner=owner)
    _fill_contact(owner, contact, 2)
    url = reverse("contacts:detail", args=[contact.pk])
    few = count_rendering_queries(owner_client, owner, url)
    cached = count_queries(owner_client, url)
    _fill_contact(owner, contact, 15)
    assert count_rendering_queries(owner_client, owner, url) == few
    assert count_queries(owner_client, url) == cached < few


# --- delete ---------------------------------------------------------------------------------------


def _log_alone(owner, contact, days_ago: list[int], summary="Alone"):
    for n, days in enumerate(days_ago):
        InteractionFactory(
            owner=owner, contacts=[contact], summary=f"{summary} {n}",
            occurred_at=timezone.now() - datetime.timedelta(days=days),
        )


def test_the_delete_page_counts_conversations_alone_up_to_its_bound_then_says_more(
    owner_client, owner, monkeypatch
):
    monkeypatch.setattr(selectors, "ALONE_READ", 6)
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    InteractionFactory(owner=owner, contacts=[ada, ContactFactory(owner=owner)], summary="Group")
    # Logged in this order: the 6 logged last are read, and the newest 5 of those by date shown.
    _log_alone(owner, ada, [1, 2, 40, 30, 20, 10, 50, 3])
    page = owner_client.get(reverse("contacts:delete", args=[ada.pk])).text
    assert "More than 6 conversations were with Ada Lovelace alone" in page
    listed = page.split('<ul class="list small">')[1].split("</ul>")[0]
    shown = [item.split("</a>")[0].rsplit(">", 1)[1] for item in listed.split("<li>")[1:]]
    assert shown == ["Alone 7", "Alone 5", "Alone 4", "Alone 3", "Alone 2"]
    assert "and more</li>" in page and "Group" not in page


def test_the_delete_page_reads_the_same_queries_for_few_or_many_conversations_alone(
    owner_client, owner, monkeypatch
):
    monkeypatch.setattr(selectors, "ALONE_READ", 5)
    ada = ContactFactory(owner=owner)
    _log_alone(owner, ada, [1, 2])
    url = reverse("contacts:delete", args=[ada.pk])
    few = count_queries(owner_client, url)
    _log_alone(owner, ada, range(3, 15))
    assert count_queries(owner_client, url) == few


def test_an_intro_shows_on_both_peoples_pages_and_goes_with_the_give(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    ada_url = reverse("contacts:detail", args=[ada.pk])
    grace_url = reverse("contacts:detail", args=[grace.pk])
    assert "Ada Lovelace" not in owner_client.get(grace_url).content.decode()  # now cached
    response = owner_client.post(reverse("interactions:support_create"), {
        "direction": Direction.GIVE, "contact": ada.pk, "intro_to": grace.pk,
        "kind": SupportKind.INTRO, "status": "done", "description": "Compilers chat",
        "offered_on": "2026-03-02", "done_on": "2026-03-02",
    })
    assert response.status_code == 302
    intro = ada.supports.get()

    grace_page = owner_client.get(grace_url).content.decode()
    assert f'Introduced to <a href="{ada_url}">Ada Lovelace</a> by you' in grace_page
    assert reverse("interactions:support_detail", args=[intro.pk]) in grace_page
    ada_page = owner_client.get(ada_url).content.decode()
    assert f'→ <a href="{grace_url}">Grace Hopper</a>' in ada_page

    owner_client.post(reverse("interactions:support_delete", args=[intro.pk]))
    assert "Ada Lovelace" not in owner_client.get(grace_url).content.decode()


def test_an_intro_made_to_them_is_told_from_their_side(owner_client, owner):
    ada, grace, alan = (ContactFactory(owner=owner, name=n) for n in ("Ada", "Grace", "Alan"))
    SupportFactory(
        owner=owner, contact=ada, intro_to=grace, kind=SupportKind.INTRO,
        direction=Direction.RECEIVED,
    )
    SupportFactory(
        owner=owner, contact=alan, intro_to=grace, kind=SupportKind.INTRO, direction=Direction.ASK
    )
    page = owner_client.get(reverse("contacts:detail", args=[grace.pk])).content.decode()
    ada_url = reverse("contacts:detail", args=[ada.pk])
    alan_url = reverse("contacts:detail", args=[alan.pk])
    assert f'<a href="{ada_url}">Ada</a> introduced you' in page
    assert f'You asked <a href="{alan_url}">Alan</a> for an intro' in page


# --- events ------------------------------------------------------------------------------------


def test_log_follow_ups_creates_one_per_person_met_once(owner_client, owner):
    event = EventFactory(
        owner=owner, starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 3)
    )
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    event.people_met.add(a, b)
    url = reverse("contacts:event_log_follow_ups", args=[event.pk])
    response = owner_client.post(url)
    owner_client.post(url)
    assert response["Location"] == reverse("contacts:event_detail", args=[event.pk])
    follow_ups = FollowUp.objects.filter(owner=owner, reason=FollowUpReason.EVENT)
    assert sorted(f.contact_id for f in follow_ups) == sorted([a.pk, b.pk])
    assert all(f.due_on > event.last_day for f in follow_ups)
    assert {f.source_key for f in follow_ups} == {
        f"event:{event.pk}:{a.pk}",
        f"event:{event.pk}:{b.pk}",
    }


def test_log_follow_ups_with_htmx_returns_a_fragment_and_trigger(owner_client, owner):
    event = EventFactory(owner=owner)
    event.people_met.add(ContactFactory(owner=owner))
    response = owner_client.post(reverse("contacts:event_log_follow_ups", args=[event.pk]), **HTMX)
    assert b"<html" not in response.content and b"Created 1 follow-up" in response.content
    assert "followUpChanged" in response["HX-Trigger"]
