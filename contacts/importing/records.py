"""What every parser produces: one `ParsedRow` per line or card, holding a `ContactRecord`
(the fields we can import, already trimmed) or the reason the row could not be read."""

from dataclasses import dataclass, field

# Contact fields an import may fill; every one is a blank-able text field on Contact.
TEXT_FIELDS = (
    "name",
    "preferred_name",
    "phonetic_name",
    "company",
    "title",
    "department",
    "location",
    "linkedin_url",
    "website",
    "how_we_met",
    "notes",
)
# The columns a contact this import creates is written with: those, and its kind.
NEW_FIELDS = (*TEXT_FIELDS, "kind")


@dataclass(slots=True)
class ContactRecord:
    name: str = ""
    preferred_name: str = ""
    phonetic_name: str = ""
    company: str = ""
    title: str = ""
    department: str = ""
    location: str = ""
    linkedin_url: str = ""
    website: str = ""
    how_we_met: str = ""
    notes: str = ""
    emails: list[tuple[str, str]] = field(default_factory=list)  # (email, label)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (number, label)
    tags: list[str] = field(default_factory=list)
    kind: str = ""  # blank: a person; ContactKind.ORGANISATION for a company's own row
    birthday: tuple[int, int, int | None] | None = None  # (month, day, year or None)

    def add_email(self, email: str, label: str = "") -> None:
        email = (email or "").strip()
        if email and email.lower() not in {e.lower() for e, _ in self.emails}:
            self.emails.append((email, label.strip()[:30]))

    def add_phone(self, number: str, label: str = "") -> None:
        number = " ".join((number or "").split())
        if number and number not in {n for n, _ in self.phones}:
            self.phones.append((number, label.strip()[:30]))

    def add_tag(self, name: str) -> None:
        name = " ".join((name or "").split())[:50]
        if name and name.lower() not in {t.lower() for t in self.tags}:
            self.tags.append(name)

    def is_empty(self) -> bool:
        return not (
            any(getattr(self, f) for f in TEXT_FIELDS) or self.emails or self.phones
            or self.birthday
        )


@dataclass(slots=True)
class ParsedRow:
    """One source row: `line` is the 1-based line number (CSV) or card number (vCard)."""

    line: int
    record: ContactRecord | None = None
    error: str = ""
    skip: str = ""  # a reason to skip a row that is not an error (a blank row)
    raw: dict | None = None  # the source cells, echoed in the refused-rows CSV
    # What was read but not kept, said to the user beside the row: a cell that is not what
    # its column says (an email that is not one), a row with too many or too few cells.
    warnings: list[str] = field(default_factory=list)


# What spreadsheets put in a cell that has nothing to say; stored empty.
PLACEHOLDERS = frozenset({"-", "--", "---", "—", "–", "n/a", "N/A", "n.a.", "NA", "none", "None",
                          "NONE", "null", "NULL", "nil", "?"})


def clean(value) -> str:
    """A cell as one trimmed string (None, non-strings and placeholders such as `n/a`: '')."""
    if value is None:
        return ""
    value = str(value).replace("\x00", "").strip()
    return "" if value in PLACEHOLDERS else value


def ragged(cells: list[str], width: int) -> list[str]:
    """The warning for a row with more or fewer cells than its header has columns."""
    if len(cells) > width:
        extra = [c.strip() for c in cells[width:] if c.strip()]
        if not extra:
            return []  # empty cells a spreadsheet padded the row with
        shown = ", ".join(f"“{c[:40]}”" for c in extra[:3])
        return [f"{len(cells)} cells where the header names {width} columns: {shown} not imported"]
    if len(cells) < width:
        return [f"{len(cells)} cells where the header names {width} columns: the rest taken as blank"]
    return []


def join_name(*parts: str) -> str:
    return " ".join(p for p in (clean(x) for x in parts) if p)
