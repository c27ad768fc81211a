"""Reads for the Sort new people screen: the active contacts whose circle, discipline or tier
is not set, newest first."""

from django.db.models import Q, QuerySet

from ..models import Contact

UNSORTED = Q(circle="") | Q(discipline="") | Q(tier="")


def unsorted_contacts(owner) -> QuerySet[Contact]:
    """The owner's active contacts still to sort, newest first (an import's people together)."""
    return Contact.objects.filter(UNSORTED, owner=owner, archived=False).order_by("-pk")


def unsorted_count(owner) -> int:
    return unsorted_contacts(owner).count()


def next_unsorted(owner, before: int | None = None) -> Contact | None:
    """The next contact to sort: the newest, or the newest older than `before` (the one just
    sorted or skipped, so a skipped person does not come straight back)."""
    queryset = unsorted_contacts(owner)
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    return queryset.prefetch_related("emails", "tags").first()
