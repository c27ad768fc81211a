"""vCard lines for what a contact is besides its name and addresses, written the same way by
the export file (interactions/backup) and CardDAV (carddav), and read back by both readers."""

from .models import ContactKind

# Apple's and Google's properties for how a name is said; iOS, macOS and DAVx5 show them.
PHONETIC_FIRST, PHONETIC_MIDDLE, PHONETIC_LAST = (
    "X-PHONETIC-FIRST-NAME", "X-PHONETIC-MIDDLE-NAME", "X-PHONETIC-LAST-NAME",
)


def kind_and_phonetic_lines(contact, version: str, escape) -> list[str]:
    """KIND:org (vCard 4) and X-ABShowAs:COMPANY (what Apple reads in 3.0 and 4.0) for an
    organisation; the phonetic name split as the N line splits a name (the last word is the
    family name), so that a reader joining first, middle and last gets the same text back."""
    lines = []
    if contact.kind == ContactKind.ORGANISATION:
        if version == "4.0":
            lines.append("KIND:org")
        lines.append("X-ABShowAs:COMPANY")
    words = contact.phonetic_name.split()
    if words:
        if len(words) > 1:
            lines.append(f"{PHONETIC_FIRST}:{escape(' '.join(words[:-1]))}")
        lines.append(f"{PHONETIC_LAST}:{escape(words[-1])}")
    return lines
