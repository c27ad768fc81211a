"""A trigram index over each account's searched names (`search_text`: name, preferred name,
company, phonetic name), for the contacts search, the pickers and the interactions search's
names on PostgreSQL (nothing on SQLite, like 0003 and interactions 0009).

Without it a word no name holds was tested against each of the account's names: 6-10 ms at
30,000 contacts, 1 ms at 5,000, so a search that finds little cost twice as much at the larger
account (docs/performance.md). Through it, 0.1-0.3 ms at either size. It holds the owner
(btree_gin) beside the text, so PostgreSQL finds the owner's rows holding the word's trigrams
inside the index; without the owner it found "Gupta" in every account first (0005).

Writes: new names wait in the index's pending list, which every search reads and an insert
merges once it passes gin_pending_list_limit, 1 MB as for the interactions' text. An
INSERT … SELECT of 50,000 contacts took 2.0 s with it and 1.3-2.1 s without; the LinkedIn
import's figures are in docs/performance.md.
"""

from django.db import migrations

INDEX = "contact_owner_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "contacts_contact" USING gin '
        '("owner_id", "search_text" gin_trgm_ops) WITH (gin_pending_list_limit = 1024)'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("contacts", "0021_insights_ties_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
