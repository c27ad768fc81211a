"""People in the user's network, the user's own profile, and events where they meet.

Every row belongs to an `owner`; uniqueness rules include the owner so two users never collide.
Each module holds one area; everything is importable from `contacts.models`.
"""

# Defined beside the code they serve, registered with Django from here: the import job
# (contacts.importing), a contact's important dates (contacts.dates) and the deleted contacts
# kept for the Undo of their delete (contacts.deleted).
from ..dates.models import ImportantDate
from ..deleted.models import DeletedContact
from ..importing.models import ImportJob
from .choices import (
    CIRCLE_LABELS,
    DISCIPLINE_LABELS,
    NOT_SET,
    TIER_LABELS,
    Circle,
    ContactKind,
    Discipline,
    EventKind,
    LinkKind,
    Tier,
    Weekday,
)
from .contact import Contact, ContactLabels, ContactQuerySet, Tag
from .details import ContactEmail, ContactLink, ContactPhone
from .event import Event
from .profile import (
    Profile,
    _new_token,  # noqa: F401 - the migrations name it by this home
    default_phone_region,
    validate_time_zone,
)

__all__ = [
    "CIRCLE_LABELS",
    "DISCIPLINE_LABELS",
    "NOT_SET",
    "TIER_LABELS",
    "Circle",
    "Contact",
    "ContactEmail",
    "ContactKind",
    "ContactLabels",
    "ContactLink",
    "ContactPhone",
    "ContactQuerySet",
    "DeletedContact",
    "Discipline",
    "Event",
    "EventKind",
    "ImportJob",
    "ImportantDate",
    "LinkKind",
    "Profile",
    "Tag",
    "Tier",
    "Weekday",
    "default_phone_region",
    "validate_time_zone",
]
