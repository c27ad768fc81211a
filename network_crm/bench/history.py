"""The pages' accounts at the sizes of issue 16 (up to 30,000 contacts and 1,000,000
interactions) in a minute rather than an hour.

`build_account` lets the demo generator write a rich core (events with the people met,
gives both ways, links, mentorships, promises: what the pages show beside the history) of at
most `DEMO_CONTACTS` contacts, then `fill_history` adds the rest of the contacts and of the
interactions as plain rows written with COPY: contacts of every circle, and conversations over
three years, a few people taking most of them (the busiest has thousands), one in twelve a
group conversation. Then what the app keeps on the contacts follows from the rows: each one's
last interaction and strength.
"""

import datetime as dt
import random
from itertools import accumulate

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from contacts.importing import bulk
from contacts.models import Circle, Contact, Discipline, Tier
from interactions.demo import build_demo_network
from interactions.demo.vocabulary import (
    FIRST_NAMES, LAST_NAMES, PEER_COMPANIES, SUMMARIES, TITLES, TOPICS,
)
from interactions.insights import recompute_strength
from interactions.insights.ties import store_touch_history
from interactions.models import Initiator, Interaction, InteractionKind

from .data import TIER_WEIGHTS

DEMO_CONTACTS = 2_000
DEMO_INTERACTIONS_PER_CONTACT = 20
HISTORY_DAYS = 3 * 365
BATCH = 50_000


def build_account(user, contacts: int, interactions: int, seed: int = 0) -> dict:
    """Fill `user`'s account with `contacts` contacts and `interactions` interactions."""
    core = min(contacts, DEMO_CONTACTS)
    core_interactions = min(interactions, core * DEMO_INTERACTIONS_PER_CONTACT)
    counts = build_demo_network(user, contacts=core, interactions=core_interactions, seed=seed)
    added = fill_history(
        user, contacts - core, interactions - counts.get("interactions", core_interactions),
        seed=seed,
    )
    return {**counts, **{key: counts.get(key, 0) + value for key, value in added.items()}}


def fill_history(user, contacts: int, interactions: int, *, seed: int = 0, now=None) -> dict:
    """`contacts` more contacts and `interactions` more interactions among all of the user's
    contacts; returns the counts written."""
    rng = random.Random(seed)
    now = now or timezone.now()
    written = {"contacts": 0, "interactions": 0}
    if contacts > 0:
        written["contacts"] = len(_contacts(user, contacts, rng, now))
    ids = list(Contact.objects.filter(owner=user).order_by("pk").values_list("id", flat=True))
    rng.shuffle(ids)
    if interactions > 0 and ids:
        # A few people take most conversations: the busiest of 30,000 has a few thousand.
        weights = list(accumulate(1 / (rank + 50) for rank in range(len(ids))))
        # (kind, summary) pairs of the demo's vocabulary, each topic filled in.
        lines = [
            (kind, line.format(topic=topic))
            for kind, options in SUMMARIES.items() if kind != InteractionKind.EVENT
            for line in options for topic in TOPICS
        ]
        initiators = Initiator.values
        Through = Interaction.contacts.through
        for start in range(0, interactions, BATCH):
            size = min(BATCH, interactions - start)
            people = rng.choices(ids, cum_weights=weights, k=size)
            rows = [
                {
                    "owner_id": user.pk, **dict(zip(("kind", "summary"), rng.choice(lines))),
                    "initiated_by": rng.choice(initiators),
                    "occurred_at": now - dt.timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400)),
                    "created_at": now, "updated_at": now,
                }
                for _ in range(size)
            ]
            new = bulk.insert(Interaction, rows, batch_size=BATCH)
            links = [{"interaction_id": i, "contact_id": c} for i, c in zip(new, people)]
            links += [  # one in twelve a group conversation
                {"interaction_id": i, "contact_id": rng.choice(ids)}
                for i, c in zip(new[::12], people[::12])
            ]
            bulk.insert(Through, _unique(links), batch_size=BATCH, ids=False)
            written["interactions"] += size
    _follow_from_history(user)
    return written


def _unique(links: list[dict]) -> list[dict]:
    seen, out = set(), []
    for link in links:
        key = (link["interaction_id"], link["contact_id"])
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


def _contacts(user, count: int, rng: random.Random, now) -> list[int]:
    tiers, circles, disciplines = list(Tier), list(Circle), list(Discipline)
    rows = []
    for _ in range(count):
        tier, discipline = rng.choices(tiers, weights=TIER_WEIGHTS)[0], rng.choice(disciplines)
        rows.append({
            "owner_id": user.pk,
            "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "company": rng.choice(PEER_COMPANIES), "title": rng.choice(TITLES[discipline]),
            "tier": tier, "circle": rng.choice(circles), "discipline": discipline,
            "archived": rng.random() < 0.02,
            "next_follow_up_on": now.date() + dt.timedelta(days=rng.randint(-60, 120)),
            "created_at": now - dt.timedelta(days=HISTORY_DAYS), "updated_at": now,
        })
    return bulk.insert(Contact, rows, batch_size=BATCH)


def _follow_from_history(user) -> None:
    """Each contact's last interaction from the rows, and their strength as the nightly
    recompute stores it."""
    last = (
        Interaction.objects.filter(contacts=OuterRef("pk")).order_by()
        .values("contacts").annotate(at=Max("occurred_at")).values("at")
    )
    Contact.objects.filter(owner=user).update(last_interaction_at=Subquery(last))
    store_touch_history(Contact.objects.filter(owner=user).values_list("pk", flat=True))
    recompute_strength(owner_id=user.pk)
