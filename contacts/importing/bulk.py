"""Fast writes for imports: PostgreSQL's COPY (ids taken from the table's sequence first, so
related rows can point at them) and one UPDATE … FROM unnest(…); bulk_create and bulk_update
elsewhere."""

import operator
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone
from psycopg.adapt import PyFormat, Transformer

_MISSING = object()


class CopyWriter:
    """Sends an import's writes from a thread of its own, so that PostgreSQL stores one batch
    while Python reads the next: on two cores their times overlap instead of adding up.

    It uses the import's own connection, hence its transaction. Writes given to `copy` and
    `execute` are held until `send()` (the end of a batch's writes) and then run in order;
    `wait()` raises the error of a failed one, and is called before the transaction ends.

    Reads in the meantime go through `reading()`: on the `reader`, a second connection, when
    the import may use one (see `Importer.writing`), so that they never wait for a COPY;
    otherwise on the import's connection once what was sent is done (the held writes stay
    held: preparing them is what the reads are for)."""

    def __init__(self, reader=None):
        self.raw = connection.connection
        self.reader = reader
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-copy")
        self.held: list[tuple[str, object, str | None]] = []
        self.pending: list[Future] = []

    def copy(self, statement: str, data: str) -> None:
        self.held.append((statement, None, data))

    def execute(self, statement: str, params) -> None:
        self.held.append((statement, params, None))

    def send(self) -> None:
        if self.held:
            self.pending.append(self.thread.submit(self._run, self.held))
            self.held = []

    def _run(self, jobs: list[tuple[str, object, str | None]]) -> None:
        with self.raw.cursor() as cursor:
            for statement, params, data in jobs:
                if data is None:
                    cursor.execute(statement, params)
                else:
                    with cursor.copy(statement) as copy:
                        copy.write(data)

    def _finish_sent(self) -> None:
        pending, self.pending = self.pending, []
        for future in pending:
            future.result()

    def wait(self) -> None:
        self.send()
        self._finish_sent()

    @contextmanager
    def reading(self):
        """A cursor to read with while writes may be under way."""
        if self.reader is not None:
            with self.reader.cursor() as cursor:
                yield cursor
        else:
            self._finish_sent()
            with connection.cursor() as cursor:
                yield cursor

    def close(self) -> None:
        """End the thread once its writes are done (their errors are raised by `wait`), and
        the second connection."""
        self.thread.shutdown(wait=True)
        if self.reader is not None:
            self.reader.close()


def insert(
    model,
    rows: list[dict],
    defaults: dict | None = None,
    batch_size: int = 2000,
    writer: CopyWriter | None = None,
    ids: bool = True,
) -> list[int]:
    """Insert rows given as {attname: plain value (str, number, date or None)}; every other
    column takes `defaults` or the model's default. Returns the new primary keys, in order
    (with `ids=False` none: on PostgreSQL the table then numbers the rows itself)."""
    if not rows:
        return []
    first = rows[0].keys()
    if not all(row.keys() == first for row in rows):
        columns = list(dict.fromkeys(key for row in rows for key in row))
        values = ([row.get(c, _MISSING) for c in columns] for row in rows)
        return _insert(
            model, columns, values, len(rows), defaults, batch_size, writer, ids, sparse=True
        )
    columns = list(first)
    cells = operator.itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    return _insert(model, columns, map(cells, rows), len(rows), defaults, batch_size, writer, ids)


def insert_values(
    model,
    columns: Sequence[str],
    values: Iterable[Sequence],
    count: int,
    defaults: dict | None = None,
    batch_size: int = 2000,
    writer: CopyWriter | None = None,
) -> list[int]:
    """Insert `count` rows given as sequences of plain values for the attnames `columns`;
    as `insert`, without a dict per row."""
    return _insert(model, columns, values, count, defaults, batch_size, writer, ids=True)


def column_defaults(model, defaults: dict | None = None) -> dict:
    """{field: value, as the database takes it} for every column a new row of `model` is
    written with: `defaults` where given, else the model's default, the time now for
    auto_now(_add) fields. The primary key and generated columns are the database's."""
    template = model(**(defaults or {}))
    now = timezone.now()
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.generated:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = getattr(template, field.attname)
        values[field] = field.get_db_prep_save(value, connection)
    return values


def _insert(
    model, columns, values, count, defaults, batch_size, writer, ids, sparse=False
) -> list[int]:
    """The insert itself; with `sparse`, a cell that is `_MISSING` takes the default. With a
    `writer`, the COPY is left to it: sent when it is told to."""
    if not count:
        return []
    defaults = defaults or {}
    if connection.vendor != "postgresql":
        objs = [
            model(**defaults, **{c: v for c, v in zip(columns, row) if v is not _MISSING})
            for row in values
        ]
        model.objects.bulk_create(objs, batch_size=batch_size)
        return [obj.pk for obj in objs] if ids else []
    meta = model._meta
    quote = connection.ops.quote_name
    with writer.reading() if writer is not None else connection.cursor() as cursor:
        # Every column's default as COPY text, dumped once by psycopg's own adapters.
        dumps = Transformer(cursor.cursor)
        encoding = cursor.connection.info.encoding
        fixed, given_defaults = {}, {}
        for field, value in column_defaults(model, defaults).items():
            if value is not None:
                value = bytes(dumps.get_dumper(value, PyFormat.TEXT).dump(value)).decode(encoding)
            if field.attname in columns:
                given_defaults[field.attname] = value
            else:
                fixed[field.column] = value
        names = [*(meta.get_field(a).column for a in columns), *fixed]
        if sparse:
            fill = [given_defaults[c] for c in columns]
            values = (
                [d if v is _MISSING else v for v, d in zip(row, fill)] for row in values
            )
        pks = []
        if ids:
            # The sequence looked up once (a scalar subquery), not once per id; the ids come
            # back as one array. Sequences are outside transactions: a second connection
            # takes them as well as the import's own.
            cursor.execute(
                "SELECT array_agg(nextval((SELECT pg_get_serial_sequence(%s, %s))::regclass)) "
                "FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            pks = cursor.fetchone()[0]
            names.insert(0, meta.pk.column)
    # COPY's text format, the cheapest for both sides to write and read: the columns every
    # row shares are rendered once and end each line.
    tail = "".join("\t" + _cell(value) for value in fixed.values()) + "\n"
    lines = map(_line, values)
    data = "".join(
        [f"{pk}\t{line}{tail}" for pk, line in zip(pks, lines)] if ids
        else [line + tail for line in lines]
    )
    statement = (
        f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in names)}) FROM STDIN"
    )
    if writer is not None:
        writer.copy(statement, data)
    else:
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            copy.write(data)
    return pks


# What COPY's text format escapes; NULL is \N.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value) -> str:
    """One value in COPY's text format: plain values (str, number, date, bool) as str()
    spells them, which PostgreSQL reads back as the column's type."""
    if value is None:
        return "\\N"
    return str(value).translate(_ESCAPES)


def _line(row: Sequence) -> str:
    """A row's cells in COPY's text format, without its line end. The usual row, all text
    and nothing to escape, is joined as it is."""
    try:
        line = "\t".join(row)
    except TypeError:  # a number, a date or None among them
        return "\t".join(map(_cell, row))
    if "\\" in line or "\n" in line or "\r" in line or line.count("\t") != len(row) - 1:
        return "\t".join(map(_cell, row))
    return line


def update(model, rows: list[dict], fields: Sequence[str], writer: CopyWriter | None = None):
    """Set `fields` (attnames) of existing rows, given as {pk attname: …, field: …, …}. On
    PostgreSQL one UPDATE … FROM unnest(…) whatever the number of rows (sent by `writer` when
    given), bulk_update elsewhere."""
    if not rows:
        return
    meta = model._meta
    if connection.vendor != "postgresql":
        model.objects.bulk_update([model(**row) for row in rows], fields, batch_size=2000)
        return
    quote = connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    names = [quote(field.column) for field in columns]
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in columns)
    statement = (
        f"UPDATE {quote(meta.db_table)} AS t SET "
        + ", ".join(f"{name} = v.{name}" for name in names[1:])
        + f" FROM unnest({arrays}) AS v({', '.join(names)}) WHERE t.{names[0]} = v.{names[0]}"
    )
    params = [[row[field.attname] for row in rows] for field in columns]
    if writer is not None:
        writer.execute(statement, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
