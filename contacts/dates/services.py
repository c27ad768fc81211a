"""Writes of important dates: the contact form's rows, and one date at a time for the imports
and CardDAV (a birthday is replaced, never doubled)."""

from django.db import transaction

from .models import DateKind, ImportantDate


def save_date_formset(contact, formset) -> None:
    """Save the contact form's date rows (a valid ImportantDateFormSet), owned by the contact's
    owner."""
    for form in formset.forms:
        form.instance.owner_id = contact.owner_id
    formset.instance = contact
    formset.save()


@transaction.atomic
def set_dates(contact, rows) -> None:
    """Make the contact's dates exactly `rows` (dicts of ImportantDate fields, validated): the
    REST API writes the list as a whole."""
    ImportantDate.objects.filter(contact=contact).delete()
    ImportantDate.objects.bulk_create(
        ImportantDate(owner_id=contact.owner_id, contact=contact, **row) for row in rows
    )


@transaction.atomic
def set_important_date(
    contact, kind: str, month: int, day: int, year: int | None = None, *, label: str = "",
    yearly: bool = True,
) -> ImportantDate:
    """Record a date of `contact`: its birthday is updated in place (one per person); another
    date is added unless the same one is there already. The values must make a real day
    (ImportantDate.full_clean says so)."""
    fields = {"month": month, "day": day, "year": year, "yearly": yearly, "label": label}
    if kind == DateKind.BIRTHDAY:
        row, _ = ImportantDate.objects.update_or_create(
            owner_id=contact.owner_id, contact=contact, kind=kind, defaults=fields
        )
        return row
    row, _ = ImportantDate.objects.get_or_create(
        owner_id=contact.owner_id, contact=contact, kind=kind, label=label, month=month, day=day,
        defaults={"year": year, "yearly": yearly},
    )
    return row


def replace_dates(contact, kinds, dates) -> None:
    """Make the contact's unnamed dates of `kinds` exactly `dates` [(kind, month, day, year)]:
    a phone's card carries every birthday and anniversary it knows, so one missing from the
    card was deleted on the phone. Dates of other kinds, and named ones, are kept."""
    wanted = {(kind, month, day, year) for kind, month, day, year in dates}
    existing = ImportantDate.objects.filter(contact=contact, kind__in=kinds, label="")
    for row in existing:
        key = (row.kind, row.month, row.day, row.year)
        if key in wanted:
            wanted.discard(key)
        else:
            row.delete()
    for kind, month, day, year in sorted(wanted, key=str):
        set_important_date(contact, kind, month, day, year)
