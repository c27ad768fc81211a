"""The dates a card carries (BDAY, ANNIVERSARY), written from the contact's important dates and
read from a phone's card."""

import re
from datetime import date

# The kinds of important date a vCard carries (BDAY, ANNIVERSARY); work anniversaries and
# named dates stay in the CRM.
CARD_DATE_KINDS = ("birthday", "anniversary")


def _card_date(month: int, day: int, year: int | None, v4: bool) -> tuple[str, str]:
    """(params, value) of a date: vCard 4 writes `--MMDD` without a year (RFC 6350 §4.3.1);
    vCard 3 has no such form, so the year is Apple's placeholder with X-APPLE-OMIT-YEAR, which
    iOS, macOS and DAVx5 read."""
    if year:
        return "", f"{year:04d}{month:02d}{day:02d}" if v4 else f"{year:04d}-{month:02d}-{day:02d}"
    if v4:
        return "", f"--{month:02d}{day:02d}"
    return ";X-APPLE-OMIT-YEAR=1604", f"1604-{month:02d}-{day:02d}"


def important_dates(dates, version: str) -> list[str]:
    """BDAY and ANNIVERSARY lines (X-ANNIVERSARY in vCard 3) for the contact's dates."""
    v4 = version == "4.0"
    lines = []
    for row in dates:
        if row.kind not in CARD_DATE_KINDS or row.label:
            continue
        params, value = _card_date(row.month, row.day, row.year, v4)
        name = "BDAY" if row.kind == "birthday" else ("ANNIVERSARY" if v4 else "X-ANNIVERSARY")
        lines.append(f"{name}{params}:{value}")
    return lines


_DATE_VALUE = re.compile(r"^(?:(\d{4})-?|--)(\d{2})-?(\d{2})(?:T.*)?$")


def parse_card_date(value: str, params: dict) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) of a BDAY or ANNIVERSARY value, None when it is not a date
    (a vCard 4 text value such as "circa 1800" is kept aside as it came)."""
    match = _DATE_VALUE.match(value.strip())
    if not match:
        return None
    year = int(match[1]) if match[1] else None
    month, day = int(match[2]), int(match[3])
    if "X-APPLE-OMIT-YEAR" in params or year == 1604:
        year = None
    try:
        date(year or 2000, month, day)
    except ValueError:
        return None
    return month, day, year
