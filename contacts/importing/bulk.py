"""Fast inserts for imports: PostgreSQL's COPY (ids taken from the table's sequence first, so
related rows can point at them), bulk_create elsewhere."""

import csv
import io
import operator
from collections.abc import Iterable, Sequence

from django.db import connection
from django.utils import timezone
from psycopg.adapt import PyFormat, Transformer

_MISSING = object()


def insert(
    model, rows: list[dict], defaults: dict | None = None, batch_size: int = 2000
) -> list[int]:
    """Insert rows given as {attname: plain value (str, number, date or None)}; every other
    column takes `defaults` or the model's default. Returns the new primary keys, in order."""
    if not rows:
        return []
    first = rows[0].keys()
    if not all(row.keys() == first for row in rows):
        columns = list(dict.fromkeys(key for row in rows for key in row))
        values = ([row.get(c, _MISSING) for c in columns] for row in rows)
        return _insert(model, columns, values, len(rows), defaults, batch_size, sparse=True)
    columns = list(first)
    cells = operator.itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    return _insert(model, columns, map(cells, rows), len(rows), defaults, batch_size)


def insert_values(
    model,
    columns: Sequence[str],
    values: Iterable[Sequence],
    count: int,
    defaults: dict | None = None,
    batch_size: int = 2000,
) -> list[int]:
    """Insert `count` rows given as sequences of plain values for the attnames `columns`;
    as `insert`, without a dict per row."""
    return _insert(model, columns, values, count, defaults, batch_size)


def _insert(model, columns, values, count, defaults, batch_size, sparse=False) -> list[int]:
    """The insert itself; with `sparse`, a cell that is `_MISSING` takes the default."""
    if not count:
        return []
    defaults = defaults or {}
    if connection.vendor != "postgresql":
        objs = [
            model(**defaults, **{c: v for c, v in zip(columns, row) if v is not _MISSING})
            for row in values
        ]
        model.objects.bulk_create(objs, batch_size=batch_size)
        return [obj.pk for obj in objs]
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
            if field.primary_key:
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
        names = [meta.pk.column, *(meta.get_field(a).column for a in columns), *fixed]
        # The sequence looked up once (a scalar subquery), not once per id; the ids come back
        # as one array.
        cursor.execute(
            "SELECT array_agg(nextval((SELECT pg_get_serial_sequence(%s, %s))::regclass)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        ids = cursor.fetchone()[0]
        # CSV, where an unquoted empty cell is NULL and a quoted one an empty string; the csv
        # module writes it far faster than psycopg adapts a row of Python values. The columns
        # every row shares are rendered once and end each line.
        tail = "".join(
            "," if value is None else ',"' + value.replace('"', '""') + '"'
            for value in fixed.values()
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator=tail + "\n")
        if sparse:
            fill = [given_defaults[c] for c in columns]
            values = (
                [d if v is _MISSING else v for v, d in zip(row, fill)] for row in values
            )
        writer.writerows([pk, *row] for pk, row in zip(ids, values))
        statement = (
            f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in names)}) "
            "FROM STDIN WITH (FORMAT csv)"
        )
        with cursor.cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
    return ids
