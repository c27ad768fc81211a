"""One run of the demo generator: plan in memory, then write in dependency order."""

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from contacts.models import Contact
from contacts.services import get_profile

from ..insights import recompute_strength
from ..insights.ties import store_touch_history
from .conversations import ConversationsMixin
from .people import PeopleMixin
from .relations import RelationsMixin

DEFAULT_CONTACTS = 60
INTERACTIONS_PER_CONTACT = 10
DEFAULT_COMPANY, DEFAULT_TEAM = "Northwind Labs", "Platform Engineering"


class _Builder(PeopleMixin, ConversationsMixin, RelationsMixin):
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


def build_demo_network(
    user, *, contacts=DEFAULT_CONTACTS, interactions=None, seed=0, today=None
) -> dict:
    """Fill `user`'s account with a believable network (contacts, a year of interactions,
    support both ways, links, events, mentorships, follow-ups); returns the counts created.

    `interactions` defaults to ten per contact; `today` (a date in the user's time zone)
    anchors every date, so a fixed `today` and `seed` give the same network every time.
    """
    with transaction.atomic():
        builder = _Builder(user, contacts=contacts, interactions=interactions, seed=seed, today=today)
        counts = builder.build()
        store_touch_history(Contact.objects.filter(owner=user).values_list("pk", flat=True))
        recompute_strength(owner_id=user.pk, now=builder.now)
    # Bulk inserts send no signals: the user's cached cards and "one person" go explicitly.
    transaction.on_commit(lambda: forget_cached_pages(user.pk))
    return counts


def forget_cached_pages(user_id: int) -> None:
    from network_crm import fragment_cache

    from ..dashboard.selectors import forget_one_person
    from ..insights.activity import past_weeks_changed

    fragment_cache.invalidate(user_id)
    forget_one_person(user_id)
    past_weeks_changed(user_id)
