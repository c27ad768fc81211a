"""Network map and insights views: isolation, sign-in, fragments and query counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Circle, ContactLink, Discipline, LinkKind, Profile
from network_crm import fragment_cache
from interactions.followups import refresh_contact_schedule
from interactions.insights import recompute_strength
from interactions.insights.views import bar_chart
from interactions.models import Direction, Initiator
from interactions.services import log_interaction
from tests.factories import ContactFactory, InteractionFactory, SupportFactory, TagFactory

@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The user factories hash a password; PBKDF2 would cost most of each test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


PAGES = ["insights:network", "insights:network_data", "insights:network_table", "insights:insights"]


def populate(owner, count):
    """`count` contacts with a tag, a touch, a give, a received and a link each (rows that could
    each trigger a query per contact if a page loaded them lazily)."""
    tag = TagFactory(owner=owner, name="friends")
    now = timezone.now()
    previous = None
    for i in range(count):
        contact = ContactFactory(
            owner=owner,
            circle=list(Circle)[i % 5],
            discipline=list(Discipline)[i % 9],
            working_on="a platform rewrite",
        )
        contact.tags.add(tag)
        InteractionFactory(owner=owner, contacts=[contact], occurred_at=now - datetime.timedelta(days=200 + i))
        InteractionFactory(owner=owner, contacts=[contact], occurred_at=now - datetime.timedelta(days=220 + i))
        InteractionFactory(owner=owner, contacts=[contact], occurred_at=now - datetime.timedelta(days=240 + i),
                           initiated_by=Initiator.THEM)
        SupportFactory(owner=owner, contact=contact, direction=Direction.GIVE, due_on=datetime.date.today())
        SupportFactory(owner=owner, contact=contact, direction=Direction.RECEIVED)
        SupportFactory(owner=owner, contact=contact, direction=Direction.ASK)
        if previous:
            ContactLink.objects.create(owner=owner, from_contact=previous, to_contact=contact, kind=LinkKind.KNOWS)
        previous = contact
    return tag


@pytest.mark.parametrize("name", PAGES)
def test_signed_out_request_redirects_to_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signed_out_brief_redirects_to_login(client, owner):
    contact = ContactFactory(owner=owner)

    response = client.get(reverse("insights:contact_brief", args=[contact.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_stranger_gets_404_on_the_owners_contact_brief(stranger_client, owner):
    contact = ContactFactory(owner=owner)

    response = stranger_client.get(reverse("insights:contact_brief", args=[contact.pk]))

    assert response.status_code == 404


def test_network_json_never_contains_the_owners_data_for_a_stranger(stranger_client, owner):
    tag = populate(owner, 3)
    names = list(owner.contacts.values_list("name", flat=True))

    response = stranger_client.get(reverse("insights:network_data"), {"tag": tag.pk, "window": 0})

    body = response.content.decode()
    assert response.status_code == 200
    assert [e["data"]["id"] for e in response.json()["elements"]] == ["me"]
    assert not any(name in body for name in names)
    assert "tag" in response.json()["meta"]["errors"]


def test_network_json_lists_contacts_edges_and_links(owner_client, owner):
    populate(owner, 3)

    data = owner_client.get(reverse("insights:network_data"), {"window": 0}).json()

    groups = [e["group"] for e in data["elements"]]
    assert groups.count("nodes") == 4  # the user and three contacts
    assert {e["classes"] for e in data["elements"] if e["group"] == "edges"} == {
        "flow give", "flow received", "link knows",
    }
    assert data["meta"] | {"errors": None} == {
        "shown": 3, "total": 3, "gives": 3, "received": 3, "links": 2, "window_days": 0,
        "colour_by": "circle", "errors": None,
    }


def test_network_json_applies_the_filters(owner_client, owner):
    populate(owner, 5)

    data = owner_client.get(reverse("insights:network_data"), {"circle": Circle.SAME_TEAM}).json()

    assert data["meta"]["shown"] == 1
    assert data["meta"]["total"] == 5


def test_network_page_renders_the_filters_and_graph_container(owner_client):
    response = owner_client.get(reverse("insights:network"), {"colour": "discipline"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="network-graph"' in html
    assert f'data-url="{reverse("insights:network_data")}"' in html
    assert 'data-colour="discipline"' in html
    assert "cytoscape-3.34.4.min.js" in html
    assert "<script>" not in html and 'style="' not in html


def test_network_table_lists_the_same_people_strongest_first(owner_client, owner):
    weak = ContactFactory(owner=owner, name="Weak Tie")
    strong = ContactFactory(owner=owner, name="Strong Tie")
    InteractionFactory(owner=owner, contacts=[strong])

    html = owner_client.get(reverse("insights:network_table")).content.decode()

    assert html.index("Strong Tie") < html.index("Weak Tie")
    assert reverse("contacts:detail", args=[weak.pk]) in html


def test_brief_with_htmx_is_a_fragment(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Dana Scully", working_on="an X-file")
    SupportFactory(owner=owner, contact=contact, direction=Direction.RECEIVED)

    response = owner_client.get(
        reverse("insights:contact_brief", args=[contact.pk]), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert "<html" not in html
    assert "Dana Scully" in html and "an X-file" in html
    assert "0 given · 1 received · 0 asked" in html
    assert reverse("contacts:detail", args=[contact.pk]) in html


def test_brief_without_htmx_is_a_full_page(owner_client, owner):
    contact = ContactFactory(owner=owner, name="Fox Mulder")

    html = owner_client.get(reverse("insights:contact_brief", args=[contact.pk])).content.decode()

    assert "<html" in html and "Fox Mulder" in html


def test_insights_page_shows_every_section(owner_client, owner):
    Profile.objects.update_or_create(owner=owner, defaults={"own_discipline": Discipline.ENGINEERING})
    populate(owner, 3)

    html = owner_client.get(reverse("insights:insights")).content.decode()

    for section in ("one-person", "strength", "balance", "diversity", "dormant", "rhythm"):
        assert f'id="{section}"' in html
    assert "How it is computed" in html
    assert "Suggested give:" in html
    assert 'id="weeks-table"' in html and 'id="months-table"' in html
    assert 'style="' not in html


def test_insights_page_ranks_give_before_you_ask(owner_client, owner):
    taker = ContactFactory(owner=owner, name="Taken From")
    SupportFactory(owner=owner, contact=taker, direction=Direction.ASK)

    html = owner_client.get(reverse("insights:insights")).content.decode()

    assert 'id="owed-table"' in html and "Taken From" in html


@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow_with_contacts(owner_client, owner, django_assert_num_queries, name):
    populate(owner, 3)
    owner_client.get(reverse(name))  # warm up: session, profile creation
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        owner_client.get(reverse(name))
    few_queries = len(few.captured_queries)  # (the next request empties the log)
    populate_more(owner, 27)
    owner_client.get(reverse(name))  # the writes refreshed the insights' cached cards: warm up
    with django_assert_num_queries(few_queries):
        response = owner_client.get(reverse(name))
    assert response.status_code == 200


def populate_more(owner, count):
    tag = TagFactory(owner=owner, name="friends")
    for i in range(count):
        contact = ContactFactory(owner=owner, circle=list(Circle)[i % 5])
        contact.tags.add(tag)
        InteractionFactory(owner=owner, contacts=[contact])
        SupportFactory(owner=owner, contact=contact, direction=Direction.GIVE)
        SupportFactory(owner=owner, contact=contact, direction=Direction.ASK)


def test_bar_chart_scales_bars_to_the_peak():
    chart = bar_chart([0, 5, 10], ["a", "", "c"], height=104, bar=10, gap=2)

    assert chart["width"] == 34
    assert [(b["x"], b["y"], b["h"]) for b in chart["bars"]] == [(0, 104, 0), (12, 54.0, 50.0), (24, 4.0, 100.0)]
    assert [b["label"] for b in chart["bars"]] == ["a", "", "c"]


def history(owner, contacts, touches_each, *, offset=0):
    """`contacts` contacts with `touches_each` conversations spread over the last two years
    (some mine, some theirs), a give, a received and an ask each, links between neighbours, and
    what the contact rows store (last interaction, strength) brought up to date as logging
    through interactions.services would. Every insights section then has rows to show: strong
    ties, owed gives, dormant ties, revived ties, weeks with and without touches."""
    now = timezone.now()
    made = []
    for i in range(contacts):
        contact = ContactFactory(
            owner=owner, circle=list(Circle)[i % 5], discipline=list(Discipline)[i % 9]
        )
        made.append(contact)
        dormant = i % 3 == 0  # last touch 200+ days ago: a dormant tie
        revived = i % 3 == 1  # one touch 20 days ago after a year of quiet: revived
        for k in range(touches_each):
            days = 200 + 9 * k + offset if dormant or (revived and k) else 3 + 11 * k + offset
            if revived and k:
                days += 200
            InteractionFactory(
                owner=owner, contacts=[contact], occurred_at=now - datetime.timedelta(days=days),
                initiated_by=Initiator.ME if k % 2 else Initiator.THEM,
            )
        for direction in (Direction.GIVE, Direction.RECEIVED, Direction.ASK):
            SupportFactory(owner=owner, contact=contact, direction=direction)
        if i:
            ContactLink.objects.create(
                owner=owner, from_contact=made[i - 1], to_contact=contact, kind=LinkKind.KNOWS
            )
    ids = [c.pk for c in made]
    refresh_contact_schedule(ids)
    recompute_strength(owner_id=owner.pk, contact_ids=ids)


def without_csrf_tokens(html):
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def page_queries(client, owner, name, params=None, *, cold):
    """The queries of one view of a page (with its cached parts built again when `cold`, as
    after a write) and the response."""
    if cold:
        fragment_cache.invalidate(owner.pk)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), params)
    return len(captured.captured_queries), response


def test_insights_page_queries_do_not_grow_with_history(owner_client, owner):
    """The same queries for 3 contacts with 3 touches each as for 30 with 8 each (over 25 times
    the history), every section showing rows; fewer once the history cards are cached."""
    history(owner, 3, 3)
    owner_client.get(reverse("insights:insights"))  # warm up: profile, today's one person
    small_cold, _ = page_queries(owner_client, owner, "insights:insights", cold=True)
    small_warm, _ = page_queries(owner_client, owner, "insights:insights", cold=False)
    history(owner, 27, 8, offset=1)

    large_cold, cold = page_queries(owner_client, owner, "insights:insights", cold=True)
    large_warm, warm = page_queries(owner_client, owner, "insights:insights", cold=False)

    html = cold.content.decode()
    assert "conversations · quiet for" in html  # dormant ties
    assert "quiet days</span>" in html  # revived ties
    assert 'id="owed-table"' in html and 'class="list strength-list"' in html
    assert (large_cold, large_warm) == (small_cold, small_warm)
    assert large_warm < large_cold
    assert without_csrf_tokens(warm.content.decode()) == without_csrf_tokens(html)


def test_insights_history_cards_show_a_conversation_logged_since_they_were_cached(
    owner_client, owner
):
    contact = ContactFactory(owner=owner, name="Grace Hopper")
    log_interaction(owner, {"contacts": [contact], "occurred_at": timezone.now(), "kind": "call"})
    before = owner_client.get(reverse("insights:insights")).content.decode()

    owner_client.post(
        reverse("interactions:create"),
        {"contacts": [contact.pk], "occurred_on": timezone.localdate().isoformat(), "kind": "call",
         "initiated_by": Initiator.ME},
    )
    after = owner_client.get(reverse("insights:insights")).content.decode()

    assert '<span class="big-number">1</span><span class="muted small">conversations in 52 weeks' in before
    assert '<span class="big-number">2</span><span class="muted small">conversations in 52 weeks' in after


def test_network_json_queries_do_not_grow_with_history(owner_client, owner):
    history(owner, 3, 3)
    owner_client.get(reverse("insights:network_data"), {"window": 0})
    small_cold, _ = page_queries(owner_client, owner, "insights:network_data", {"window": 0}, cold=True)
    small_warm, _ = page_queries(owner_client, owner, "insights:network_data", {"window": 0}, cold=False)
    history(owner, 27, 8, offset=1)

    large_cold, cold = page_queries(owner_client, owner, "insights:network_data", {"window": 0}, cold=True)
    large_warm, warm = page_queries(owner_client, owner, "insights:network_data", {"window": 0}, cold=False)

    assert cold.json()["meta"]["shown"] == 30 and cold.json()["meta"]["links"] == 28
    assert (large_cold, large_warm) == (small_cold, small_warm)
    assert large_warm < large_cold
    assert warm.json() == cold.json()


def test_network_json_shows_a_contact_added_since_it_was_cached(owner_client, owner):
    ContactFactory(owner=owner, name="Ada Lovelace")
    before = owner_client.get(reverse("insights:network_data")).json()

    owner_client.post(reverse("contacts:create"), {"name": "Grace Hopper", "circle": Circle.COMMUNITY,
                                                  "discipline": Discipline.ENGINEERING, "tier": "network"})
    after = owner_client.get(reverse("insights:network_data")).json()

    assert [e["data"]["label"] for e in before["elements"]] == ["Me", "Ada Lovelace"]
    assert [e["data"]["label"] for e in after["elements"]] == ["Me", "Ada Lovelace", "Grace Hopper"]


def test_network_json_is_cached_per_filter(owner_client, owner):
    ContactFactory(owner=owner, circle=Circle.COMMUNITY)
    ContactFactory(owner=owner, circle=Circle.SAME_TEAM)

    everyone = owner_client.get(reverse("insights:network_data")).json()
    team = owner_client.get(reverse("insights:network_data"), {"circle": Circle.SAME_TEAM}).json()

    assert (everyone["meta"]["shown"], team["meta"]["shown"]) == (2, 1)


def people_table(response) -> str:
    return response.content.decode().split('id="network-table"')[1]


def test_network_table_queries_do_not_grow_with_history(owner_client, owner):
    history(owner, 3, 3)
    owner_client.get(reverse("insights:network_table"))
    small_cold, _ = page_queries(owner_client, owner, "insights:network_table", cold=True)
    small_warm, _ = page_queries(owner_client, owner, "insights:network_table", cold=False)
    history(owner, 27, 8, offset=1)

    large_cold, cold = page_queries(owner_client, owner, "insights:network_table", cold=True)
    large_warm, warm = page_queries(owner_client, owner, "insights:network_table", cold=False)

    assert "30 of 30 active contacts" in cold.content.decode()
    assert (large_cold, large_warm) == (small_cold, small_warm)
    assert large_warm < large_cold
    assert people_table(warm) == people_table(cold)  # the page's CSRF token differs


def test_network_table_shows_a_contact_added_since_it_was_cached(owner_client, owner):
    ContactFactory(owner=owner, name="Ada Lovelace")
    owner_client.get(reverse("insights:network_table"))

    owner_client.post(reverse("contacts:create"), {"name": "Grace Hopper", "circle": Circle.COMMUNITY,
                                                  "discipline": Discipline.ENGINEERING, "tier": "network"})
    html = owner_client.get(reverse("insights:network_table")).content.decode()

    assert "Ada Lovelace" in html and "Grace Hopper" in html


def test_network_table_is_cached_per_filter(owner_client, owner):
    ContactFactory(owner=owner, name="Ada Lovelace", circle=Circle.COMMUNITY)
    ContactFactory(owner=owner, name="Grace Hopper", circle=Circle.SAME_TEAM)

    everyone = owner_client.get(reverse("insights:network_table")).content.decode()
    team = owner_client.get(reverse("insights:network_table"), {"circle": Circle.SAME_TEAM})

    assert "Ada Lovelace" in everyone and "Ada Lovelace" not in team.content.decode()
