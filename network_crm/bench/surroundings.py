"""What a heavy user has beside the network, so that the pages of it are walked with rows in
them (walk.py): a mailbox read for suggestions, with a month of meetings and mails still to
review and a year of decided ones, a reminder channel, and a finished restore of an export.

The same at every size of network: a calendar holds as many meetings whoever is in the address
book."""

import datetime as dt
import random

from django.utils import timezone

from capture.models import Source, SourceKind, Suggestion, SuggestionOrigin, SuggestionStatus
from contacts.models import Contact
from interactions.backup.models import RestoreJob, RestoreStatus
from interactions.models import InteractionKind
from notifications.models import Channel, ChannelKind

from .history import BATCH

# A month of a busy calendar and mailbox left unreviewed, and a year reviewed.
WAITING = 300
DECIDED = 3_000


def add_surroundings(user, seed: int = 0) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    # The people a calendar names: the account's most met (the demo core), as in a real one.
    people = list(
        Contact.objects.filter(owner=user, archived=False)
        .order_by("-interaction_count", "pk").values_list("pk", flat=True)[:500]
    )
    source = Source.objects.create(
        owner=user, kind=SourceKind.IMAP, name="Work mail", host="imap.example.com", port=993,
        username=user.email, last_success_at=now, next_read_at=now + dt.timedelta(minutes=15),
    )
    suggestions, links = [], []
    for n in range(WAITING + DECIDED):
        waiting = n < WAITING
        ends = now - dt.timedelta(hours=1 + n * (720 / WAITING if waiting else 3))
        meeting = rng.random() < 0.6
        suggestions.append(Suggestion(
            owner=user, source=source, key=f"bench:{n}",
            origin=SuggestionOrigin.MEETING if meeting else SuggestionOrigin.SENT,
            kind=InteractionKind.VIDEO if meeting else InteractionKind.EMAIL,
            title=f"Catch-up {n}", occurred_at=ends - dt.timedelta(minutes=30), ends_at=ends,
            status=SuggestionStatus.PENDING if waiting else rng.choice(
                [SuggestionStatus.LOGGED, SuggestionStatus.DISMISSED]
            ),
            new_people=[{"email": f"guest{n}@corp.example", "name": f"Guest {n}"}]
            if rng.random() < 0.3 else [],
        ))
    Suggestion.objects.bulk_create(suggestions, batch_size=BATCH)
    through = Suggestion.contacts.through
    for suggestion in suggestions:
        for contact_id in rng.sample(people, k=min(len(people), rng.randint(1, 3))):
            links.append(through(suggestion_id=suggestion.pk, contact_id=contact_id))
    through.objects.bulk_create(links, batch_size=BATCH)
    Channel.objects.create(
        owner=user, kind=ChannelKind.APPRISE, name="Phone",
        url=f"ntfy://ntfy.example.com/bench-{user.pk}",
    )
    RestoreJob.objects.create(
        owner=user, original_name="network_crm-export.json", status=RestoreStatus.DONE,
        counts={"contacts": len(people), "interactions": 1_000},
    )
