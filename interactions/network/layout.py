"""Where the network map's nodes sit: rings around the user, one sector per circle (computed
here so that the browser only draws them: a "preset" layout stays instant with many nodes)."""

import math

from contacts.models import Circle

RING_SPACING = 48
INNER_RADIUS = 150


def place(nodes: list, hidden: list = ()) -> None:
    """Rings around the user: one sector per circle (sized by its share of contacts, from the
    user's own team clockwise to outside tech), strongest contacts on the inner rings, and the
    circle's group beyond its outermost ring."""
    if not nodes:
        for i, group in enumerate(hidden):
            theta = -math.pi / 2 + 2 * math.pi * i / len(hidden)
            group.x = round(INNER_RADIUS * math.cos(theta), 1)
            group.y = round(INNER_RADIUS * math.sin(theta), 1)
        return
    grouped = {group.circle: group for group in hidden}
    order = [key for key, _ in Circle.choices]
    groups = {key: [] for key in order}
    for node in nodes:
        groups.setdefault(node.circle, []).append(node)
    present = [key for key in groups if groups[key]]
    gap = 0.08 if len(present) > 1 else 0.0
    usable = 2 * math.pi - gap * len(present)
    angle = -math.pi / 2
    for key in present:
        members = sorted(groups[key], key=lambda n: (-n.strength, n.name, n.id))
        span = usable * len(members) / len(nodes)
        radius = _fill_sector(members, angle, span)
        if key in grouped:
            theta = angle + span / 2
            grouped[key].x = round((radius + 2 * RING_SPACING) * math.cos(theta), 1)
            grouped[key].y = round((radius + 2 * RING_SPACING) * math.sin(theta), 1)
        angle += span + gap
    # A circle whose contacts are all grouped: beyond the outermost ring, evenly apart.
    radius = max(math.hypot(n.x, n.y) for n in nodes) + 3 * RING_SPACING
    alone = [g for g in hidden if g.circle not in present]
    for i, group in enumerate(alone):
        theta = math.pi / 2 + 2 * math.pi * i / len(alone)
        group.x, group.y = round(radius * math.cos(theta), 1), round(radius * math.sin(theta), 1)


def _fill_sector(members: list, start: float, span: float) -> float:
    """Place `members` ring after ring in the sector; the radius of the last ring."""
    radius = INNER_RADIUS
    ring = 0
    placed = 0
    while placed < len(members):
        radius = INNER_RADIUS + ring * RING_SPACING
        capacity = max(1, int(radius * span / RING_SPACING))
        row = members[placed : placed + capacity]
        for j, node in enumerate(row):
            # Stagger alternate rings by half a slot so neighbours do not line up radially.
            offset = 0.5 if ring % 2 == 0 else 0.25
            theta = start + span * (j + offset) / len(row) if len(row) > 1 else start + span / 2
            node.x = round(radius * math.cos(theta), 1)
            node.y = round(radius * math.sin(theta), 1)
        placed += len(row)
        ring += 1
    return radius
