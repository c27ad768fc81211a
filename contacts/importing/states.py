"""The contacts an import touches, as it sees them: existing ones read from the database in a
few queries a batch, and those it creates, with what the import adds to each."""

import operator

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from ..dates.models import DateKind, ImportantDate
from ..models import Contact, ContactEmail, ContactKind, ContactPhone
from ..names import name_keys
from .normalize import EMAIL, PHONE, linkedin_match_key, norm_email, norm_linkedin, norm_phone
from .records import TEXT_FIELDS, ContactRecord

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
