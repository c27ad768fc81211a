"""Drop the trigram indexes on a contact's name, preferred name and company (from 0003); keep
the email and tag ones. PostgreSQL only, like 0003; reversing recreates them.

Every contact written paid for them: a LinkedIn export of 50,000 rows COPYed into
contacts_contact cost the server 2.3-2.5 s of CPU with them and 1.2-1.4 s without
(85 MB of WAL against 29), and the import's own write cost had to come down for issue 7.

What the contact search (contacts.selectors._matching: `UPPER(col) LIKE UPPER('%q%')` over
the three columns, OR'ed, for one owner) did with them, by EXPLAIN (ANALYZE, BUFFERS) on
the bench database (one owner with 5,000 contacts among 505,500, VACUUM ANALYZEd):

- PostgreSQL never chose them: for "Gupta" (77 matches), "Popescu", "Northwind" (a company,
  1,819 matches) and "xq" (none) it read the owner's contacts through the owner_id index
  (254 buffers, 7-16 ms), with or without the trigram indexes: the same plan, the same time.
- Forced onto them (owner indexes dropped in a rolled-back transaction) they were no
  better: a trigram index covers every account, so "Gupta" found the Guptas of all users
  (8,006 candidates, 23-72 ms); "Northwind" took 5-6 ms; a term under three characters
  cannot use trigrams at all (a sequential scan, 130 ms).
- The email branch does use contactemail_email_trgm (a bitmap scan, 3-5 ms), so it stays;
  tag_name_trgm stays too (tags are few, and no import writes them in bulk).
- The only other query that used one, the interactions search's subquery on contact names
  (interactions.selectors.interaction_list, not limited to the owner's contacts), took
  500-780 ms with contact_name_trgm and 430-650 ms without (a sequential scan): slow either
  way, for a reason of its own. The admin's contact search ORs in title and department,
  which no index covers, so it never could use them.

The cost, measured the same way: in an account of 52,240 contacts (the same owner after
importing the 50,000-row file) PostgreSQL does combine them with the owner index, 9-13 ms
against 77-103 ms without, on a VM about three times slower than a laptop. Recreating
them (`migrate contacts 0004`) brings that back at the import's expense.
"""

from django.db import migrations

DROPPED = [
    ("name", "contact_name_trgm"),
    ("preferred_name", "contact_preferred_name_trgm"),
    ("company", "contact_company_trgm"),
]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, name in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column, name in DROPPED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "contacts_contact" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_redundant_indexes")]

    operations = [migrations.RunPython(drop, create, elidable=False)]
