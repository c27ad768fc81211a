"""Existing phone numbers rewritten in E.164 (contacts.phones), each read with its owner's
phone region; two numbers of one contact that turn out to be the same number become one."""

from django.db import migrations


def to_e164(apps, schema_editor):
    from contacts.phones import default_region, normalize_phone

    Profile = apps.get_model("contacts", "Profile")
    ContactPhone = apps.get_model("contacts", "ContactPhone")
    regions = dict(Profile.objects.values_list("owner_id", "phone_region"))
    seen: dict[tuple[int, str], object] = {}
    changed, duplicates = [], []
    for phone in ContactPhone.objects.select_related("contact").order_by("contact_id", "id").iterator():
        region = regions.get(phone.contact.owner_id) or default_region()
        number = normalize_phone(phone.number, region)[:40]
        first = seen.get((phone.contact_id, number))
        if first is not None:
            if phone.label and not first.label:
                first.label = phone.label
                changed.append(first)
            duplicates.append(phone.pk)
            continue
        seen[(phone.contact_id, number)] = phone
        if number != phone.number:
            phone.number = number
            changed.append(phone)
    # The duplicates go first: a kept row may take the number they hold.
    ContactPhone.objects.filter(pk__in=duplicates).delete()
    # Two steps, so that a row that takes the number another row still holds never meets it
    # under contactphone_unique.
    for phone in changed:
        ContactPhone.objects.filter(pk=phone.pk).update(number=f"~{phone.pk}")
    for phone in changed:
        ContactPhone.objects.filter(pk=phone.pk).update(number=phone.number, label=phone.label)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0008_profile_phone_region")]

    operations = [migrations.RunPython(to_e164, migrations.RunPython.noop, elidable=True)]
