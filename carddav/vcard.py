"""vCard 3.0 / 4.0 for CardDAV: a contact rendered as a card, and a phone's card read back.

Written with content lines rather than vobject: a phone's properties the CRM has no field for
must go back to the phone byte for byte (unfolded), which a parse-and-reserialise round trip
does not promise. Escaping and folding follow RFC 6350 §3.2–3.4 (RFC 2426 for 3.0).
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from contacts.importing.normalize import norm_linkedin
from contacts.models import ContactKind
from contacts.vcard import PHONETIC_FIRST, PHONETIC_LAST, PHONETIC_MIDDLE, kind_and_phonetic_lines

PRODID = "-//network_crm//CardDAV//EN"
VERSIONS = ("3.0", "4.0")
# TYPE values a client understands as such; any other label goes out as an Apple-style group
# label (itemN.X-ABLabel), which iOS, macOS, DAVx5 and Thunderbird all show.
EMAIL_TYPES = {"work", "home", "other", "internet", "pref"}
TEL_TYPES = {"work", "home", "cell", "mobile", "fax", "pager", "voice", "text", "video",
             "main", "iphone", "other", "pref", "textphone"}
# Types that say nothing a person chose ("internet" on every email, "voice" on most phones).
NOISE_TYPES = {"internet", "voice", "pref", "x400"}
# Properties rendered from the contact; a phone's own copy of them is never kept aside.
MAPPED = {"BEGIN", "END", "VERSION", "PRODID", "REV", "UID", "FN", "N", "NICKNAME", "ORG",
          "X-ABSHOWAS", PHONETIC_FIRST, PHONETIC_MIDDLE, PHONETIC_LAST,
          "TITLE", "EMAIL", "TEL", "CATEGORIES"}
_url_ok = URLValidator(schemes=["http", "https"])


# Writing -------------------------------------------------------------------------------------


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts)


def _types(label: str, known: set[str], version: str, extra: tuple = ()) -> tuple[str, str]:
    """(params, group label) for a label: known types as TYPE, anything else as X-ABLabel."""
    words = [w.strip().lower() for w in label.split(",") if w.strip()]
    if words and all(w in known for w in words):
        types = ["cell" if w == "mobile" else w for w in words]
        return ";TYPE=" + ",".join(dict.fromkeys([*extra, *types])), ""
    params = ";TYPE=" + ",".join(extra) if extra else ""
    return params, label.strip()


def _rev(moment) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def split_name(name: str) -> str:
    """A structured name (N) from a display name: the last word is the family name."""
    words = name.split()
    if len(words) < 2:
        return f"{escape(name)};;;;"
    return f"{escape(words[-1])};{escape(' '.join(words[:-1]))};;;"


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


def render(card, contact, emails, phones, tags, version: str, dates=()) -> str:
    """The vCard of a contact (with its emails, phones, tag names and important dates), as
    `version`."""
    if card.raw:
        return card.raw
    v4 = version == "4.0"
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"PRODID:{PRODID}", f"UID:{escape(card.uid)}"]
    lines.append(f"FN:{escape(contact.name)}")
    if card.structured_name and card.structured_name_for == contact.name:
        lines.append(f"N:{card.structured_name}")
    else:
        lines.append(f"N:{split_name(contact.name)}")
    lines.extend(kind_and_phonetic_lines(contact, version, escape))
    if contact.preferred_name:
        lines.append(f"NICKNAME:{escape(contact.preferred_name)}")
    if contact.company or contact.department:
        org = escape(contact.company)
        if contact.department:
            org += ";" + escape(contact.department)
        lines.append(f"ORG:{org}")
    if contact.title:
        lines.append(f"TITLE:{escape(contact.title)}")
    groups = 0
    for kind, rows, known, extra in (
        ("EMAIL", emails, EMAIL_TYPES, () if v4 else ("INTERNET",)),
        ("TEL", phones, TEL_TYPES, ()),
    ):
        for label, value in rows:
            params, custom = _types(label, known, version, extra)
            if custom:
                groups += 1
                lines.append(f"ncrm{groups}.{kind}{params}:{escape(value)}")
                lines.append(f"ncrm{groups}.X-ABLabel:{escape(custom)}")
            else:
                lines.append(f"{kind}{params}:{escape(value)}")
    if contact.website:
        lines.append(f"URL:{contact.website}")
    if contact.linkedin_url:
        lines.append(f"X-SOCIALPROFILE;TYPE=linkedin:{contact.linkedin_url}")
    if tags:
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in tags))
    lines.extend(important_dates(dates, version))
    lines.extend(line for line in card.extra.splitlines() if line)
    lines.append(f"REV:{_rev(contact.updated_at)}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


# Reading -------------------------------------------------------------------------------------


class InvalidCard(ValueError):
    """The body is not one vCard this server can store."""


@dataclass
class Line:
    group: str
    name: str
    params: dict  # upper-case name -> list of values
    value: str
    raw: str


_PARAM_SPLIT = re.compile(r';(?=(?:[^"]*"[^"]*")*[^"]*$)')


def _split_line(raw: str) -> Line:
    # The value starts after the first colon outside a quoted parameter value.
    in_quotes = False
    for i, ch in enumerate(raw):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch == ":" and not in_quotes:
            head, value = raw[:i], raw[i + 1 :]
            break
    else:
        raise InvalidCard(f"not a content line: {raw[:40]!r}")
    name, *params = _PARAM_SPLIT.split(head)
    group, _, name = name.rpartition(".")
    parsed: dict[str, list[str]] = {}
    for param in params:
        key, sep, values = param.partition("=")
        if not sep:  # vCard 2.1's bare types: TEL;CELL:…
            key, values = "TYPE", key
        parsed.setdefault(key.strip().upper(), []).extend(
            v.strip().strip('"') for v in re.split(r',(?=(?:[^"]*"[^"]*")*[^"]*$)', values)
        )
    return Line(group, name.strip().upper(), parsed, value, raw)


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def split_escaped(text: str, sep: str) -> list[str]:
    """Split a structured or list value on unescaped `sep`, then unescape each part."""
    parts, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append(unescape("".join(current)))
    return parts


def content_lines(text: str) -> list[str]:
    """Unfolded content lines of a vCard body (CRLF or LF, folded with a space or a tab)."""
    lines: list[str] = []
    for physical in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if physical[:1] in (" ", "\t") and lines:
            lines[-1] += physical[1:]
        elif physical.strip():
            lines.append(physical)
    return lines


def _ab_label(value: str) -> str:
    # Apple's built-in labels look like "_$!<Mobile>!$_".
    match = re.fullmatch(r"_\$!<(.*)>!\$_", value.strip())
    return match[1].lower() if match else value.strip()


def _label(line: Line, group_labels: dict) -> str:
    if line.group and line.group.lower() in group_labels:
        return group_labels[line.group.lower()][:30]
    types = [t.lower() for t in line.params.get("TYPE", []) if t]
    types = [t for t in types if t not in NOISE_TYPES]
    return ",".join(dict.fromkeys(types))[:30]


@dataclass
class PhoneCard:
    """What a phone sent, split into the contact's fields and the lines kept aside."""

    uid: str = ""
    version: str = "3.0"
    name: str = ""
    structured_name: str = ""
    preferred_name: str = ""
    company: str = ""
    department: str = ""
    title: str = ""
    website: str | None = None
    linkedin_url: str | None = None
    emails: list = field(default_factory=list)
    phones: list = field(default_factory=list)
    tags: list | None = None
    kind: str | None = None  # only when the card says (KIND, X-ABShowAs)
    phonetic: dict = field(default_factory=dict)  # X-PHONETIC-* property -> text
    is_group: bool = False
    dates: list = field(default_factory=list)  # [(kind, month, day, year)]
    extra: list = field(default_factory=list)

    def contact_data(self) -> dict:
        """Fields for contacts.services: what a phone knows. CRM-only fields are left out, so
        they are kept; tags and the LinkedIn address only when the card carried them (a phone
        that does not know CATEGORIES must not clear the tags)."""
        data = {
            "name": self.name[:200],
            "preferred_name": self.preferred_name[:100],
            "company": self.company[:200],
            "department": self.department[:200],
            "title": self.title[:200],
            "website": self.website or "",
            "emails": self.emails,
            "phones": self.phones,
        }
        if self.tags is not None:
            data["tags"] = self.tags
        if self.linkedin_url is not None:
            data["linkedin_url"] = self.linkedin_url
        if self.kind is not None:
            data["kind"] = self.kind
        if self.phonetic:
            parts = (self.phonetic.get(p, "") for p in (PHONETIC_FIRST, PHONETIC_MIDDLE, PHONETIC_LAST))
            data["phonetic_name"] = " ".join(p for p in parts if p)[:200]
        return data


def parse(text: str) -> PhoneCard:
    """Read one vCard (3.0 or 4.0). Raises InvalidCard when the body is not exactly one card."""
    raw_lines = content_lines(text)
    if not raw_lines:
        raise InvalidCard("the body is empty")
    lines = [_split_line(raw) for raw in raw_lines]
    if lines[0].name != "BEGIN" or lines[0].value.strip().upper() != "VCARD":
        raise InvalidCard("the body does not start with BEGIN:VCARD")
    ends = [i for i, line in enumerate(lines) if line.name == "END"]
    if not ends or ends[0] != len(lines) - 1:
        raise InvalidCard("the body must hold exactly one vCard")
    if any(line.name == "BEGIN" for line in lines[1:]):
        raise InvalidCard("nested or repeated BEGIN:VCARD")
    lines = lines[1:-1]
    card = PhoneCard()
    group_labels = {
        line.group.lower(): _ab_label(unescape(line.value))
        for line in lines
        if line.group and line.name == "X-ABLABEL"
    }
    used_groups: set[str] = set()
    emails, phones, seen_emails, seen_phones = [], [], set(), set()
    fn, n_parts = "", []
    for line in lines:
        name, value = line.name, line.value
        keep = False
        if name == "VERSION":
            card.version = "4.0" if value.strip() == "4.0" else "3.0"
        elif name in ("PRODID", "REV"):
            pass
        elif name == "UID":
            card.uid = unescape(value).strip()
        elif name == "FN":
            fn = unescape(value).strip()
        elif name == "N":
            card.structured_name = value.strip()
            n_parts = [p.strip() for p in split_escaped(value, ";")]
        elif name == "NICKNAME" and not card.preferred_name:
            card.preferred_name = split_escaped(value, ",")[0].strip()
        elif name == "ORG" and not (card.company or card.department):
            parts = split_escaped(value, ";")
            card.company = parts[0].strip()
            card.department = "; ".join(p.strip() for p in parts[1:] if p.strip())
        elif name == "TITLE" and not card.title:
            card.title = unescape(value).strip()
        elif name == "EMAIL":
            email = unescape(value).strip().lower()
            try:
                validate_email(email)
            except ValidationError:
                keep = True
            else:
                if email not in seen_emails:
                    seen_emails.add(email)
                    emails.append((_label(line, group_labels), email))
        elif name == "TEL":
            number = unescape(value).strip()
            if number.lower().startswith("tel:"):
                number = number[4:]
            if not number or len(number) > 40:
                keep = True
            elif number not in seen_phones:
                seen_phones.add(number)
                phones.append((_label(line, group_labels), number))
        elif name == "CATEGORIES":
            names = card.tags or []
            for tag in split_escaped(value, ","):
                tag = " ".join(tag.split())[:50]
                if tag and tag.lower() not in {t.lower() for t in names}:
                    names.append(tag)
            card.tags = names
        elif name in ("URL", "X-SOCIALPROFILE"):
            url = unescape(value).strip()
            if card.linkedin_url is None and norm_linkedin(url) and len(url) <= 300:
                card.linkedin_url = url
            elif name == "URL" and card.website is None and len(url) <= 300 and _valid_url(url):
                card.website = url
            else:
                keep = True
        elif name in ("BDAY", "ANNIVERSARY", "X-ANNIVERSARY"):
            parsed = parse_card_date(unescape(value), line.params)
            kind = "birthday" if name == "BDAY" else "anniversary"
            if parsed is None or any(d[0] == kind for d in card.dates):
                keep = True
            else:
                card.dates.append((kind, *parsed))
        elif name in ("KIND", "X-ADDRESSBOOKSERVER-KIND") and value.strip().lower() == "group":
            card.is_group = True
            keep = True
        elif name == "KIND" and value.strip().lower() in ("org", "individual"):
            org = value.strip().lower() == "org"
            card.kind = ContactKind.ORGANISATION if org else ContactKind.PERSON
        elif name == "X-ABSHOWAS":  # Apple: COMPANY for an organisation, else a person
            org = value.strip().upper() == "COMPANY"
            card.kind = ContactKind.ORGANISATION if org else ContactKind.PERSON
        elif name in (PHONETIC_FIRST, PHONETIC_MIDDLE, PHONETIC_LAST):
            card.phonetic[name] = " ".join(unescape(value).split())
        elif name == "X-ABLABEL" and line.group:
            continue  # decided below, with the line it labels
        else:
            keep = True
        if keep:
            card.extra.append(line.raw)
            if line.group:
                used_groups.add(line.group.lower())
    # A group label stays with the lines of its group that were kept aside.
    card.extra.extend(
        line.raw
        for line in lines
        if line.name == "X-ABLABEL" and line.group and line.group.lower() in used_groups
    )
    card.emails, card.phones = emails, phones
    given = " ".join(p for p in (n_parts[3:4] + n_parts[1:3] + n_parts[0:1] + n_parts[4:5]) if p)
    card.name = fn or given or card.company or (emails[0][1] if emails else "") or "Unnamed"
    return card


def _valid_url(url: str) -> bool:
    try:
        _url_ok(url)
    except ValidationError:
        return False
    return True
