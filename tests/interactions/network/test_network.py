"""The network map's data selector on hand-built networks."""

import datetime
import math

import pytest

from contacts.models import Circle, ContactLink, Discipline, LinkKind
from interactions.insights import recompute_strength
from interactions.models import Direction, SupportKind, SupportStatus
from interactions.network.forms import NetworkFilterForm
from interactions.network.selectors import edge_width, network, to_elements
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    MentorshipFactory,
    SupportFactory,
    TagFactory,
)

@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The user factories hash a password; PBKDF2 would cost most of each test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def build(owner, **kwargs):
    return network(owner, today=TODAY, **kwargs)


def touch_now(owner, contact):
    """A coffee at NOW, with the contact's stored strength updated as logging it through
    interactions.services would (17.3 for a single coffee today)."""
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=NOW)
    recompute_strength(owner_id=owner.id, now=NOW, contact_ids=[contact.id])


def test_network_counts_support_each_way_within_the_window(owner):
    ana = ContactFactory(owner=owner, name="Ana")
    SupportFactory(owner=owner, contact=ana, direction=Direction.GIVE, offered_on=days_ago(10))
    SupportFactory(owner=owner, contact=ana, direction=Direction.GIVE, offered_on=days_ago(50),
                   done_on=days_ago(20), status=SupportStatus.DONE)
    SupportFactory(owner=owner, contact=ana, direction=Direction.RECEIVED, offered_on=days_ago(5))
    SupportFactory(owner=owner, contact=ana, direction=Direction.RECEIVED, offered_on=days_ago(200))
    SupportFactory(owner=owner, contact=ana, direction=Direction.GIVE, offered_on=days_ago(3),
                   status=SupportStatus.DECLINED)

    last_month = build(owner, window_days=30)
    all_time = build(owner, window_days=0)

    (node,) = last_month.nodes
    assert (node.gives, node.received) == (2, 1)
    assert (all_time.nodes[0].gives, all_time.nodes[0].received) == (2, 2)
    assert (last_month.gives, last_month.received) == (2, 1)


def test_network_filters_by_circle_discipline_tag_and_strength(owner):
    designer = ContactFactory(owner=owner, discipline=Discipline.DESIGN, circle=Circle.COMMUNITY)
    engineer = ContactFactory(owner=owner, discipline=Discipline.ENGINEERING, circle=Circle.COMMUNITY)
    teammate = ContactFactory(owner=owner, discipline=Discipline.DESIGN, circle=Circle.SAME_TEAM)
    ContactFactory(owner=owner, archived=True, discipline=Discipline.DESIGN)
    mentor_tag = TagFactory(owner=owner, name="mentor")
    engineer.tags.add(mentor_tag)
    touch_now(owner, teammate)  # strength 17.3

    def ids(net):
        return {n.id for n in net.nodes}

    assert ids(build(owner)) == {designer.id, engineer.id, teammate.id}
    assert ids(build(owner, circle=Circle.COMMUNITY)) == {designer.id, engineer.id}
    assert ids(build(owner, discipline=Discipline.DESIGN)) == {designer.id, teammate.id}
    assert ids(build(owner, tag_id=mentor_tag.id)) == {engineer.id}
    assert ids(build(owner, min_strength=10)) == {teammate.id}
    assert build(owner, min_strength=10).total_contacts == 3


def test_network_node_size_grows_with_strength(owner):
    strong = ContactFactory(owner=owner)
    weak = ContactFactory(owner=owner)
    touch_now(owner, strong)

    sizes = {n.id: n.size for n in build(owner).nodes}

    assert sizes[weak.id] == 14
    assert sizes[strong.id] == round(14 + 32 * 17.3 / 100, 1)


def test_network_links_only_between_shown_contacts_and_counts_intros(owner):
    a, b, c = (ContactFactory(owner=owner, circle=Circle.INDUSTRY_PEER) for _ in range(3))
    outsider = ContactFactory(owner=owner, circle=Circle.OUTSIDE_TECH)
    ContactLink.objects.create(owner=owner, from_contact=a, to_contact=b, kind=LinkKind.COLLEAGUES)
    ContactLink.objects.create(owner=owner, from_contact=b, to_contact=a, kind=LinkKind.COLLEAGUES)
    ContactLink.objects.create(owner=owner, from_contact=a, to_contact=outsider, kind=LinkKind.KNOWS)
    SupportFactory(owner=owner, contact=b, intro_to=c, kind=SupportKind.INTRO, direction=Direction.GIVE)

    net = build(owner, circle=Circle.INDUSTRY_PEER)

    assert sorted((link.source, link.target, link.kind) for link in net.links) == sorted([
        (a.id, b.id, LinkKind.COLLEAGUES),  # the same tie recorded both ways is drawn once
        (b.id, c.id, LinkKind.INTRODUCED),
    ])
    assert {n.id: n.links for n in net.nodes} == {a.id: 1, b.id: 2, c.id: 1}


def test_network_draws_mentorships_the_user_matched_as_mentor_of(owner):
    mentor, mentee, mine = (ContactFactory(owner=owner) for _ in range(3))
    MentorshipFactory(owner=owner, mentor=mentor, mentee=mentee)
    MentorshipFactory(owner=owner, mentee=mine)  # the user mentors them: not a contact-to-contact tie

    net = build(owner)

    assert [(link.source, link.target, link.kind) for link in net.links] == [
        (mentor.id, mentee.id, LinkKind.MENTOR_OF)
    ]


def test_network_places_stronger_contacts_closer_to_the_user(owner):
    strong = ContactFactory(owner=owner)
    weak = ContactFactory.create_batch(40, owner=owner)
    touch_now(owner, strong)

    nodes = {n.id: n for n in build(owner).nodes}

    def distance(node):
        return math.hypot(node.x, node.y)

    assert round(distance(nodes[strong.id])) == 150  # the innermost ring
    assert max(distance(nodes[c.id]) for c in weak) > 150
    positions = {(n.x, n.y) for n in nodes.values()}
    assert len(positions) == 41


def test_network_never_shows_another_users_contacts_links_or_support(owner, stranger):
    mine = ContactFactory(owner=owner)
    theirs = ContactFactory(owner=stranger)
    theirs_too = ContactFactory(owner=stranger)
    ContactLink.objects.create(owner=stranger, from_contact=theirs, to_contact=theirs_too, kind=LinkKind.KNOWS)
    SupportFactory(owner=stranger, contact=theirs)

    net = build(owner, window_days=0)

    assert [n.id for n in net.nodes] == [mine.id]
    assert (net.links, net.gives, net.total_contacts) == ([], 0, 1)


def test_elements_put_the_user_in_the_centre_with_edges_both_ways(owner):
    ana = ContactFactory(owner=owner, name="Ana", preferred_name="Annie")
    bo = ContactFactory(owner=owner, name="Bo")
    for _ in range(3):
        SupportFactory(owner=owner, contact=ana, direction=Direction.GIVE, offered_on=TODAY)
    SupportFactory(owner=owner, contact=ana, direction=Direction.RECEIVED, offered_on=TODAY)
    ContactLink.objects.create(owner=owner, from_contact=ana, to_contact=bo, kind=LinkKind.MENTOR_OF)

    elements = to_elements(build(owner), "Me", lambda pk: f"/brief/{pk}/")
    by_id = {e["data"]["id"]: e for e in elements}

    assert by_id["me"]["position"] == {"x": 0, "y": 0}
    assert by_id[f"c{ana.id}"]["data"]["label"] == "Annie"
    assert by_id[f"c{ana.id}"]["data"]["brief"] == f"/brief/{ana.id}/"
    give, received = by_id[f"g{ana.id}"], by_id[f"r{ana.id}"]
    assert (give["data"]["source"], give["data"]["target"], give["data"]["count"]) == ("me", f"c{ana.id}", 3)
    assert (received["data"]["source"], received["data"]["target"]) == (f"c{ana.id}", "me")
    assert give["data"]["width"] > received["data"]["width"]
    assert f"g{bo.id}" not in by_id and f"r{bo.id}" not in by_id
    assert by_id["l0"]["classes"] == "link mentor_of directed"


def test_edge_width_grows_with_count_up_to_a_cap():
    assert [edge_width(n) for n in (1, 2, 3, 10)] == [1.5, 3.0, 4.5, 9.0]


def test_filter_form_ignores_another_users_tag_and_keeps_the_valid_filters(owner, stranger):
    theirs = TagFactory(owner=stranger, name="secret")

    form = NetworkFilterForm(
        {"tag": str(theirs.id), "circle": Circle.COMMUNITY, "window": "90", "min_strength": "500"},
        owner=owner,
    )

    assert form.filters() == {
        "circle": Circle.COMMUNITY, "discipline": "", "tag_id": None, "window_days": 90, "min_strength": 0,
    }
    assert set(form.errors) == {"tag", "min_strength"}


def test_filter_form_defaults_to_the_last_year_coloured_by_circle(owner):
    form = NetworkFilterForm(None, owner=owner)

    assert form.filters()["window_days"] == 365
    assert form.colour_by == "circle"


def test_network_draws_the_strongest_and_groups_the_rest_by_circle(owner, monkeypatch):
    monkeypatch.setattr("interactions.network.selectors.MAP_LIMIT", 2)
    strong = [ContactFactory(owner=owner, circle=Circle.SAME_TEAM) for _ in range(2)]
    for contact in strong:
        touch_now(owner, contact)
    weak_team = ContactFactory(owner=owner, circle=Circle.SAME_TEAM)
    ContactFactory.create_batch(3, owner=owner, circle=Circle.COMMUNITY)
    SupportFactory(owner=owner, contact=weak_team, direction=Direction.GIVE, offered_on=TODAY)
    net = build(owner, window_days=0)
    assert {n.id for n in net.nodes} == {c.id for c in strong}
    assert [(g.circle, g.count, g.gives) for g in net.groups] == [
        (Circle.SAME_TEAM, 1, 1), (Circle.COMMUNITY, 3, 0),
    ]
    assert (net.total_contacts, net.matching, net.gives) == (6, 6, 1)


def test_people_never_met_fill_the_map_by_name_after_everyone_with_some_strength(
    owner, monkeypatch
):
    monkeypatch.setattr("interactions.network.selectors.MAP_LIMIT", 3)
    strong = ContactFactory(owner=owner, name="Zed Strong")
    touch_now(owner, strong)
    for name in ("Cleo", "Abe", "Bea"):
        ContactFactory(owner=owner, name=name)

    net = build(owner)

    assert sorted(n.name for n in net.nodes) == ["Abe", "Bea", "Zed Strong"]
    assert [(g.circle, g.count) for g in net.groups] == [(Circle.INDUSTRY_PEER, 1)]


def test_groups_count_only_active_contacts_matching_every_filter(owner, monkeypatch):
    monkeypatch.setattr("interactions.network.selectors.MAP_LIMIT", 1)
    mentor = TagFactory(owner=owner, name="mentor")
    tagged = ContactFactory.create_batch(3, owner=owner, circle=Circle.COMMUNITY)
    for contact in tagged:
        contact.tags.add(mentor)
    tagged[1].tags.add(TagFactory(owner=owner, name="friend"))  # counted once, not per tag
    touch_now(owner, tagged[0])  # the strongest: the one node drawn
    untagged = ContactFactory(owner=owner, circle=Circle.COMMUNITY)
    other_circle = ContactFactory(owner=owner, circle=Circle.SAME_TEAM)
    archived = ContactFactory(owner=owner, circle=Circle.COMMUNITY, archived=True)
    for contact in (other_circle, archived):
        contact.tags.add(mentor)
    for contact in (tagged[1], untagged, other_circle, archived):
        SupportFactory(owner=owner, contact=contact, direction=Direction.GIVE, offered_on=TODAY)

    net = build(owner, window_days=0, circle=Circle.COMMUNITY, tag_id=mentor.id)

    assert [n.id for n in net.nodes] == [tagged[0].id]
    assert [(g.circle, g.count, g.gives) for g in net.groups] == [(Circle.COMMUNITY, 2, 1)]
    assert (net.total_contacts, net.matching, net.gives) == (5, 3, 1)


def test_grouped_people_are_one_node_per_circle_that_opens_their_list(owner, monkeypatch):
    monkeypatch.setattr("interactions.network.selectors.MAP_LIMIT", 1)
    ContactFactory.create_batch(3, owner=owner, circle=Circle.COMMUNITY)
    net = build(owner)
    elements = to_elements(net, "Me", lambda pk: f"/b/{pk}", lambda circle: f"/list?c={circle}")
    groups = [e for e in elements if e.get("classes") == "group"]
    assert len(groups) == 1
    assert groups[0]["data"]["count"] == 2 and groups[0]["data"]["href"] == "/list?c=community"
    assert "2 more in" in groups[0]["data"]["label"]
