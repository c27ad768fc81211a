"""Reads for the installable app."""

from django.db.models import F

from contacts.models import Contact

# The people a device keeps for its offline picker: those the user talked to most recently
# (then the rest by name). A whole account of 30,000 was 1.2 MB on every install; 2,000 rows
# are about 80 KB and cover anyone met in the last months of a very busy network.
DIRECTORY_SIZE = 2000


def contact_directory(owner, size: int = DIRECTORY_SIZE) -> list[list]:
    """[id, name, company] of the user's `size` most recently met active contacts (never met:
    newest added first), sorted by name. One query, on the (owner, last interaction) index."""
    recent = (
        Contact.objects.filter(owner=owner, archived=False)
        .order_by(F("last_interaction_at").desc(nulls_last=True), "-pk")
        .values_list("pk", "name", "company")[:size]
    )
    return sorted((list(row) for row in recent), key=lambda row: (row[1].casefold(), row[0]))
