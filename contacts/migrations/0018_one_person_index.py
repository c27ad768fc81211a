"""The weekly digest's "one person" and its count of active contacts, from one index.

The suggestion is the active contact (reminders on) with the most days since their last touch
over their cadence. It ranked every active contact of the account by that ratio: 29,348 rows
sorted, 32 ms of EXPLAIN ANALYZE at 30,000 contacts, on every digest preview. Within one cadence
the most overdue is the one touched longest ago, so the index holds each tier's contacts on its
default cadence (`COALESCE(cadence_days, 0)` = 0) in the order of their last touch: one probe
per tier (0.01 ms each), and the few with a cadence of their own are read from its entries
(INCLUDE, PostgreSQL; a plain index on SQLite). The count of active contacts reads the same
entries instead of the rows (10 ms and 2,332 buffers to 3 ms and none of the table).
"""

import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0017_insights_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(models.F('owner'), models.F('reminders_off'), django.db.models.functions.comparison.Coalesce('cadence_days', models.Value(0)), models.F('tier'), django.db.models.functions.comparison.Coalesce('last_interaction_at', 'created_at'), condition=models.Q(('archived', False)), include=('cadence_days', 'last_interaction_at', 'created_at'), name='contact_owner_cadence'),
        ),
    ]
