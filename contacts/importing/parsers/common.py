"""What every format's parser shares: the record helpers (notes, URLs, birthdays) and the
end of a row."""

import re

from ..records import ContactRecord, ParsedRow, clean

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


def cell_getter(raw: dict):
    """g("first name") → the trimmed cell of that column, '' when absent."""
    return lambda key: clean(raw.get(key))


def finish(line: int, record: ContactRecord, raw: dict) -> ParsedRow:
    if record.is_empty():
        return ParsedRow(line=line, skip="empty row", raw=raw)
    return ParsedRow(line=line, record=record, raw=raw)
