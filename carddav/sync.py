"""Revisions of cards (RFC 6578 sync tokens), kept in step with the contacts they show.

Contacts change from many places (pages, the API, imports, merges, bulk actions) that know
nothing of CardDAV. So a card takes its revision when CardDAV next looks (`reconcile`, at the
start of every DAV request), from what the contacts table shows: `Contact.updated_at`, the
archived flag, contacts without a card, cards whose contact was deleted. Changes that leave the
contact row alone (emails, phones, tags) mark the card stale through signals (apps.py).

All of it happens with the address book row locked, so revisions are handed out in commit
order: a client never holds a sync token past a change that had not committed yet.
"""

import uuid

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery

from contacts.models import Contact

from .models import AddressBook, Card

SYNC_TOKEN_PREFIX = "http://network-crm.invalid/ns/sync/"


def sync_token(revision: int) -> str:
    return f"{SYNC_TOKEN_PREFIX}{revision}"


def parse_sync_token(token: str) -> int | None:
    """The revision in a sync token we issued, else None."""
    if not token.startswith(SYNC_TOKEN_PREFIX):
        return None
    number = token[len(SYNC_TOKEN_PREFIX):]
    return int(number) if number.isdigit() and len(number) < 19 else None


def locked_book(owner) -> AddressBook:
    """The owner's address book, created on first use, locked until the transaction ends."""
    book = AddressBook.objects.select_for_update().filter(owner=owner).first()
    if book is None:
        AddressBook.objects.get_or_create(owner=owner)
        book = AddressBook.objects.select_for_update().get(owner=owner)
    return book


def next_revision(book: AddressBook) -> int:
    """Take the next revision of a locked address book."""
    book.revision += 1
    AddressBook.objects.filter(pk=book.pk).update(revision=book.revision)
    return book.revision


def new_card_name() -> tuple[str, str]:
    uid = str(uuid.uuid4())
    return uid, f"{uid}.vcf"


@transaction.atomic
def reconcile(owner) -> AddressBook:
    """Give a new revision to every card whose contact changed since its last one, make cards
    for new contacts and tombstones for deleted ones. A handful of queries whatever the size of
    the address book; returns the locked book at its current revision."""
    book = locked_book(owner)
    contact_updated = Contact.objects.filter(pk=OuterRef("contact_id"))
    stale = list(
        Card.objects.filter(owner=owner, contact__isnull=False)
        .filter(
            Q(seen_updated_at__isnull=True)
            | Q(seen_updated_at__lt=F("contact__updated_at"))
            | Q(seen_updated_at__gt=F("contact__updated_at"))
            | ~Q(deleted=F("contact__archived"))
        )
        .values_list("pk", flat=True)
    )
    orphaned = list(
        Card.objects.filter(owner=owner, contact__isnull=True, deleted=False, raw="").values_list(
            "pk", flat=True
        )
    )
    carded = Card.objects.filter(owner=owner, contact__isnull=False).values("contact_id")
    new = list(
        Contact.objects.filter(owner=owner)
        .exclude(pk__in=carded)
        .values_list("pk", "updated_at", "archived")
    )
    if not (stale or orphaned or new):
        return book
    revision = next_revision(book)
    if stale:
        Card.objects.filter(pk__in=stale).update(
            revision=revision,
            seen_updated_at=Subquery(contact_updated.values("updated_at")),
            deleted=Subquery(contact_updated.values("archived")),
        )
    if orphaned:
        Card.objects.filter(pk__in=orphaned).update(revision=revision, deleted=True)
    if new:
        cards = []
        for contact_id, updated_at, archived in new:
            uid, name = new_card_name()
            cards.append(
                Card(
                    owner=owner,
                    contact_id=contact_id,
                    uid=uid,
                    name=name,
                    revision=revision,
                    deleted=archived,
                    seen_updated_at=updated_at,
                )
            )
        Card.objects.bulk_create(cards, batch_size=1000)
    return book


def touch(book: AddressBook, card: Card, **changes) -> Card:
    """Save `changes` to a card under a new revision of its (locked) address book. Unless told
    otherwise, the contact's updated_at is noted as seen: the caller has just written it."""
    for field, value in changes.items():
        setattr(card, field, value)
    card.revision = next_revision(book)
    if "seen_updated_at" not in changes and card.contact_id:
        card.seen_updated_at = (
            Contact.objects.filter(pk=card.contact_id).values_list("updated_at", flat=True).first()
        )
    card.save()
    return card


# Signal receivers (bookkeeping only, see apps.py) --------------------------------------------


def child_changed(sender, instance, **kwargs) -> None:
    """An email or phone of a contact was saved or deleted: its card is stale."""
    Card.objects.filter(contact_id=instance.contact_id).update(seen_updated_at=None)


def tags_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A contact's tags (CATEGORIES) changed, from either side of the relation."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        Card.objects.filter(contact_id=instance.pk).update(seen_updated_at=None)
    elif pk_set:
        Card.objects.filter(contact_id__in=pk_set).update(seen_updated_at=None)
    else:  # a tag cleared of all its contacts: every card of its owner may have shown it
        Card.objects.filter(owner_id=instance.owner_id).update(seen_updated_at=None)
