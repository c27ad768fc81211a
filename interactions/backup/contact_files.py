"""Contacts as files for other programs: CSV for spreadsheets (django-import-export, with a
UTF-8 byte-order mark so that Excel reads the accents) and vCard 4.0 for address books."""

import csv
import io
from collections.abc import Iterator

from import_export import fields, resources

from contacts.csv_cells import escape_cell
from contacts.models import Contact
from contacts.vcard import kind_and_phonetic_lines

# Excel opens a CSV without a byte-order mark in the machine's legacy code page ("SÃ¸rensen").
BOM = "\ufeff"



class ContactResource(resources.ModelResource):
    """Contacts as one CSV row each; headers are ones the generic CSV import maps back."""

    emails = fields.Field(column_name="Email")
    phones = fields.Field(column_name="Phone")
    tags = fields.Field(column_name="Tags")
    name = fields.Field(attribute="name", column_name="Name")
    preferred_name = fields.Field(attribute="preferred_name", column_name="Preferred name")
    company = fields.Field(attribute="company", column_name="Company")
    title = fields.Field(attribute="title", column_name="Title")
    department = fields.Field(attribute="department", column_name="Department")
    location = fields.Field(attribute="location", column_name="Location")
    linkedin_url = fields.Field(attribute="linkedin_url", column_name="LinkedIn URL")
    website = fields.Field(attribute="website", column_name="Website")
    how_we_met = fields.Field(attribute="how_we_met", column_name="How we met")
    notes = fields.Field(attribute="notes", column_name="Notes")
    circle = fields.Field(attribute="get_circle_display", column_name="Circle")
    discipline = fields.Field(attribute="get_discipline_display", column_name="Discipline")
    tier = fields.Field(attribute="get_tier_display", column_name="Tier")
    working_on = fields.Field(attribute="working_on", column_name="Working on")
    why_it_matters = fields.Field(attribute="why_it_matters", column_name="Why it matters")
    time_zone = fields.Field(attribute="time_zone", column_name="Time zone")
    cadence_days = fields.Field(attribute="cadence_days", column_name="Cadence (days)")
    archived = fields.Field(attribute="archived", column_name="Archived")
    last_interaction_at = fields.Field(
        attribute="last_interaction_at", column_name="Last interaction"
    )

    class Meta:
        model = Contact
        fields = (
            "name",
            "preferred_name",
            "emails",
            "phones",
            "company",
            "title",
            "department",
            "location",
            "linkedin_url",
            "website",
            "how_we_met",
            "notes",
            "tags",
            "circle",
            "discipline",
            "tier",
            "working_on",
            "why_it_matters",
            "time_zone",
            "cadence_days",
            "archived",
            "last_interaction_at",
        )
        export_order = fields

    def dehydrate_emails(self, contact):
        return "; ".join(e.email for e in contact.emails.all())

    def dehydrate_phones(self, contact):
        return "; ".join(p.number for p in contact.phones.all())

    def dehydrate_tags(self, contact):
        return ", ".join(t.name for t in contact.tags.all())


def owner_contacts(owner):
    return (
        Contact.objects.filter(owner=owner)
        .prefetch_related("emails", "phones", "tags")
        .order_by("name", "id")
    )


def export_csv(owner) -> Iterator[str]:
    """The owner's contacts as CSV text chunks, formula-looking cells escaped; the first chunk
    starts with the byte-order mark."""
    dataset = ContactResource().export(owner_contacts(owner))
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(dataset.headers)
    for row in dataset:
        writer.writerow([escape_cell("" if v is None else v) for v in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# ---------------------------------------------------------------- vCard 4.0


def _vescape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold at 75 octets as RFC 6350 asks, never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def contact_vcard(contact) -> str:
    parts = contact.name.rsplit(" ", 1)
    given, family = (parts[0], parts[1]) if len(parts) == 2 else (contact.name, "")
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"FN:{_vescape(contact.name)}",
        f"N:{_vescape(family)};{_vescape(given)};;;",
    ]
    lines.extend(kind_and_phonetic_lines(contact, "4.0", _vescape))
    if contact.preferred_name:
        lines.append(f"NICKNAME:{_vescape(contact.preferred_name)}")
    if contact.company or contact.department:
        lines.append(f"ORG:{_vescape(contact.company)};{_vescape(contact.department)}".rstrip(";"))
    if contact.title:
        lines.append(f"TITLE:{_vescape(contact.title)}")
    for email in contact.emails.all():
        label = f";TYPE={_vescape(email.label.lower())}" if email.label else ""
        lines.append(f"EMAIL{label}:{email.email}")
    for phone in contact.phones.all():
        label = f";TYPE={_vescape(phone.label.lower())}" if phone.label else ""
        lines.append(f"TEL;VALUE=text{label}:{_vescape(phone.number)}")
    if contact.website:
        lines.append(f"URL:{contact.website}")
    if contact.linkedin_url:
        lines.append(f"X-SOCIALPROFILE;TYPE=linkedin:{contact.linkedin_url}")
    if contact.location:
        lines.append(f"ADR:;;;{_vescape(contact.location)};;;")
    tags = [t.name for t in contact.tags.all()]
    if tags:
        lines.append("CATEGORIES:" + ",".join(_vescape(t) for t in tags))
    note = "\n".join(
        p for p in (contact.how_we_met and f"How we met: {contact.how_we_met}", contact.notes) if p
    )
    if note:
        lines.append(f"NOTE:{_vescape(note)}")
    lines.append(f"UID:urn:network-crm:contact:{contact.pk}")
    lines.append(f"REV:{contact.updated_at:%Y%m%dT%H%M%SZ}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def export_vcard(owner) -> Iterator[str]:
    """The owner's contacts as a vCard 4.0 file, one card per contact."""
    for contact in owner_contacts(owner).iterator(chunk_size=2000):
        yield contact_vcard(contact)


