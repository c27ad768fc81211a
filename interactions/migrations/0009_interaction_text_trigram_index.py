"""A trigram index over each account's summaries and notes, for the interactions search on
PostgreSQL (nothing on SQLite, like contacts 0003).

The search matches `UPPER(col::text) LIKE UPPER('%q%')` (Django's `icontains`) in the summary
or the notes. Without an index a word that few conversations hold was tested on every one of
the account's: 1.0-1.5 s at 1,000,000 interactions. This GIN index holds the owner (btree_gin)
beside both expressions (pg_trgm), so PostgreSQL finds the owner's rows holding the word's
trigrams inside the index (`?q=kubernetes`: 0.08-0.16 ms in EXPLAIN ANALYZE); plain trigram
indexes on the two columns found every account's rows first, for the same cost to writes. A
common word is still tested as the page walks the history newest first, PostgreSQL's choice
by its statistics.

Writes (docs/performance.md, "The interactions text search"): pg_trgm splits every summary and
note into trigrams, so a COPY of 200,000 interactions took the server 4.3-4.4 s instead of
1.6-1.7 s; one logged conversation no measurable time. New entries wait in the index's pending
list, which every search reads and an insert merges once it passes gin_pending_list_limit:
1 MB here rather than the default 4 MB, so that a search after writes reads at most 1 MB of it
(1.2-1.6 ms instead of up to 9.7 ms) and the insert that merges it waits 8 ms instead of
31 ms, for 8% more on a COPY. Building it took 13-20 s at 1.7 million rows. Both extensions are
trusted (PostgreSQL 13+): the database owner may create them.
"""

from django.db import migrations

INDEX = "interaction_owner_text_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "interactions_interaction" USING gin '
        '("owner_id", (UPPER("summary"::text)) gin_trgm_ops, (UPPER("notes"::text)) gin_trgm_ops)'
        " WITH (gin_pending_list_limit = 1024)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("interactions", "0008_digest_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
