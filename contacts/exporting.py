"""Export of all a user's data in open formats — contacts as vCard 4.0 and CSV, everything as
one JSON document — and the restore of such a JSON document into an empty account."""

import csv
import datetime
import io
import json
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from import_export import fields, resources

from interactions.models import FollowUp, Interaction, Mentorship, Support

from .models import Contact, ContactEmail, ContactLink, ContactPhone, Event, Profile, Tag

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
JSON_FORMAT = "network_crm-export"
JSON_VERSION = 1


class ExportError(Exception):
    """A JSON document that cannot be restored; the message is shown as is."""


def escape_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text instead of running it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


# ---------------------------------------------------------------- CSV (django-import-export)


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
    """The owner's contacts as CSV text chunks, formula-looking cells escaped."""
    dataset = ContactResource().export(owner_contacts(owner))
    buffer = io.StringIO()
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


# ---------------------------------------------------------------- JSON: everything

# (key in the document, model, how to reach the owner, fields never exported)
SECTIONS = [
    ("tags", Tag, "owner", ()),
    ("events", Event, "owner", ()),
    ("contacts", Contact, "owner", ()),
    ("contact_emails", ContactEmail, "contact__owner", ()),
    ("contact_phones", ContactPhone, "contact__owner", ()),
    ("contact_links", ContactLink, "owner", ()),
    ("interactions", Interaction, "owner", ()),
    ("supports", Support, "owner", ()),
    ("mentorships", Mentorship, "owner", ()),
    ("follow_ups", FollowUp, "owner", ()),
]
PROFILE_EXCLUDE = {"id", "owner", "calendar_token"}


def _row(obj, exclude=("owner",)) -> dict:
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.generated:  # computed from the other columns
            continue
        key = field.attname if field.is_relation else field.name
        data[key] = field.value_from_object(obj)
    for field in obj._meta.many_to_many:
        data[field.name] = [o.pk for o in getattr(obj, field.name).all()]
    return data


def export_document(owner) -> dict:
    """Everything the owner has, as one JSON-ready document (ids are this account's)."""
    profile = Profile.objects.filter(owner=owner).first()
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "exported_at": timezone.now(),
        "user": {"username": owner.get_username(), "email": owner.email},
        "profile": _row(profile, PROFILE_EXCLUDE) if profile else None,
    }
    for key, model, path, _ in SECTIONS:
        queryset = model.objects.filter(**{path: owner}).order_by("pk")
        if model._meta.many_to_many:
            queryset = queryset.prefetch_related(*(f.name for f in model._meta.many_to_many))
        document[key] = [_row(obj) for obj in queryset]
    return document


def export_json(owner) -> str:
    return json.dumps(export_document(owner), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def _parse_value(field, value):
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return datetime.datetime.fromisoformat(value)
    if isinstance(field, models.DateField):
        return datetime.date.fromisoformat(value)
    return value


def import_document(owner, document: dict) -> dict:
    """Restore an export_document into `owner`'s account, which must be empty; ids are
    remapped. All or nothing: one transaction. Returns the number of rows per section."""
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise ExportError("This is not a network_crm JSON export.")
    if document.get("version") != JSON_VERSION:
        raise ExportError(f"Unsupported export version {document.get('version')!r}.")
    if (
        Contact.objects.filter(owner=owner).exists()
        or Interaction.objects.filter(owner=owner).exists()
    ):
        raise ExportError(
            "A JSON export can only be restored into an empty account (this one has contacts)."
        )
    ids: dict[type, dict] = {model: {} for _, model, _, _ in SECTIONS}
    counts = {}
    # Foreign keys to rows of the same section (contact.introduced_by) are set in a second pass.
    later: list[tuple[models.Model, str, type, object]] = []
    with transaction.atomic():
        if document.get("profile"):
            profile, _ = Profile.objects.get_or_create(owner=owner)
            for name, value in document["profile"].items():
                field = Profile._meta.get_field(name)
                if name not in PROFILE_EXCLUDE and not field.is_relation:
                    setattr(profile, name, _parse_value(field, value))
            profile.save()
        for key, model, path, _ in SECTIONS:
            rows = document.get(key) or []
            m2m_pending = []
            by_attname = {f.attname: f for f in model._meta.concrete_fields if not f.generated}
            by_attname.update({f.name: f for f in model._meta.many_to_many})
            for row in rows:
                obj = model(owner=owner) if path == "owner" else model()
                m2m = {}
                for name, value in row.items():
                    if name == "id":
                        continue
                    field = by_attname.get(name)
                    if field is None:
                        continue  # a field this version no longer has
                    if field.many_to_many:
                        m2m[field.name] = value
                    elif field.is_relation:
                        target = field.related_model
                        if value is None:
                            continue
                        if target is model:
                            later.append((obj, field.attname, target, value))
                        elif target is get_user_model():
                            continue
                        else:
                            if value not in ids[target]:
                                missing = f"{target.__name__} {value}"
                                raise ExportError(
                                    f"{key}: row {row.get('id')} points at a missing {missing}."
                                )
                            setattr(obj, field.attname, ids[target][value])
                    else:
                        value = _parse_value(field, value)
                        if value not in (None, "") and not field.is_relation:
                            # A crafted file must not store what a form would refuse (for
                            # example a javascript: URL in website).
                            try:
                                field.run_validators(value)
                            except ValidationError as exc:
                                raise ExportError(
                                    f"{key}: row {row.get('id')}, {field.name}: "
                                    f"{' '.join(exc.messages)}"
                                ) from None
                        setattr(obj, field.name, value)
                obj.save()
                ids[model][row["id"]] = obj.pk
                m2m_pending.append((obj, m2m))
                # auto_now(_add) fields are overwritten on save; put the exported times back.
                stamps = {
                    f.name: _parse_value(f, row[f.name])
                    for f in model._meta.concrete_fields
                    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                    if row.get(f.name)
                }
                if stamps:
                    model.objects.filter(pk=obj.pk).update(**stamps)
            for obj, m2m in m2m_pending:
                for name, values in m2m.items():
                    target = model._meta.get_field(name).related_model
                    if target not in ids:
                        continue
                    if target is model or any(v not in ids[target] for v in values):
                        # People met at an event are contacts, exported after events.
                        later.append((obj, name, target, values))
                        continue
                    getattr(obj, name).set([ids[target][v] for v in values])
            counts[key] = len(rows)
        for obj, name, target, value in later:
            if isinstance(value, list):
                getattr(obj, name).set([ids[target][v] for v in value if v in ids[target]])
            elif value in ids[target]:
                type(obj).objects.filter(pk=obj.pk).update(**{name: ids[target][value]})
    return counts
