"""The batch path for LinkedIn's Connections.csv: exports run to tens of thousands of rows of
five fixed fields, nearly all of them people new to the account.

A row that is valid and matches nothing (the usual row) goes from its CSV cells to a `NewRow`
(its five values and its keys) and on to COPY: no ContactRecord, ParsedRow or ContactState.
Every other row (unreadable, blank, without a name, failing a check, or the same person as a
contact or an earlier row) is handed, as the general parser reads it, to the general
`Importer.classify`, so it is reported and merged exactly as in any other format.
"""

import operator

from ..models import ContactKind
from ..names import name_keys
from .cells import _PLAIN_EMAIL, MAX_LENGTHS
from .importer import Importer
from .normalize import (
    _LINKEDIN,
    LINKEDIN,
    contact_keys,
    linkedin_key,
    norm_email,
    record_keys,
    record_names,
)
from .parsers import LINKEDIN_FIELDS, LinkedInRows, iter_csv, linkedin_how_we_met
from .records import TEXT_FIELDS, ContactRecord, ParsedRow
from .results import RowResult, Status
from .states import ContactState

# The checks `check_record` makes, in the form a LinkedIn row needs: a row that passes them
# passes `check_record` unchanged; one that does not takes the general path, which leaves
# out (or cuts) what cannot be kept and says so.
_NAME_MAX, _COMPANY_MAX, _TITLE_MAX, _URL_MAX = (
    MAX_LENGTHS[f] for f in ("name", "company", "title", "linkedin_url")
)
_SCHEMES = ("https://", "http://")


class NewRow:
    """A contact this import creates from one row that matched nothing, as its five values
    (in LINKEDIN_FIELDS order) and its email. Read by `Importer.flush` as a ContactState;
    kept, with its id, once written (see `promote`)."""

    __slots__ = ("email", "id", "keys", "line", "name", "names", "values")

    # What a ContactState this import creates from one row would hold besides.
    changed = frozenset()
    created = True
    new_phones = new_tags = ()
    birthday = None

    def __init__(self, line, values, email, keys, names):
        self.line = line
        self.values = values
        self.name = values[0]
        self.email = email
        self.keys = keys
        self.names = names
        self.id = None

    @property
    def new_emails(self):
        return ((self.email.lower(), "LinkedIn"),) if self.email else ()

    def has_linkedin(self) -> bool:
        return any(key[0] == LINKEDIN for key in self.keys)

    def shelved(self) -> tuple:
        """As `ContactState.shelved` gives the state made from `record()`, once written."""
        fields = dict.fromkeys(TEXT_FIELDS, "")
        fields.update(zip(LINKEDIN_FIELDS, self.values))
        emails = (norm_email(self.email),) if self.email else ()
        texts = tuple(fields[f] for f in TEXT_FIELDS)
        return (self.id, self.line, texts, str(ContactKind.PERSON), emails, (), (), None)

    def record(self) -> ContactRecord:
        """The row as the general parser reads it."""
        record = ContactRecord(**dict(zip(LINKEDIN_FIELDS, self.values)))
        if self.email:
            record.emails.append((self.email, "LinkedIn"))
        return record


class LinkedInImporter(Importer):
    """`Importer` for a LinkedIn export; reads (line, cells, error) from the CSV itself."""

    new_columns = LINKEDIN_FIELDS
    _new_fields = operator.itemgetter(*LINKEDIN_FIELDS)

    def __init__(self, owner, sniffed, **options):
        super().__init__(owner, **options)
        self.reader = LinkedInRows(sniffed)

    def rows(self, path, sniffed, mapping):
        return iter_csv(path, sniffed)

    def new_values(self, state) -> tuple:
        if type(state) is NewRow:
            return state.values
        return self._new_fields(state.fields)

    def read(self, line: int, cells: list[str] | None, error: str):
        """A NewRow for a row that passes every check, else its ParsedRow (None for a blank
        line)."""
        if error or not cells or len(cells) != self.reader.header_width:
            return self.reader.parsed(line, cells, error)
        first, last, url, profile_url, email, company, title, connected = self.reader.cells(cells)
        name = f"{first} {last}" if first and last else first or last
        url = url or profile_url
        link = url and url.startswith(_SCHEMES) and _LINKEDIN.fullmatch(url)
        if (
            not name
            or (email and not (len(email) <= 254 and _PLAIN_EMAIL.fullmatch(email)))
            or (url and not link)
            or len(name) > _NAME_MAX
            or len(company) > _COMPANY_MAX
            or len(title) > _TITLE_MAX
            or len(url) > _URL_MAX
        ):
            return self.reader.parsed(line, cells)
        keys = contact_keys((email,) if email else (), link and linkedin_key(link))
        values = (name, company, title, url, linkedin_how_we_met(connected))
        return NewRow(line, values, email, keys, name_keys(name))

    def process(self, rows: list[tuple[int, list[str] | None, str]]) -> None:
        # First the rows are read and the existing contacts they may match loaded (in four
        # queries for the batch); then classified in file order, so that a person met twice
        # is created at the first row and merged at the second.
        index = self.index
        keys_of = index.keys
        planned, wanted = [], set()
        for line, cells, error in rows:
            item = self.read(line, cells, error)
            if item is None:
                continue
            if type(item) is NewRow:
                keys, names = item.keys, item.names
            elif item.record is not None:
                item.warnings.extend(self.prepare(item.record))
                keys, names = record_keys(item.record), record_names(item.record)
            else:
                keys, names = [], ()
            ref, _ = index.lookup(keys)
            if ref is not None:
                refs = [ref]
            elif type(item) is NewRow and self.strangers(item):
                refs = ()
            else:
                refs = index.candidates(names)
            wanted.update(r for r in refs if type(r) is int and r not in self.cache)
            planned.append((item, keys))
        if wanted:
            self.cache.update(self.load_states(wanted))
        touched: dict[int, object] = {}
        emit, new = self.emit, Status.NEW
        for item, keys in planned:
            if type(item) is NewRow:
                if any(key in keys_of for key in keys) or not self.strangers(item):
                    # Someone with these identifiers, or of this name, is known: the general
                    # path tells whether it is the same person.
                    item = ParsedRow(line=item.line, record=item.record())
                else:
                    for key in keys:
                        keys_of[key] = item
                    index.add_names(item.names, item)
                    touched[id(item)] = item
                    emit(RowResult(item.line, new, item.name))
                    continue
            self.classify(item, keys, touched)
        # A promoted contact is in the batch twice when a later row changed it (under its
        # NewRow's key and its own): once is enough, in the NewRow's place.
        self.flush(list({id(state): state for state in touched.values()}.values()))

    def strangers(self, row: NewRow) -> bool:
        """Whether everyone known by the row's name (if anyone) is another person: each has a
        LinkedIn profile, and the row has one that nobody has (none of its keys is known), so
        the general path would find them all different people without reading them."""
        candidates = self.index.candidates(row.names)
        return not candidates or (
            row.has_linkedin() and all(map(self.index.has_linkedin, candidates))
        )

    def classify(self, row: ParsedRow, keys: list, touched: dict) -> None:
        if row.record is not None:
            ref, _ = self.index.lookup(keys)
            if type(ref) is NewRow:
                self.promote(ref, touched)
            elif ref is None:
                for candidate in self.index.candidates(record_names(row.record)):
                    if type(candidate) is NewRow:
                        self.promote(candidate, touched)
        super().classify(row, keys, touched)

    def promote(self, row: NewRow, touched: dict) -> ContactState:
        """A later row may be the same person: the contact becomes a ContactState, so the
        general path can compare and merge, in the NewRow's place in the batch."""
        state = ContactState.from_record(row.record(), row.line)
        if row.id is not None:  # written by an earlier batch (or numbered by a dry run)
            state.id = row.id
            state.written()
        state.keys, state.names = row.keys, row.names
        self.index.repoint(row, state, row.keys, row.names)
        touched[id(row)] = state
        return state
