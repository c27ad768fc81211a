"""Import services: read a file, classify every row (new / update / duplicate / skipped /
error) and, unless it is a dry run, write every accepted row in one transaction.

The same function backs the admin preview and confirm steps, the Celery task and the
`import_contacts` command, so all of them report the same thing.
"""

import gc
import itertools
import operator
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path

from django.db import connection, connections, transaction
from django.utils import timezone

from ..dates.models import DateKind, ImportantDate
from ..models import Contact, ContactEmail, ContactKind, ContactPhone, Tag
from ..phones import normalize_phone
from ..services import get_profile
from . import bulk
from .cells import check_record
from .idmap import IdMap
from .matching import MatchIndex
from .normalize import conflicts, record_keys, record_names, same_person
from .parsers import auto_mapping, mapping_is_usable, parse
from .records import NEW_FIELDS, ContactRecord, ParsedRow
from .results import ImportSummary, RowResult, Status
from .shelf import Shelf
from .sniff import Format, ImportFileError, norm_header, sniff
from .states import ContactState, load_states

# Rows per batch: each batch costs a few round trips (its reads, its ids), and its writes run
# while the next is read. 5,000 took a 50,000-row import 6% less time than 2,000 (fewer round
# trips) and 10,000 no less again (the last batch's writes overlap nothing).
BATCH_SIZE = 5000


def new_contact_defaults(owner) -> dict:
    """What an imported contact is written with besides its file's values: its owner, and
    circle, discipline and tier not set (unsorted, never guessed), hence no cadence and no
    follow-up due (the follow-up engine's rule) until the user sorts them."""
    return {"owner": owner, "circle": "", "discipline": "", "tier": "", "next_follow_up_on": None}


class Importer:
    """Classifies rows against the owner's contacts and writes them in batches."""

    # The columns a new contact is written with, and its values in that order.
    new_columns = NEW_FIELDS
    _new_fields = operator.itemgetter(*NEW_FIELDS)

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

    @contextmanager
    def writing(self):
        """The import's writes, inside its transaction. On PostgreSQL they go through a
        CopyWriter, and the foreign keys (deferred to the commit, as Django declares them)
        are checked at the end of each statement instead, so that checking the 50,000 rows
        of a large file happens in the writer's time rather than all at the commit.

        When that transaction is the outermost, everything the import did not write itself
        is committed, and what it did write it keeps in memory (its ContactStates): the
        existing contacts it reads are then read on a second connection, which need not
        wait for the COPYs under way. Inside someone else's transaction (a test's, say)
        they are read on the import's own connection."""
        if self.dry_run or connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        reader = None
        if len(connection.atomic_blocks) == 1:
            own = connections[connection.alias]  # the wrapper itself, not its proxy
            reader = type(own)(own.settings_dict, own.alias)
        self.writer = bulk.CopyWriter(reader)
        # The writer's thread needs the GIL for a moment at every few hundred kB it hands to
        # the socket, and waits up to the switch interval (5 ms) for it while this thread
        # reads: at a tenth of that, the COPYs of a 50,000-row file took 10% less time.
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(switch_interval, 0.0005))
        try:
            yield
            self.writer.wait()
        finally:
            sys.setswitchinterval(switch_interval)
            self.writer.close()
            self.writer = None
        with connection.cursor() as cursor:  # as they were, for the rest of the transaction
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

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

    def sync(self) -> None:
        """Before the connection is used for anything else: the writes sent so far are done."""
        if self.writer is not None:
            self.writer.wait()

    def rows(self, path: Path, sniffed, mapping) -> Iterable:
        """What `process` takes, in batches: the file's ParsedRows."""
        return parse(path, sniffed, mapping)

    def new_values(self, state: ContactState) -> tuple:
        return self._new_fields(state.fields)

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

    def write(self, touched: list[ContactState]) -> None:
        new = [s for s in touched if s.id is None]
        # The writes are sent together at the end, and run while the next batch is read;
        # the tags' rows (rare: not in a LinkedIn export) wait for them.
        dirty = [s for s in touched if s.changed and not s.created]
        if dirty:
            now = timezone.now()
            fields = sorted(set().union(*(s.changed for s in dirty)))
            bulk.update(
                Contact,
                [{"id": s.id, "updated_at": now, **{f: s.fields[f] for f in fields}} for s in dirty],
                [*fields, "updated_at"],
                writer=self.writer,
            )
        ids = bulk.insert_values(
            Contact,
            self.new_columns,
            map(self.new_values, new),
            len(new),
            defaults=self.new_contact_defaults,
            writer=self.writer,
        )
        for state, contact_id in zip(new, ids):
            state.id = contact_id
            self.created_lines[contact_id] = state.line
        # Emails and phones are new to their contact by construction (ContactState keeps the
        # known ones), so no conflict handling is needed; nothing refers to their ids.
        bulk.insert(
            ContactEmail,
            [
                {"contact_id": s.id, "email": e, "label": label}
                for s in touched
                for e, label in s.new_emails
            ],
            writer=self.writer,
            ids=False,
        )
        bulk.insert(
            ContactPhone,
            [
                {"contact_id": s.id, "number": n, "label": label}
                for s in touched
                for n, label in s.new_phones
            ],
            writer=self.writer,
            ids=False,
        )
        bulk.insert(
            ImportantDate,
            [
                {
                    "owner_id": self.owner.pk, "contact_id": s.id, "kind": DateKind.BIRTHDAY,
                    "month": s.birthday[0], "day": s.birthday[1], "year": s.birthday[2],
                }
                for s in touched
                if type(s.birthday) is tuple
            ],
            writer=self.writer,
            ids=False,
        )
        if self.writer is not None:
            self.writer.send()
        self.write_tags(touched)

    def write_tags(self, touched: list[ContactState]) -> None:
        wanted = {t.lower(): t for s in touched for t in s.new_tags}
        if not wanted:
            return
        self.sync()
        missing = [name for low, name in wanted.items() if low not in self.index.tag_ids]
        if missing:
            Tag.objects.bulk_create(
                [Tag(owner=self.owner, name=n) for n in missing], ignore_conflicts=True
            )
            for tag_id, name in Tag.objects.filter(owner=self.owner, name__in=missing).values_list(
                "id", "name"
            ):
                self.index.tag_ids[name.lower()] = tag_id
        through = Contact.tags.through
        through.objects.bulk_create(
            [
                through(contact_id=s.id, tag_id=self.index.tag_ids[t.lower()])
                for s in touched
                for t in s.new_tags
                if t.lower() in self.index.tag_ids
            ],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )


@contextmanager
def _collector_paused():
    """No garbage collection during the import: it allocates millions of objects that form
    no reference cycles (rows, keys, strings), so the collector's passes found nothing and
    cost an eighth of a 50,000-row import (370 young and 33 middle passes over the rows held
    so far). Whatever garbage the import does leave is collected after it, as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def importer_for(sniffed, owner, **options) -> Importer:
    """The batch importer made for LinkedIn exports (tens of thousands of rows of a fixed
    shape) for one, else the general importer."""
    from .linkedin import LinkedInImporter  # it extends Importer

    if sniffed.format == Format.LINKEDIN:
        return LinkedInImporter(owner, sniffed, **options)
    return Importer(owner, **options)


def _batches(rows: Iterable, sizes: Iterable[int]):
    iterator = iter(rows)
    for size in sizes:
        batch = list(itertools.islice(iterator, size))
        if not batch:
            return
        yield batch


def ramped(size: int, first: int = 500):
    """Batch sizes for an import whose writes overlap its reading: small at first, so that
    PostgreSQL starts writing soon, then doubling up to `size`."""
    step = min(first, size)
    while True:
        yield step
        step = min(step * 2, size)


def resolve_mapping(sniffed, mapping):
    """The column mapping of a generic CSV: the given one, else one guessed from the header;
    ImportFileError when no column holds a name or an email."""
    if sniffed.format != Format.CSV:
        return None
    mapping = list(mapping) if mapping else auto_mapping(sniffed.header)
    if not mapping_is_usable(mapping):
        raise ImportFileError(
            "This does not look like a contact file: no column holds a name or an email address "
            f"(columns: {', '.join(sniffed.header[:8])}). Choose the columns in the mapping step."
        )
    return mapping


def run_import(
    path,
    owner,
    *,
    format: str = Format.AUTO,
    mapping: list[str] | None = None,
    dry_run: bool = True,
    sink: Callable[[RowResult], None] | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Import a contact file for `owner`: classify every row and, unless `dry_run`, write all
    accepted rows in one transaction. Raises ImportFileError for a file that cannot be read."""
    path = Path(path)
    sniffed = sniff(path, format)
    mapping = resolve_mapping(sniffed, mapping)
    summary = ImportSummary(format=sniffed.format, encoding=sniffed.encoding, dry_run=dry_run)
    if sink is None:
        sink = summary.rows.append
    importer = importer_for(sniffed, owner, dry_run=dry_run, sink=sink)
    done = 0
    # One transaction for the whole file: nothing is ever half-applied.
    with (
        closing(importer.shelf),
        _collector_paused(),
        nullcontext() if dry_run else transaction.atomic(),
        importer.writing(),
    ):
        sizes = ramped(batch_size) if importer.writer else itertools.repeat(batch_size)
        for batch in _batches(importer.rows(path, sniffed, mapping), sizes):
            importer.process(batch)
            done += len(batch)
            if progress:
                progress(done)
    summary.counts = importer.counts
    summary.warned = importer.warned
    if sniffed.header:
        summary.unmapped = [
            h for h in sniffed.header if h.strip() and norm_header(h) not in sniffed.used_columns
        ]
    return summary
