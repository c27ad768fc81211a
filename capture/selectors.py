"""Reads for the capture pages: the Review list, the people met who are not contacts yet, the
sources and rules of a user. A fixed number of queries per page, whatever the rows."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from contacts.models import Contact, ContactEmail

from .found import is_automatic
from .models import Rule, Source, Suggestion, SuggestionOrigin, SuggestionStatus
from .recording import own_addresses

REVIEW_CARD_LIMIT = 5


def _names(contacts) -> str:
    names = [c.display_name for c in contacts]
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def headline(suggestion: Suggestion, contacts) -> str:
    """"Met Ana and Jonas" / "Emailed Ana" / "Ana emailed you"."""
    names = _names(contacts)
    if suggestion.origin == SuggestionOrigin.MEETING:
        return f"Met {names}"
    if suggestion.origin == SuggestionOrigin.RECEIVED:
        return f"{names} emailed you"
    return f"Emailed {names}"


def review(owner, now: datetime | None = None, *, limit: int | None = None):
    """Waiting suggestions whose meeting has ended (or mail was sent), newest first, with
    their contacts (two queries)."""
    now = now or timezone.now()
    rows = (
        Suggestion.objects.filter(owner=owner, status=SuggestionStatus.PENDING, ends_at__lte=now)
        # Not one whose every contact was deleted since: nobody is left to log it with.
        .filter(Exists(Suggestion.contacts.through.objects.filter(suggestion_id=OuterRef("pk"))))
        .order_by("-ends_at", "-id")
        .only("id", "origin", "kind", "title", "occurred_at", "ends_at", "new_people", "source_id")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.only("id", "name", "preferred_name"))
        )
    )
    return rows[:limit] if limit else rows


def next_review_change(owner, now: datetime) -> datetime | None:
    """When the next waiting suggestion's meeting ends, and so joins Review (None: none
    waits); the kept list is keyed by it so that it turns over then."""
    return (
        Suggestion.objects.filter(owner=owner, status=SuggestionStatus.PENDING, ends_at__gt=now)
        .order_by("ends_at").values_list("ends_at", flat=True).first()
    )


def review_rows(suggestions) -> list[dict]:
    rows = []
    for suggestion in suggestions:
        contacts = sorted(suggestion.contacts.all(), key=lambda c: c.display_name)
        rows.append(
            {
                "suggestion": suggestion,
                "contacts": contacts,
                "headline": headline(suggestion, contacts),
            }
        )
    return rows


@dataclass
class Person:
    email: str
    name: str
    times: int = 0
    last_seen: datetime | None = None
    titles: list[str] = field(default_factory=list)


def people_met(owner, now: datetime | None = None) -> list[Person]:
    """Attendees and correspondents who are not contacts (nor the user, a list or an
    automatic sender), most often met first, from the suggestions that name them."""
    now = now or timezone.now()
    rows = (
        Suggestion.objects.filter(owner=owner, ends_at__lte=now)
        .exclude(status=SuggestionStatus.DISMISSED)
        .exclude(new_people=[])
        .order_by("-ends_at")
        .values_list("new_people", "title", "ends_at")
    )
    people: OrderedDict[str, Person] = OrderedDict()
    for new_people, title, ends_at in rows:
        for entry in new_people:
            email = entry.get("email", "")
            if not email:
                continue
            person = people.get(email)
            if person is None:
                # The rows come newest first: the first one is when they were last seen.
                person = people[email] = Person(email, entry.get("name", ""), last_seen=ends_at)
            elif not person.name:
                person.name = entry.get("name", "")
            person.times += 1
            if title and len(person.titles) < 3 and title not in person.titles:
                person.titles.append(title)
    if not people:
        return []
    # Someone may have been added as a contact by hand since; the user's addresses may grow.
    known = set(
        ContactEmail.objects.filter(contact__owner=owner, email__in=list(people)).values_list(
            "email", flat=True
        )
    ) | own_addresses(owner)
    found = [p for p in people.values() if p.email not in known and not is_automatic(p.email)]
    return sorted(found, key=lambda p: (-p.times, p.name.lower() or p.email))


def sources(owner):
    return Source.objects.filter(owner=owner).order_by("kind", "name")


def rules(owner):
    return Rule.objects.filter(owner=owner).select_related("contact").order_by(
        "contact__name", "domain"
    )
