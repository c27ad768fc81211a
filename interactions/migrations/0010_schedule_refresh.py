"""ScheduleRefresh: a Settings change's follow-up dates, kept until the worker has moved them
(a lost message is queued again by the follow-up scanner)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("interactions", "0009_interaction_text_trigram_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScheduleRefresh",
            fields=[
                (
                    "owner",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("requested_at", models.DateTimeField()),
            ],
        ),
    ]
