"""The importer: classifies each row of a batch against the owner's contacts and the rows
before it (new, update, duplicate, possible duplicate, skipped, error), then has the batch
written (writes.py) and shelved (shelf.py)."""

import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from ..models import ContactKind
from ..phones import normalize_phone
from ..services import get_profile
from . import bulk
from .cells import check_record
from .idmap import IdMap
from .matching import MatchIndex
from .normalize import conflicts, record_keys, record_names, same_person
from .parsers import parse
from .records import ContactRecord, ParsedRow
from .results import RowResult, Status
from .shelf import Shelf
from .states import ContactState, load_states
from .writes import BatchWrites, new_contact_defaults


class Importer(BatchWrites):
    """Classifies rows against the owner's contacts and writes them in batches."""

    def __init__(self, owner, *, dry_run: bool, sink: Callable[[RowResult], None]):
        self.owner = owner
        self.dry_run = dry_run
        self.sink = sink
        self.index = MatchIndex(owner)
        self.cache: dict[int, ContactState] = {}  # the contacts the batch under way read
        self.shelf = Shelf()  # the contacts earlier batches created or changed
        self.created_lines = IdMap()  # contact id (negative in a dry run) → line
        self.fake_ids = itertools.count(-1, -1)
        self.counts: Counter = Counter()
        self.warned = 0
        self.writer: bulk.CopyWriter | None = None  # while `writing`, on PostgreSQL
        self.new_contact_defaults = new_contact_defaults(owner)
        self.region = get_profile(owner).phone_region

    def load_states(self, ids) -> dict[int, ContactState]:
        """The contacts `ids` as this import sees them: from the shelf those it created or
        changed, the others from the database (on the writer's second connection, if any,
        which need not wait for the writes under way)."""
        states = self.shelf.load(ids)
        others = [i for i in ids if i not in states] if states else ids
        if others and self.writer is None:
            states.update(load_states(self.owner, others))
        elif others:
            with self.writer.reading() as cursor:
                states.update(load_states(self.owner, others, cursor))
        return states

    def rows(self, path: Path, sniffed, mapping) -> Iterable:
        """What `process` takes, in batches: the file's ParsedRows."""
        return parse(path, sniffed, mapping)

    def emit(self, result: RowResult) -> None:
        self.counts[result.status] += 1
        if result.warnings:
            self.warned += 1
        self.sink(result)

    def prepare(self, record: ContactRecord) -> list[str]:
        """Make the row's record importable in place (phones in E.164, cells that cannot be
        kept left out, an organisation's row named after it); the warnings to show."""
        if record.phones:
            phones, seen = [], set()
            for number, label in record.phones:
                number = normalize_phone(number, self.region)
                if number not in seen:
                    seen.add(number)
                    phones.append((number, label))
            record.phones = phones
        warnings = check_record(record)
        if not record.name and record.company and "/in/" not in record.linkedin_url:
            # A company's own row (a shop, a practice), not a person who hides their name.
            record.name, record.kind = record.company, ContactKind.ORGANISATION
        elif not record.name and record.emails:
            record.name = record.emails[0][0]
        return warnings

    def process(self, rows: list[ParsedRow]) -> None:
        # First every row's record is made ready and the existing contacts it may match are
        # loaded (in four queries for the batch); then rows are classified in file order.
        wanted = set()
        keys = []
        index = self.index
        for row in rows:
            row_keys = []
            if row.record is not None:
                row.warnings.extend(self.prepare(row.record))
                row_keys = record_keys(row.record)
                ref, _ = index.lookup(row_keys)
                refs = [ref] if ref is not None else index.candidates(record_names(row.record))
                wanted.update(r for r in refs if type(r) is int and r not in self.cache)
            keys.append(row_keys)
        if wanted:
            self.cache.update(self.load_states(wanted))
        # Insertion-ordered and hashed by identity: a state is touched once per batch.
        touched: dict[int, ContactState] = {}
        for row, row_keys in zip(rows, keys):
            self.classify(row, row_keys, touched)
        self.flush(list(touched.values()))

    def resolve(self, ref) -> ContactState | None:
        """The state of a matched contact: one this import holds, or an existing contact
        (read now if it was not read with its batch); None if it was deleted meanwhile."""
        if type(ref) is not int:
            return ref
        state = self.cache.get(ref)
        if state is None:
            state = self.load_states([ref]).get(ref)
            if state is None:
                self.index.forget(ref)
                return None
            self.cache[ref] = state
        return state

    def where(self, state: ContactState) -> str:
        line = state.line if state.id is None else self.created_lines.get(state.id)
        if line is not None:
            return f"line {line} of this file"
        return "your contacts"

    def classify(self, row: ParsedRow, keys: list, touched: dict) -> None:
        if row.error:
            self.emit(RowResult(row.line, Status.ERROR, reason=row.error, raw=row.raw))
            return
        record = row.record
        warnings = row.warnings or None
        if record is None:
            reason = row.skip or "empty row"
            self.emit(RowResult(row.line, Status.SKIPPED, reason=reason, raw=row.raw))
            return
        if not record.name:
            reason = "no name or email address"
            self.emit(RowResult(row.line, Status.SKIPPED, reason=reason, raw=row.raw))
            return
        ref, matched_by = self.index.lookup(keys)
        state = self.resolve(ref) if ref is not None else None
        possible = ""
        if state is not None and not same_person(state.fields, record, matched_by):
            possible = (
                f"possibly the same person as “{state.fields['name']}” ({self.where(state)}): "
                f"same {matched_by}, but " + (
                    "a different name" if matched_by == "phone" else "a different LinkedIn profile"
                )
            )
            state = None
        if state is None:
            for candidate in self.index.candidates(record_names(record)):
                other = self.resolve(candidate)
                if other is None or conflicts(other.fields, record):
                    continue
                if not keys and other.holds(record):
                    # Nothing in the row that the contact does not have: a file imported again.
                    self.emit(
                        RowResult(
                            row.line, Status.DUPLICATE, record.name,
                            f"already in {self.where(other)} as “{other.fields['name']}”",
                            other.id, warnings=warnings,
                        )
                    )
                    return
                possible = possible or (
                    f"possibly the same person as “{other.fields['name']}” "
                    f"({self.where(other)}): a similar name; not merged"
                )
                break
            state = ContactState.from_record(record, row.line)
            self.index.register(state, keys)
            touched[id(state)] = state
            status = Status.POSSIBLE if possible else Status.NEW
            self.emit(RowResult(row.line, status, record.name, possible, warnings=warnings))
            return
        changes = state.absorb(record)
        if changes:
            self.index.register(state)
            touched[id(state)] = state
        first_line = state.line if state.id is None else self.created_lines.get(state.id)
        if first_line is not None:
            reason = f"same person as line {first_line} (same {matched_by}); merged"
            self.emit(RowResult(row.line, Status.DUPLICATE, record.name, reason, state.id, warnings=warnings))
        elif changes:
            reason = f"matches “{state.fields['name']}” by {matched_by}; adds " + ", ".join(changes)
            self.emit(RowResult(row.line, Status.UPDATE, record.name, reason, state.id, warnings=warnings))
        else:
            reason = f"already in your contacts as “{state.fields['name']}” (same {matched_by})"
            self.emit(RowResult(row.line, Status.DUPLICATE, record.name, reason, state.id, warnings=warnings))

    def flush(self, touched: list[ContactState]) -> None:
        """The batch's contacts written (a dry run numbers its new ones instead), then put on
        the shelf: from now on the index finds each by its id alone, and a later row of the
        same person reads it back from the shelf, as the database now holds it."""
        if self.dry_run:
            for state in touched:
                if state.id is None:
                    state.id = next(self.fake_ids)
                    self.created_lines[state.id] = state.line
        else:
            self.write(touched)
        for state in touched:
            if type(state) is ContactState:
                state.written()
            self.shelf.put(state)
            self.index.settle(state)
        # What the batch read is let go of too (the contacts it changed are on the shelf, the
        # others as the database has them): memory stays that of one batch.
        self.cache.clear()
