"""Google Contacts CSV (the current export and the legacy one)."""

from collections.abc import Iterator
from pathlib import Path

from ..records import ContactRecord, ParsedRow, clean, join_name
from ..sniff import Sniffed
from .common import add_note, cell_getter, finish, set_birthday, set_url
from .csv import iter_dict_rows

def _multi(value: str) -> list[str]:
    """Google puts several values in one cell separated by ' ::: '."""
    return [v for v in (clean(x) for x in clean(value).split(":::")) if v]


def parse_google(path: Path, sniffed: Sniffed) -> Iterator[ParsedRow]:
    for item in iter_dict_rows(path, sniffed):
        if isinstance(item, ParsedRow):
            yield item
            continue
        line, raw, warnings = item
        g = cell_getter(raw)
        name = (
            join_name(
                g("first name") or g("given name"),
                g("middle name") or g("additional name"),
                g("last name") or g("family name"),
            )
            or g("name")
            or g("nickname")
            # "File as" is the company on an organisation's row: that row is named by it.
            or (g("file as") if not (g("organization name") or g("organization 1 - name")) else "")
        )
        record = ContactRecord(
            name=name,
            phonetic_name=join_name(
                g("phonetic first name") or g("given name yomi"),
                g("phonetic middle name") or g("additional name yomi"),
                g("phonetic last name") or g("family name yomi"),
            ),
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
        set_birthday(record, g("birthday"))
        row = finish(line, record, raw)
        row.warnings.extend(warnings)
        yield row
