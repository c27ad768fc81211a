"""Reads for CardDAV and for its Settings section."""

from django.db.models import F
from django.db.models.functions import Coalesce

from .models import AppPassword, Card


def cards_with_times(owner):
    """The owner's cards, each with `modified_at` (its contact's updated_at, else when the
    card was made) for getlastmodified."""
    return Card.objects.filter(owner=owner).annotate(
        modified_at=Coalesce(F("contact__updated_at"), F("created_at"))
    )


def app_passwords(owner):
    return AppPassword.objects.filter(owner=owner)
