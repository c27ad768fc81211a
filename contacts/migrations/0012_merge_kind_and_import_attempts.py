# Joins two migrations that landed on main side by side (contact kind; import attempts).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0011_contact_kind_phonetic_name'),
        ('contacts', '0011_importjob_attempt_cancelled'),
    ]

    operations = [
    ]
