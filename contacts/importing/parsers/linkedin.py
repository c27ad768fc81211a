"""LinkedIn's Connections.csv (the export of 2018 and the current one)."""

import datetime
import functools
import operator
import re
from collections.abc import Iterator
from pathlib import Path

from ..records import PLACEHOLDERS, ContactRecord, ParsedRow, clean, ragged
from ..sniff import Sniffed, norm_header
from .common import MONTHS, parse_day
from .csv import iter_csv

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
    # The export of 2018 wrote "1/8/18, 6:14 PM" (US order, with the time).
    if (parsed := parse_day(value)) is not None and parsed[2] is not None:
        month, day, year = parsed
        return f"Connected on LinkedIn on {day} {MONTHS[month - 1][:3]} {year}"
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
        sniffed.used_columns.update(key for key in keys if key in self.COLUMNS)
        self.raw_of = _raw_builder(keys)
        position = {}
        for i, key in enumerate(keys):
            position.setdefault(key, i)
        # A column the file lacks reads from the blank cell appended to every row.
        columns = [position.get(name, -1) for name in self.COLUMNS]
        self.width = max(columns) + 1
        self.header_width = len(keys)
        self._missing_column = -1 in columns
        self._pick = operator.itemgetter(*columns)

    def cells(self, cells: list[str]) -> list[str]:
        """first, last, url, profile url, email, company, position, connected on."""
        if len(cells) < self.width or self._missing_column:
            cells = cells + [""] * (self.width - len(cells)) + [""]
        picked = self._pick(cells)
        if "\x00" in "".join(picked):
            picked = [cell.replace("\x00", "") for cell in picked]
        picked = list(map(str.strip, picked))
        if not PLACEHOLDERS.isdisjoint(picked):
            picked = [clean(cell) for cell in picked]
        return picked

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
        return ParsedRow(
            line=line, record=record, raw=raw, warnings=ragged(cells, self.header_width)
        )


def parse_linkedin(path: Path, sniffed: Sniffed) -> Iterator[ParsedRow]:
    rows = LinkedInRows(sniffed)
    for line, cells, error in iter_csv(path, sniffed):
        if (row := rows.parsed(line, cells, error)) is not None:
            yield row
