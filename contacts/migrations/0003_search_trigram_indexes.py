"""Trigram indexes for the contact search on PostgreSQL (pg_trgm; nothing on SQLite).

The search is a case-insensitive substring match (`icontains`, which Django writes as
`UPPER(col::text) LIKE UPPER(%s)`), so each index is on that same expression. With them a
search reads the index instead of testing every contact, email and tag of the account.
pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
"""

from django.db import migrations

SEARCHED = [
    ("contacts_contact", "name", "contact_name_trgm"),
    ("contacts_contact", "preferred_name", "contact_preferred_name_trgm"),
    ("contacts_contact", "company", "contact_company_trgm"),
    ("contacts_contactemail", "email", "contactemail_email_trgm"),
    ("contacts_tag", "name", "tag_name_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column, name in SEARCHED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, _, name in SEARCHED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_import_job")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
