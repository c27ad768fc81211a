"""Outlook's CSV export."""

import re
from collections.abc import Iterator
from pathlib import Path

from ..records import ContactRecord, ParsedRow, join_name
from ..sniff import Sniffed
from .common import add_note, cell_getter, finish, set_birthday, set_url
from .csv import iter_dict_rows

def parse_outlook(path: Path, sniffed: Sniffed) -> Iterator[ParsedRow]:
    for item in iter_dict_rows(path, sniffed):
        if isinstance(item, ParsedRow):
            yield item
            continue
        line, raw, warnings = item
        g = cell_getter(raw)
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
        set_birthday(record, g("birthday"))
        row = finish(line, record, raw)
        row.warnings.extend(warnings)
        yield row
