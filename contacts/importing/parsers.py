"""One parser per format. Each is a generator of `ParsedRow`s, streaming the file so memory
stays flat whatever its size; a row or card that cannot be read becomes one error row."""

import csv
import datetime
import functools
import operator
import re
from collections.abc import Iterator
from pathlib import Path

import vobject

from .limits import csv_row_error
from .records import ContactRecord, ParsedRow, clean, join_name
from .sniff import Format, Sniffed, norm_header, open_text

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


# ---------------------------------------------------------------- helpers shared by formats


def format_birthday(value: str) -> str:
    """'Birthday: 15 April 1985' (or without the year) from the many ways exporters write it."""
    value = clean(value)
    if not value or value in {"0/0/00", "0/0/0000", "00.00.00"}:
        return ""
    year = month = day = None
    m = re.fullmatch(r"--(\d{2})-?(\d{2})", value)  # vCard 4 / Google: no year
    if m:
        month, day = int(m[1]), int(m[2])
    elif m := re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})(T.*)?", value):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if year <= 1604:  # Apple writes 1604 for "year unknown"
            year = None
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", value):  # Outlook, US order
        month, day, year = int(m[1]), int(m[2]), int(m[3])
        year = year + (1900 if year > 30 else 2000) if year < 100 else year
    else:
        return f"Birthday: {value}"
    if not (1 <= (month or 0) <= 12 and 1 <= (day or 0) <= 31):
        return f"Birthday: {value}"
    text = f"Birthday: {day} {MONTHS[month - 1]}"
    return f"{text} {year}" if year else text


def add_note(record: ContactRecord, text: str) -> None:
    text = clean(text)
    if text:
        record.notes = f"{record.notes}\n{text}".strip() if record.notes else text


def set_url(record: ContactRecord, url: str) -> None:
    url = clean(url)
    if not url:
        return
    if "linkedin.com/" in url.lower():
        record.linkedin_url = record.linkedin_url or url
    else:
        record.website = record.website or url


def iter_csv(path: Path, sniffed: Sniffed) -> Iterator[tuple[int, list[str] | None, str]]:
    """(line number, cells, error) for each data row after the header; line numbers are the
    physical line where the row starts, so a quoted newline does not shift later rows."""
    with open_text(path, sniffed.encoding) as fh:
        for _ in range(sniffed.header_line + 1):
            fh.readline()
        reader = csv.reader(fh, delimiter=sniffed.delimiter)
        offset = sniffed.header_line + 1
        previous = 0
        while True:
            try:
                for cells in reader:
                    line = offset + previous + 1
                    previous = reader.line_num
                    yield line, cells, ""
                return
            except csv.Error as exc:  # the reader goes on with the next row
                line = offset + previous + 1
                previous = reader.line_num
                yield line, None, csv_row_error(exc)


def iter_dict_rows(path: Path, sniffed: Sniffed) -> Iterator[ParsedRow | tuple[int, dict]]:
    keys = [norm_header(h) for h in sniffed.header]
    for line, cells, error in iter_csv(path, sniffed):
        if error:
            yield ParsedRow(line=line, error=error)
            continue
        if not cells:
            continue  # a blank line is not a row
        raw = {}
        for i, key in enumerate(keys):
            if i < len(cells) and key and key not in raw:
                raw[key] = cells[i]
        if not any(clean(v) for v in cells):
            yield ParsedRow(line=line, skip="empty row", raw=raw)
            continue
        yield line, raw


def _cell_getter(raw: dict):
    """g("first name") → the trimmed cell of that column, '' when absent."""
    return lambda key: clean(raw.get(key))


def _finish(line: int, record: ContactRecord, raw: dict) -> ParsedRow:
    if record.is_empty():
        return ParsedRow(line=line, skip="empty row", raw=raw)
    return ParsedRow(line=line, record=record, raw=raw)


# ---------------------------------------------------------------- LinkedIn Connections.csv

LINKEDIN_DATE_FORMATS = ("%d %b %Y", "%d-%b-%y", "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d", "%b %d, %Y")


# LinkedIn's own "12 Mar 2021", read without strptime (a tenth of its time; a file of years
# of connections has thousands of distinct dates).
_LINKEDIN_DATE = re.compile(r"([0-9]{1,2}) ([A-Za-z]{3}) ([0-9]{4})")
_MONTH_NUMBERS = {month[:3].lower(): number for number, month in enumerate(MONTHS, 1)}


@functools.lru_cache(maxsize=4096)  # a file has few distinct dates
def linkedin_how_we_met(value: str) -> str:
    value = clean(value)
    if not value:
        return "Connected on LinkedIn"
    if (m := _LINKEDIN_DATE.fullmatch(value)) and (month := _MONTH_NUMBERS.get(m[2].lower())):
        try:
            day = datetime.date(int(m[3]), month, int(m[1]))
        except ValueError:
            pass  # not a day of that month: as strptime would, the other formats are tried
        else:
            return f"Connected on LinkedIn on {day.day} {MONTHS[month - 1][:3]} {day.year}"
    for fmt in LINKEDIN_DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return f"Connected on LinkedIn on {day.day} {day:%b %Y}"
    return f"Connected on LinkedIn on {value}"


def _raw_builder(keys: list[str]):
    """cells → {header key: cell} as `iter_dict_rows` builds it (first of repeated headers,
    unnamed columns left out), with a zip for the usual row that has exactly the header's
    columns."""
    plain = all(keys) and len(set(keys)) == len(keys)
    width = len(keys)

    def build(cells: list[str]) -> dict:
        if plain and len(cells) == width:
            return dict(zip(keys, cells))
        raw = {}
        for key, cell in zip(keys, cells):
            if key and key not in raw:
                raw[key] = cell
        return raw

    return build


# The contact fields a LinkedIn row fills (its email aside).
LINKEDIN_FIELDS = ("name", "company", "title", "linkedin_url", "how_we_met")


class LinkedInRows:
    """LinkedIn's columns are few and fixed, and exports run to tens of thousands of rows, so
    cells are read by position rather than through a dict per row. `cells()` gives a row's
    eight cells, trimmed; `parsed()` the row as every parser gives it. The batch importer
    (importing.linkedin) reads good rows through `cells()` alone."""

    COLUMNS = (
        "first name",
        "last name",
        "url",
        "profile url",
        "email address",
        "company",
        "position",
        "connected on",
    )

    def __init__(self, sniffed: Sniffed):
        keys = [norm_header(h) for h in sniffed.header]
        self.raw_of = _raw_builder(keys)
        position = {}
        for i, key in enumerate(keys):
            position.setdefault(key, i)
        # A column the file lacks reads from the blank cell appended to every row.
        columns = [position.get(name, -1) for name in self.COLUMNS]
        self.width = max(columns) + 1
        self._missing_column = -1 in columns
        self._pick = operator.itemgetter(*columns)

    def cells(self, cells: list[str]) -> list[str]:
        """first, last, url, profile url, email, company, position, connected on."""
        if len(cells) < self.width or self._missing_column:
            cells = cells + [""] * (self.width - len(cells)) + [""]
        picked = self._pick(cells)
        if "\x00" in "".join(picked):
            picked = [cell.replace("\x00", "") for cell in picked]
        return list(map(str.strip, picked))

    def parsed(self, line: int, cells: list[str] | None, error: str = "") -> ParsedRow | None:
        """The row as a ParsedRow (None for a blank line, which is not a row)."""
        if error:
            return ParsedRow(line=line, error=error)
        if not cells:
            return None
        raw = self.raw_of(cells)
        first, last, url, profile_url, email, company, title, connected = self.cells(cells)
        url = url or profile_url
        if not (first or last or url or email or company or title):
            return ParsedRow(line=line, skip="empty row", raw=raw)
        record = ContactRecord(
            name=f"{first} {last}" if first and last else first or last,
            company=company,
            title=title,
            linkedin_url=url,
            how_we_met=linkedin_how_we_met(connected),
        )
        if email:
            record.emails.append((email, "LinkedIn"))
        return ParsedRow(line=line, record=record, raw=raw)


def parse_linkedin(path: Path, sniffed: Sniffed) -> Iterator[ParsedRow]:
    rows = LinkedInRows(sniffed)
    for line, cells, error in iter_csv(path, sniffed):
        if (row := rows.parsed(line, cells, error)) is not None:
            yield row


# ---------------------------------------------------------------- Google Contacts CSV


def _multi(value: str) -> list[str]:
    """Google puts several values in one cell separated by ' ::: '."""
    return [v for v in (clean(x) for x in clean(value).split(":::")) if v]


def parse_google(path: Path, sniffed: Sniffed) -> Iterator[ParsedRow]:
    for item in iter_dict_rows(path, sniffed):
        if isinstance(item, ParsedRow):
            yield item
            continue
        line, raw = item
        g = _cell_getter(raw)
        name = (
            join_name(
                g("first name") or g("given name"),
                g("middle name") or g("additional name"),
                g("last name") or g("family name"),
            )
            or g("name")
            or g("nickname")
            or g("file as")
        )
        record = ContactRecord(
            name=name,
            preferred_name=g("nickname") if g("nickname") != name else "",
            company=g("organization name") or g("organization 1 - name"),
            title=g("organization title") or g("organization 1 - title"),
            department=g("organization department") or g("organization 1 - department"),
        )
        for n in range(1, 10):
            label = g(f"e-mail {n} - label") or g(f"e-mail {n} - type")
            for email in _multi(raw.get(f"e-mail {n} - value", "")):
                record.add_email(email, label.lstrip("* "))
            plabel = g(f"phone {n} - label") or g(f"phone {n} - type")
            for number in _multi(raw.get(f"phone {n} - value", "")):
                record.add_phone(number, plabel.lstrip("* "))
            for url in _multi(raw.get(f"website {n} - value", "")):
                set_url(record, url)
        city = g("address 1 - city")
        country = g("address 1 - country")
        record.location = (
            join_name(city, country).replace(" ", ", ", 1)
            if city and country
            else (city or country or g("location"))
        )
        for label in _multi(raw.get("labels") or raw.get("group membership") or ""):
            label = label.lstrip("* ").strip()
            if label.lower().replace(" ", "") not in {"mycontacts", "starred", "othercontacts"}:
                record.add_tag(label)
        add_note(record, g("notes"))
        add_note(record, format_birthday(g("birthday")))
        if not record.name and record.emails:
            record.name = record.emails[0][0]
        yield _finish(line, record, raw)


# ---------------------------------------------------------------- Outlook CSV


def parse_outlook(path: Path, sniffed: Sniffed) -> Iterator[ParsedRow]:
    for item in iter_dict_rows(path, sniffed):
        if isinstance(item, ParsedRow):
            yield item
            continue
        line, raw = item
        g = _cell_getter(raw)
        record = ContactRecord(
            name=join_name(g("first name"), g("middle name"), g("last name"))
            or g("e-mail display name"),
            preferred_name=g("nickname"),
            company=g("company"),
            title=g("job title"),
            department=g("department"),
            location=join_name(g("business city"), g("business country/region")).replace(
                " ", ", ", 1
            )
            if g("business city") and g("business country/region")
            else g("business city") or g("home city") or g("location"),
        )
        for key, label in (
            ("e-mail address", ""),
            ("e-mail 2 address", ""),
            ("e-mail 3 address", ""),
        ):
            record.add_email(g(key), label)
        for key, label in (
            ("mobile phone", "mobile"),
            ("business phone", "work"),
            ("business phone 2", "work"),
            ("primary phone", ""),
            ("home phone", "home"),
            ("other phone", "other"),
        ):
            record.add_phone(g(key), label)
        set_url(record, g("web page"))
        for category in re.split(r"[;,]", g("categories")):
            record.add_tag(category)
        add_note(record, g("notes"))
        add_note(record, format_birthday(g("birthday")))
        if not record.name and record.emails:
            record.name = record.emails[0][0]
        yield _finish(line, record, raw)


# ---------------------------------------------------------------- generic CSV with a mapping

# Column targets the mapping step offers, with header names that map to each automatically.
MAPPING_TARGETS = {
    "": ("(ignore)", ()),
    "name": (
        "Full name",
        ("name", "full name", "display name", "contact", "contact name", "person"),
    ),
    "first_name": (
        "First name",
        ("first name", "first", "given name", "firstname", "vorname", "prénom"),
    ),
    "last_name": (
        "Last name",
        ("last name", "last", "surname", "family name", "lastname", "nachname", "nom"),
    ),
    "preferred_name": ("Preferred name", ("preferred name", "nickname", "goes by")),
    "email": (
        "Email",
        (
            "email",
            "e-mail",
            "email address",
            "e-mail address",
            "mail",
            "work email",
            "personal email",
            "email 2",
        ),
    ),
    "phone": (
        "Phone",
        ("phone", "telephone", "mobile", "cell", "phone number", "mobile phone", "work phone"),
    ),
    "company": ("Company", ("company", "organization", "organisation", "employer", "org", "firma")),
    "title": ("Title", ("title", "job title", "position", "role")),
    "department": ("Department", ("department", "team", "dept")),
    "location": ("Location", ("location", "city", "place", "based in")),
    "linkedin_url": (
        "LinkedIn URL",
        ("linkedin", "linkedin url", "linkedin profile", "profile url"),
    ),
    "website": ("Website", ("website", "web", "url", "homepage", "web page", "site")),
    "how_we_met": ("How we met", ("how we met", "met", "source")),
    "notes": ("Notes", ("notes", "note", "comments", "comment", "description")),
    "tags": ("Tags", ("tags", "tag", "labels", "categories", "groups")),
}


def auto_mapping(header: list[str]) -> list[str]:
    """A target for each column from its header, '' when unknown."""
    lookup = {syn: target for target, (_, syns) in MAPPING_TARGETS.items() for syn in syns}
    mapping, used = [], set()
    for cell in header:
        target = lookup.get(norm_header(cell), "")
        # Emails and phones may come from several columns; other targets from the first.
        if target in used and target not in {"email", "phone", "tags", "notes"}:
            target = ""
        used.add(target)
        mapping.append(target)
    return mapping


def mapping_is_usable(mapping: list[str]) -> bool:
    return bool({"name", "first_name", "last_name", "email"} & set(mapping))


def parse_generic(path: Path, sniffed: Sniffed, mapping: list[str] | None) -> Iterator[ParsedRow]:
    mapping = list(mapping or auto_mapping(sniffed.header))
    for line, cells, error in iter_csv(path, sniffed):
        if error:
            yield ParsedRow(line=line, error=error)
            continue
        if not cells:
            continue
        raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(sniffed.header)}
        if not any(clean(v) for v in cells):
            yield ParsedRow(line=line, skip="empty row", raw=raw)
            continue
        record, first, last = ContactRecord(), "", ""
        for i, target in enumerate(mapping):
            if not target or i >= len(cells):
                continue
            value = clean(cells[i])
            if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
                value = value[1:]  # undo the formula escaping of our own CSV export
            if not value:
                continue
            if target == "first_name":
                first = value
            elif target == "last_name":
                last = value
            elif target == "email":
                for email in re.split(r"[;,\s]+", value):
                    record.add_email(email)
            elif target == "phone":
                for number in value.split(";"):
                    record.add_phone(number.strip().removeprefix("'"))
            elif target == "tags":
                for tag in re.split(r"[;,|]", value):
                    record.add_tag(tag)
            elif target == "notes":
                add_note(record, value)
            elif target in ("linkedin_url", "website"):
                if target == "linkedin_url":
                    record.linkedin_url = value
                else:
                    set_url(record, value)
            else:
                setattr(record, target, value)
        if not record.name:
            record.name = join_name(first, last) or (record.emails[0][0] if record.emails else "")
        yield _finish(line, record, raw)


# ---------------------------------------------------------------- vCard 2.1 / 3.0 / 4.0

BINARY_PROPERTIES = ("PHOTO", "LOGO", "SOUND", "KEY")


def iter_cards(path: Path, sniffed: Sniffed) -> Iterator[tuple[int, int, list[str] | None]]:
    """(card number, first line, lines) per BEGIN:VCARD…END:VCARD block; lines is None for a
    card that is never closed."""
    number, start, lines = 0, 0, None
    with open_text(path, sniffed.encoding) as fh:
        for lineno, line in enumerate(fh, start=1):
            text = line.rstrip("\r\n").lstrip("\ufeff")
            upper = text.strip().upper()
            if upper == "BEGIN:VCARD":
                if lines is not None:
                    yield number, start, None
                number, start, lines = number + 1, lineno, [text]
            elif lines is not None:
                lines.append(text)
                if upper == "END:VCARD":
                    yield number, start, lines
                    lines = None
    if lines is not None:
        yield number, start, None


def _logical_lines(lines: list[str]) -> list[str]:
    """Unfold continuation lines (RFC folding and vCard 2.1 quoted-printable soft breaks) and
    drop binary properties (photos): we do not store them and a damaged one must not cost the
    whole card.

    Linear in the card's size: a logical line is gathered as a list of its pieces and joined
    once (appending to a string copies it, and a 5 MB photo folded at 75 characters is 70,000
    pieces), and a line's property head is read once, from its first piece."""
    out: list[list[str]] = []
    head = ""  # the current logical line's property and parameters, once its ":" is read

    def head_of(pieces: list[str]) -> str:
        return "".join(pieces).split(":", 1)[0].upper()

    for line in lines:
        if line[:1] in (" ", "\t") and out:
            out[-1].append(line[1:])
            if not head:  # a head folded before its ":" (rare): read it again
                head = head_of(out[-1]) if ":" in line else ""
        elif out and "QUOTED-PRINTABLE" in head and out[-1][-1].endswith("="):
            out[-1][-1] = out[-1][-1][:-1]
            out[-1].append(line)
        elif line.strip():
            out.append([line])
            head = head_of(out[-1]) if ":" in line else ""
    kept = []
    for pieces in out:
        line = "".join(pieces)
        head = line.split(":", 1)[0]
        prop = head.split(";", 1)[0].split(".")[-1].upper()
        if prop in BINARY_PROPERTIES:
            continue
        if ";" in head:
            # vCard 2.1 bare parameters: QUOTED-PRINTABLE means ENCODING=QUOTED-PRINTABLE.
            params = head.split(";")
            params = [
                "ENCODING=QUOTED-PRINTABLE" if p.upper() == "QUOTED-PRINTABLE" else p
                for p in params
            ]
            line = ";".join(params) + line[len(head) :]
        kept.append(line)
    return kept


def _apple_label(label: str) -> str:
    m = re.fullmatch(r"_\$!<(.*)>!\$_", label)
    return (m[1] if m else label).strip()


def _label(prop, labels: dict) -> str:
    if prop.group and prop.group in labels:
        return _apple_label(labels[prop.group])
    types = [
        t
        for t in prop.params.get("TYPE", [])
        if t.lower() not in {"internet", "pref", "voice", "x400"}
    ]
    # vCard 2.1 writes types as bare parameters (TEL;CELL:…), which vobject files under TYPE.
    return (types[0] if types else "").lower()


def card_to_record(card) -> ContactRecord:
    c = card.contents

    def first(key):
        return c[key][0].value if c.get(key) else ""

    labels = {p.group: p.value for p in c.get("x-ablabel", []) if p.group}
    record = ContactRecord()
    name = clean(first("fn"))
    if not name and "n" in c:
        n = c["n"][0].value
        name = join_name(n.prefix, n.given, n.additional, n.family, n.suffix)
    org = first("org")
    if isinstance(org, list):
        record.company = clean(org[0]) if org else ""
        record.department = clean(org[1]) if len(org) > 1 else ""
    else:
        record.company = clean(org)
    record.name = name or record.company
    record.preferred_name = clean(first("nickname")) if first("nickname") != name else ""
    record.title = clean(first("title")) or clean(first("role"))
    for prop in c.get("email", []):
        record.add_email(str(prop.value), _label(prop, labels))
    for prop in c.get("tel", []):
        record.add_phone(re.sub(r"^tel:", "", str(prop.value)), _label(prop, labels))
    for prop in c.get("url", []):
        set_url(record, str(prop.value))
    for prop in c.get("x-socialprofile", []):
        if "linkedin" in str(prop.value).lower() or "linkedin" in str(prop.params).lower():
            if "linkedin.com/" in str(prop.value).lower():
                record.linkedin_url = record.linkedin_url or clean(prop.value)
    if "adr" in c:
        adr = c["adr"][0].value
        record.location = ", ".join(
            p for p in (clean(adr.city), clean(adr.region), clean(adr.country)) if p
        )
    for prop in c.get("categories", []):
        values = prop.value if isinstance(prop.value, list) else str(prop.value).split(",")
        for tag in values:
            record.add_tag(tag)
    add_note(record, first("note"))
    add_note(record, format_birthday(str(first("bday"))))
    if not record.name and record.emails:
        record.name = record.emails[0][0]
    return record


def parse_vcard(path: Path, sniffed: Sniffed) -> Iterator[ParsedRow]:
    for number, start, lines in iter_cards(path, sniffed):
        raw = {"card": str(number), "line": str(start)}
        if lines is None:
            yield ParsedRow(
                line=number, error=f"card starting on line {start} has no END:VCARD", raw=raw
            )
            continue
        text = "\r\n".join(_logical_lines(lines)) + "\r\n"
        raw["vcard"] = text[:2000]
        try:
            card = vobject.readOne(text, ignoreUnreadable=False)
            record = card_to_record(card)
        except Exception as exc:  # vobject raises many types for damaged cards
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            yield ParsedRow(
                line=number,
                error=f"card starting on line {start} cannot be read: {reason}",
                raw=raw,
            )
            continue
        raw["name"] = record.name
        yield _finish(number, record, raw)


def parse(path: Path, sniffed: Sniffed, mapping: list[str] | None = None) -> Iterator[ParsedRow]:
    """The rows of a sniffed file, parsed by the parser of its format."""
    if sniffed.format == Format.LINKEDIN:
        return parse_linkedin(path, sniffed)
    if sniffed.format == Format.GOOGLE:
        return parse_google(path, sniffed)
    if sniffed.format == Format.OUTLOOK:
        return parse_outlook(path, sniffed)
    if sniffed.format == Format.VCARD:
        return parse_vcard(path, sniffed)
    return parse_generic(path, sniffed, mapping)
