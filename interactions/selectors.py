"""Reads for the interactions, gives/received/asks and mentorships pages. Every function filters
by owner and loads what its rows show, so the query count does not grow with the rows."""

import re

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IsNull

from contacts.models import Contact
from contacts.search import holds, names_hold

from .models import FollowUp, Interaction, Mentorship, Support

# A search's page is looked for among the owner's newest this many interactions first, and
# with fewer matches than FEW_NEWEST_MATCHES there the word is rare in the account (under
# 0.2 %) and read from the text's index (SearchResults).
NEWEST_WINDOW = 5000
FEW_NEWEST_MATCHES = 10


def interaction_list(
    owner, *, kind: str = "", q: str = "", contact_id: int | None = None
) -> QuerySet[Interaction]:
    """The owner's interactions, newest first, with their contacts prefetched; `q` found in
    the summary, the notes or a contact's name (see contacts.search)."""
    queryset = _owned(owner, kind, contact_id)
    if q:
        named, _ = _with_contact_named(owner, q)
        queryset = queryset.filter(_text_holds(q) | named)
    return _shown(queryset)


def interaction_results(
    owner, *, kind: str = "", q: str = "", contact_id: int | None = None
) -> "QuerySet[Interaction] | SearchResults":
    """interaction_list for a page at a time (the interactions page): a search as
    SearchResults, which reads the owner's newest interactions first."""
    queryset = _owned(owner, kind, contact_id)
    if not q:
        return _shown(queryset)
    named, by_ids = _with_contact_named(owner, q)
    matching = _shown(queryset.filter(_text_holds(q) | named))
    if not by_ids:
        # A broad name, or a person's thousand conversations: tested row by row as the walk
        # goes, which fills a page within the newest rows.
        return matching
    nth_newest = (
        Interaction.objects.filter(owner=owner)
        .order_by("-occurred_at")
        .values("occurred_at")[NEWEST_WINDOW - 1 : NEWEST_WINDOW]
    )
    rare = None
    if re.search(r"[^\W_]", q):  # a letter or a digit: something the trigram index can find
        rare = _shown(queryset.filter(_text_holds(q, as_unknown_word=True) | named)).order_by(
            # An order no index gives, so that PostgreSQL cannot walk the history newest first
            # and reads the matches from the text's index instead (occurred_at is never NULL).
            F("occurred_at").desc(nulls_last=True), "-id"
        )
    return SearchResults(
        matching, newest=matching.filter(occurred_at__gte=Subquery(nth_newest)), rare=rare
    )


class SearchResults:
    """A search's results, sliced a page at a time by Paginator or UncountedPage.

    PostgreSQL judges a word rare or common by every account's text together, and for a common
    one walks the owner's history newest first until a page is full: a word that fills other
    accounts' notes but not this one's walked all of a million interactions (1-2.5 s). So the page
    is first looked for among the owner's NEWEST_WINDOW newest interactions (`newest`), a walk
    with an end, where a common word fills it. With fewer than FEW_NEWEST_MATCHES there, the
    word is rare in this account and the page is read from the text's trigram index (`rare`,
    which PostgreSQL plans as for a word it knows nothing of); with more, from the whole list
    as PostgreSQL plans it."""

    def __init__(self, matching: QuerySet, *, newest: QuerySet, rare: QuerySet | None):
        self.matching, self.newest, self.rare = matching, newest, rare

    def count(self) -> int:
        return self.matching.count()

    def __getitem__(self, rows: slice) -> list[Interaction]:
        start, stop = rows.start or 0, rows.stop
        found = list(self.newest[start:stop])
        if len(found) == stop - start:
            return found
        if found or start == 0:
            few = start + len(found) < FEW_NEWEST_MATCHES
        else:  # a page past the newest matches: how many there are
            few = self.newest[:FEW_NEWEST_MATCHES].count() < FEW_NEWEST_MATCHES
        source = self.rare if few and self.rare is not None else self.matching
        return list(source[start:stop])


def _unknown(text: str) -> RawSQL:
    # A value PostgreSQL reads only when the query runs: it plans as for a word it knows
    # nothing of (0.5 % of rows), not by its statistics of every account's text.
    return RawSQL("SELECT %s", (text,))


def _text_holds(q: str, *, as_unknown_word: bool = False) -> Q:
    """The summary or the notes hold `q` (one or two letters where a word starts, as
    contacts.search has it; a summary is one line); on PostgreSQL the owner's trigram index
    finds it (migration 0009)."""
    value = _unknown if as_unknown_word else str
    return holds("summary", q, value, separators=(" ",)) | holds("notes", q, value)


def _names_hold(q: str, *, through: str = "") -> Q:
    """The contact's name holds `q` (as in the contacts search, one or two letters where a word
    starts). The name is part of search_text, so search_text holds `q` too: said as well so
    that PostgreSQL finds the few candidates in its trigram index (contacts migration 0022)
    rather than testing every name of the account (6-10 ms at 30,000 contacts)."""
    return holds(f"{through}name", q, separators=(" ",)) & names_hold(q, through=through)


def _owned(owner, kind: str, contact_id: int | None) -> QuerySet[Interaction]:
    queryset = Interaction.objects.filter(owner=owner)
    if kind:
        queryset = queryset.filter(kind=kind)
    if contact_id:
        queryset = queryset.filter(contacts__id=contact_id)
    return queryset


def _shown(queryset: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return (
        queryset.select_related("event")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.only("id", "name", "preferred_name"))
        )
        .order_by("-occurred_at", "-id")
    )


# Up to this many contacts matching a search, their interactions are looked up by contact.
NAMED_CONTACTS_LOOKUP = 500
# Up to this many interactions with those contacts, the page's query lists them by id.
NAMED_INTERACTIONS_BY_ID = 1000


def _with_contact_named(owner, q: str) -> tuple[Q, bool]:
    """Interactions with one of the owner's contacts whose name holds `q` (`_names_hold`), and
    whether they are named by id. A rare name: their interactions' ids, which PostgreSQL reads
    through the primary key beside the text's trigram index when few rows match (as a subquery
    it could only test each row of the history: 0.8 s at 1,000,000 for a person's 100); past
    NAMED_INTERACTIONS_BY_ID of them, by contact. A broad name (a letter matches most of 30,000
    people, so most of a million interactions): tested row by row as the page walks the
    owner's interactions newest first, which fills a page after a few index lookups; as an IN
    subquery PostgreSQL could not hash it and read it again for every row (30 s)."""
    named = list(
        Contact.objects.filter(_names_hold(q), owner=owner)
        .order_by()
        .values_list("id", flat=True)[: NAMED_CONTACTS_LOOKUP + 1]
    )
    through = Interaction.contacts.through.objects
    if len(named) <= NAMED_CONTACTS_LOOKUP:
        links = through.filter(contact_id__in=named).values_list("interaction_id", flat=True)
        ids = list(links[: NAMED_INTERACTIONS_BY_ID + 1])
        if len(ids) <= NAMED_INTERACTIONS_BY_ID:
            return Q(pk__in=ids), True
        return Q(pk__in=links), False
    first_named = through.filter(
        _names_hold(q, through="contact__"), interaction_id=OuterRef("pk"), contact__owner=owner,
    ).values("pk")[:1]
    # The first such contact's link rather than EXISTS: PostgreSQL plans an EXISTS for the whole
    # list, not the page, so it hashed every match of the account first (a million links,
    # 1.1-1.5 s at 30,000 contacts); a subquery's value it can only read row by row (0.6 ms).
    return Q(IsNull(Subquery(first_named), False)), False


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


