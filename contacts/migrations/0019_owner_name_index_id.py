"""The owner's index of names carries each contact's id (INCLUDE, PostgreSQL; the same plain
index on SQLite), so that a LIKE over an account's names reads the index alone.

The interactions search looks up the contacts whose name holds its words
(interactions.selectors._with_contact_named): through the rows that was every contact of the
account, 9.5 ms at 30,000 contacts in EXPLAIN ANALYZE for a word no name holds; through this
index 6.2 ms, and a name most contacts hold (it stops after 501) 0.16 -> 0.13 ms. A COPY of
30,000 contacts took the same time with either index, within the machine's noise (650-820 ms
against 700-880 ms).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0018_one_person_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_owner_name',
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(
                fields=['owner', 'name'], include=('id',), name='contact_owner_name'
            ),
        ),
    ]
