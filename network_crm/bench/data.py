"""Data sets of the benchmark that the demo generator is not made for: many users with many
contacts each (for the follow-up scanner and the digests), and a large LinkedIn export.

Rows are planned from `random.Random(seed)` and written in batches with the importer's COPY
helper (bulk_create off PostgreSQL), so 1,000 users with 500 contacts each take seconds.
"""

import csv
import datetime as dt
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from contacts.importing import bulk
from contacts.models import Circle, Contact, Discipline, Profile, Tier
from interactions.demo.vocabulary import FIRST_NAMES, LAST_NAMES, PEER_COMPANIES, TITLES
from interactions.models import Interaction, InteractionKind

ZONES = (
    "UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
    "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney",
)
TIER_CADENCE = {Tier.CLOSE: 14, Tier.PEER: 30, Tier.NETWORK: 90, Tier.DORMANT: 180}
TIER_WEIGHTS = (10, 25, 50, 15)
USERNAME_PREFIX = "bench-user-"
USERS_PER_BATCH = 40


def create_users(count: int, *, prefix: str = USERNAME_PREFIX, seed: int = 0) -> list:
    """`count` active users with an email address, an unusable password and a Profile in one of
    several time zones (so the scanner runs once per zone); returns them in order."""
    User = get_user_model()
    User.objects.bulk_create([
        User(username=f"{prefix}{i:05d}", email=f"{prefix}{i:05d}@example.com", password="!")
        for i in range(count)
    ], batch_size=1000)
    users = list(User.objects.filter(username__startswith=prefix).order_by("username"))
    Profile.objects.bulk_create(
        [Profile(owner=user, time_zone=ZONES[i % len(ZONES)]) for i, user in enumerate(users)],
        batch_size=1000,
    )
    return users


def fill_contacts(users: list, per_user: int, *, seed: int = 0, now=None) -> dict:
    """`per_user` contacts for each user, each with one past interaction, their schedule set as
    the follow-up engine would (last touch + the tier's default cadence), so that about a third
    of them are due. Returns the row counts."""
    rng = random.Random(seed)
    now = now or timezone.now()
    tiers = list(Tier)
    circles, disciplines = list(Circle), list(Discipline)
    kinds = [InteractionKind.COFFEE, InteractionKind.MESSAGE, InteractionKind.VIDEO]
    counts = {"contacts": 0, "interactions": 0}
    Through = Interaction.contacts.through
    for start in range(0, len(users), USERS_PER_BATCH):
        contacts, touches = [], []
        for user in users[start:start + USERS_PER_BATCH]:
            for _ in range(per_user):
                tier = rng.choices(tiers, weights=TIER_WEIGHTS)[0]
                discipline = rng.choice(disciplines)
                last = now - dt.timedelta(days=rng.uniform(0, 1.6 * TIER_CADENCE[tier]))
                contacts.append({
                    "owner_id": user.pk,
                    "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "company": rng.choice(PEER_COMPANIES),
                    "title": rng.choice(TITLES[discipline]),
                    "tier": tier, "circle": rng.choice(circles), "discipline": discipline,
                    "archived": rng.random() < 0.02, "reminders_off": rng.random() < 0.02,
                    "created_at": last - dt.timedelta(days=30), "last_interaction_at": last,
                    "next_follow_up_on": last.date() + dt.timedelta(days=TIER_CADENCE[tier]),
                })
                touches.append((user.pk, last, rng.choice(kinds)))
        contact_ids = bulk.insert(Contact, contacts)
        interaction_ids = bulk.insert(Interaction, [
            {"owner_id": owner_id, "occurred_at": at, "kind": kind, "summary": "Catch-up"}
            for owner_id, at, kind in touches
        ])
        bulk.insert(Through, [
            {"interaction_id": i, "contact_id": c} for i, c in zip(interaction_ids, contact_ids)
        ])
        counts["contacts"] += len(contact_ids)
        counts["interactions"] += len(interaction_ids)
    return counts


LINKEDIN_PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address using this setting."\n'
    "\n"
)
LINKEDIN_HEADER = [
    "First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On",
]


def write_linkedin_file(path: Path, rows: int, *, existing=(), seed: int = 0) -> dict:
    """A LinkedIn `Connections.csv` export of `rows` connections (preamble, mostly blank
    emails), with about 2% of rows repeating an earlier one and 1% matching `existing`
    (name, company) pairs already in the account, so duplicate detection has work to do.
    Returns how many of each were written."""
    rng = random.Random(seed)
    existing = list(existing)
    repeats = matches = 0
    written: list[list[str]] = []
    today = dt.date.today()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write(LINKEDIN_PREAMBLE)
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow(LINKEDIN_HEADER)
        for i in range(rows):
            roll = rng.random()
            if written and roll < 0.02:
                row = list(rng.choice(written))
                repeats += 1
            elif existing and roll < 0.03:
                name, company = rng.choice(existing)
                first, _, last = name.partition(" ")
                row = [first, last, "", "", company, "", ""]
                matches += 1
            else:
                # Double-barrelled surnames and middle initials, as in real exports: two
                # strangers rarely share a name at the same company.
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                if rng.random() < 0.6:
                    last = f"{last}-{rng.choice(LAST_NAMES)}"
                if rng.random() < 0.4:
                    first = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTVW')}."
                handle = f"{first[0]}{last}-{i:06x}".lower()
                discipline = rng.choice(list(Discipline))
                connected = today - dt.timedelta(days=rng.randint(0, 4000))
                row = [
                    first, last, f"https://www.linkedin.com/in/{handle}",
                    f"{handle}@example.com" if rng.random() < 0.1 else "",
                    rng.choice(PEER_COMPANIES), rng.choice(TITLES[discipline]),
                    connected.strftime("%d %b %Y"),
                ]
                if len(written) < 5000:
                    written.append(row)
            out.writerow(row)
    return {"rows": rows, "repeated_rows": repeats, "rows_matching_contacts": matches}


def linkedin_data_lines(path: Path) -> bytes:
    """The CSV part of a LinkedIn export (header and rows, no preamble), for COPY."""
    data = Path(path).read_bytes()
    header = ",".join(LINKEDIN_HEADER).encode()
    return data[data.index(header):]
