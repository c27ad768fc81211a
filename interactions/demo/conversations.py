"""The demo network's interactions and the promise follow-ups they carry: the part of the
builder that plans a year of conversations and writes them."""

import datetime as dt
from itertools import accumulate

from django.utils import timezone

from ..models import (
    FollowUp, FollowUpReason, FollowUpStatus, Initiator, Interaction, InteractionKind,
)
from .rows import BATCH_SIZE, COPY_BATCH_SIZE, _batched, _insert
from .vocabulary import (
    KINDS_BY_CIRCLE, NOTES, PROMISES, RECENCY, SUMMARIES, TOUCH_WEIGHT, _fill, _weighted,
)


class ConversationsMixin:
    """Plans the interactions within the budget and writes them with their promises."""

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
