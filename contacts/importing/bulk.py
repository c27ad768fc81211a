"""Fast inserts for imports: PostgreSQL's COPY (ids taken from the table's sequence first, so
related rows can point at them), bulk_create elsewhere."""

import csv
import io
import operator
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection
from django.utils import timezone
from psycopg.adapt import PyFormat, Transformer

_MISSING = object()


class CopyWriter:
    """Sends an import's COPYs from a thread of its own, so that PostgreSQL stores one batch
    while Python reads the next: on two cores their times overlap instead of adding up.

    It uses the import's own connection, hence its transaction. COPYs given to `copy` are
    held until `send()` (the end of a batch's writes: preparing the next one touches the
    connection too, which two threads must not do at once); psycopg then holds the
    connection's lock for each COPY, so a query made meanwhile waits for it. `wait()` raises
    the error of a failed COPY; it is called before every other use of the connection and
    before the transaction ends."""

    def __init__(self):
        self.raw = connection.connection
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-copy")
        self.held: list[tuple[str, str]] = []
        self.pending: list[Future] = []

    def copy(self, statement: str, data: str) -> None:
        self.held.append((statement, data))

    def send(self) -> None:
        if self.held:
            self.pending.append(self.thread.submit(self._copy, self.held))
            self.held = []

    def _copy(self, copies: list[tuple[str, str]]) -> None:
        with self.raw.cursor() as cursor:
            for statement, data in copies:
                with cursor.copy(statement) as copy:
                    copy.write(data)

    def wait(self) -> None:
        self.send()
        pending, self.pending = self.pending, []
        for future in pending:
            future.result()

    def close(self) -> None:
        """End the thread once its COPYs are done (their errors are raised by `wait`)."""
        self.thread.shutdown(wait=True)


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
    template = model(**defaults)
    now = timezone.now()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Every column's default as COPY text, dumped once by psycopg's own adapters.
        dumps = Transformer(cursor.cursor)
        encoding = cursor.connection.info.encoding
        fixed, given_defaults = {}, {}
        for field in meta.concrete_fields:
            if field.primary_key or field.generated:  # the database computes those
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_db_prep_save(getattr(template, field.attname), connection)
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
            # back as one array.
            cursor.execute(
                "SELECT array_agg(nextval((SELECT pg_get_serial_sequence(%s, %s))::regclass)) "
                "FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            pks = cursor.fetchone()[0]
            names.insert(0, meta.pk.column)
            values = ([pk, *row] for pk, row in zip(pks, values))
        # CSV, where an unquoted empty cell is NULL and a quoted one an empty string; the csv
        # module writes it far faster than psycopg adapts a row of Python values. The columns
        # every row shares are rendered once and end each line.
        tail = "".join(
            "," if value is None else ',"' + value.replace('"', '""') + '"'
            for value in fixed.values()
        )
        buffer = io.StringIO()
        out = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator=tail + "\n")
        out.writerows(values)
    statement = (
        f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in names)}) "
        "FROM STDIN WITH (FORMAT csv)"
    )
    if writer is not None:
        writer.copy(statement, buffer.getvalue())
    else:
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
    return pks
