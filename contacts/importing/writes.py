"""How an import's batches reach the database: the contacts a batch created or changed, with
their emails, phones, birthdays and tags, sent through bulk.py (COPY from a thread of its own
on PostgreSQL, while the next batch is read; bulk_create elsewhere)."""

import operator
import sys
from contextlib import contextmanager

from django.db import connection, connections
from django.utils import timezone

from ..dates.models import DateKind, ImportantDate
from ..models import Contact, ContactEmail, ContactPhone, Tag
from . import bulk
from .records import NEW_FIELDS
from .states import ContactState

# Rows per batch: each batch costs a few round trips (its reads, its ids), and its writes run
# while the next is read. 5,000 took a 50,000-row import 6% less time than 2,000 (fewer round
# trips) and 10,000 no less again (the last batch's writes overlap nothing).
BATCH_SIZE = 5000


def new_contact_defaults(owner) -> dict:
    """What an imported contact is written with besides its file's values: its owner, and
    circle, discipline and tier not set (unsorted, never guessed), hence no cadence and no
    follow-up due (the follow-up engine's rule) until the user sorts them."""
    return {"owner": owner, "circle": "", "discipline": "", "tier": "", "next_follow_up_on": None}


class BatchWrites:
    """The write side of `Importer` (importer.py), which sets what these methods read:
    `owner`, `dry_run`, `writer`, `index` (for the tags' ids), `created_lines` and
    `new_contact_defaults`."""

    # The columns a new contact is written with, and its values in that order.
    new_columns = NEW_FIELDS
    _new_fields = operator.itemgetter(*NEW_FIELDS)

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

    def sync(self) -> None:
        """Before the connection is used for anything else: the writes sent so far are done."""
        if self.writer is not None:
            self.writer.wait()

    def new_values(self, state: ContactState) -> tuple:
        return self._new_fields(state.fields)

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
