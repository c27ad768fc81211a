"""Duplicate detection keys and the in-memory state of the contacts an import touches.

A row matches a contact by email, by LinkedIn URL, or by normalised name plus company (in that
order). The owner's existing keys are loaded once, in three queries, into dicts, so matching a
row costs a few dict lookups whatever the size of the account or the file.
"""

import functools
import operator
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from ..models import Contact, ContactEmail, ContactPhone, Tag
from ..phones import phone_key
from .records import TEXT_FIELDS, ContactRecord

LEGAL_SUFFIXES = {
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "pty",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "srl",
    "spa",
    "kg",
    "se",
}


_PUNCTUATION = re.compile(r"[^\w\s]")


def fold(text: str) -> str:
    """Lower-case ASCII-ish words: accents, case, punctuation and spacing do not matter."""
    if not text:
        return ""
    if text.isascii():
        # Most names are letters and single spaces already: only the case changes.
        if text.replace(" ", "").isalnum() and "  " not in text and text.strip() == text:
            return text.lower()
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


def norm_email(email: str) -> str:
    return (email or "").strip().lower()


def norm_name(name: str) -> str:
    return fold(name)


@functools.lru_cache(maxsize=8192)  # an export names far fewer companies than people
def norm_company(company: str) -> str:
    words = fold(company).split()
    while words and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def norm_phone(number: str, region: str = "") -> str:
    """A phone number's match key: E.164 (contacts.phones), else its digits."""
    return phone_key(number, region) or re.sub(r"\D", "", number or "")


# The usual shape of a LinkedIn URL, checked before the general (slower) URL parsing.
_LINKEDIN = re.compile(
    r"(?:https?://)?(?:[a-z]{2,3}\.|www\.)?linkedin\.com/([^?#\s%]*)(?:[?#]\S*)?", re.IGNORECASE
)


def norm_linkedin(url: str) -> str:
    """'linkedin.com/in/<slug>' for any spelling of a profile URL (scheme, www or country
    subdomain, trailing slash, tracking query, case, percent-encoding), '' if not LinkedIn."""
    url = (url or "").strip()
    if not url:
        return ""
    if m := _LINKEDIN.fullmatch(url):
        return linkedin_key(m)
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return ""
    path = unquote(parts.path).strip("/").lower()
    return f"linkedin.com/{path}" if path else ""


def linkedin_key(match: re.Match) -> str:
    """norm_linkedin of a URL of the usual shape, from its `_LINKEDIN` match."""
    path = match[1].strip("/").lower()
    return f"linkedin.com/{path}" if path else ""


def name_key(name: str, company: str) -> str:
    name = norm_name(name)
    return f"{name}|{norm_company(company)}" if name else ""


_text_fields = operator.attrgetter(*TEXT_FIELDS)


class ContactState:
    """A contact as the import sees it: existing (id set) or to be created (id None), with
    what this import adds to it. Filling only blanks is enforced here."""

    __slots__ = (
        "changed",
        "created",
        "emails",
        "fields",
        "id",
        "keys",
        "line",
        "new_emails",
        "new_phones",
        "new_tags",
        "phones",
        "tags",
    )

    def __init__(self, id=None, line=None, fields=None, emails=(), phones=(), tags=()):
        self.id = id
        self.line = line  # first file line of a contact this import creates
        self.fields = fields or {f: "" for f in TEXT_FIELDS}
        self.emails = set(emails)
        self.phones = set(phones)
        self.tags = set(tags)
        self.new_emails: list[tuple[str, str]] = []
        self.new_phones: list[tuple[str, str]] = []
        self.new_tags: list[str] = []
        self.changed: set[str] = set()
        self.created = id is None
        self.keys: list[tuple[str, str]] = []

    @classmethod
    def from_record(cls, record: ContactRecord, line: int) -> "ContactState":
        """A contact this import creates from its first row: what `absorb` into a blank state
        gives, built directly (one per new row, so it is worth skipping the generic path)."""
        state = cls.__new__(cls)
        state.id = None
        state.line = line
        state.created = True
        state.fields = dict(zip(TEXT_FIELDS, _text_fields(record)))
        state.changed = set()
        state.keys = []
        state.emails, state.new_emails = set(), []
        for email, label in record.emails:
            key = norm_email(email)
            if key not in state.emails:
                state.emails.add(key)
                state.new_emails.append((key, label))
        state.phones, state.new_phones = set(), []
        for number, label in record.phones:
            key = norm_phone(number)
            if key and key not in state.phones:
                state.phones.add(key)
                state.new_phones.append((number, label))
        state.tags, state.new_tags = set(), []
        for tag in record.tags:
            if tag.lower() not in state.tags:
                state.tags.add(tag.lower())
                state.new_tags.append(tag)
        return state

    def absorb(self, record: ContactRecord) -> list[str]:
        """Fill blank fields and add unknown emails, phones and tags; never overwrite.
        Returns what changed, for the preview's reason column."""
        what = []
        for name in TEXT_FIELDS:
            value = getattr(record, name)
            if value and not self.fields.get(name):
                self.fields[name] = value
                self.changed.add(name)
                what.append(name.replace("_", " "))
        for email, label in record.emails:
            key = norm_email(email)
            if key not in self.emails:
                self.emails.add(key)
                self.new_emails.append((key, label))
                what.append(f"email {key}")
        for number, label in record.phones:
            key = norm_phone(number)
            if key and key not in self.phones:
                self.phones.add(key)
                self.new_phones.append((number, label))
                what.append(f"phone {number}")
        for tag in record.tags:
            if tag.lower() not in self.tags:
                self.tags.add(tag.lower())
                self.new_tags.append(tag)
                what.append(f"tag {tag}")
        return what

    def written(self) -> None:
        """What this import adds is now in the database: it is an existing contact, to which
        a later row can still add."""
        self.created = False
        self.changed = set()
        self.new_emails, self.new_phones, self.new_tags = [], [], []

    def match_keys(self) -> list[tuple[str, str]]:
        keys = [("email", e) for e in self.emails]
        if link := norm_linkedin(self.fields.get("linkedin_url", "")):
            keys.append(("linkedin", link))
        if nk := name_key(self.fields.get("name", ""), self.fields.get("company", "")):
            keys.append(("name", nk))
        return keys


def record_keys(record: ContactRecord) -> list[tuple[str, str]]:
    """The keys a row is looked up by, strongest first."""
    return contact_keys(
        [e for e, _ in record.emails],
        norm_linkedin(record.linkedin_url),
        record.name,
        record.company,
    )


def contact_keys(emails, link: str, name: str, company: str) -> list[tuple[str, str]]:
    """record_keys from the values themselves, the LinkedIn URL already normalised (the
    LinkedIn batch path builds no record, and has matched the URL when checking it)."""
    keys = [("email", norm_email(e)) for e in emails]
    if link:
        keys.append(("linkedin", link))
    if nk := name_key(name, company):
        keys.append(("name", nk))
    return keys


class MatchIndex:
    """Key → contact id (in the database) or ContactState (touched by this import)."""

    def __init__(self, owner):
        self.owner = owner
        self.keys: dict[tuple[str, str], object] = {}
        keys = self.keys
        # Oldest first with setdefault: when two contacts share a key, the older one matches.
        for contact_id, name, company, linkedin in (
            Contact.objects.filter(owner=owner)
            .order_by("id")
            .values_list("id", "name", "company", "linkedin_url")
        ):
            if link := norm_linkedin(linkedin):
                keys.setdefault(("linkedin", link), contact_id)
            if nk := name_key(name, company):
                keys.setdefault(("name", nk), contact_id)
        for email, contact_id in (
            ContactEmail.objects.filter(contact__owner=owner)
            .order_by("contact_id")
            .values_list("email", "contact_id")
        ):
            keys.setdefault(("email", norm_email(email)), contact_id)
        self.tag_ids = {
            name.lower(): tag_id
            for tag_id, name in Tag.objects.filter(owner=owner).values_list("id", "name")
        }

    def lookup(self, keys: list[tuple[str, str]]):
        for key in keys:
            ref = self.keys.get(key)
            if ref is not None:
                return ref, key[0]
        return None, ""

    def forget(self, contact_id: int) -> None:
        """The contact is gone (deleted by its owner while the import ran): nothing matches
        it any more."""
        for key in [k for k, ref in self.keys.items() if type(ref) is int and ref == contact_id]:
            del self.keys[key]

    def register(self, state: ContactState, keys=None) -> None:
        """Point the state's keys (computed from its fields unless given) at it."""
        for key in state.match_keys() if keys is None else keys:
            if key not in self.keys:
                self.keys[key] = state
                state.keys.append(key)


def _among(model, column: str, ids) -> Q:
    """`column` is one of `ids` (thousands of them): on PostgreSQL `= ANY(array)`, one
    parameter where an `IN` list would take longer to build than to run, and planned as an
    index lookup even though the table statistics are stale in the middle of an import."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": ids})
    quote = connection.ops.quote_name
    sql = f"{quote(model._meta.db_table)}.{quote(column)} = ANY(%s::bigint[])"
    return Q(RawSQL(sql, (ids,), output_field=BooleanField()))


def _rows(queryset, cursor=None):
    """A values_list queryset's rows, read through `cursor` when given (another connection's:
    the import's own may be busy with a COPY), else as usual."""
    if cursor is None:
        return queryset
    cursor.execute(*queryset.query.sql_with_params())
    return cursor.fetchall()


def load_states(owner, ids, cursor=None) -> dict[int, ContactState]:
    """ContactStates of existing contacts, in four queries whatever their number."""
    states = {}
    # The owner is checked here rather than in SQL: mid-import the planner's statistics still
    # see the owner with the few contacts they had before, and it would scan all of them
    # through the owner index instead of looking up the ids.
    for contact_id, owner_id, *values in _rows(
        Contact.objects.filter(_among(Contact, "id", ids))
        .order_by()
        .values_list("id", "owner_id", *TEXT_FIELDS),
        cursor,
    ):
        if owner_id == owner.pk:
            states[contact_id] = ContactState(id=contact_id, fields=dict(zip(TEXT_FIELDS, values)))
    for contact_id, email in _rows(
        ContactEmail.objects.filter(_among(ContactEmail, "contact_id", states))
        .order_by()
        .values_list("contact_id", "email"),
        cursor,
    ):
        states[contact_id].emails.add(norm_email(email))
    for contact_id, number in _rows(
        ContactPhone.objects.filter(_among(ContactPhone, "contact_id", states))
        .order_by()
        .values_list("contact_id", "number"),
        cursor,
    ):
        states[contact_id].phones.add(norm_phone(number))
    through = Contact.tags.through
    for contact_id, name in _rows(
        through.objects.filter(_among(through, "contact_id", states))
        .order_by()
        .values_list("contact_id", "tag__name"),
        cursor,
    ):
        states[contact_id].tags.add(name.lower())
    return states
