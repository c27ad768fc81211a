"""What an import says about each row and about the whole file."""

from collections import Counter
from dataclasses import dataclass, field

from .sniff import Format


class Status:
    NEW = "new"
    # A new contact whose name is that of another (in the account or earlier in the file)
    # with no strong identifier in common: added, and listed as a possible duplicate.
    POSSIBLE = "possible"
    UPDATE = "update"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"
    ERROR = "error"
    ALL = (NEW, POSSIBLE, UPDATE, DUPLICATE, SKIPPED, ERROR)
    REFUSED = (SKIPPED, ERROR)
    CREATED = (NEW, POSSIBLE)


@dataclass(slots=True)
class RowResult:
    line: int
    status: str
    name: str = ""
    reason: str = ""
    contact_id: int | None = None
    raw: dict | None = None
    warnings: list[str] | None = None

    def as_dict(self) -> dict:
        data = {"line": self.line, "status": self.status, "name": self.name, "reason": self.reason}
        if self.warnings:
            data["warnings"] = self.warnings
        if self.contact_id and self.contact_id > 0:
            data["contact_id"] = self.contact_id
        if self.raw is not None and self.status in Status.REFUSED:
            data["raw"] = self.raw
        return data


@dataclass
class ImportSummary:
    format: str
    encoding: str = ""
    dry_run: bool = True
    counts: Counter = field(default_factory=Counter)
    rows: list[RowResult] = field(default_factory=list)  # kept only when no sink is given
    unmapped: list[str] = field(default_factory=list)  # columns whose values were not read
    warned: int = 0  # rows imported with a warning (a cell left out or cut, a ragged row)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def refused(self) -> int:
        return self.counts[Status.SKIPPED] + self.counts[Status.ERROR]

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "dry_run": self.dry_run,
            "total": self.total,
            "counts": {s: self.counts[s] for s in Status.ALL},
            "unmapped": self.unmapped,
            "warned": self.warned,
            "nothing_new": self.nothing_new,
        }

    def text(self) -> str:
        """One line: the counts per status, as the admin's preview shows them."""
        if not self.total:
            verb = "would be" if self.dry_run else "was"
            return f"No contacts found in the file; nothing {verb} imported."
        c = self.counts
        label = Format.LABELS.get(self.format, self.format)
        possible = (
            f" ({c[Status.POSSIBLE]} of them possibly someone already there)"
            if c[Status.POSSIBLE] else ""
        )
        text = (
            f"{self.total} rows ({label}): {self.created} new{possible}, "
            f"{c[Status.UPDATE]} updated, {c[Status.DUPLICATE]} duplicates, "
            f"{c[Status.SKIPPED]} skipped, {c[Status.ERROR]} errors"
            + (" (dry run: nothing written)" if self.dry_run else "")
        )
        if self.warned:
            text += f"; {self.warned} rows with warnings"
        if self.unmapped:
            text += ". Columns not imported: " + ", ".join(self.unmapped)
        if self.nothing_new:
            text += ". Nothing new: everyone in this file is already in your contacts."
        return text

    @property
    def created(self) -> int:
        return self.counts[Status.NEW] + self.counts[Status.POSSIBLE]

    @property
    def nothing_new(self) -> bool:
        """Every row is someone already there, with nothing to add (a file imported again)."""
        return bool(self.total) and not (self.created or self.counts[Status.UPDATE])
