"""Everything a user has as one JSON document: the backup that `restore.py` puts back.

Rows keep this account's ids; references between them (a follow-up's contact, an event's
people, a follow-up's source key) use those ids, and a restore maps every one of them to the
new rows."""

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from contacts.dates.models import ImportantDate
from contacts.models import Contact, ContactEmail, ContactLink, ContactPhone, Event, Profile, Tag

from ..models import FollowUp, Interaction, Mentorship, Support

FORMAT = "network_crm-export"
VERSION = 1

# (key in the document, model, how to reach the owner), in an order where a row's foreign keys
# point at sections already restored (except a contact's introducer, set in a second pass).
SECTIONS = [
    ("tags", Tag, "owner"),
    ("events", Event, "owner"),
    ("contacts", Contact, "owner"),
    ("contact_emails", ContactEmail, "contact__owner"),
    ("contact_phones", ContactPhone, "contact__owner"),
    ("important_dates", ImportantDate, "owner"),
    ("contact_links", ContactLink, "owner"),
    ("interactions", Interaction, "owner"),
    ("supports", Support, "owner"),
    ("mentorships", Mentorship, "owner"),
    ("follow_ups", FollowUp, "owner"),
]
# Rows that point at a contact but are not in the backup, and why (a test holds every model
# that points at a contact to SECTIONS or to this list).
LEFT_OUT = {
    "capture.Suggestion": "read again from the calendars and mailboxes, which hold passwords",
    "capture.Rule": "kept with the calendar and mail sources they apply to",
    "carddav.Card": "the phone's copy: a phone syncs again from the restored contacts",
}
# A new account gets a calendar link of its own: the old one is a secret of the old account.
PROFILE_EXCLUDE = {"id", "owner", "calendar_token"}


def row(obj, exclude=("owner",)) -> dict:
    """One row as JSON-ready values: foreign keys as ids, many-to-many fields as id lists."""
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
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now(),
        "user": {"username": owner.get_username(), "email": owner.email},
        "profile": row(profile, PROFILE_EXCLUDE) if profile else None,
    }
    for key, model, path in SECTIONS:
        queryset = model.objects.filter(**{path: owner}).order_by("pk")
        if model._meta.many_to_many:
            queryset = queryset.prefetch_related(*(f.name for f in model._meta.many_to_many))
        document[key] = [row(obj) for obj in queryset]
    return document


class BackupEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder cuts them to milliseconds, so a restored
    row's timestamps would not be the ones exported (and .000456 would come back as .000)."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def export_json(owner) -> str:
    return json.dumps(export_document(owner), cls=BackupEncoder, ensure_ascii=False, indent=1)
