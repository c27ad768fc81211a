"""Deleting a contact with an Undo: the copy of what the delete takes away is stored before the
delete (`keep_copy`), the token in the message names it, and spending the token puts the rows
back with their ids (`put_back`). Copies past the Undo window are swept by beat
(`forget_old_copies`)."""

import datetime

from django.utils import timezone

from network_crm import undelete
from network_crm import undo as undo_core

from .. import signals
from ..models import Contact
from ..services import delete_contact
from .models import DeletedContact

KIND = "contact-deleted"
# A copy is kept while its token can be spent, and a minute more: the token is signed just
# after the copy is stored, so it outlives the copy's deleted_at by a few milliseconds.
KEEP_SECONDS = undo_core.UNDO_SECONDS + 60


def delete_with_undo(owner, contact: Contact) -> str:
    """Delete `contact` (services.delete_contact) and return the token of its Undo."""
    stored = DeletedContact.objects.create(
        owner=owner, copy=undelete.copy_before_delete(contact)
    )
    token = undo_core.make_token(owner, KIND, {"copy": stored.pk})
    delete_contact(contact)
    return token


def put_back(owner, payload: dict) -> undo_core.Undone:
    """Undo a contact's delete (undo_core.undo checked the token): the stored copy is claimed
    (deleted; a second Undo of the same message finds nothing) and its rows put back."""
    stored = DeletedContact.objects.filter(owner=owner, pk=payload["copy"]).first()
    if stored is None:
        return undo_core.Undone([])  # spent already, or past the window
    claimed, _ = DeletedContact.objects.filter(pk=stored.pk, owner=owner).delete()
    if not claimed:
        return undo_core.Undone([])  # spent by a request that ran at the same time
    return undo_core.put_back_copy(owner, stored.copy, _recompute)


def _recompute(contact: Contact, copy: dict) -> None:
    # The row comes back as it was deleted; a conversation of theirs deleted since must move
    # their last interaction, next follow-up and strength.
    signals.contacts_restored.send(
        sender=Contact, owner_id=contact.owner_id, contact_ids=[contact.pk]
    )


def forget_old_copies(now: datetime.datetime | None = None) -> int:
    """Delete the copies whose Undo can no longer be spent; returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=KEEP_SECONDS)
    deleted, _ = DeletedContact.objects.filter(deleted_at__lt=cutoff).delete()
    return deleted
