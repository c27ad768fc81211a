"""Writes for contacts, events, links and the user's profile."""

from django.db import transaction

from network_crm import fragment_cache

from . import signals
from .models import Contact, ContactEmail, ContactLink, ContactPhone, Event, Profile, Tag
from .phones import default_region, normalize_phone

# Contact fields a ContactForm's cleaned data may set directly.
CONTACT_FIELDS = [
    "kind",
    "name",
    "preferred_name",
    "phonetic_name",
    "company",
    "title",
    "department",
    "circle",
    "discipline",
    "tier",
    "location",
    "time_zone",
    "linkedin_url",
    "website",
    "how_we_met",
    "met_at",
    "introduced_by",
    "working_on",
    "why_it_matters",
    "notes",
    "cadence_days",
    "reminders_off",
    "archived",
]
# Changing one of these moves the next follow-up.
SCHEDULE_FIELDS = ("cadence_days", "tier", "reminders_off", "archived")


def get_profile(user) -> Profile:
    """The user's Profile, created with defaults the first time it is needed."""
    profile, _ = Profile.objects.get_or_create(owner=user)
    return profile


def refresh_schedules(contact_ids) -> None:
    """Have these contacts' next follow-up recomputed (by the follow-up engine, which listens to
    signals.schedule_changed), in the caller's transaction."""
    signals.schedule_changed.send(sender=Contact, contact_ids=list(contact_ids))


@transaction.atomic
def create_contact(owner, data: dict) -> Contact:
    """A new Contact from form data, with its emails, phones and tags."""
    contact = Contact(owner=owner, **{f: data[f] for f in CONTACT_FIELDS if f in data})
    contact.save()
    _sync_children(contact, data)
    refresh_schedules([contact.pk])
    return contact


@transaction.atomic
def update_contact(contact: Contact, data: dict) -> Contact:
    """Apply form data to a Contact; recompute its schedule when the cadence inputs changed."""
    # What is saved, not the instance: a ModelForm's validation has already copied its data
    # onto the instance, so comparing with it would never see the tier or cadence change.
    before = Contact.objects.filter(pk=contact.pk).values(*SCHEDULE_FIELDS).first() or {}
    for field in CONTACT_FIELDS:
        if field in data:
            setattr(contact, field, data[field])
    contact.save()
    _sync_children(contact, data)
    if any(getattr(contact, f) != v for f, v in before.items()):
        refresh_schedules([contact.pk])
    return contact


def _sync_children(contact: Contact, data: dict) -> None:
    if "emails" in data:
        sync_emails(contact, data["emails"])
    if "phones" in data:
        sync_phones(contact, data["phones"])
    if "tags" in data:
        set_tags(contact, data["tags"])


def sync_emails(contact: Contact, rows) -> None:
    """Make the contact's emails exactly `rows` [(label, email)], keeping unchanged rows."""
    wanted = {email.strip().lower(): label for label, email in rows}
    existing = {e.email: e for e in contact.emails.all()}
    contact.emails.exclude(email__in=wanted).delete()
    for email, label in wanted.items():
        row = existing.get(email)
        if row is None:
            ContactEmail.objects.create(contact=contact, email=email, label=label)
        elif row.label != label:
            row.label = label
            row.save(update_fields=["label"])


def phone_region_of(owner_id) -> str:
    """The region a number without a country code belongs to, for this owner."""
    region = Profile.objects.filter(owner_id=owner_id).values_list("phone_region", flat=True)
    return region.first() or default_region()


def sync_phones(contact: Contact, rows) -> None:
    """Make the contact's phones exactly `rows` [(label, number)], keeping unchanged rows.
    Numbers are stored in E.164, so one number written two ways is one phone."""
    rows = list(rows)
    region = ""
    if any(not number.strip().startswith("+") for _, number in rows):
        region = phone_region_of(contact.owner_id)
    wanted = {}
    for label, number in rows:
        wanted.setdefault(normalize_phone(number, region), label)
    existing = {p.number: p for p in contact.phones.all()}
    contact.phones.exclude(number__in=wanted).delete()
    for number, label in wanted.items():
        row = existing.get(number)
        if row is None:
            ContactPhone.objects.create(contact=contact, number=number, label=label)
        elif row.label != label:
            row.label = label
            row.save(update_fields=["label"])


def get_or_create_tags(owner, names) -> list[Tag]:
    """The owner's Tag rows for these names (matched case-insensitively), missing ones created."""
    tags = []
    for name in names:
        tag = Tag.objects.filter(owner=owner, name__iexact=name).first()
        if tag is None:
            tag, _ = Tag.objects.get_or_create(owner=owner, name=name)
        tags.append(tag)
    return tags


def set_tags(contact: Contact, names) -> None:
    """Replace the contact's tags with these names."""
    contact.tags.set(get_or_create_tags(contact.owner, names))


@transaction.atomic
def delete_contact(contact: Contact) -> None:
    """Delete a contact with its emails, phones, links, supports and follow-ups (cascade)."""
    contact.delete()


@transaction.atomic
def bulk_update_contacts(
    owner, contacts, action: str, *, tag: str = "", cadence_days=None, value: str = ""
) -> int:
    """Apply a bulk action (tag, archive, unarchive, cadence, or set tier / circle /
    discipline to `value`, blank for "not set") to the owner's contacts; returns how many were
    changed."""
    ids = [c.pk for c in contacts if c.owner_id == owner.pk]
    queryset = Contact.objects.filter(owner=owner, pk__in=ids)
    # .update() sends no signal: what is kept per contacts generation (the insights' mix) goes.
    fragment_cache.invalidate(owner.pk)
    if action == "tag":
        (tag_row,) = get_or_create_tags(owner, [tag.strip()])
        through = Contact.tags.through
        already = set(
            through.objects.filter(tag=tag_row, contact_id__in=ids).values_list(
                "contact_id", flat=True
            )
        )
        through.objects.bulk_create(
            [through(contact_id=pk, tag=tag_row) for pk in ids if pk not in already]
        )
        return len(ids)
    if action == "archive":
        changed = queryset.update(archived=True)
    elif action == "unarchive":
        changed = queryset.update(archived=False)
    elif action == "cadence":
        changed = queryset.update(cadence_days=cadence_days)
    elif action in ("tier", "circle", "discipline"):
        changed = queryset.update(**{action: value})
        if action != "tier":
            return changed  # the schedule depends on the tier alone
    else:
        raise ValueError(f"Unknown bulk action {action!r}")
    refresh_schedules(ids)
    return changed


@transaction.atomic
def save_event(owner, data: dict, event: Event | None = None) -> Event:
    """Create or update an Event from form data, including the people met there."""
    event = event or Event(owner=owner)
    for field in ("name", "kind", "starts_on", "ends_on", "place", "goals", "notes"):
        if field in data:
            setattr(event, field, data[field])
    event.save()
    if "people_met" in data:
        event.people_met.set(data["people_met"])
    return event


def delete_event(event: Event) -> None:
    """Delete an event; contacts met there keep existing."""
    event.delete()


def change_people_met(event: Event, *, add=(), remove=None) -> None:
    """Add contacts to (or remove one from) the people met at an event; callers pass only the
    owner's contacts."""
    if add:
        event.people_met.add(*add)
    if remove is not None:
        event.people_met.remove(remove)


def create_link(owner, from_contact: Contact, data: dict) -> ContactLink:
    """A tie between two of the owner's contacts, for the network map."""
    return ContactLink.objects.create(
        owner=owner,
        from_contact=from_contact,
        to_contact=data["to_contact"],
        kind=data["kind"],
        since=data.get("since"),
        notes=data.get("notes", ""),
    )


def delete_link(link: ContactLink) -> None:
    """Remove a tie between two contacts."""
    link.delete()
