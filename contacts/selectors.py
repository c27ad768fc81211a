"""Reads for contact and event pages. Every function filters by owner; list pages prefetch
what their rows show so the query count does not grow with the rows."""

from datetime import date

from django.db import connection
from django.db.models import (
    Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from network_crm.queries import pk_in

from .models import Contact, ContactEmail, ContactLink, Event, Tag
from .search import ADDRESS_PARTS, WORDS, holds, like_patterns, names_hold
from .services import get_profile

CONTACT_SORTS = {
    "name": [F("name").asc(), "id"],
    "last": [F("last_interaction_at").desc(nulls_last=True), "name", "id"],
    "next": [F("next_due_on").asc(nulls_last=True), "name", "id"],
    "strength": [F("strength").desc(), "name", "id"],
}


# What a row of the contacts list shows (and sorts by); the rest of a contact stays unread.
LIST_FIELDS = (
    "owner_id", "name", "preferred_name", "company", "title", "circle", "discipline", "tier",
    "archived", "last_interaction_at", "next_follow_up_on", "strength", "kind", "phonetic_name",
)


# A follow-up still to do (interactions.models.FollowUpStatus OPEN and SNOOZED; contacts/ may not
# import interactions/, so the follow-up table is read through Contact's reverse relation).
OPEN_FOLLOW_UP_STATUSES = ("open", "snoozed")


def next_due(cadence_on: date | None, open_follow_up_on: date | None) -> date | None:
    """The contact's next follow-up: the earlier of the cadence date (`next_follow_up_on`)
    and the earliest open follow-up of any kind. The contacts list computes the same in SQL
    (`with_next_due`); the contact page calls this with the follow-up its brief read."""
    dates = [d for d in (cadence_on, open_follow_up_on) if d is not None]
    return min(dates, default=None)


def with_next_due(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    """Annotate `next_due_on` (see `next_due`) in the same query, no query per row."""
    follow_ups = Contact._meta.get_field("follow_ups").related_model._default_manager
    earliest = Subquery(
        follow_ups.filter(contact=OuterRef("pk"), status__in=OPEN_FOLLOW_UP_STATUSES)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    cadence = F("next_follow_up_on")
    # Coalesce both ways: LEAST skips NULLs on PostgreSQL but not on every backend.
    return queryset.annotate(next_due_on=Least(Coalesce(earliest, cadence), Coalesce(cadence, earliest)))


def _due_by(owner, day: date) -> Q:
    """`next_due_on <= day`, written so that PostgreSQL reads the due follow-ups once (index
    followup_open_due) instead of computing every contact's next follow-up: 130 ms of 9,700
    due contacts' 30,000 for the list's `?due=on`."""
    follow_ups = Contact._meta.get_field("follow_ups").related_model._default_manager
    due_follow_ups = follow_ups.filter(
        owner=owner, status__in=OPEN_FOLLOW_UP_STATUSES, due_on__lte=day
    ).values("contact_id")
    return Q(next_follow_up_on__lte=day) | Q(pk__in=due_follow_ups)


def today_for(user) -> date:
    """Today's date in the user's own time zone."""
    return timezone.now().astimezone(get_profile(user).zone).date()


def owner_tag_names(owner) -> list[str]:
    """The names of the owner's tags, in order."""
    return list(Tag.objects.filter(owner=owner).order_by("name").values_list("name", flat=True))


# Up to this many contacts match a search, it looks them up by id; more, and the page's query
# tests its rows as it walks them (see _matching).
SEARCH_BY_IDS = 1000


def _matching(queryset: QuerySet[Contact], owner, q: str) -> QuerySet[Contact]:
    """Contacts whose name, preferred name, company, an email or a tag holds `q` (any case;
    one or two letters at the start of a word, contacts.search).

    A name or a word (up to SEARCH_BY_IDS matches): the matching ids, read once, so the
    count and the page look up a few ids rather than each repeating the search over every
    contact of the account. A broad search (a letter matches most of 30,000 people): one
    condition of the page's own query, so PostgreSQL walks the contacts in the page's order
    and stops after a page of them; 29,000 ids looked up one by one took 0.3-1 s at 30,000
    contacts (docs/performance.md). Names (preferred and phonetic too) and companies are
    matched in `search_text`, upper-cased when the contact was written; on PostgreSQL names and
    emails through their trigram indexes (migrations 0022 and 0003)."""
    ids = _matching_ids(owner, q, limit=SEARCH_BY_IDS)
    if ids is not None:
        return queryset.filter(pk_in(ids))
    email = ContactEmail.objects.filter(
        holds("email", q, separators=ADDRESS_PARTS), contact=OuterRef("pk")
    )
    tag = Contact.tags.through.objects.filter(holds("tag__name", q), contact=OuterRef("pk"))
    return queryset.filter(
        names_hold(q) | Exists(email) | Exists(tag)
    )


def _matching_ids(owner, q: str, *, limit: int) -> list[int] | None:
    """The ids of the contacts matching `q`, or None when the union has more than `limit`
    rows (a contact comes once by name and again for each matching email or tag). Its
    branches stream (UNION ALL): a broad search stops after `limit` rows, a narrow one reads
    the trigram indexes of the owner's names (migration 0022) and of emails (0003), and the
    few tags. SQL of its own, as Django's icontains writes it for each backend: the ORM took
    longer to build and compile this union (1.5 ms) than PostgreSQL took to run it."""
    # `LIKE UPPER(%s)` on PostgreSQL; SQLite's LIKE ignores ASCII case, as its UPPER does.
    # search_text is upper-cased already, so only emails and tags are, as their indexes are.
    icontains = connection.operators["icontains"] % "%s"

    def upper(column: str) -> str:
        return connection.ops.lookup_cast("icontains", "CharField") % column

    def holds_q(column: str, separators=WORDS) -> tuple[str, list[str]]:
        """`column` matches one of `q`'s LIKE patterns (contacts.search), and the patterns."""
        patterns = like_patterns(q, separators)
        return " OR ".join(f"{column} {icontains}" for _ in patterns), patterns

    (names, by_name), (emails, by_email), (tags, by_tag) = (
        holds_q("c.search_text"), holds_q(upper("e.email"), ADDRESS_PARTS), holds_q(upper("t.name"))
    )
    contact, email = Contact._meta.db_table, ContactEmail._meta.db_table
    tagged, tag = Contact.tags.through._meta.db_table, Tag._meta.db_table
    sql = f"""
        SELECT c.id FROM {contact} c
        WHERE c.owner_id = %s AND ({names})
        UNION ALL
        SELECT e.contact_id FROM {email} e JOIN {contact} c ON c.id = e.contact_id
        WHERE c.owner_id = %s AND ({emails})
        UNION ALL
        SELECT ct.contact_id FROM {tagged} ct JOIN {tag} t ON t.id = ct.tag_id
        WHERE t.owner_id = %s AND ({tags})
        LIMIT %s
    """
    params = [owner.pk, *by_name, owner.pk, *by_email, owner.pk, *by_tag, limit + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if len(rows) > limit:
        return None
    return list({row[0] for row in rows})


def contact_list(
    owner,
    *,
    q="",
    circle="",
    discipline="",
    tier="",
    tag="",
    due=False,
    archived="active",
    sort="name",
    today: date | None = None,
) -> QuerySet[Contact]:
    """The contacts list with its filters and sort (`with_row_details` adds tags and emails
    to the page shown)."""
    queryset = Contact.objects.filter(owner=owner)
    if archived == "active":
        queryset = queryset.filter(archived=False)
    elif archived == "archived":
        queryset = queryset.filter(archived=True)
    if q:
        queryset = _matching(queryset, owner, q)
    # "none" asks for the contacts whose field is not set (forms.UNSET).
    for field, value in (("circle", circle), ("discipline", discipline), ("tier", tier)):
        if value:
            queryset = queryset.filter(**{field: "" if value == "none" else value})
    if tag:
        queryset = queryset.filter(
            Exists(
                Contact.tags.through.objects.filter(
                    contact=OuterRef("pk"), tag__owner=owner, tag__name=tag
                )
            )
        )
    queryset = with_next_due(queryset)
    if due:
        queryset = queryset.filter(_due_by(owner, today or today_for(owner)))
    return queryset.order_by(*CONTACT_SORTS.get(sort, CONTACT_SORTS["name"])).only(*LIST_FIELDS)


def with_row_details(contacts) -> list[Contact]:
    """The contacts with what a row of the list shows besides its own columns: `tag_names`
    (by name) and `first_email` (the oldest, as Contact.primary_email reads it), in one query
    of plain values."""
    contacts = list(contacts)
    by_id = {contact.pk: contact for contact in contacts}
    for contact in contacts:
        contact.tag_names, contact.first_email = [], ""
    if not by_id:
        return contacts
    first_email_ids = {}
    for contact_id, kind, text, row_id in _row_details(list(by_id)):
        contact = by_id[contact_id]
        if kind == "tag":
            contact.tag_names.append(text)
        elif row_id < first_email_ids.get(contact_id, row_id + 1):
            first_email_ids[contact_id] = row_id
            contact.first_email = text
    for contact in contacts:
        contact.tag_names.sort()
    return contacts


def _row_details(contact_ids: list[int]) -> list[tuple]:
    """(contact id, "tag" or "email", the tag name or the address, its row id) of these contacts.
    SQL of its own: building the two ORM queries it replaces (tags, emails) cost more than
    running them, on a page that runs it on every visit."""
    placeholders = ", ".join(["%s"] * len(contact_ids))
    tagged, tag = Contact.tags.through._meta.db_table, Tag._meta.db_table
    sql = f"""
        SELECT ct.contact_id, 'tag', t.name, t.id
        FROM {tagged} ct JOIN {tag} t ON t.id = ct.tag_id
        WHERE ct.contact_id IN ({placeholders})
        UNION ALL
        SELECT e.contact_id, 'email', e.email, e.id
        FROM {ContactEmail._meta.db_table} e
        WHERE e.contact_id IN ({placeholders})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*contact_ids, *contact_ids])
        return cursor.fetchall()


def matching_contacts(owner, q: str) -> QuerySet[Contact]:
    """The owner's contacts, archived ones too, matching `q` as the contacts search does (by
    name, phonetic too, company, email or tag): two queries whatever the number of matches."""
    return _matching(Contact.objects.filter(owner=owner), owner, q)


def search_contacts(owner, q: str, *, limit: int = 10, exclude_ids=()) -> list[Contact]:
    """Active contacts matching `q` by name (phonetic too), company, email or tag, for pickers."""
    q = (q or "").strip()
    if not q:
        return []
    queryset = matching_contacts(owner, q).filter(archived=False)
    if exclude_ids:
        queryset = queryset.exclude(pk__in=exclude_ids)
    return list(queryset.order_by("name", "id").prefetch_related("emails")[:limit])


def active_contact_choices(owner) -> QuerySet[Contact]:
    """The owner's active contacts, id and name only, for plain select boxes."""
    return Contact.objects.filter(owner=owner, archived=False).only("id", "name").order_by("name")


def contact_detail(owner) -> QuerySet[Contact]:
    """The owner's contacts (for get_owned_or_404) with everything the edit form and the
    brief show."""
    return (
        Contact.objects.filter(owner=owner)
        .select_related("met_at", "introduced_by")
        .prefetch_related("tags", "emails", "phones")
    )


def contact_page(owner) -> QuerySet[Contact]:
    """The owner's contacts with what the contact page's heading shows; its emails and phones
    are read by `load_contact_details` when the page's body is not in the cache."""
    return (
        Contact.objects.filter(owner=owner)
        .select_related("met_at", "introduced_by")
        .prefetch_related("tags")
    )


def load_contact_details(contact: Contact) -> None:
    """Load the emails, phones and important dates of a contact from `contact_page` (for the
    page's body)."""
    prefetch_related_objects([contact], "emails", "phones", "important_dates")


def contact_links(contact: Contact) -> list[ContactLink]:
    """Ties from and to this contact, with the other person's name loaded."""
    return list(
        ContactLink.objects.filter(owner=contact.owner_id)
        .filter(Q(from_contact=contact) | Q(to_contact=contact))
        .select_related("from_contact", "to_contact")
        .only("kind", "from_contact__name", "to_contact__name")
        .order_by("kind", "id")
    )


def contact_events(contact: Contact) -> QuerySet[Event]:
    """Events where the user met this contact, newest first."""
    return contact.events_attended.filter(owner=contact.owner_id).order_by("-starts_on")


def _upcoming_q(today: date) -> Q:
    return Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)


def event_lists(owner, today: date) -> tuple[list[Event], list[Event]]:
    """(upcoming soonest first, past newest first), each with a count of people met."""
    base = Event.objects.filter(owner=owner).annotate(people_count=Count("people_met"))
    upcoming = list(base.filter(_upcoming_q(today)).order_by("starts_on", "id"))
    past = list(base.exclude(_upcoming_q(today)).order_by("-starts_on", "-id")[:200])
    return upcoming, past


def event_detail(owner) -> QuerySet[Event]:
    """The owner's events (for get_owned_or_404) with the people met prefetched."""
    return Event.objects.filter(owner=owner).prefetch_related(
        Prefetch("people_met", queryset=Contact.objects.order_by("name"))
    )
