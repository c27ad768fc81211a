"""Drop indexes that another index already covers, and index the two nullable links only
where they are set. Every contact written (an import writes tens of thousands at once) paid
for each of them.

- contacts_contactemail.contact_id, contacts_contactphone.contact_id: their unique
  constraints (contact_id, email) and (contact_id, number) lead with contact_id.
- contacts_contact.introduced_by_id and met_at_id: NULL on nearly every contact, and every
  lookup through them (`contact.introduced`, SET_NULL when a contact or event is deleted)
  asks for a value, so a partial index serves it.

contacts_contact.owner_id keeps its index, although contact_owner_name and
contact_owner_last lead with owner_id: it lists an account's contacts in table order, and
the contacts list's count read 20 times the pages without it (EXPLAIN at 500,000 contacts).

Only the indexes change: the fields' foreign keys stay as they are (Django's own AlterField
would drop and re-validate them), hence the hand-written database operations.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, Django's name for the single-column index it made in 0001)
DROPPED = [
    ("contacts_contact", "introduced_by_id", "contacts_contact_introduced_by_id_aeed48ad"),
    ("contacts_contact", "met_at_id", "contacts_contact_met_at_id_457db70c"),
    ("contacts_contactemail", "contact_id", "contacts_contactemail_contact_id_8dd35e56"),
    ("contacts_contactphone", "contact_id", "contacts_contactphone_contact_id_4e09e055"),
]


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_search_trigram_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
                )
                for table, column, name in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="contact",
                    name="introduced_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="introduced",
                        to="contacts.contact",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="met_at",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The event where you met.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="contacts.event",
                    ),
                ),
                migrations.AlterField(
                    model_name="contactemail",
                    name="contact",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="emails",
                        to="contacts.contact",
                    ),
                ),
                migrations.AlterField(
                    model_name="contactphone",
                    name="contact",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phones",
                        to="contacts.contact",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("introduced_by__isnull", False)),
                fields=["introduced_by"],
                name="contact_introduced_by",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("met_at__isnull", False)),
                fields=["met_at"],
                name="contact_met_at",
            ),
        ),
    ]
