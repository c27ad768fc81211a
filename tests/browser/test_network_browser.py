"""The network map and insights in Chromium: load the map on a seeded account, filter it, open a
contact from it (by clicking its node and by searching), and check the insights page renders."""

import datetime
import os

import pytest
from django.utils import timezone

from contacts.models import Circle, ContactLink, Discipline, LinkKind
from interactions.models import Direction, InteractionKind, Support, SupportKind, SupportStatus
from tests.factories import ContactFactory, InteractionFactory, SupportFactory

# Playwright's sync API runs an event loop in this thread (also set by tests/browser/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

SEEDED = 60


def seed_network(owner):
    """60 contacts across every circle and discipline with a year of touches, support both
    ways and links; two named people the test looks for. Returns (grace, ada)."""
    now = timezone.now()
    circles, disciplines = list(Circle), list(Discipline)
    contacts = []
    for i in range(SEEDED - 2):
        contact = ContactFactory(
            owner=owner, name=f"Person {i:02d}", company=f"Company {i % 7}",
            circle=circles[i % len(circles)], discipline=disciplines[i % len(disciplines)],
        )
        for t in range(i % 6):
            InteractionFactory(owner=owner, contacts=[contact], kind=InteractionKind.COFFEE,
                               occurred_at=now - datetime.timedelta(days=9 + 23 * t + i))
        contacts.append(contact)
    grace = ContactFactory(owner=owner, name="Grace Hopper", company="Navy", title="Rear Admiral",
                           circle=Circle.COMMUNITY, discipline=Discipline.ENGINEERING,
                           working_on="a compiler for business data")
    ada = ContactFactory(owner=owner, name="Ada Lovelace", company="Analytical Engines",
                         circle=Circle.OUTSIDE_TECH, discipline=Discipline.DATA)
    for days in (3, 20, 45, 80):
        InteractionFactory(owner=owner, contacts=[grace], occurred_at=now - datetime.timedelta(days=days))
    today = timezone.localdate()
    for _ in range(3):
        SupportFactory(owner=owner, contact=grace, direction=Direction.GIVE, offered_on=today)
    SupportFactory(owner=owner, contact=grace, direction=Direction.RECEIVED, offered_on=today)
    SupportFactory(owner=owner, contact=ada, direction=Direction.RECEIVED, offered_on=today)
    SupportFactory(owner=owner, contact=grace, intro_to=ada, kind=SupportKind.INTRO, offered_on=today)
    for a, b in zip(contacts[::2], contacts[1::2], strict=False):
        if a.id % 3 == 0:
            ContactLink.objects.create(owner=owner, from_contact=a, to_contact=b, kind=LinkKind.COLLEAGUES)
    return grace, ada


def wait_for_map(page, shown):
    page.wait_for_selector(f'#network-graph[data-state="ready"][data-shown="{shown}"]')


def click_node(page, contact):
    """Click the contact's node where Cytoscape drew it on the canvas."""
    point = page.evaluate(
        """(id) => {
            const cy = document.getElementById("network-graph")._cyreg.cy;
            const node = cy.getElementById(id);
            cy.container().scrollIntoView({block: "center"});
            cy.resize();  // drops Cytoscape's cached container offset from before the scroll
            const box = cy.container().getBoundingClientRect();
            const p = node.renderedPosition();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        f"c{contact.id}",
    )
    page.mouse.click(point["x"], point["y"])


def test_map_loads_filters_and_opens_a_contact(owner, owner_page, browser_errors, screenshot):
    grace, ada = seed_network(owner)
    page = owner_page

    page.goto("/network/")
    wait_for_map(page, SEEDED)
    # By hand from seed_network: gives are Grace's three plus the intro; received one each
    # from Grace and Ada; links are the colleague pairs whose first id is a multiple of 3.
    links = ContactLink.objects.filter(owner=owner).count()
    assert page.inner_text("#network-status") == (
        f"{SEEDED} of {SEEDED} people shown · 4 gives and 2 received in the last 365 days · "
        f"{links + 1} links between people"  # + the intro between Grace and Ada
    )
    screenshot(page, "network-map")

    page.select_option("#id_circle", Circle.COMMUNITY)
    community = owner.contacts.filter(circle=Circle.COMMUNITY).count()
    wait_for_map(page, community)
    assert "circle=community" in page.url
    assert "circle=community" in page.get_attribute("#table-link", "href")

    click_node(page, grace)
    page.wait_for_selector("#brief >> text=Grace Hopper")
    brief = page.inner_text("#brief")
    assert "a compiler for business data" in brief
    assert "4 given · 1 received · 0 asked" in brief  # three gives and the intro
    screenshot(page, "network-map-filtered-with-brief")
    assert browser_errors == []


def test_search_highlights_and_enter_opens_the_match(owner, owner_page, browser_errors):
    grace, ada = seed_network(owner)
    page = owner_page
    page.goto("/network/")
    wait_for_map(page, SEEDED)

    page.evaluate("() => { window.stillTheSamePage = true; }")
    page.fill("#network-search", "lovel")
    page.wait_for_selector("#network-status >> text=1 match")
    matched = page.evaluate(
        """() => document.getElementById("network-graph")._cyreg.cy.nodes(".match").map(n => n.id())"""
    )
    assert matched == [f"c{ada.id}"]
    page.press("#network-search", "Enter")

    page.wait_for_selector("#brief >> text=Ada Lovelace")
    # Enter picked a person; it did not submit the form and reload the page.
    assert page.evaluate("() => window.stillTheSamePage") is True
    assert browser_errors == []


def test_colour_toggle_switches_the_legend(owner, owner_page, browser_errors):
    seed_network(owner)
    page = owner_page
    page.goto("/network/")
    wait_for_map(page, SEEDED)

    page.select_option("#id_colour", "discipline")

    page.wait_for_selector("#legend-discipline:not([hidden])")
    assert page.is_hidden("#legend-circle")
    assert browser_errors == []


def test_insights_page_renders_its_charts(owner, owner_page, browser_errors, screenshot):
    seed_network(owner)
    page = owner_page

    page.goto("/insights/")

    assert page.locator("#rhythm svg.chart rect.bar").count() == 52 + 12
    assert page.inner_text("#one-person h2") == "One person this week"
    numbers = page.locator("#balance .big-number").all_inner_texts()
    assert numbers == ["4", "2", "0", "+2"]  # given, received, asked, net
    screenshot(page, "insights")
    assert browser_errors == []


def test_demo_account_map_matches_its_data(owner, owner_page, browser_errors, screenshot):
    demo = pytest.importorskip("interactions.demo")  # helper H2's generator, used by seed_demo
    demo.build_demo_network(owner, contacts=60, seed=0)
    active = list(owner.contacts.filter(archived=False))
    today = timezone.localdate()
    # Counted in Python from the rows, not with the selector's query.
    in_window = [
        s for s in Support.objects.filter(owner=owner, contact__archived=False)
        if s.status != SupportStatus.DECLINED and (s.done_on or s.offered_on) > today - datetime.timedelta(days=365)
    ]
    gives = sum(s.direction == Direction.GIVE for s in in_window)
    received = sum(s.direction == Direction.RECEIVED for s in in_window)
    page = owner_page

    page.goto("/network/")
    wait_for_map(page, len(active))
    assert page.inner_text("#network-status").startswith(
        f"{len(active)} of {len(active)} people shown · {gives} gives and {received} received"
    )
    screenshot(page, "network-demo")

    designers = [c for c in active if c.discipline == Discipline.DESIGN]
    page.select_option("#id_discipline", Discipline.DESIGN)
    wait_for_map(page, len(designers))
    click_node(page, designers[0])
    page.wait_for_selector(f"#brief >> text={designers[0].display_name}")
    assert browser_errors == []
