"""The demo network's gives, received and asks, links between contacts, mentorships and the
follow-ups after the latest event: the part of the builder that relates the people."""

import datetime as dt

from contacts.models import Circle, ContactLink, Discipline, LinkKind

from ..models import (
    Direction, FollowUp, FollowUpReason, FollowUpStatus, InteractionKind, Mentorship, Support,
    SupportKind, SupportStatus,
)
from .rows import BATCH_SIZE, _batched
from .vocabulary import SUPPORT_TEXT, _fill


class RelationsMixin:
    """Support both ways, links between contacts, mentorships and event follow-ups."""

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
