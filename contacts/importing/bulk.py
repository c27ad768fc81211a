"""Fast inserts for imports: PostgreSQL's COPY (ids taken from the table's sequence first, so
related rows can point at them), bulk_create elsewhere."""

from django.db import connection
from django.utils import timezone


def insert(
    model, rows: list[dict], defaults: dict | None = None, batch_size: int = 2000
) -> list[int]:
    """Insert rows given as {attname: plain value}; every other column takes `defaults` or the
    model's default. Returns the new primary keys, in order."""
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
    # Column defaults converted once; row values are plain strings, numbers and dates that
    # psycopg adapts itself.
    columns = []
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_db_prep_save(getattr(template, field.attname), connection)
        columns.append((field.attname, field.column, value))
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in [meta.pk.column, *(column for _, column, _ in columns)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        template_row = [None, *(default for _, _, default in columns)]
        position = {attname: i for i, (attname, _, _) in enumerate(columns, start=1)}
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows):
                values = template_row.copy()
                values[0] = pk
                for attname, value in row.items():
                    values[position[attname]] = value
                copy.write_row(values)
    return ids
