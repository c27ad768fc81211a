"""What every format's parser shares: the record helpers (notes, URLs, birthdays) and the
end of a row."""

import datetime
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


_MONTH_WORDS = {m[:3].lower(): i for i, m in enumerate(MONTHS, 1)}
# German, French and Spanish month names where their first three letters differ.
_MONTH_WORDS.update({"mär": 3, "mai": 5, "okt": 10, "dez": 12, "fév": 2, "avr": 4, "jui": 6,
                     "aoû": 8, "déc": 12, "ene": 1, "abr": 4, "ago": 8, "dic": 12})
# A time after the date ("1/8/18, 6:14 PM", "2018-01-08T09:00:00Z"): the day is what counts.
_TIME = re.compile(r"(?:,?\s+|T)\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[AaPp]\.?[Mm]\.?)?(?:Z|[+-]\d{2}:?\d{2})?$")
NO_DATE = {"0/0/00", "0/0/0000", "00.00.00", "00.00.0000", "0000-00-00"}


def parse_day(value: str, day_first: bool = False) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) from the ways exporters write a day: ISO and vCard
    (`1985-04-15`, `19850415`, `--0415`), US (`4/15/85`; `day_first` for 15/4/85), German
    (`15.04.1985`), words (`15 Apr 1985`, `Apr 15, 1985`, `15-Apr-85`), with or without a time
    after it. None when it is not a day."""
    value = _TIME.sub("", clean(value)).strip()
    if not value or value in NO_DATE:
        return None
    year = None
    if m := re.fullmatch(r"--(\d{2})-?(\d{2})", value):
        month, day = int(m[1]), int(m[2])
    elif m := re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", value):
        month, day, year = int(m[1]), int(m[2]), int(m[3])
        if day_first or month > 12:
            month, day = day, month
    elif m := re.fullmatch(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2,4})?", value):
        day, month = int(m[1]), int(m[2])
        year = int(m[3]) if m[3] else None
    elif m := re.fullmatch(r"(\d{1,2})[\s.-]+([^\W\d_]{3,})\.?[\s-]+(\d{2,4})", value):
        day, month, year = int(m[1]), _MONTH_WORDS.get(m[2][:3].lower()), int(m[3])
    elif m := re.fullmatch(r"([^\W\d_]{3,})\.?\s+(\d{1,2}),?\s+(\d{2,4})", value):
        month, day, year = _MONTH_WORDS.get(m[1][:3].lower()), int(m[2]), int(m[3])
    else:
        return None
    if year is not None and year < 100:
        year += 1900 if year > 30 else 2000
    if year is not None and year <= 1604:  # Apple writes 1604 for "year unknown"
        year = None
    if not month or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    try:
        datetime.date(year or 2000, month, day)
    except ValueError:
        return None
    return month, day, year


def format_birthday(value: str) -> str:
    """'Birthday: 15 April 1985' (or without the year) from the many ways exporters write it."""
    value = clean(value)
    if not value or value in NO_DATE:
        return ""
    parsed = parse_day(value)
    if parsed is None:
        return f"Birthday: {value}"
    month, day, year = parsed
    text = f"Birthday: {day} {MONTHS[month - 1]}"
    return f"{text} {year}" if year else text


def set_birthday(record: ContactRecord, value: str, day_first: bool = False) -> None:
    """The record's birthday (an important date of the contact), or a note with the cell when
    it is not a day."""
    value = clean(value)
    if not value or value in NO_DATE or record.birthday:
        return
    if (parsed := parse_day(value, day_first)) is not None:
        record.birthday = parsed
    else:
        add_note(record, f"Birthday: {value}")


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
