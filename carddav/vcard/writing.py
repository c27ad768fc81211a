"""A contact rendered as a vCard: the card a phone stored (when it is the phone's own, as it
came), else one made from the contact's fields, emails, phones, tags and dates."""

from contacts.vcard import kind_and_phonetic_lines

from .dates import important_dates
from .syntax import escape, fold

PRODID = "-//network_crm//CardDAV//EN"
# TYPE values a client understands as such; any other label goes out as an Apple-style group
# label (itemN.X-ABLabel), which iOS, macOS, DAVx5 and Thunderbird all show.
EMAIL_TYPES = {"work", "home", "other", "internet", "pref"}
TEL_TYPES = {"work", "home", "cell", "mobile", "fax", "pager", "voice", "text", "video",
             "main", "iphone", "other", "pref", "textphone"}


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
