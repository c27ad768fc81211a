"""Fast inserts for imports: PostgreSQL's COPY (ids taken from the table's sequence first, so
related rows can point at them), bulk_create elsewhere."""

import csv
import io

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
    given = list(rows[0])
    if any(len(row) != len(given) for row in rows):
        given = list(dict.fromkeys(key for row in rows for key in row))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Every column's default as COPY text, dumped once by psycopg's own adapters.
        dumps = Transformer(cursor.cursor)
        fixed, given_defaults = {}, {}
        for field in meta.concrete_fields:
            if field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_db_prep_save(getattr(template, field.attname), connection)
            if value is not None:
                value = dumps.get_dumper(value, PyFormat.TEXT).dump(value)
                value = bytes(value).decode(connection.connection.info.encoding)
            if field.attname in given:
                given_defaults[field.attname] = value
            else:
                fixed[field.column] = value
        columns = [meta.pk.column, *(meta.get_field(a).column for a in given), *fixed]
        tail = list(fixed.values())
        # The sequence looked up once (a scalar subquery), not once per id; the ids come back
        # as one array.
        cursor.execute(
            "SELECT array_agg(nextval((SELECT pg_get_serial_sequence(%s, %s))::regclass)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = cursor.fetchone()[0]
        # CSV, where an unquoted empty cell is NULL and a quoted one an empty string; the csv
        # module writes it far faster than psycopg adapts a row of Python values.
        buffer = io.StringIO()
        write = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator="\n").writerow
        for pk, row in zip(ids, rows):
            write([pk, *[row.get(a, given_defaults[a]) for a in given], *tail])
        names = ", ".join(quote(column) for column in columns)
        with cursor.cursor.copy(
            f"COPY {quote(meta.db_table)} ({names}) FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            copy.write(buffer.getvalue())
    return ids
