"""Fewer indexes for the follow-up scanner's inserts to maintain, and one for its wake-up.

The first scan after a large import creates a cadence follow-up for every due contact (185,000
at the bench's full size), and each row paid for ten indexes.

- interactions_followup.owner_id: followup_unique_source (owner_id, source_key) leads with it.
- interaction_id, support_id, event_id, mentorship_id: NULL on nearly every follow-up (every
  cadence reminder), and every lookup through them asks for a value, so a partial index
  `WHERE … IS NOT NULL` serves it (the comment in FollowUp.Meta names the lookups).
- followup_snoozed: wake_snoozed_follow_ups read the whole table on every scanner run to find
  the few snoozed rows.

Only the indexes change: the fields' foreign keys stay as they are (Django's own AlterField
would drop and re-validate them), hence the hand-written database operations, as in
contacts/0004.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column, Django's name for the single-column index it made in 0001)
DROPPED = [
    ("interactions_followup", "owner_id", "interactions_followup_owner_id_daee120c"),
    ("interactions_followup", "interaction_id", "interactions_followup_interaction_id_3429baf7"),
    ("interactions_followup", "support_id", "interactions_followup_support_id_26d2843d"),
    ("interactions_followup", "event_id", "interactions_followup_event_id_b3b8deda"),
    ("interactions_followup", "mentorship_id", "interactions_followup_mentorship_id_9a257c90"),
]


def unindexed_link(to, **options):
    return models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="follow_ups",
        to=to,
        **options,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_redundant_indexes"),
        ("interactions", "0003_followup_one_open_cadence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

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
                    model_name="followup",
                    name="owner",
                    field=unindexed_link(settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name="followup",
                    name="interaction",
                    field=unindexed_link("interactions.interaction", blank=True, null=True),
                ),
                migrations.AlterField(
                    model_name="followup",
                    name="support",
                    field=unindexed_link("interactions.support", blank=True, null=True),
                ),
                migrations.AlterField(
                    model_name="followup",
                    name="event",
                    field=unindexed_link("contacts.event", blank=True, null=True),
                ),
                migrations.AlterField(
                    model_name="followup",
                    name="mentorship",
                    field=unindexed_link("interactions.mentorship", blank=True, null=True),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("status", "snoozed")),
                fields=["snoozed_until"],
                name="followup_snoozed",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("interaction__isnull", False)),
                fields=["interaction"],
                name="followup_interaction",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("support__isnull", False)),
                fields=["support"],
                name="followup_support",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("event__isnull", False)),
                fields=["event"],
                name="followup_event",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("mentorship__isnull", False)),
                fields=["mentorship"],
                name="followup_mentorship",
            ),
        ),
    ]
