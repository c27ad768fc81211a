"""The demo network's tags, events and contacts (with emails, phones, tags, and the events
where they were met): the part of the builder that plans and writes the people."""

import datetime as dt
from collections import defaultdict

from contacts.models import (
    Circle, Contact, ContactEmail, ContactPhone, Discipline, Event, Tag, Tier,
)

from .rows import BATCH_SIZE, _batched
from .vocabulary import (
    CIRCLE_WEIGHTS, DEPARTMENTS, DISCIPLINE_WEIGHTS, EVENTS, FIRST_NAMES, HOW_WE_MET, LAST_NAMES,
    OUTSIDE, PEER_COMPANIES, PLACES, TAGS, TIER_WEIGHTS, TITLES, WORK, _fill, _weighted,
)


class PeopleMixin:
    """Plans and writes the tags, events and contacts (the contacts once the conversations are
    planned, since their schedule is computed from them)."""

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
