"""A phone's vCard read back: split into the contact's fields and the lines the CRM has no
field for, which are kept aside and go back to the phone as they came."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from contacts.importing.normalize import norm_linkedin
from contacts.models import ContactKind
from contacts.vcard import PHONETIC_FIRST, PHONETIC_LAST, PHONETIC_MIDDLE

from .dates import parse_card_date
from .syntax import InvalidCard, Line, content_lines, split_escaped, split_line, unescape

# Types that say nothing a person chose ("internet" on every email, "voice" on most phones).
NOISE_TYPES = {"internet", "voice", "pref", "x400"}
_url_ok = URLValidator(schemes=["http", "https"])


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
    lines = [split_line(raw) for raw in raw_lines]
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
