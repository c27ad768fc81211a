"""A believable demo network for one user, fast enough to build benchmark-sized data sets.

`build_demo_network` is used by `manage.py seed_demo` and by the benchmark. Everything is
planned in memory from `random.Random(seed)` first, so that the same seed (and the same `today`)
gives the same network, and then written with `bulk_create` in batches (no per-row save()):
5,000 contacts and 200,000 interactions take seconds, not minutes. Rows written here bypass the
follow-up engine, so the generator sets what the engine would have set itself: each contact's
last interaction and next follow-up, mentorships' last session, and the promise, give and event
follow-ups with the engine's source keys.
"""

import datetime as dt
import random
from collections import defaultdict
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone

from interactions.models import (
    Direction,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Initiator,
    Interaction,
    InteractionKind,
    Mentorship,
    Support,
    SupportKind,
    SupportStatus,
)

from .models import (
    Circle,
    Contact,
    ContactEmail,
    ContactLink,
    ContactPhone,
    Discipline,
    Event,
    EventKind,
    LinkKind,
    Tag,
    Tier,
)
from .services import get_profile

BATCH_SIZE = 2000
COPY_BATCH_SIZE = 20000
DEFAULT_CONTACTS = 60
INTERACTIONS_PER_CONTACT = 10
DEFAULT_COMPANY, DEFAULT_TEAM = "Northwind Labs", "Platform Engineering"

FIRST_NAMES = (
    "Aisha Alejandro Amara Anders Ana Arjun Beatriz Bjorn Camille Carlos Chen Chloe Daniel Dario "
    "Deepa Diego Elena Emeka Emma Erik Farah Fatima Felix Freya Gabriel Grace Hana Hassan Ines "
    "Isabel Ivan Jamal Jana Javier Jin Jonas Julia Kai Kamala Kenji Laila Lars Leah Liam Lucia "
    "Malik Maria Mateo Maya Mei Miguel Mira Nadia Naomi Niamh Nikhil Noah Olga Omar Oskar Priya "
    "Rafael Rania Ravi Rosa Sakura Samir Sara Sean Sofia Sunita Tariq Tomas Valentina Wei Yara "
    "Yusuf Zanele Zoe"
).split()
LAST_NAMES = (
    "Abara Adeyemi Andersson Bauer Becker Bianchi Castillo Chen Costa Dubois Eriksen Fernandes "
    "Fischer Garcia Gupta Haddad Hansen Hoffmann Ibrahim Ito Jansen Kaur Kim Kowalski Kumar "
    "Larsen Lee Lindqvist Lopez Martin Mehta Moreau Murphy Nakamura Nguyen Novak Okafor "
    "Oliveira Osei Park Patel Petrov Popescu Quinn Rahman Reyes Rossi Sato Schmidt Silva Singh "
    "Sokolova Suzuki Tanaka Torres Varga Wagner Walsh Wang Weber Williams Yilmaz Zhang Zielinski"
).split()
PLACES = (
    ("Berlin", "Europe/Berlin"), ("London", "Europe/London"), ("Lisbon", "Europe/Lisbon"),
    ("Amsterdam", "Europe/Amsterdam"), ("Stockholm", "Europe/Stockholm"), ("Warsaw", "Europe/Warsaw"),
    ("New York", "America/New_York"), ("San Francisco", "America/Los_Angeles"),
    ("Toronto", "America/Toronto"), ("São Paulo", "America/Sao_Paulo"), ("Lagos", "Africa/Lagos"),
    ("Nairobi", "Africa/Nairobi"), ("Bengaluru", "Asia/Kolkata"), ("Singapore", "Asia/Singapore"),
    ("Tokyo", "Asia/Tokyo"), ("Sydney", "Australia/Sydney"),
)
PEER_COMPANIES = (
    "Brightwave", "Kestrel Systems", "Lumen Analytics", "Parcelworks", "Tidepool Health",
    "Copperline", "Quillstack", "Meridian Pay", "Fernhill Software", "Skylark Robotics",
    "Bluefin Data", "Pinecrest Cloud", "Orbital Foods", "Harbor & Finch",
)
OUTSIDE = (  # company, title, discipline
    ("St. Mary's Hospital", "Physician", Discipline.OTHER),
    ("Riverside High School", "Maths teacher", Discipline.OTHER),
    ("Greenleaf Architects", "Architect", Discipline.DESIGN),
    ("City Library", "Head librarian", Discipline.OPERATIONS),
    ("Hartmann & Cole LLP", "Employment lawyer", Discipline.OTHER),
    ("Blue Door Bakery", "Owner", Discipline.LEADERSHIP),
    ("Municipal Transit Authority", "Urban planner", Discipline.OPERATIONS),
    ("Northside Climbing Gym", "Head coach", Discipline.PEOPLE),
)
TITLES = {
    Discipline.ENGINEERING: ("Senior Software Engineer", "Staff Engineer", "Principal Engineer",
                             "Engineering Manager", "Site Reliability Engineer", "Mobile Engineer"),
    Discipline.PRODUCT: ("Product Manager", "Senior Product Manager", "Group Product Manager"),
    Discipline.DESIGN: ("Product Designer", "UX Researcher", "Design Systems Lead"),
    Discipline.DATA: ("Data Scientist", "Analytics Engineer", "ML Engineer", "Head of Data"),
    Discipline.LEADERSHIP: ("Director of Engineering", "VP Engineering", "CTO", "Co-founder & CEO"),
    Discipline.OPERATIONS: ("Technical Program Manager", "Chief of Staff", "Head of Operations"),
    Discipline.SALES_MARKETING: ("Developer Advocate", "Solutions Engineer", "Product Marketing Manager"),
    Discipline.PEOPLE: ("Technical Recruiter", "People Partner", "Head of Talent"),
    Discipline.OTHER: ("Legal counsel", "Finance business partner", "Leadership coach"),
}
DEPARTMENTS = {
    Discipline.ENGINEERING: ("Payments", "Mobile", "Data Platform", "Growth", "Infrastructure", "Security"),
    Discipline.PRODUCT: ("Product",), Discipline.DESIGN: ("Design",), Discipline.DATA: ("Data & Analytics",),
    Discipline.LEADERSHIP: ("Engineering leadership", "Executive team"),
    Discipline.OPERATIONS: ("Operations",), Discipline.SALES_MARKETING: ("Sales", "Marketing"),
    Discipline.PEOPLE: ("People",), Discipline.OTHER: ("Finance", "Legal"),
}
COMMUNITIES = ("Rust Berlin", "PyData", "LeadDev", "Women in Tech Network", "Django", "Kubernetes")
TOPICS = (
    "hiring loops", "on-call", "the platform roadmap", "career growth", "the reorg", "OKRs",
    "incident reviews", "tech debt", "Rust", "observability", "design reviews", "data contracts",
    "staff promotions", "remote rituals", "LLM tooling", "budget planning", "their conference talk",
)
WORK = (  # what they are working on, why it matters to them
    ("Migrating the monolith to services", "Wants teams to ship without waiting on the release train"),
    ("Building an on-call rotation that does not burn people out", "Lost two engineers to burnout last year"),
    ("Preparing a staff engineer promotion packet", "Wants cross-team work to count"),
    ("Hiring the first data team", "The company decides too much on gut feeling"),
    ("Launching a design system", "Five product teams, five shades of blue"),
    ("Writing a book on engineering management", "Give back what they learned the hard way"),
    ("Moving from IC to manager", "Wants to grow people, not just systems"),
    ("Raising a seed round", "Nine months of runway left"),
    ("Rolling out an LLM support assistant", "The support queue doubled this year"),
    ("Cutting cloud costs by a third", "The CFO asked for it by Q3"),
    ("Giving their first conference talk", "Build visibility outside the company"),
    ("Splitting into platform and product teams", "Too many teams block each other"),
    ("Making incident reviews blameless", "The same outages keep coming back"),
    ("Learning Rust", "Wants to move into systems programming"),
    ("Building a developer portal", "New hires take three weeks to ship"),
    ("Keeping the local meetup alive", "The community got them their first job"),
    ("Switching careers into product", "Wants to be closer to customers"),
)
HOW_WE_MET = {
    Circle.SAME_TEAM: ("Joined the team in {year}", "Onboarded them when they joined",
                       "Paired on the {topic} work"),
    Circle.SAME_COMPANY: ("Worked together on an incident review", "Met at the planning offsite",
                          "Same new-manager cohort", "Sat next to each other at the all-hands"),
    Circle.INDUSTRY_PEER: ("Former colleague at {company}", "Met on a panel about {topic}",
                           "Wrote to them after their blog post on {topic}"),
    Circle.COMMUNITY: ("Answered each other's questions in the {community} Slack",
                       "Co-organised a {community} meetup", "Reviewed their pull request to {community}"),
    Circle.OUTSIDE_TECH: ("Neighbours", "Our kids go to the same school", "Same climbing gym",
                          "Friend from university"),
}
TAGS = ("hiring", "mentor", "ex-colleague", "speaker", "rust", "python", "staff-track",
        "founder", "open-source", "remote", "book-club", "ai")
EVENTS = (  # name, kind, days from today, length in days, place
    ("LeadDev London", EventKind.CONFERENCE, -200, 2, "London"),
    ("StaffPlus New York", EventKind.CONFERENCE, 45, 2, "New York"),
    ("Platform Engineering Meetup", EventKind.MEETUP, -40, 1, "Berlin"),
    ("Engineering all-hands and hack week", EventKind.INTERNAL, -12, 5, "Head office"),
    ("Rust Berlin meetup", EventKind.MEETUP, 9, 1, "Berlin"),
    ("Managers' workshop on feedback", EventKind.WORKSHOP, -110, 1, "Online"),
)
KINDS_BY_CIRCLE = {  # kind: weight
    Circle.SAME_TEAM: {"message": 4, "video": 2, "call": 1, "coffee": 2, "code_review": 3, "other": 0.5},
    Circle.SAME_COMPANY: {"message": 3, "coffee": 3, "video": 2, "call": 1, "email": 1},
    Circle.INDUSTRY_PEER: {"coffee": 2, "video": 3, "message": 2, "email": 2, "call": 1, "event": 1},
    Circle.COMMUNITY: {"community": 4, "message": 2, "event": 2, "video": 1, "code_review": 1},
    Circle.OUTSIDE_TECH: {"coffee": 3, "message": 3, "call": 2, "other": 1},
}
SUMMARIES = {
    "coffee": ("Coffee catch-up", "Lunch near the office", "Coffee about {topic}"),
    "call": ("Call about {topic}", "Quick call to catch up"),
    "video": ("Video call: {topic}", "Video catch-up"),
    "message": ("Slack thread on {topic}", "Congratulated them on the launch",
                "Shared an article on {topic}", "Quick question on {topic}"),
    "email": ("Email about {topic}", "Sent notes from our chat"),
    "event": ("Bumped into them at a meetup", "Chatted after a talk on {topic}"),
    "community": ("Answered their forum question on {topic}", "Commented on their post about {topic}"),
    "code_review": ("Reviewed their pull request on {topic}", "Reviewed the {topic} RFC"),
    "mentoring": ("Mentoring session: {topic}",),
    "other": ("Walk after the offsite", "Birthday message"),
}
NOTES = (
    "", "", "", "They mentioned {topic} is on their mind.", "Asked how our team handles {topic}.",
    "Good energy; excited about the new role.", "Wants to compare notes on {topic} again soon.",
)
PROMISES = ("Send the article on {topic}", "Share our {topic} doc", "Check in on how {topic} went")
DOCS = ("design doc", "promotion packet", "conference talk", "CV", "RFC", "blog post draft")
SUPPORT_TEXT = {
    (Direction.GIVE, SupportKind.KNOWLEDGE): "Shared an article on {topic}",
    (Direction.GIVE, SupportKind.HELP): "Offered to help with {topic}",
    (Direction.GIVE, SupportKind.REVIEW): "Reviewed their {doc}",
    (Direction.GIVE, SupportKind.SOUNDING_BOARD): "Sounding board on {topic}",
    (Direction.GIVE, SupportKind.INTRO): "Introduced them to {other}",
    (Direction.GIVE, SupportKind.AMPLIFY): "Shared their talk on LinkedIn",
    (Direction.GIVE, SupportKind.MENTORING): "Mentoring on {topic}",
    (Direction.GIVE, SupportKind.REFERRAL): "Referred them for a role at {company}",
    (Direction.RECEIVED, SupportKind.REVIEW): "They reviewed my {doc}",
    (Direction.RECEIVED, SupportKind.KNOWLEDGE): "They shared their playbook on {topic}",
    (Direction.RECEIVED, SupportKind.REFERRAL): "They recommended me as a speaker",
    (Direction.RECEIVED, SupportKind.SOUNDING_BOARD): "They were a sounding board on {topic}",
    (Direction.ASK, SupportKind.REVIEW): "Asked for feedback on my {doc}",
    (Direction.ASK, SupportKind.HELP): "Asked for advice on {topic}",
    (Direction.ASK, SupportKind.REFERRAL): "Asked them to share our job post",
}
CIRCLE_WEIGHTS = {Circle.SAME_TEAM: 10, Circle.SAME_COMPANY: 25, Circle.INDUSTRY_PEER: 30,
                  Circle.COMMUNITY: 20, Circle.OUTSIDE_TECH: 15}
DISCIPLINE_WEIGHTS = {Discipline.ENGINEERING: 35, Discipline.PRODUCT: 12, Discipline.DESIGN: 8,
                      Discipline.DATA: 10, Discipline.LEADERSHIP: 12, Discipline.OPERATIONS: 6,
                      Discipline.SALES_MARKETING: 6, Discipline.PEOPLE: 6, Discipline.OTHER: 5}
TIER_WEIGHTS = {Tier.CLOSE: 10, Tier.PEER: 25, Tier.NETWORK: 50, Tier.DORMANT: 15}
# How often each tier is touched, and how recent its touches lean (<1 leans older).
TOUCH_WEIGHT = {Tier.CLOSE: 8.0, Tier.PEER: 4.0, Tier.NETWORK: 1.5, Tier.DORMANT: 0.4}
RECENCY = {Tier.CLOSE: 1.4, Tier.PEER: 1.1, Tier.NETWORK: 1.0, Tier.DORMANT: 0.5}


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


_PLACEHOLDERS = {"topic": TOPICS, "doc": DOCS, "company": PEER_COMPANIES, "community": COMMUNITIES}


class _Choices(dict):
    """Template values drawn only for the placeholders a template uses (it is called 200,000
    times for a benchmark network)."""

    def __init__(self, rng, extra):
        super().__init__(extra)
        self.rng = rng

    def __missing__(self, key):
        return self.rng.choice(_PLACEHOLDERS[key])


def _fill(rng: random.Random, template: str, **extra) -> str:
    return template.format_map(_Choices(rng, extra)) if "{" in template else template


def _batched(rows: list, size: int = BATCH_SIZE):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert(model, rows: list[dict], *, returning: bool = True) -> list[int]:
    """Insert rows given as {attname: value} and return their ids, in order.

    On PostgreSQL this is a COPY with ids drawn from the table's sequence beforehand: for the
    200,000 interactions of a benchmark it is several times faster than bulk_create, whose cost is
    building and adapting model instances. Elsewhere it is bulk_create. Columns missing from the
    rows take the field's default, so a new field with a default needs no change here.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
        return [obj.pk for obj in objs]
    fields = [
        f for f in model._meta.concrete_fields
        if not (f.primary_key and not returning) and not f.generated
    ]
    defaults = {
        f.attname: f.get_db_prep_save(f.get_default(), connection)
        for f in fields if not f.primary_key and f.attname not in rows[0]
    }
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        ids = []
        if returning:
            pk = model._meta.pk.column
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for index, row in enumerate(rows):
                copy.write_row([
                    ids[index] if f.primary_key else row.get(f.attname, defaults.get(f.attname))
                    for f in fields
                ])
    return ids


class _Builder:
    """One run of the generator: the plan in memory, then the writes in dependency order."""

    def __init__(self, user, *, contacts, interactions, seed, today):
        self.user = user
        self.rng = random.Random(seed)
        self.profile = get_profile(user)
        self.zone = self.profile.zone
        self.now = timezone.now()
        self.today = today or self.now.astimezone(self.zone).date()
        if today is not None:
            # A fixed day gives a fixed clock too, so strength comes out the same every run.
            self.now = dt.datetime.combine(today, dt.time(12), tzinfo=self.zone)
        self.n = max(contacts, 0)
        self.m = INTERACTIONS_PER_CONTACT * self.n if interactions is None else max(interactions, 0)
        self.company = self.profile.own_company or DEFAULT_COMPANY
        self.team = self.profile.own_team or DEFAULT_TEAM
        self.counts = defaultdict(int)

    def at(self, days_ago: int, minute: int) -> dt.datetime:
        """An aware UTC datetime `days_ago` days before today, `minute` minutes into the local day."""
        day = self.today - dt.timedelta(days=days_ago)
        local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.zone)
        return local.astimezone(dt.UTC)

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()

    def build(self) -> dict:
        self.make_tags()
        self.make_events()
        self.plan_contacts()
        self.plan_interactions()
        self.write_contacts()
        self.write_interactions()
        self.make_supports()
        self.make_links()
        self.make_mentorships()
        self.make_event_follow_ups()
        return dict(self.counts)

    # --- tags and events ------------------------------------------------------------------

    def make_tags(self):
        existing = {t.name: t for t in Tag.objects.filter(owner=self.user, name__in=TAGS)}
        missing = [Tag(owner=self.user, name=name) for name in TAGS if name not in existing]
        Tag.objects.bulk_create(missing)
        by_name = {t.name: t for t in Tag.objects.filter(owner=self.user, name__in=TAGS)}
        self.tags = [by_name[name] for name in TAGS]
        self.counts["tags"] = len(TAGS) - len(existing)

    def make_events(self):
        rng = self.rng
        # Always one past conference and one upcoming one; the rest drawn from the others.
        chosen = list(EVENTS[:2]) + rng.sample(EVENTS[2:], rng.randint(2, 4))
        self.events = Event.objects.bulk_create([
            Event(
                owner=self.user, name=name, kind=kind, place=place,
                starts_on=self.today + dt.timedelta(days=offset),
                ends_on=self.today + dt.timedelta(days=offset + length - 1) if length > 1 else None,
                goals=_fill(rng, "Meet two people working on {topic}; learn how others run {topic}."),
            )
            for name, kind, offset, length, place in chosen
        ])
        self.past_events = [e for e in self.events if e.last_day < self.today]
        self.counts["events"] = len(self.events)

    # --- contacts -------------------------------------------------------------------------

    def plan_contacts(self):
        rng, n = self.rng, self.n
        combos = len(FIRST_NAMES) * len(LAST_NAMES)
        picks = rng.sample(range(combos), min(n, combos))
        self.contacts = []
        for i in range(n):
            code = picks[i] if i < len(picks) else rng.randrange(combos)
            first, last = FIRST_NAMES[code % len(FIRST_NAMES)], LAST_NAMES[code // len(FIRST_NAMES)]
            # The first rows cover every circle and discipline, so even a small network has them all.
            circle = list(Circle)[i] if i < len(Circle) else _weighted(rng, CIRCLE_WEIGHTS)
            forced = i < len(Discipline)
            discipline = list(Discipline)[i] if forced else _weighted(rng, DISCIPLINE_WEIGHTS)
            self.contacts.append(
                self.plan_contact(i, first, last, Circle(circle), Discipline(discipline), forced)
            )
        self.by_company = defaultdict(list)
        for i, c in enumerate(self.contacts):
            self.by_company[c.company].append(i)
        # A few earlier contacts introduced later ones.
        self.introduced = {}
        for i in range(len(Circle), n):
            if rng.random() < 0.08:
                # Introducers are never introduced themselves, so they are written first.
                j = rng.randrange(i)
                self.introduced[i] = self.introduced.get(j, j)
        for i in self.introduced:
            self.contacts[i].how_we_met = f"Introduced by {self.contacts[self.introduced[i]].name}"
        # About one in ten was first met at a past event, at least two per event; a few people
        # already known were there too.
        self.met_at = defaultdict(list)  # past event index -> contact indices first met there
        self.people_met = defaultdict(list)  # past event index -> everyone met there
        candidates = [i for i in range(n) if i not in self.introduced]
        rng.shuffle(candidates)
        past = len(self.past_events)
        first_met = candidates[: max(2 * past, n // 10)] if past else []
        for k, i in enumerate(first_met):
            event = self.past_events[k % past]
            self.contacts[i].met_at = event
            self.contacts[i].how_we_met = f"Met at {event.name}"
            self.met_at[k % past].append(i)
        for e in range(past):
            already = [i for i in candidates[len(first_met):][: 4 * past] if rng.random() < 0.25]
            self.people_met[e] = self.met_at[e] + already

    def plan_contact(self, i, first, last, circle, discipline, keep_discipline) -> Contact:
        rng = self.rng
        title = rng.choice(TITLES[discipline])
        department = ""
        if circle == Circle.SAME_TEAM:
            company, department = self.company, self.team
        elif circle == Circle.SAME_COMPANY:
            company, department = self.company, rng.choice(DEPARTMENTS[discipline])
        elif circle == Circle.OUTSIDE_TECH:
            company, title, outside_discipline = rng.choice(OUTSIDE)
            discipline = discipline if keep_discipline else outside_discipline
        elif circle == Circle.COMMUNITY and rng.random() < 0.3:
            company = "Independent"
        else:
            company = rng.choice(PEER_COMPANIES)
        city, zone = rng.choice(PLACES)
        curious = circle != Circle.OUTSIDE_TECH or rng.random() < 0.3
        work, why = rng.choice(WORK) if curious else ("", "")
        close = circle == Circle.SAME_TEAM and rng.random() < 0.6
        tier = Tier.CLOSE if close else _weighted(rng, TIER_WEIGHTS)
        in_tech = circle != Circle.OUTSIDE_TECH
        met = rng.choice(HOW_WE_MET[circle])
        slug = f"{first}-{last}".lower()
        return Contact(
            owner=self.user, name=f"{first} {last}",
            preferred_name=first if rng.random() < 0.15 else "",
            company=company, title=title, department=department,
            circle=circle, discipline=discipline, tier=tier, location=city, time_zone=zone,
            linkedin_url=f"https://www.linkedin.com/in/{slug}-{i}" if in_tech else "",
            website=f"https://{slug}.dev" if rng.random() < 0.1 else "",
            how_we_met=_fill(rng, met, year=self.today.year - rng.randint(0, 6)),
            working_on=work, why_it_matters=why,
            cadence_days=rng.choice((7, 21, 45, 60)) if rng.random() < 0.12 else None,
            # A few never-remind and archived contacts, as in any real network.
            reminders_off=i % 29 == 7,
            archived=i % 31 == 11,
        )

    # --- interactions ---------------------------------------------------------------------

    def plan_interactions(self):
        """Interactions as tuples (contact indices, occurred_at, kind, event, promise), within
        the budget self.m: event conversations and mentoring sessions first, then coverage of
        every active contact, then touches weighted by tier."""
        rng, n, m = self.rng, self.n, self.m
        self.plan = []
        self.plan_mentorships()
        special = []
        for e, people in self.people_met.items():
            event = self.past_events[e]
            days_ago = (self.today - event.starts_on).days
            special += [((i,), days_ago, InteractionKind.EVENT, event) for i in people]
        for mentor, mentee in self.mentorship_pairs:
            person = mentor if mentee is None else mentee
            if mentor is None or mentee is None:  # sessions with my mentors and my mentees
                for days_ago in range(rng.randint(3, 20), 130, rng.choice((14, 21, 28))):
                    special.append(((person,), days_ago, InteractionKind.MENTORING, None))
        for people, days_ago, kind, event in special[: m // 5]:
            self.add_interaction(people, days_ago, kind, event)
        if not n:
            return
        active = [i for i in range(n) if not self.contacts[i].archived]
        rng.shuffle(active)
        left = m - len(self.plan)
        for i in active[: left // 2]:
            self.add_interaction((i,), self.days_ago(i))
        left = m - len(self.plan)
        weights = [TOUCH_WEIGHT[c.tier] * (0.1 if c.archived else 1) for c in self.contacts]
        for i in rng.choices(range(n), cum_weights=list(accumulate(weights)), k=left):
            people = (i,)
            if n > 2 and rng.random() < 0.08:
                # A group conversation, most often with colleagues from the same company.
                pool = self.by_company[self.contacts[i].company]
                pool = pool if len(pool) > 3 else range(n)
                people = tuple(dict.fromkeys((i, *rng.sample(pool, rng.randint(1, 2)))))
            self.add_interaction(people, self.days_ago(i))

    def days_ago(self, i) -> int:
        contact, rng = self.contacts[i], self.rng
        if contact.archived:
            return rng.randint(200, 365)
        return 1 + int(rng.random() ** RECENCY[contact.tier] * 364)

    def add_interaction(self, people, days_ago, kind=None, event=None):
        rng = self.rng
        first = self.contacts[people[0]]
        kind = kind or _weighted(rng, KINDS_BY_CIRCLE[first.circle])
        moment = self.at(days_ago, rng.randrange(8 * 60, 19 * 60, 5))
        promise = None
        if days_ago <= 30 and rng.random() < 0.12:
            due = self.today - dt.timedelta(days=days_ago) + dt.timedelta(days=rng.randint(3, 21))
            promise = (due, _fill(rng, rng.choice(PROMISES)))
        self.plan.append((people, moment, kind, event, promise))

    def write_contacts(self):
        """Contacts with their schedule already computed from the plan, then emails, phones, tags."""
        last = {}
        for people, moment, *_ in self.plan:
            for i in people:
                if i not in last or moment > last[i]:
                    last[i] = moment
        for i, contact in enumerate(self.contacts):
            cadence = contact.cadence_days or self.profile.default_cadence(contact.tier)
            contact.last_interaction_at = last.get(i)
            # As the follow-up engine does: never contacted counts from the day it was added.
            base = self.local_date(last[i]) if i in last else self.today
            contact.next_follow_up_on = base + dt.timedelta(days=cadence)
            if i in self.introduced:
                contact.introduced_by = self.contacts[self.introduced[i]]
        first_wave = [c for i, c in enumerate(self.contacts) if i not in self.introduced]
        second_wave = [c for i, c in enumerate(self.contacts) if i in self.introduced]
        for wave in (first_wave, second_wave):
            for batch in _batched(wave):
                Contact.objects.bulk_create(batch)
        self.counts["contacts"] = len(self.contacts)
        self.write_children()

    def write_children(self):
        rng = self.rng
        emails, phones, tags = [], [], []
        TagThrough = Contact.tags.through
        for i, c in enumerate(self.contacts):
            local = c.name.lower().replace(" ", ".")
            domain = "".join(ch for ch in c.company.lower() if ch.isalnum()) or "example"
            emails.append(ContactEmail(contact=c, email=f"{local}@{domain}.example", label="work"))
            if rng.random() < 0.3:
                emails.append(ContactEmail(contact=c, email=f"{local}.{i}@mail.example", label="personal"))
            if rng.random() < 0.4:
                number = f"+1 555 {i // 10000:03d} {i % 10000:04d}"
                phones.append(ContactPhone(contact=c, number=number, label="mobile"))
            for tag in rng.sample(self.tags, rng.choice((0, 0, 1, 1, 2, 3))):
                tags.append(TagThrough(contact_id=c.pk, tag_id=tag.pk))
        for model, rows in ((ContactEmail, emails), (ContactPhone, phones), (TagThrough, tags)):
            for batch in _batched(rows):
                model.objects.bulk_create(batch)
        EventThrough = Event.people_met.through
        people_met = [
            EventThrough(event_id=self.past_events[e].pk, contact_id=self.contacts[i].pk)
            for e, people in self.people_met.items() for i in people
        ]
        EventThrough.objects.bulk_create(people_met, batch_size=BATCH_SIZE)
        self.counts.update(emails=len(emails), phones=len(phones))

    def write_interactions(self):
        rng = self.rng
        Through = Interaction.contacts.through
        stamp = timezone.now()
        initiators, initiator_weights = list(Initiator), (5, 3, 2)
        self.interaction_ids = []
        promises = []
        for batch in _batched(self.plan, COPY_BATCH_SIZE):
            rows = []
            for people, moment, kind, event, promise in batch:
                first = self.contacts[people[0]]
                curious = first.working_on and rng.random() < 0.15
                rows.append({
                    "owner_id": self.user.pk, "occurred_at": moment, "kind": kind,
                    "initiated_by": rng.choices(initiators, weights=initiator_weights)[0],
                    "summary": (
                        f"Met at {event.name}" if event else _fill(rng, rng.choice(SUMMARIES[kind]))
                    ),
                    "notes": _fill(rng, rng.choice(NOTES)), "event_id": event.pk if event else None,
                    "working_on": first.working_on if curious else "",
                    "why_it_matters": first.why_it_matters if curious else "",
                    "follow_up_on": promise[0] if promise else None,
                    "follow_up_note": promise[1] if promise else "",
                    "created_at": stamp, "updated_at": stamp,
                })
            ids = _insert(Interaction, rows)
            links = []
            for pk, (people, *_rest, promise) in zip(ids, batch, strict=True):
                self.interaction_ids.append(pk)
                for i in people:
                    links.append({"interaction_id": pk, "contact_id": self.contacts[i].pk})
                    if promise:
                        promises.append(self.promise_follow_up(pk, promise, self.contacts[i]))
            _insert(Through, links, returning=False)
            self.counts["interaction_contacts"] += len(links)
        FollowUp.objects.bulk_create(promises, batch_size=BATCH_SIZE)
        self.counts["interactions"] = len(self.plan)
        self.counts["follow_ups"] += len(promises)

    def promise_follow_up(self, interaction_id, promise, contact) -> FollowUp:
        due_on, note = promise
        # A promise more than a week overdue has been kept; newer ones are still open.
        kept = due_on < self.today - dt.timedelta(days=7)
        return FollowUp(
            owner=self.user, contact=contact, reason=FollowUpReason.PROMISE,
            due_on=due_on, note=note[:300], interaction_id=interaction_id,
            source_key=f"interaction:{interaction_id}:{contact.pk}",
            status=FollowUpStatus.DONE if kept else FollowUpStatus.OPEN,
            closed_at=self.at((self.today - due_on).days, 17 * 60) if kept else None,
        )

    # --- support, links, mentorships, event follow-ups ------------------------------------

    def make_supports(self):
        rng, n = self.rng, self.n
        if not n:
            return
        rows, follow_ups, intro_links = [], [], []
        count = max(3, round(n * 0.8))
        for k in range(count):
            # The first three cover every direction; after that mostly gives.
            if k < 3:
                direction = list(Direction)[k]
            else:
                direction = rng.choices(list(Direction), weights=(55, 25, 20))[0]
            kinds = [
                kind for (d, kind) in SUPPORT_TEXT
                if d == direction and (kind != SupportKind.INTRO or n > 1)
            ]
            kind = rng.choice(kinds)
            interaction = None
            if self.plan and rng.random() < 0.7:
                j = rng.randrange(len(self.plan))
                i, offered_on = self.plan[j][0][0], self.local_date(self.plan[j][1])
                interaction = self.interaction_ids[j]
            else:
                i, offered_on = rng.randrange(n), self.today - dt.timedelta(days=rng.randint(1, 365))
            contact = self.contacts[i]
            intro_to = None
            if kind == SupportKind.INTRO:
                other = rng.randrange(n - 1)
                intro_to = self.contacts[other + (other >= i)]
            if k < 3:
                status = list(SupportStatus)[k]
            else:
                status = rng.choices(list(SupportStatus), weights=(30, 55, 15))[0]
            due_on = done_on = None
            if status == SupportStatus.OFFERED and rng.random() < 0.8:
                due_on = offered_on + dt.timedelta(days=rng.randint(5, 30))
            if status == SupportStatus.DONE:
                done_on = min(offered_on + dt.timedelta(days=rng.randint(0, 20)), self.today)
                # Most delivered promises had a date, so "promises kept on time" means something.
                if rng.random() < 0.75:
                    due_on = min(offered_on + dt.timedelta(days=rng.randint(3, 24)), self.today)
            support = Support(
                owner=self.user, direction=direction, contact=contact, intro_to=intro_to, kind=kind,
                status=status, interaction_id=interaction, offered_on=offered_on, due_on=due_on,
                done_on=done_on,
                description=_fill(
                    rng, SUPPORT_TEXT[(direction, kind)], other=intro_to.name if intro_to else ""
                ),
            )
            rows.append(support)
            if intro_to is not None and status == SupportStatus.DONE:
                intro_links.append((contact, intro_to, done_on))
        for batch in _batched(rows):
            Support.objects.bulk_create(batch)
        for s in rows:
            if s.direction == Direction.GIVE and s.status == SupportStatus.OFFERED and s.due_on:
                follow_ups.append(FollowUp(
                    owner=self.user, contact=s.contact, reason=FollowUpReason.GIVE, due_on=s.due_on,
                    note=s.description[:300], support=s, source_key=f"give:{s.pk}",
                ))
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH_SIZE)
        self.intro_links = intro_links
        self.counts["supports"] = len(rows)
        self.counts["follow_ups"] += len(follow_ups)

    def make_links(self):
        rng, n = self.rng, self.n
        links = {}

        def link(a, b, kind, since=None):
            if a.pk != b.pk:
                links.setdefault((a.pk, b.pk, kind), ContactLink(
                    owner=self.user, from_contact=a, to_contact=b, kind=kind, since=since))

        for a, b, day in getattr(self, "intro_links", ()):
            link(a, b, LinkKind.INTRODUCED, day)
        for company in sorted(self.by_company):
            people = self.by_company[company]
            for a, b in zip(people, people[1:]):
                if rng.random() < 0.5:
                    link(self.contacts[a], self.contacts[b], LinkKind.COLLEAGUES)
        leaders = [i for i, c in enumerate(self.contacts) if c.discipline == Discipline.LEADERSHIP]
        for _ in range(max(1, n // 30) if leaders and n > 1 else 0):
            mentor = self.contacts[rng.choice(leaders)]
            link(mentor, self.contacts[rng.randrange(n)], LinkKind.MENTOR_OF)
        for _ in range(n // 20):
            link(self.contacts[rng.randrange(n)], self.contacts[rng.randrange(n)], LinkKind.KNOWS)
        for mentor, mentee in self.mentorship_pairs:
            if mentor is not None and mentee is not None:
                link(self.contacts[mentor], self.contacts[mentee], LinkKind.MENTOR_OF)
        ContactLink.objects.bulk_create(list(links.values()), batch_size=BATCH_SIZE)
        self.counts["links"] = len(links)

    def plan_mentorships(self):
        """(mentor, mentee) contact indices, None for the user: two mentors of mine, three
        mentees of mine, and one pair I matched."""
        n, rng = self.n, self.rng
        senior = [i for i, c in enumerate(self.contacts) if c.discipline == Discipline.LEADERSHIP]
        junior = [i for i, c in enumerate(self.contacts)
                  if c.circle in (Circle.SAME_TEAM, Circle.SAME_COMPANY, Circle.COMMUNITY)
                  and c.discipline != Discipline.LEADERSHIP]
        used, pairs = set(), []

        def pick(pool):
            choices = [i for i in pool if i not in used] or [i for i in range(n) if i not in used]
            if not choices:
                return None
            used.add(choice := rng.choice(choices))
            return choice

        for _ in range(2):
            if (mentor := pick(senior)) is not None:
                pairs.append((mentor, None))
        for _ in range(3):
            if (mentee := pick(junior)) is not None:
                pairs.append((None, mentee))
        mentor, mentee = pick(senior), pick(junior)
        if mentor is not None and mentee is not None:
            pairs.append((mentor, mentee))
        self.mentorship_pairs = pairs

    def make_mentorships(self):
        rng = self.rng
        last_session = {}
        for people, moment, kind, *_ in self.plan:
            if kind == InteractionKind.MENTORING:
                day = self.local_date(moment)
                last_session[people[0]] = max(day, last_session.get(people[0], day))
        rows = []
        for mentor, mentee in self.mentorship_pairs:
            matched = mentor is not None and mentee is not None
            rows.append(Mentorship(
                owner=self.user,
                mentor=self.contacts[mentor] if mentor is not None else None,
                mentee=self.contacts[mentee] if mentee is not None else None,
                goals=_fill(rng, rng.choice((
                    "Grow into a staff role", "Get better at {topic}", "Prepare for a first management role",
                    "Learn to run {topic} well",
                ))),
                session_cadence_days=rng.choice((14, 21, 28)),
                started_on=self.today - dt.timedelta(days=rng.randint(60, 300)),
                last_session_on=(
                    None if matched else last_session.get(mentor if mentee is None else mentee)
                ),
                active=not matched or rng.random() < 0.5,
            ))
        Mentorship.objects.bulk_create(rows)
        self.counts["mentorships"] = len(rows)

    def make_event_follow_ups(self):
        """The batch of follow-ups after the latest past event, some already done."""
        recent = [e for e in range(len(self.past_events)) if self.people_met.get(e)]
        if not recent:
            return
        e = max(recent, key=lambda x: self.past_events[x].last_day)
        event = self.past_events[e]
        rows = []
        for i in self.people_met[e]:
            done = self.rng.random() < 0.5
            rows.append(FollowUp(
                owner=self.user, contact=self.contacts[i], reason=FollowUpReason.EVENT,
                due_on=event.last_day + dt.timedelta(days=3), note=f"Met at {event.name}",
                event=event, source_key=f"event:{event.pk}:{self.contacts[i].pk}",
                status=FollowUpStatus.DONE if done else FollowUpStatus.OPEN,
                # Done four days after the event (or today, for an event that just ended).
                closed_at=(
                    self.at(max((self.today - event.last_day).days - 4, 0), 10 * 60) if done else None
                ),
            ))
        FollowUp.objects.bulk_create(rows)
        self.counts["follow_ups"] += len(rows)


def build_demo_network(
    user, *, contacts=DEFAULT_CONTACTS, interactions=None, seed=0, today=None
) -> dict:
    """Fill `user`'s account with a believable network (contacts, a year of interactions,
    support both ways, links, events, mentorships, follow-ups); returns the counts created.

    `interactions` defaults to ten per contact; `today` (a date in the user's time zone)
    anchors every date, so a fixed `today` and `seed` give the same network every time.
    """
    from .insights import recompute_strength

    with transaction.atomic():
        builder = _Builder(user, contacts=contacts, interactions=interactions, seed=seed, today=today)
        counts = builder.build()
        recompute_strength(owner_id=user.pk, now=builder.now)
    return counts
