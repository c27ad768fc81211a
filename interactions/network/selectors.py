"""The network map's data (selector): the user in the centre, contacts as nodes sized by strength,
support flowing each way as weighted edges, and the links between contacts.

Only the strongest `MAP_LIMIT` contacts matching the filters are nodes; the others are counted
in one group per circle, so the map (and its JSON, under 500 KB) stays the same size at 500
contacts or 30,000.

Positions are computed here (contacts on rings around the user, strongest closest, one sector per
circle) so the browser only draws them: a "preset" layout stays instant with thousands of nodes.
"""

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from contacts.models import (
    Circle,
    Contact,
    ContactLabels,
    ContactLink,
    Discipline,
    LinkKind,
)
from network_crm.queries import ids_in

from ..models import Direction, Mentorship, Support, SupportKind, SupportStatus
from .layout import place

# A circle or discipline not set yet: grey, as the legend says.
UNSET_COLOUR = "#8a94a6"
CIRCLE_COLOURS = {
    Circle.SAME_TEAM: "#2f5bd3",
    Circle.SAME_COMPANY: "#7c4dcc",
    Circle.INDUSTRY_PEER: "#0f8b8d",
    Circle.COMMUNITY: "#e07a1f",
    Circle.OUTSIDE_TECH: "#c2185b",
}
DISCIPLINE_COLOURS = {
    Discipline.ENGINEERING: "#2f5bd3",
    Discipline.PRODUCT: "#7c4dcc",
    Discipline.DESIGN: "#d6336c",
    Discipline.DATA: "#0f8b8d",
    Discipline.LEADERSHIP: "#b7791f",
    Discipline.OPERATIONS: "#5d6678",
    Discipline.SALES_MARKETING: "#e07a1f",
    Discipline.PEOPLE: "#1f7a4d",
    Discipline.OTHER: "#8a94a6",
}
# Time windows offered for the support edges, in days (0 = all time).
WINDOWS = (
    (30, "Last 30 days"),
    (90, "Last 90 days"),
    (365, "Last year"),
    (730, "Last 2 years"),
    (0, "All time"),
)
DEFAULT_WINDOW = 365

# The strongest people drawn one by one; the rest are grouped by circle.
MAP_LIMIT = 300
NODE_MIN_SIZE = 14
NODE_MAX_SIZE = 46


@dataclass
class Node(ContactLabels):
    """One contact on the map: the few columns it shows (a row, not a model instance, since a
    map holds thousands of them), with its support counts and position."""

    id: int
    name: str
    preferred_name: str
    company: str
    title: str
    circle: str
    discipline: str
    strength: float
    gives: int = 0
    received: int = 0
    asks: int = 0
    links: int = 0
    x: float = 0.0
    y: float = 0.0

    @property
    def size(self) -> float:
        return round(NODE_MIN_SIZE + (NODE_MAX_SIZE - NODE_MIN_SIZE) * self.strength / 100, 1)


@dataclass
class Link:
    source: int
    target: int
    kind: str
    label: str
    directed: bool


@dataclass
class Group:
    """The contacts of one circle that match the filters but are not among the strongest
    shown, with their support counts; drawn as one node at the edge of the circle's sector."""

    circle: str
    count: int
    gives: int = 0
    received: int = 0
    x: float = 0.0
    y: float = 0.0

    @property
    def circle_label(self) -> str:
        return Circle(self.circle).label if self.circle in Circle.values else self.circle

    @property
    def size(self) -> float:
        return round(min(NODE_MAX_SIZE + 4 * math.log10(self.count + 1), 70), 1)


@dataclass
class Network:
    nodes: list[Node]
    links: list[Link]
    window_days: int
    total_contacts: int
    gives: int = 0
    received: int = 0
    circle_counts: dict = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)

    @property
    def matching(self) -> int:
        """Contacts matching the filters: the nodes and the grouped ones."""
        return len(self.nodes) + sum(group.count for group in self.groups)


def network(
    owner,
    *,
    today: datetime.date,
    window_days: int = DEFAULT_WINDOW,
    circle: str = "",
    discipline: str = "",
    tag_id: int | None = None,
    min_strength: float = 0,
) -> Network:
    """The owner's active contacts matching the filters, with their stored strength, support
    each way within the window, links among them and map positions (a fixed number of
    queries, one more when fewer than MAP_LIMIT have any strength; the strongest are read in
    index order, and only the counts read every contact, from an index)."""
    conditions = partial(
        _conditions, circle=circle, discipline=discipline, tag_id=tag_id, min_strength=min_strength
    )
    active = Contact.objects.filter(owner=owner, archived=False).filter(conditions())
    columns = (
        "id", "name", "preferred_name", "company", "title", "circle", "discipline", "strength"
    )
    # The strongest first, read down contact_strongest (contacts with some strength) until
    # there are enough; sorting every contact by strength took 41 ms at 30,000.
    rows = list(
        active.filter(strength__gt=0).order_by("-strength", "name", "id")
        .values_list(*columns)[:MAP_LIMIT]
    )
    if len(rows) < MAP_LIMIT and not min_strength:
        # Fewer people with any strength than the map holds: those never met fill it, by name
        # (the same order as one sort by strength, name and id).
        rows += active.filter(strength=0).order_by("name", "id").values_list(*columns)[
            : MAP_LIMIT - len(rows)
        ]
    nodes = sorted((Node(*row) for row in rows), key=lambda n: (n.name, n.id))
    by_id = {n.id: n for n in nodes}
    # One pass over the account's active contacts (contact_owner_search, read alone) counts them
    # all and, per circle, those matching the filters.
    counts = list(
        Contact.objects.filter(owner=owner, archived=False).order_by().values("circle")
        .annotate(everyone=Count("id"), matching=Count("id", filter=conditions() or None))
        .values_list("circle", "everyone", "matching")
    )
    total = sum(everyone for _, everyone, _ in counts)
    circle_counts = Counter({key: n for key, _, n in counts if n})

    supports = Support.objects.filter(owner=owner).exclude(status=SupportStatus.DECLINED)
    if window_days:
        since = today - datetime.timedelta(days=window_days)
        supports = supports.annotate(day=Coalesce("done_on", "offered_on")).filter(day__gt=since)
    flows = {
        "gives": Count("id", filter=Q(direction=Direction.GIVE)),
        "received": Count("id", filter=Q(direction=Direction.RECEIVED)),
        "asks": Count("id", filter=Q(direction=Direction.ASK)),
    }
    rows = supports.filter(ids_in("contact_id", list(by_id))).values("contact_id").annotate(**flows)
    for row in rows.order_by():
        node = by_id[row["contact_id"]]
        node.gives, node.received, node.asks = row["gives"], row["received"], row["asks"]
    # Every matching contact's support by circle; the groups get what the nodes do not show.
    per_circle = {
        row["contact__circle"]: row
        for row in supports.filter(conditions("contact__"), contact__archived=False)
        .values("contact__circle").annotate(**flows).order_by()
    }
    groups = _groups(nodes, circle_counts, per_circle)

    links = _links(owner, by_id)
    place(nodes, groups)
    return Network(
        nodes=nodes,
        links=links,
        window_days=window_days,
        total_contacts=total,
        gives=sum(row["gives"] for row in per_circle.values()),
        received=sum(row["received"] for row in per_circle.values()),
        circle_counts=circle_counts,
        groups=groups,
    )


def _conditions(prefix="", *, circle, discipline, tag_id, min_strength) -> Q:
    """The filters as a condition on a contact, or on the contact `prefix` leads to (an empty Q
    when there are none)."""
    wanted = Q()
    if circle:
        wanted &= Q(**{f"{prefix}circle": circle})
    if discipline:
        wanted &= Q(**{f"{prefix}discipline": discipline})
    if tag_id:
        tagged = Contact.tags.through.objects.filter(tag_id=tag_id).values("contact_id")
        wanted &= Q(**{f"{prefix}pk__in": tagged})
    if min_strength:
        wanted &= Q(**{f"{prefix}strength__gte": min_strength})
    return wanted


def _groups(nodes: list[Node], circle_counts: Counter, per_circle: dict) -> list[Group]:
    shown = Counter(n.circle for n in nodes)
    groups = []
    for circle, count in circle_counts.items():
        hidden = count - shown[circle]
        if hidden <= 0:
            continue
        group = Group(circle, hidden)
        flows = per_circle.get(circle, {})
        group.gives = flows.get("gives", 0) - sum(n.gives for n in nodes if n.circle == circle)
        group.received = flows.get("received", 0) - sum(
            n.received for n in nodes if n.circle == circle)
        groups.append(group)
    order = [key for key, _ in Circle.choices]
    groups.sort(key=lambda g: order.index(g.circle) if g.circle in order else len(order))
    return groups


def _links(owner, by_id: dict[int, Node]) -> list[Link]:
    """Links between two shown contacts: ContactLinks, intros recorded as gives, and
    mentorships the user matched."""
    labels = dict(LinkKind.choices)
    seen = set()
    links = []
    shown = list(by_id)
    # In a fixed order (contactlink_unique's), so a tie recorded both ways is always drawn the
    # same way round and the map's JSON stays the same from one build to the next.
    rows = ContactLink.objects.filter(
        ids_in("from_contact_id", shown), ids_in("to_contact_id", shown), owner=owner
    ).order_by("from_contact_id", "to_contact_id", "kind").values_list(
        "from_contact_id", "to_contact_id", "kind"
    )
    intros = (
        Support.objects.filter(
            ids_in("contact_id", shown), ids_in("intro_to_id", shown),
            owner=owner, direction=Direction.GIVE, kind=SupportKind.INTRO,
        )
        .exclude(status=SupportStatus.DECLINED)
        .values_list("contact_id", "intro_to_id")
    )
    # Mentorships the user matched between two contacts are "mentor of" ties too.
    matched = Mentorship.objects.filter(
        ids_in("mentor_id", shown), ids_in("mentee_id", shown), owner=owner
    ).values_list("mentor_id", "mentee_id")
    candidates = (
        list(rows)
        + [(a, b, LinkKind.INTRODUCED) for a, b in intros]
        + [(a, b, LinkKind.MENTOR_OF) for a, b in matched]
    )
    for source, target, kind in candidates:
        if source not in by_id or target not in by_id:
            continue
        directed = kind in (LinkKind.INTRODUCED, LinkKind.MENTOR_OF)
        pair = (source, target) if directed else tuple(sorted((source, target)))
        key = (*pair, kind)
        if key in seen:
            continue
        seen.add(key)
        links.append(Link(source, target, kind, labels[kind], directed))
        by_id[source].links += 1
        by_id[target].links += 1
    return links


def to_elements(net: Network, me_label: str, brief_url, group_url=None) -> list[dict]:
    """Cytoscape.js elements: the user, one node per contact, a give edge (me → them) and a
    received edge (them → me) whose width grows with the count, contact-to-contact links, and
    one node per circle for the people not drawn (`group_url(circle)` lists them)."""
    elements = [
        {
            "group": "nodes",
            "data": {"id": "me", "label": me_label, "me": True, "size": 58},
            "position": {"x": 0, "y": 0},
            "classes": "me",
        }
    ]
    for node in net.nodes:
        cid = f"c{node.id}"
        elements.append(
            {
                "group": "nodes",
                "data": {
                    "id": cid,
                    "label": node.display_name,
                    "company": node.company,
                    "circle": node.circle_label,
                    "discipline": node.discipline_label,
                    "strength": node.strength,
                    "size": node.size,
                    "gives": node.gives,
                    "received": node.received,
                    "colorCircle": CIRCLE_COLOURS.get(node.circle, UNSET_COLOUR),
                    "colorDiscipline": DISCIPLINE_COLOURS.get(node.discipline, UNSET_COLOUR),
                    "brief": brief_url(node.id),
                },
                "position": {"x": node.x, "y": node.y},
            }
        )
        if node.gives:
            elements.append(_flow_edge(f"g{node.id}", "me", cid, "give", node.gives))
        if node.received:
            elements.append(_flow_edge(f"r{node.id}", cid, "me", "received", node.received))
    for group in net.groups:
        gid = f"group-{group.circle}"
        elements.append({
            "group": "nodes",
            "data": {
                "id": gid, "label": f"{group.count:,} more in {group.circle_label}",
                "count": group.count, "size": group.size, "circle": group.circle_label,
                "colorCircle": CIRCLE_COLOURS.get(group.circle, "#8a94a6"),
                "colorDiscipline": "#8a94a6",
                "href": group_url(group.circle) if group_url else "",
            },
            "position": {"x": group.x, "y": group.y},
            "classes": "group",
        })
        if group.gives:
            elements.append(_flow_edge(f"g-{gid}", "me", gid, "give", group.gives))
        if group.received:
            elements.append(_flow_edge(f"r-{gid}", gid, "me", "received", group.received))
    for i, link in enumerate(net.links):
        elements.append(
            {
                "group": "edges",
                "data": {
                    "id": f"l{i}",
                    "source": f"c{link.source}",
                    "target": f"c{link.target}",
                    "kind": link.kind,
                    "label": link.label,
                },
                "classes": f"link {link.kind}" + (" directed" if link.directed else ""),
            }
        )
    return elements


def edge_width(count: int) -> float:
    """Edge width in pixels for a number of gives or received: 1.5 for one, up to 9."""
    return round(min(1.5 + 1.5 * (count - 1), 9.0), 1)


def _flow_edge(edge_id: str, source: str, target: str, kind: str, count: int) -> dict:
    return {
        "group": "edges",
        "data": {
            "id": edge_id,
            "source": source,
            "target": target,
            "kind": kind,
            "count": count,
            "width": edge_width(count),
        },
        "classes": f"flow {kind}",
    }
