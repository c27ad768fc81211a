"""Cards read for a client (rendered from their contacts in a fixed number of queries) and
cards written by a client (PUT and DELETE), through contacts.services so the same rules apply
as in the web app."""

from dataclasses import dataclass

from django.db import transaction

from contacts.importing.matching import MatchIndex
from contacts.importing.normalize import PHONE, contact_keys, norm_linkedin, norm_phone
from contacts.dates.models import ImportantDate
from contacts.dates.services import replace_dates, set_important_date
from contacts.phones import phone_key
from contacts.models import Contact, ContactEmail, ContactPhone
from contacts.services import create_contact, get_profile, update_contact

from . import sync
from .models import Card
from .vcard import reading, writing
from .vcard.dates import CARD_DATE_KINDS


def live_cards(owner):
    """The cards a client sees (tombstones left out)."""
    return Card.objects.filter(owner=owner, deleted=False)


@dataclass
class Rendered:
    card: Card
    text: str


def render_cards(cards: list[Card], version: str | None = None) -> dict[int, str]:
    """card pk -> vCard text, in `version` (else the version each card was written in). Five
    queries whatever the number of cards."""
    contact_ids = [c.contact_id for c in cards if c.contact_id and not c.raw]
    contacts = {c.pk: c for c in Contact.objects.filter(pk__in=contact_ids)} if contact_ids else {}
    emails: dict[int, list] = {}
    phones: dict[int, list] = {}
    tags: dict[int, list] = {}
    dates: dict[int, list] = {}
    if contact_ids:
        for row in ImportantDate.objects.filter(
            contact_id__in=contact_ids, kind__in=CARD_DATE_KINDS, label=""
        ).order_by("id"):
            dates.setdefault(row.contact_id, []).append(row)
        for contact_id, label, email in ContactEmail.objects.filter(
            contact_id__in=contact_ids
        ).values_list("contact_id", "label", "email"):
            emails.setdefault(contact_id, []).append((label, email))
        for contact_id, label, number in ContactPhone.objects.filter(
            contact_id__in=contact_ids
        ).values_list("contact_id", "label", "number"):
            phones.setdefault(contact_id, []).append((label, number))
        through = Contact.tags.through
        for contact_id, name in (
            through.objects.filter(contact_id__in=contact_ids)
            .order_by("tag__name")
            .values_list("contact_id", "tag__name")
        ):
            tags.setdefault(contact_id, []).append(name)
    texts = {}
    for card in cards:
        if card.raw:
            texts[card.pk] = card.raw
            continue
        contact = contacts.get(card.contact_id)
        if contact is None:
            continue
        texts[card.pk] = writing.render(
            card,
            contact,
            emails.get(contact.pk, ()),
            phones.get(contact.pk, ()),
            tags.get(contact.pk, ()),
            version or card.version,
            dates.get(contact.pk, ()),
        )
    return texts


class UidConflict(Exception):
    """Another card of the address book has this UID (RFC 6352 CARDDAV:no-uid-conflict)."""

    def __init__(self, card: Card):
        super().__init__(card.name)
        self.card = card


def _free_uid(owner, uid: str, keep: Card | None) -> None:
    clash = Card.objects.filter(owner=owner, uid=uid).exclude(pk=getattr(keep, "pk", None))
    clash = clash.first()
    if clash is None:
        return
    if not clash.deleted:
        raise UidConflict(clash)
    # A tombstone keeps reporting its deletion under another UID; the new card takes this one.
    Card.objects.filter(pk=clash.pk).update(uid=f"{uid}#deleted-{clash.pk}"[:255])


def _matching_contact(owner, phone: reading.PhoneCard) -> Contact | None:
    """The existing contact a new card is, matched as an import matches a row: by a strong
    identifier (email, LinkedIn address, phone number), never by name alone
    (contacts.importing.matching)."""
    keys = contact_keys(
        [email for _, email in phone.emails], norm_linkedin(phone.linkedin_url or "")
    )
    region = get_profile(owner).phone_region
    keys += [PHONE + key for _, number in phone.phones if (key := phone_key(number, region))]
    ref, _ = MatchIndex(owner).lookup(keys)
    if not isinstance(ref, int):
        return None
    return Contact.objects.filter(owner=owner, pk=ref).first()


def _fill_blanks(contact: Contact, data: dict) -> dict:
    """As an import does: blank fields take the card's values, emails, phones and tags are
    added, nothing the CRM has is overwritten."""
    changes = {
        f: v
        for f, v in data.items()
        if f not in ("emails", "phones", "tags") and v and not getattr(contact, f)
    }
    emails = [(e.label, e.email) for e in contact.emails.all()]
    known = {email for _, email in emails}
    emails += [(label, email) for label, email in data["emails"] if email not in known]
    phones = [(p.label, p.number) for p in contact.phones.all()]
    known = {norm_phone(number) for _, number in phones}
    phones += [(label, n) for label, n in data["phones"] if norm_phone(n) not in known]
    tags = [t.name for t in contact.tags.all()]
    tags += [t for t in data.get("tags") or () if t.lower() not in {x.lower() for x in tags}]
    return {**changes, "emails": emails, "phones": phones, "tags": tags}


def _add_missing_dates(contact: Contact, dates) -> None:
    """As for the other fields of a matched contact: the card's dates fill what the CRM lacks."""
    known = set(ImportantDate.objects.filter(contact=contact).values_list("kind", flat=True))
    for kind, month, day, year in dates:
        if kind not in known:
            set_important_date(contact, kind, month, day, year)


@transaction.atomic
def put_card(owner, name: str, text: str, existing: Card | None) -> Card:
    """Store a card a client PUT at `name` (`existing` is the card there, live or tombstone).

    An edit updates the same contact (only the fields a phone knows); a new card is matched
    like an import and, when it is someone the CRM has, fills that contact's blanks and
    replaces its old card (reported deleted at the next sync) — never a duplicate contact."""
    phone = reading.parse(text)  # InvalidCard before anything is written
    book = sync.locked_book(owner)
    uid = phone.uid or (existing.uid if existing else sync.new_card_name()[0])
    _free_uid(owner, uid, existing)
    card = existing or Card(owner=owner, name=name)
    fields = {"uid": uid, "deleted": False, "version": phone.version, "raw": ""}
    if phone.is_group:
        # A contact group (DAVx5, macOS) is not a person: kept as the client sent it.
        if card.contact_id:
            update_contact(card.contact, {"archived": True})
        return sync.touch(book, card, **{**fields, "raw": text}, contact=None, extra="",
                          seen_updated_at=None)
    data = phone.contact_data()
    contact = card.contact if card.contact_id else None
    if contact is not None:
        contact = update_contact(contact, {**data, "archived": False})
        # The phone's card is the whole truth about its birthday and anniversary.
        replace_dates(contact, CARD_DATE_KINDS, phone.dates)
    else:
        contact = _matching_contact(owner, phone)
        if contact is None:
            contact = create_contact(owner, data)
            replace_dates(contact, CARD_DATE_KINDS, phone.dates)
        else:
            contact = update_contact(contact, {**_fill_blanks(contact, data), "archived": False})
            _add_missing_dates(contact, phone.dates)
            old = Card.objects.filter(contact=contact).exclude(pk=card.pk).first()
            if old is not None:
                sync.touch(book, old, contact=None, deleted=True, seen_updated_at=None)
    return sync.touch(
        book,
        card,
        **fields,
        contact=contact,
        extra="\n".join(phone.extra),
        structured_name=phone.structured_name[:600],
        structured_name_for=contact.name,
    )


@transaction.atomic
def delete_card(owner, card: Card) -> None:
    """A delete on the phone archives the contact (nothing is lost) and leaves a tombstone,
    so every other client of the address book learns of it at its next sync."""
    book = sync.locked_book(owner)
    if card.contact_id:
        update_contact(card.contact, {"archived": True})
    sync.touch(book, card, deleted=True, raw="")
