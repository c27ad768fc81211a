"""Fill in the touch history the insights' ties now read from each contact (contacts 0016)."""

import datetime

from django.db import migrations
from django.db.models import Count, F, Window
from django.db.models.functions import Lag

# interactions.insights.ties.DORMANT_AFTER_DAYS when this was written.
QUIET_DAYS = 180
CHUNK = 2000


def fill(apps, schema_editor):
    Contact = apps.get_model("contacts", "Contact")
    Interaction = apps.get_model("interactions", "Interaction")
    through = Interaction.contacts.through
    ids = list(Contact.objects.values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = through.objects.filter(contact_id__in=chunk)
        counts = dict(
            rows.values("contact_id").annotate(n=Count("pk")).values_list("contact_id", "n")
            .order_by()
        )
        at = F("interaction__occurred_at")
        revivals = {}
        for contact_id, before, revived in (
            rows.annotate(
                at=at, before=Window(Lag(at), partition_by=F("contact_id"), order_by=at.asc())
            )
            .filter(at__gte=F("before") + datetime.timedelta(days=QUIET_DAYS))
            .values_list("contact_id", "before", "at")
        ):
            if contact_id not in revivals or revived > revivals[contact_id][1]:
                revivals[contact_id] = (before, revived)
        Contact.objects.bulk_update(
            [
                Contact(
                    pk=pk, interaction_count=counts.get(pk, 0),
                    quiet_since=revivals.get(pk, (None, None))[0],
                    revived_at=revivals.get(pk, (None, None))[1],
                )
                for pk in chunk
            ],
            ["interaction_count", "revived_at", "quiet_since"],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0016_touch_history"),
        ("interactions", "0005_restorejob"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
