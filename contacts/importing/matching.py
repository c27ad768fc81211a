"""Duplicate detection keys and the in-memory state of the contacts an import touches.

A row is the same person as a contact only by a strong identifier: an email address, a
LinkedIn profile URL or a phone number (E.164), and only when no other strong identifier
says otherwise (two different LinkedIn profiles are two people). A name alone (contacts.names:
transliterated, nicknames, phonetic spellings) makes a *possible* duplicate, which the import
reports and never merges. The owner's existing keys are loaded once, in a few queries, into
dicts, so matching a row costs a few dict lookups whatever the size of the account or file.
"""

import operator

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from ..dates.models import DateKind, ImportantDate
from ..models import Contact, ContactEmail, ContactKind, ContactPhone, Tag
from ..names import name_keys
from ..phones import phone_key
from .normalize import norm_email, norm_linkedin, norm_phone
from .records import TEXT_FIELDS, ContactRecord

# How many contacts one name key points at: enough to find the one a row is contained in,
# bounded for the "John Smith"s of a large network.
NAME_CANDIDATES = 8


_text_fields = operator.attrgetter(*TEXT_FIELDS)


class ContactState:
    """A contact as the import sees it: existing (id set) or to be created (id None), with
    what this import adds to it. Filling only blanks is enforced here."""

    __slots__ = (
        "birthday",
        "changed",
        "created",
        "emails",
        "fields",
        "id",
        "keys",
        "line",
        "names",
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
        self.keys: list[str] = []
        self.names: frozenset[str] = frozenset()
        # The birthday this import adds (month, day, year); `True` once the contact has one.
        self.birthday = None

    @classmethod
    def from_record(cls, record: ContactRecord, line: int) -> "ContactState":
        """A contact this import creates from its first row: what `absorb` into a blank state
        gives, built directly (one per new row, so it is worth skipping the generic path)."""
        state = cls.__new__(cls)
        state.id = None
        state.line = line
        state.created = True
        state.fields = dict(zip(TEXT_FIELDS, _text_fields(record)))
        state.fields["kind"] = record.kind or ContactKind.PERSON
        state.changed = set()
        state.keys = []
        state.names = frozenset()
        state.birthday = record.birthday
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
        if record.birthday and not self.birthday:
            self.birthday = record.birthday
            what.append("birthday")
        return what

    def holds(self, record: ContactRecord) -> bool:
        """Whether the row says nothing this contact does not already say: importing it again
        changes nothing."""
        fields = self.fields
        for name, value in zip(TEXT_FIELDS, _text_fields(record)):
            # Held when the contact says as much ("Connected on LinkedIn" is in "Connected on
            # LinkedIn on 12 Mar 2021").
            if value and value != fields.get(name) and value.casefold() not in fields.get(name, "").casefold():
                return False
        if record.birthday and not self.birthday:
            return False
        return (
            all(norm_email(e) in self.emails for e, _ in record.emails)
            and all(norm_phone(n) in self.phones for n, _ in record.phones)
            and all(t.lower() in self.tags for t in record.tags)
        )

    def written(self) -> None:
        """What this import adds is now in the database: it is an existing contact, to which
        a later row can still add."""
        self.created = False
        self.changed = set()
        self.new_emails, self.new_phones, self.new_tags = [], [], []
        if self.birthday:
            self.birthday = True

    def shelved(self) -> tuple:
        """The state as plain values, for `Shelf` (once written: nothing new left to write)."""
        fields = self.fields
        kind = fields.get("kind")
        return (
            self.id,
            self.line,
            tuple(fields[f] for f in TEXT_FIELDS),
            None if kind is None else str(kind),  # a ContactKind is a str marshal refuses
            tuple(self.emails),
            tuple(self.phones),
            tuple(self.tags),
            self.birthday,
        )

    @classmethod
    def unshelved(cls, values: tuple) -> "ContactState":
        contact_id, line, texts, kind, emails, phones, tags, birthday = values
        state = cls(contact_id, line, dict(zip(TEXT_FIELDS, texts)), emails, phones, tags)
        if kind is not None:
            state.fields["kind"] = kind
        state.birthday = birthday
        return state

    def has_linkedin(self) -> bool:
        return bool(norm_linkedin(self.fields.get("linkedin_url", "")))

    def match_keys(self) -> list[str]:
        """The contact's strong identifiers."""
        keys = [EMAIL + e for e in self.emails]
        if link := norm_linkedin(self.fields.get("linkedin_url", "")):
            keys.append(linkedin_match_key(link))
        keys.extend(PHONE + p for p in self.phones if p[:1] == "+")
        return keys

    def name_keys(self) -> frozenset[str]:
        return name_keys(self.fields.get("name", ""), self.fields.get("phonetic_name", ""))


# A strong identifier as the index keeps it: one string, its kind's letter then its value (a
# tuple of the two cost 64 bytes more a key: 30 MB for a 500,000-row file).
EMAIL, LINKEDIN, PHONE = "e", "l", "p"
MATCHED_BY = {EMAIL: "email", LINKEDIN: "linkedin", PHONE: "phone"}
_LINKEDIN_HOST = len("linkedin.com/")


def linkedin_match_key(link: str) -> str:
    """The key of a normalised LinkedIn URL: its path (every one is on linkedin.com)."""
    return LINKEDIN + link[_LINKEDIN_HOST:]


def record_keys(record: ContactRecord) -> list[str]:
    """The strong identifiers a row is looked up by (its phones already in E.164)."""
    keys = contact_keys([e for e, _ in record.emails], norm_linkedin(record.linkedin_url))
    for number, _ in record.phones:
        if number[:1] == "+" and (key := phone_key(number)):
            keys.append(PHONE + key)
    return keys


def contact_keys(emails, link: str) -> list[str]:
    """record_keys from the values themselves, the LinkedIn URL already normalised (the
    LinkedIn batch path builds no record, and has matched the URL when checking it)."""
    keys = [EMAIL + norm_email(e) for e in emails]
    if link:
        keys.append(linkedin_match_key(link))
    return keys


class MatchIndex:
    """Key → contact id, or the ContactState (or LinkedIn NewRow) of a contact the batch under
    way touches. A name key leads to one contact, or to a list of them when several share it:
    most names are someone's alone, and a list for each cost 80 bytes more a name."""

    def __init__(self, owner):
        self.owner = owner
        self.keys: dict[str, object] = {}
        self.names: dict[str, object] = {}  # name key → a contact, or a list of them
        # The contacts (ids) without a LinkedIn profile, so that one with a profile is known
        # to be another person than a row with another profile without reading it.
        self.unlinked: set[int] = set()
        keys = self.keys
        # Oldest first with setdefault: when two contacts share a key, the older one matches.
        for contact_id, name, phonetic, linkedin in (
            Contact.objects.filter(owner=owner)
            .order_by("id")
            .values_list("id", "name", "phonetic_name", "linkedin_url")
        ):
            if link := norm_linkedin(linkedin):
                keys.setdefault(linkedin_match_key(link), contact_id)
            else:
                self.unlinked.add(contact_id)
            self.add_names(name_keys(name, phonetic), contact_id)
        for number, contact_id in (
            ContactPhone.objects.filter(contact__owner=owner, number__startswith="+")
            .order_by("contact_id")
            .values_list("number", "contact_id")
        ):
            if key := phone_key(number):
                keys.setdefault(PHONE + key, contact_id)
        for email, contact_id in (
            ContactEmail.objects.filter(contact__owner=owner)
            .order_by("contact_id")
            .values_list("email", "contact_id")
        ):
            keys.setdefault(EMAIL + norm_email(email), contact_id)
        self.tag_ids = {
            name.lower(): tag_id
            for tag_id, name in Tag.objects.filter(owner=owner).values_list("id", "name")
        }

    def lookup(self, keys: list[str]):
        """The contact the first known key leads to, and that key's kind (MATCHED_BY)."""
        for key in keys:
            ref = self.keys.get(key)
            if ref is not None:
                return ref, MATCHED_BY[key[0]]
        return None, ""

    def add_names(self, keys, ref) -> None:
        names = self.names
        for key in keys:
            refs = names.get(key)
            if refs is None:
                names[key] = ref
            elif type(refs) is list:
                if len(refs) < NAME_CANDIDATES and ref not in refs:
                    refs.append(ref)
            elif refs != ref:
                names[key] = [refs, ref]

    def candidates(self, keys) -> list:
        """The contacts (ids and states) whose name shares one of `keys`, oldest first."""
        found = []
        names = self.names
        for key in keys:
            refs = names.get(key)
            if refs is None:
                continue
            for ref in refs if type(refs) is list else (refs,):
                if ref not in found:
                    found.append(ref)
        return found

    def repoint(self, old, new, keys, names) -> None:
        """The index's `keys` and name keys `names` that lead to `old` lead to `new` instead
        (a state to its id once written, a LinkedIn row to the state it became)."""
        index = self.keys
        for key in keys:
            if index.get(key) is old:
                index[key] = new
        index = self.names
        for key in names:
            refs = index.get(key)
            if refs is old:
                index[key] = new
            elif type(refs) is list:
                for at, ref in enumerate(refs):
                    if ref is old:
                        refs[at] = new

    def has_linkedin(self, ref) -> bool:
        """Whether the contact (an id, or a state the batch touches) has a LinkedIn profile."""
        if type(ref) is int:
            return ref not in self.unlinked
        return ref.has_linkedin()

    def settle(self, state) -> None:
        """The state is written (or numbered, in a dry run): it is known by its id alone."""
        self.repoint(state, state.id, state.keys, state.names)
        if state.has_linkedin():
            self.unlinked.discard(state.id)
        else:
            self.unlinked.add(state.id)

    def forget(self, contact_id: int) -> None:
        """The contact is gone (deleted by its owner while the import ran): nothing matches
        it any more."""
        for key in [k for k, ref in self.keys.items() if type(ref) is int and ref == contact_id]:
            del self.keys[key]
        for key, refs in list(self.names.items()):
            if type(refs) is list:
                if contact_id in refs:
                    refs.remove(contact_id)
            elif type(refs) is int and refs == contact_id:
                del self.names[key]

    def register(self, state: ContactState, keys=None) -> None:
        """Point the state's keys (computed from its fields unless given) at it, and its
        name's keys."""
        for key in state.match_keys() if keys is None else keys:
            if key not in self.keys:
                self.keys[key] = state
                state.keys.append(key)
        names = state.name_keys()
        if names != state.names:
            self.add_names(names - state.names, state)
            state.names = names


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
    """ContactStates of existing contacts, in five queries whatever their number."""
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
    for (contact_id,) in _rows(
        ImportantDate.objects.filter(
            _among(ImportantDate, "contact_id", states), kind=DateKind.BIRTHDAY
        )
        .order_by()
        .values_list("contact_id"),
        cursor,
    ):
        states[contact_id].birthday = True
    return states
