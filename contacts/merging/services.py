"""Merging two contacts that are the same person (the merge screen and the admin's action)."""

from django.db import transaction

from .. import signals
from ..importing.normalize import norm_phone
from ..models import Contact, ContactPhone
from .plan import MergeError, check, merged_values
from .relations import move_related_rows


@transaction.atomic
def merge_contacts(survivor: Contact, other: Contact, choices=None) -> dict[str, int]:
    """Merge `other` into `survivor` (same owner) and delete `other`; returns how many rows of
    each kind moved.

    The survivor takes the values the user chose (`choices`: field name → "other"), fills its
    blanks from the other, and keeps both sides' notes and other prose. Every row that pointed
    at the other contact (emails, phones, tags, links, events and whatever the apps built on
    contacts keep: interactions, gives, follow-ups, mentorships…) now points at the survivor;
    those apps finish their part on `signals.contact_merged`."""
    check(survivor, other)
    # Lock both rows so a concurrent edit or a second merge waits for this one.
    locked = Contact.objects.select_for_update().in_bulk([survivor.pk, other.pk])
    if len(locked) != 2:
        raise MergeError("One of the contacts no longer exists.")
    survivor, other = locked[survivor.pk], locked[other.pk]
    for name, value in merged_values(survivor, other, choices).items():
        setattr(survivor, name, value)
    survivor.strength = max(survivor.strength, other.strength)

    # The same number written two ways ("+1 206 555 0134", "(206) 555-0134") is one phone.
    own_phones = {norm_phone(n) for n in survivor.phones.values_list("number", flat=True)}
    for pk, number in other.phones.values_list("pk", "number"):
        if norm_phone(number) in own_phones:
            ContactPhone.objects.filter(pk=pk).delete()
        own_phones.add(norm_phone(number))

    moved = move_related_rows(survivor.pk, other.pk)
    signals.contact_merged.send(sender=Contact, survivor_id=survivor.pk, other_id=other.pk)
    other.delete()
    survivor.save()
    return moved
