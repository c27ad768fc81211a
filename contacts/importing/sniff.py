"""Reading the files spreadsheets and address books really produce: encoding (UTF-8 with or
without BOM, UTF-16, cp1252), delimiter (comma, semicolon, tab), preamble lines before the
header (LinkedIn's "Notes:"), and which exporter wrote the file."""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import limits  # noqa: F401  (sets the csv module's cell limit before any file is read)

SAMPLE_BYTES = 64 * 1024
HEADER_SEARCH_LINES = 30
DELIMITERS = (",", ";", "\t", "|")

# The header is looked for in this much of the file: a line may be a 20 MB cell.
HEADER_SEARCH_CHARS = 2 * 1024 * 1024


BINARY = "This is not a contact file (it looks like a binary file)."


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is shown to the user as is."""


class Format:
    AUTO = "auto"
    LINKEDIN = "linkedin"
    GOOGLE = "google"
    OUTLOOK = "outlook"
    VCARD = "vcard"
    CSV = "csv"
    JSON = "json"

    CHOICES = [
        (AUTO, "Detect automatically"),
        (LINKEDIN, "LinkedIn Connections.csv"),
        (GOOGLE, "Google Contacts CSV"),
        (OUTLOOK, "Outlook CSV"),
        (VCARD, "vCard (.vcf)"),
        (CSV, "Other CSV (choose the columns)"),
    ]
    LABELS = dict(CHOICES)


@dataclass
class Sniffed:
    """What we learned about a file before parsing it."""

    encoding: str
    format: str
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    header_line: int = 0  # 0-based physical line of the header row
    # Header names (norm_header) the parser read a value from: the others are listed to the
    # user as columns that were not imported.
    used_columns: set[str] = field(default_factory=set)


def norm_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().lower().split())


def detect_encoding(path: Path) -> str:
    """The file's text encoding, checked over the whole file in chunks (bounded memory)."""
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
        if not head.strip():
            raise ImportFileError("The file is empty.")
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        sample = head[:4000]
        if sample.count(b"\x00") > len(sample) // 4:
            even_nuls = sample[0::2].count(b"\x00")
            odd_nuls = sample[1::2].count(b"\x00")
            if odd_nuls > even_nuls * 4:
                return "utf-16-le"
            if even_nuls > odd_nuls * 4:
                return "utf-16-be"
            raise ImportFileError(BINARY)
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = fh.read(1024 * 1024)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            # Windows spreadsheets save "CSV" in the ANSI code page.
            return "cp1252"
        return "utf-8"


def open_text(path: Path, encoding: str):
    """A text stream that keeps line endings for the csv module (quoted newlines, CRLF)."""
    return io.TextIOWrapper(open(path, "rb"), encoding=encoding, errors="replace", newline="")


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _looks_like_vcard(first_text: str) -> bool:
    return first_text.lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCARD")


def _count_outside_quotes(line: str, char: str) -> int:
    # Every other piece between quotes is outside them (str methods: linear, in C).
    return sum(piece.count(char) for piece in line.split('"')[0::2])


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a cell past the limit: not a header
        return []


def detect_csv_format(header: list[str]) -> str:
    """Which exporter wrote a CSV, from its header row."""
    names = {norm_header(h) for h in header}
    if {"first name", "last name", "connected on"} <= names and (
        "url" in names or "profile url" in names or "email address" in names
    ):
        return Format.LINKEDIN
    if (
        any(re.fullmatch(r"e-mail \d+ - value", n) for n in names)
        or {
            "given name",
            "family name",
        }
        <= names
        or "organization 1 - name" in names
        or ("organization name" in names and "labels" in names)
    ):
        return Format.GOOGLE
    if "e-mail address" in names and (
        names & {"business phone", "mobile phone", "job title", "e-mail display name", "company"}
    ):
        return Format.OUTLOOK
    return Format.CSV


def _is_header_candidate(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) < 2:
        return False
    # A data row has addresses, numbers or dates; a header row has labels.
    return not any("@" in c or re.fullmatch(r"[\d\s+().:/-]+", c) for c in filled)


def sniff(path: Path, requested: str = Format.AUTO) -> Sniffed:
    """Encoding, format, delimiter and header of the file, or ImportFileError with one clear
    message (empty file, no header, not a contact file)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise ImportFileError("The file is empty.")
    encoding = detect_encoding(path)
    with open_text(path, encoding) as fh:
        lines, left = [], HEADER_SEARCH_CHARS
        while len(lines) < HEADER_SEARCH_LINES and left > 0:
            line = fh.readline(left)
            if not line:
                break
            lines.append(line)
            left -= len(line)
    text = "".join(lines)
    if not text.strip():
        raise ImportFileError("The file is empty.")
    if "\x00" in text or len(_CONTROL_CHARACTERS.findall(text)) > 5:
        raise ImportFileError(BINARY)
    if _looks_like_vcard(text):
        if requested not in (Format.AUTO, Format.VCARD):
            raise ImportFileError("This is a vCard file; choose “vCard” or “Detect automatically”.")
        return Sniffed(encoding=encoding, format=Format.VCARD)
    if requested == Format.VCARD:
        raise ImportFileError("This is not a vCard file: it does not start with BEGIN:VCARD.")
    if text.lstrip().startswith(("{", "[")):
        raise ImportFileError(
            "This is a JSON file; a full JSON export is restored with "
            "`manage.py restore_data FILE --user USER` into an empty account."
        )

    best = None
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        # The delimiter that splits this line into the most cells (outside quotes).
        delimiter = max(DELIMITERS, key=lambda d: _count_outside_quotes(line, d))
        if _count_outside_quotes(line, delimiter) == 0:
            continue
        cells = _split(line, delimiter)
        if not _is_header_candidate(cells):
            if best is None:
                # The first table-like line is data: the file has no header.
                break
            continue
        fmt = detect_csv_format(cells)
        if fmt != Format.CSV:
            best = (index, delimiter, cells, fmt)
            break
        if best is None:
            best = (index, delimiter, cells, fmt)
            # A generic header is only trusted if the next line splits the same way.
            following = next((ln for ln in lines[index + 1 :] if ln.strip()), "")
            if (
                following
                and _count_outside_quotes(following, delimiter) == 0
                and "\n" not in following[:-2]
            ):
                best = None
                continue
            break
    if best is None:
        raise ImportFileError(
            "No recognisable header row: the first line of a CSV file must name its columns "
            "(for example First Name, Last Name, Email)."
        )
    index, delimiter, cells, fmt = best
    header = [c.replace("\ufeff", "").strip() for c in cells]
    if requested not in (Format.AUTO, fmt):
        if requested == Format.CSV:
            fmt = Format.CSV
        else:
            raise ImportFileError(
                f"This file does not look like a {Format.LABELS[requested]} file "
                f"(it looks like {Format.LABELS[fmt]}). Choose “Detect automatically”."
            )
    return Sniffed(
        encoding=encoding, format=fmt, delimiter=delimiter, header=header, header_line=index
    )


def estimate_rows(path: Path, fmt: str) -> int:
    """A quick upper bound on the number of rows, for the progress bar and sync/async choice."""
    needle = b"BEGIN:VCARD" if fmt == Format.VCARD else b"\n"
    count = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            count += chunk.upper().count(needle) if fmt == Format.VCARD else chunk.count(needle)
    return max(count, 1)
