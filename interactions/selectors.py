"""Reads for the interactions, gives/received/asks and mentorships pages. Every function filters
by owner and loads what its rows show, so the query count does not grow with the rows."""

import re

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull

from contacts.models import Contact

from .models import FollowUp, Interaction, Mentorship, Support


def interaction_list(
    owner, *, kind: str = "", q: str = "", contact_id: int | None = None
) -> QuerySet[Interaction]:
    """The owner's interactions, newest first, with their contacts prefetched; `q` found in
    the summary, the notes or a contact's name (see `finds_word_starts`)."""
    queryset = Interaction.objects.filter(owner=owner)
    if kind:
        queryset = queryset.filter(kind=kind)
    if contact_id:
        queryset = queryset.filter(contacts__id=contact_id)
    if q:
        # On PostgreSQL the owner's trigram index finds a word that few summaries or notes hold
        # (migration 0009); a common one is tested as the page walks the history newest first.
        queryset = queryset.filter(_text_holds(q) | _with_contact_named(owner, q))
    return (
        queryset.select_related("event")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.only("id", "name", "preferred_name"))
        )
        .order_by("-occurred_at", "-id")
    )


def finds_word_starts(q: str) -> bool:
    """Whether the search `q` matches the start of words in summaries and notes rather than
    anywhere: one or two letters or digits together (`zq`, `AI`, `c++`). A trigram index finds
    three in a row anywhere, but fewer only where a word starts; and "ai" inside "email" or
    "said" is seldom what someone typing two letters is after. Names match anywhere, as in the
    contacts search (a name is short, and the account's names are read one by one anyway)."""
    return bool(re.search(r"[^\W_]", q)) and not re.search(r"[^\W_]{3}", q)


def _holds(field: str, q: str, value=str, *, lines: bool = False) -> Q:
    """`field` holds `q` in any case: anywhere, or at the start of a word (the field's start,
    after a space, after a line break where `lines`) when finds_word_starts(q)."""
    if not finds_word_starts(q):
        return Q(**{f"{field}__icontains": value(q)})
    starts = Q(**{f"{field}__istartswith": value(q)}) | Q(**{f"{field}__icontains": value(" " + q)})
    if lines:
        starts |= Q(**{f"{field}__icontains": value("\n" + q)})
    return starts


def _text_holds(q: str) -> Q:
    """The summary or the notes hold `q`; on PostgreSQL the owner's trigram index finds it
    (migration 0009)."""
    return _holds("summary", q) | _holds("notes", q, lines=True)


# Up to this many contacts matching a search, their interactions are looked up by contact.
NAMED_CONTACTS_LOOKUP = 500
# Up to this many interactions with those contacts, the page's query lists them by id.
NAMED_INTERACTIONS_BY_ID = 1000


def _with_contact_named(owner, q: str) -> Q:
    """Interactions with one of the owner's contacts whose name contains `q` (unbounded, it read
    every account's). A rare name: their interactions' ids, which PostgreSQL reads through the
    primary key beside the text's trigram index when few rows match (as a subquery it could
    only test each row of the history: 0.8 s at 1,000,000 for a person's 100); past
    NAMED_INTERACTIONS_BY_ID of them, by contact. A broad name (a letter matches most of 30,000
    people, so most of a million interactions): tested row by row as the page walks the
    owner's interactions newest first, which fills a page after a few index lookups; as an IN
    subquery PostgreSQL could not hash it and read it again for every row (30 s)."""
    named = list(
        Contact.objects.filter(owner=owner, name__icontains=q)
        .order_by()
        .values_list("id", flat=True)[: NAMED_CONTACTS_LOOKUP + 1]
    )
    through = Interaction.contacts.through.objects
    if len(named) <= NAMED_CONTACTS_LOOKUP:
        links = through.filter(contact_id__in=named).values_list("interaction_id", flat=True)
        ids = list(links[: NAMED_INTERACTIONS_BY_ID + 1])
        if len(ids) <= NAMED_INTERACTIONS_BY_ID:
            return Q(pk__in=ids)
        return Q(pk__in=links)
    first_named = through.filter(
        interaction_id=OuterRef("pk"), contact__owner=owner, contact__name__icontains=q,
    ).values("pk")[:1]
    # The first such contact's link rather than EXISTS: PostgreSQL plans an EXISTS for the whole
    # list, not the page, so it hashed every match of the account first (a million links,
    # 1.1-1.5 s at 30,000 contacts); a subquery's value it can only read row by row (0.6 ms).
    return Q(IsNull(Subquery(first_named), False))


def interaction_detail(owner) -> QuerySet[Interaction]:
    """The owner's interactions (for get_owned_or_404) with contacts, gives and follow-ups."""
    return (
        Interaction.objects.filter(owner=owner)
        .select_related("event")
        .prefetch_related(
            "contacts",
            Prefetch("supports", queryset=Support.objects.select_related("contact", "intro_to")),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("contact")),
        )
    )


def support_list(
    owner, *, direction: str = "", status: str = "", contact_id: int | None = None
) -> QuerySet[Support]:
    """Gives, received and asks, open ones first then newest, with both people loaded."""
    queryset = Support.objects.filter(owner=owner)
    if direction:
        queryset = queryset.filter(direction=direction)
    if status:
        queryset = queryset.filter(status=status)
    if contact_id:
        queryset = queryset.filter(contact_id=contact_id)
    return queryset.select_related("contact", "intro_to").order_by("-offered_on", "-id")


def support_detail(owner) -> QuerySet[Support]:
    """The owner's supports (for get_owned_or_404) with both people and the interaction."""
    return Support.objects.filter(owner=owner).select_related("contact", "intro_to", "interaction")


def mentorship_groups(owner) -> dict[str, list[Mentorship]]:
    """Mentorships grouped as my mentors, my mentees and the ones I matched; active first."""
    groups = {"my_mentor": [], "my_mentee": [], "matched": []}
    for mentorship in mentorship_detail(owner).order_by("-active", "-started_on", "-id"):
        groups[mentorship.role].append(mentorship)
    return groups


def mentorship_detail(owner) -> QuerySet[Mentorship]:
    """The owner's mentorships (for get_owned_or_404) with both people loaded."""
    return Mentorship.objects.filter(owner=owner).select_related("mentor", "mentee")


