"""Import services: read a file, classify every row (new / update / duplicate / skipped /
error) and, unless it is a dry run, write every accepted row in one transaction.

The same function backs the admin preview and confirm steps, the Celery task and the
`import_contacts` command, so all of them report the same thing.
"""

import gc
import itertools
import operator
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, connections, transaction
from django.utils import timezone

from ..models import Contact, ContactEmail, ContactPhone, Tag
from . import bulk
from .linebook import LineBook
from .matching import _LINKEDIN, ContactState, MatchIndex, load_states, record_keys
from .parsers import auto_mapping, mapping_is_usable, parse
from .records import TEXT_FIELDS, ContactRecord, ParsedRow
from .sniff import Format, ImportFileError, sniff

# Rows per batch: each batch costs a few round trips (its reads, its ids), and its writes run
# while the next is read. 5,000 took a 50,000-row import 6% less time than 2,000 (fewer round
# trips) and 10,000 no less again (the last batch's writes overlap nothing).
BATCH_SIZE = 5000
MAX_LENGTHS = {
    f.name: f.max_length for f in Contact._meta.fields if f.name in TEXT_FIELDS and f.max_length
}
_limited_fields = operator.attrgetter(*MAX_LENGTHS)
_SHORTEST_LIMIT = min(MAX_LENGTHS.values())
_url = URLValidator()


class Status:
    NEW = "new"
    UPDATE = "update"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"
    ERROR = "error"
    ALL = (NEW, UPDATE, DUPLICATE, SKIPPED, ERROR)
    REFUSED = (SKIPPED, ERROR)


@dataclass(slots=True)
class RowResult:
    line: int
    status: str
    name: str = ""
    reason: str = ""
    contact_id: int | None = None
    raw: dict | None = None

    def as_dict(self) -> dict:
        data = {"line": self.line, "status": self.status, "name": self.name, "reason": self.reason}
        if self.contact_id and self.contact_id > 0:
            data["contact_id"] = self.contact_id
        if self.raw is not None and self.status in Status.REFUSED:
            data["raw"] = self.raw
        return data


@dataclass
class ImportSummary:
    format: str
    encoding: str = ""
    dry_run: bool = True
    counts: Counter = field(default_factory=Counter)
    rows: list[RowResult] = field(default_factory=list)  # kept only when no sink is given

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def refused(self) -> int:
        return self.counts[Status.SKIPPED] + self.counts[Status.ERROR]

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "dry_run": self.dry_run,
            "total": self.total,
            "counts": {s: self.counts[s] for s in Status.ALL},
        }

    def text(self) -> str:
        """One line: the counts per status, as the admin's preview shows them."""
        if not self.total:
            verb = "would be" if self.dry_run else "was"
            return f"No contacts found in the file; nothing {verb} imported."
        c = self.counts
        label = Format.LABELS.get(self.format, self.format)
        return (
            f"{self.total} rows ({label}): {c[Status.NEW]} new, {c[Status.UPDATE]} updated, "
            f"{c[Status.DUPLICATE]} duplicates, {c[Status.SKIPPED]} skipped, "
            f"{c[Status.ERROR]} errors" + (" (dry run: nothing written)" if self.dry_run else "")
        )


# Plain addresses, accepted without the (slower) full validator.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def validate_record(record: ContactRecord) -> str:
    """The reason a record cannot be imported, or ''. Normalises URLs in place."""
    for email, _ in record.emails:
        if len(email) <= 254 and _PLAIN_EMAIL.fullmatch(email):
            continue
        try:
            validate_email(email)
        except ValidationError:
            return f"invalid email address “{email}”"
    for name in ("linkedin_url", "website"):
        value = getattr(record, name)
        if value:
            if "://" not in value:
                value = "https://" + value
            if (
                name == "linkedin_url"
                and value.startswith(("https://", "http://"))
                and _LINKEDIN.fullmatch(value)
            ):
                continue  # a well-formed LinkedIn URL; the general validator is slow
            try:
                _url(value)
            except ValidationError:
                return f"invalid {name.replace('_', ' ')} “{getattr(record, name)}”"
            setattr(record, name, value)
    if max(map(len, _limited_fields(record))) > _SHORTEST_LIMIT:
        for name, limit in MAX_LENGTHS.items():
            if len(getattr(record, name)) > limit:
                return f"{name.replace('_', ' ')} is longer than {limit} characters"
    for number, _ in record.phones:
        if len(number) > 40:
            return f"phone number “{number[:50]}” is longer than 40 characters"
    return ""


def new_contact_defaults(owner) -> dict:
    """What an imported contact is written with besides its file's values: its owner, and
    circle, discipline and tier not set (unsorted, never guessed), hence no cadence and no
    follow-up due (the follow-up engine's rule) until the user sorts them."""
    return {"owner": owner, "circle": "", "discipline": "", "tier": "", "next_follow_up_on": None}


class Importer:
    """Classifies rows against the owner's contacts and writes them in batches."""

    # The columns a new contact is written with, and its values in that order.
    new_columns = TEXT_FIELDS
    _new_fields = operator.itemgetter(*TEXT_FIELDS)

    def __init__(self, owner, *, dry_run: bool, sink: Callable[[RowResult], None]):
        self.owner = owner
        self.dry_run = dry_run
        self.sink = sink
        self.index = MatchIndex(owner)
        self.cache: dict[int, ContactState] = {}  # existing contacts read, kept to the end
        self.created_lines = LineBook()  # contact id (negative in a dry run) → line
        self.fake_ids = itertools.count(-1, -1)
        self.counts: Counter = Counter()
        self.writer: bulk.CopyWriter | None = None  # while `writing`, on PostgreSQL
        self.new_contact_defaults = new_contact_defaults(owner)

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
        own = [i for i in ids if i in self.created_lines]
        others = [i for i in ids if i not in self.created_lines] if own else ids
        states = {}
        if others and self.writer is None:
            states = load_states(self.owner, others)
        elif others:
            with self.writer.reading() as cursor:
                states = load_states(self.owner, others, cursor)
        if own:
            # Contacts this import wrote (and let go of, see `flush`): only its own
            # connection sees them, once the writes sent so far are done.
            self.sync()
            states.update(load_states(self.owner, own))
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
        self.sink(result)

    def process(self, rows: list[ParsedRow]) -> None:
        wanted = set()
        keys = []
        for row in rows:
            row_keys = record_keys(row.record) if row.record is not None else []
            keys.append(row_keys)
            ref, _ = self.index.lookup(row_keys)
            if isinstance(ref, int) and ref > 0 and ref not in self.cache:
                wanted.add(ref)
        if wanted:
            self.cache.update(self.load_states(wanted))
        # Insertion-ordered and hashed by identity: a state is touched once per batch.
        touched: dict[int, ContactState] = {}
        for row, row_keys in zip(rows, keys):
            self.classify(row, row_keys, touched)
        self.flush(list(touched.values()))

    def classify(self, row: ParsedRow, keys: list, touched: dict) -> None:
        if row.error:
            self.emit(RowResult(row.line, Status.ERROR, reason=row.error, raw=row.raw))
            return
        record = row.record
        if record is None:
            self.emit(
                RowResult(row.line, Status.SKIPPED, reason=row.skip or "empty row", raw=row.raw)
            )
            return
        if not record.name:
            self.emit(
                RowResult(row.line, Status.SKIPPED, reason="no name or email address", raw=row.raw)
            )
            return
        if reason := validate_record(record):
            self.emit(RowResult(row.line, Status.ERROR, record.name, reason, raw=row.raw))
            return
        ref, matched_by = self.index.lookup(keys)
        if ref is None:
            state = ContactState.from_record(record, row.line)
            self.index.register(state, keys)
            touched[id(state)] = state
            self.emit(RowResult(row.line, Status.NEW, record.name))
            return
        if isinstance(ref, int) and ref < 0:
            # A dry run's contact created earlier in the file: it is the same person.
            line = self.created_lines[ref]
            self.emit(
                RowResult(
                    row.line, Status.DUPLICATE, record.name, f"same person as line {line}; merged"
                )
            )
            return
        state = ref if isinstance(ref, ContactState) else self.cache.get(ref)
        if state is None:
            state = self.load_states([ref]).get(ref)
            if state is None:
                # Deleted since the import began: the row is matched again without it.
                self.index.forget(ref)
                self.classify(row, keys, touched)
                return
            self.cache[ref] = state
        changes = state.absorb(record)
        if changes:
            self.index.register(state)
            touched[id(state)] = state
        first_line = state.line if state.id is None else self.created_lines.get(state.id)
        if first_line is not None:
            reason = f"same person as line {first_line}; merged"
            self.emit(RowResult(row.line, Status.DUPLICATE, record.name, reason, state.id))
        elif changes:
            reason = f"matches “{state.fields['name']}” by {matched_by}; adds " + ", ".join(changes)
            self.emit(RowResult(row.line, Status.UPDATE, record.name, reason, state.id))
        else:
            reason = f"already in your contacts as “{state.fields['name']}” (same {matched_by})"
            self.emit(RowResult(row.line, Status.DUPLICATE, record.name, reason, state.id))

    def flush(self, touched: list[ContactState]) -> None:
        new = [s for s in touched if s.id is None]
        if self.dry_run:
            for state in new:
                fake = next(self.fake_ids)
                self.created_lines[fake] = state.line
                for key in state.keys:
                    self.index.keys[key] = fake
            return
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
        if self.writer is not None:
            self.writer.send()
        self.write_tags(touched)
        # The states stay, as what the database now holds, for a later row of the same person:
        # reading them back would have to wait for the writes (and, on a second connection,
        # would not see them). At most one per row of the file.
        for state in touched:
            if type(state) is ContactState:
                state.written()
        # Memory: from now on the index finds a contact this import wrote by its id, and a
        # later row of the same person reads it back (`load_states`), instead of every row
        # staying whole to the end: 500,000 rows then fit the worker's 300 MB.
        keys = self.index.keys
        for state in touched:
            for key in state.keys:
                if keys.get(key) is state:
                    keys[key] = state.id

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
    return summary
