"""Fast inserts for imports: PostgreSQL's COPY (ids taken from the table's sequence first, so
related rows can point at them), bulk_create elsewhere."""

import csv
import io
import operator

from django.db import connection
from django.utils import timezone
from psycopg.adapt import PyFormat, Transformer


def insert(
    model, rows: list[dict], defaults: dict | None = None, batch_size: int = 2000
) -> list[int]:
    """Insert rows given as {attname: plain value (str, number, date or None)}; every other
    column takes `defaults` or the model's default. Returns the new primary keys, in order."""
    if not rows:
        return []
    defaults = defaults or {}
    if connection.vendor != "postgresql":
        objs = [model(**defaults, **row) for row in rows]
        model.objects.bulk_create(objs, batch_size=batch_size)
        return [obj.pk for obj in objs]
    meta = model._meta
    template = model(**defaults)
    now = timezone.now()
    first = rows[0].keys()
    uniform = all(row.keys() == first for row in rows)
    given = list(first) if uniform else list(dict.fromkeys(key for row in rows for key in row))
    cells = operator.itemgetter(*given) if len(given) > 1 else lambda row: (row[given[0]],)
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
            if field.attname in given:
                given_defaults[field.attname] = value
            else:
                fixed[field.column] = value
        columns = [meta.pk.column, *(meta.get_field(a).column for a in given), *fixed]
        # The sequence looked up once (a scalar subquery), not once per id; the ids come back
        # as one array.
        cursor.execute(
            "SELECT array_agg(nextval((SELECT pg_get_serial_sequence(%s, %s))::regclass)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
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
        if uniform:
            writer.writerows([pk, *cells(row)] for pk, row in zip(ids, rows))
        else:
            writer.writerows([pk, *cells(given_defaults | row)] for pk, row in zip(ids, rows))
        statement = (
            f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
            "FROM STDIN WITH (FORMAT csv)"
        )
        with cursor.cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
    return ids
