"""vCard 2.1, 3.0 and 4.0 (RFC 6350), as Apple, Android and Google write them."""

import re
from collections.abc import Iterator
from pathlib import Path

import vobject

from ...models import ContactKind
from ..records import ContactRecord, ParsedRow, clean, join_name
from ..sniff import Sniffed, open_text
from .common import add_note, finish, set_birthday, set_url

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
    record.name = name
    kind = clean(first("kind") or first("x-addressbookserver-kind")).lower()
    if kind == "org" or clean(first("x-abshowas")).upper() == "COMPANY" or (
        not name and record.company
    ):
        record.kind = ContactKind.ORGANISATION
    record.phonetic_name = join_name(
        first("x-phonetic-first-name"), first("x-phonetic-middle-name"),
        first("x-phonetic-last-name"),
    )
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
    # vobject undoes the escapes of RFC 6350 but "\:", which vCard 2.1 and Google write.
    add_note(record, str(first("note")).replace("\\:", ":"))
    set_birthday(record, str(first("bday")))
    return record


def _uid(value) -> str:
    value = clean(value)
    return value[9:] if value.lower().startswith("urn:uuid:") else value


def _is_group(card) -> bool:
    c = card.contents
    kind = c.get("kind") or c.get("x-addressbookserver-kind") or []
    return any(clean(p.value).lower() == "group" for p in kind)


def group_memberships(path: Path, sniffed: Sniffed) -> dict[str, list[str]]:
    """member (UID or email) → the names of the groups (KIND:group cards, Apple's
    X-ADDRESSBOOKSERVER-KIND) that list it, read in a first pass over the file."""
    groups: dict[str, list[str]] = {}
    for _, _, lines in iter_cards(path, sniffed):
        if not lines or not any("KIND:GROUP" in line.upper() for line in lines):
            continue
        try:
            card = vobject.readOne("\r\n".join(_logical_lines(lines)) + "\r\n")
        except Exception:  # reported as an unreadable card by the main pass
            continue
        if not _is_group(card):
            continue
        name = clean(card.contents["fn"][0].value) if card.contents.get("fn") else ""
        for prop in card.contents.get("member", []) + card.contents.get(
            "x-addressbookserver-member", []
        ):
            member = _uid(prop.value)
            member = member[7:].lower() if member.lower().startswith("mailto:") else member
            if name and member:
                groups.setdefault(member, []).append(name)
    return groups


def parse_vcard(path: Path, sniffed: Sniffed) -> Iterator[ParsedRow]:
    groups = group_memberships(path, sniffed)
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
            if _is_group(card):
                name = clean(card.contents["fn"][0].value) if card.contents.get("fn") else ""
                members = len(card.contents.get("member", [])) + len(
                    card.contents.get("x-addressbookserver-member", [])
                )
                yield ParsedRow(
                    line=number,
                    skip=f"“{name}” is a group, not a person: "
                    + (f"its {members} members are" if members != 1 else "its member is")
                    + f" tagged “{name}”",
                    raw=raw,
                )
                continue
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
        if groups:
            uid = _uid(card.contents["uid"][0].value) if card.contents.get("uid") else ""
            for name in groups.get(uid, []) + [
                n for email, _ in record.emails for n in groups.get(email.lower(), [])
            ]:
                record.add_tag(name)
        row = finish(number, record, raw)
        if any(line[:5].upper() == "PHOTO" or ".PHOTO" in line[:20].upper() for line in lines):
            row.warnings.append("its photo is not imported (contacts have no picture here)")
        yield row
