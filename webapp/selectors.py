"""Reads for the installable app."""

from contacts.models import Contact


def contact_directory(owner) -> list[list]:
    """[id, name, company] of each of the user's contacts, archived ones last, by name."""
    return [
        list(row)
        for row in Contact.objects.filter(owner=owner)
        .order_by("archived", "name", "pk")
        .values_list("pk", "name", "company")
    ]
