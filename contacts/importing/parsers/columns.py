"""Any other CSV: each column mapped to a contact field, by its header or by the user."""

import re
from collections.abc import Iterator
from pathlib import Path

from ..records import ContactRecord, ParsedRow, clean, join_name, ragged
from ..sniff import Sniffed, norm_header
from .common import add_note, finish, set_birthday, set_url
from .csv import iter_csv

# Column targets the mapping step offers, with header names that map to each automatically.
# Names in English, German, French, Spanish, Italian, Dutch and Portuguese.
MAPPING_TARGETS = {
    "": ("(ignore)", ()),
    "name": (
        "Full name",
        ("name", "full name", "display name", "contact", "contact name", "person", "kontakt",
         "vollständiger name", "nom complet", "nombre completo", "nome completo", "naam"),
    ),
    "first_name": (
        "First name",
        ("first name", "first", "given name", "firstname", "vorname", "prénom", "prenom",
         "nombre", "nome", "voornaam"),
    ),
    "last_name": (
        "Last name",
        ("last name", "last", "surname", "family name", "lastname", "nachname", "familienname",
         "nom", "nom de famille", "apellido", "apellidos", "cognome", "achternaam", "sobrenome"),
    ),
    "preferred_name": (
        "Preferred name", ("preferred name", "nickname", "goes by", "spitzname", "surnom", "apodo")
    ),
    "phonetic_name": ("Phonetic name", ("phonetic name", "pronunciation", "yomi", "furigana")),
    "email": (
        "Email",
        ("email", "e-mail", "email address", "e-mail address", "mail", "work email",
         "personal email", "email 2", "e-mail-adresse", "emailadresse", "adresse e-mail",
         "courriel", "correo", "correo electrónico", "posta elettronica", "e-mailadres"),
    ),
    "phone": (
        "Phone",
        ("phone", "telephone", "mobile", "cell", "phone number", "mobile phone", "work phone",
         "telefon", "telefonnummer", "handy", "mobil", "mobiltelefon", "téléphone", "telephone",
         "portable", "tél", "tel", "teléfono", "telefono", "móvil", "cellulare", "telefoon",
         "telemóvel"),
    ),
    "company": (
        "Company",
        ("company", "organization", "organisation", "employer", "org", "firma", "unternehmen",
         "arbeitgeber", "entreprise", "société", "societe", "empresa", "azienda", "bedrijf"),
    ),
    "title": (
        "Title",
        ("title", "job title", "position", "role", "berufsbezeichnung", "titel", "funktion",
         "poste", "fonction", "cargo", "puesto", "ruolo", "functie"),
    ),
    "department": (
        "Department", ("department", "team", "dept", "abteilung", "service", "departamento",
                       "reparto", "afdeling"),
    ),
    "location": (
        "Location",
        ("location", "city", "place", "based in", "ort", "stadt", "wohnort", "ville", "lieu",
         "ciudad", "ubicación", "città", "plaats"),
    ),
    "linkedin_url": (
        "LinkedIn URL",
        ("linkedin", "linkedin url", "linkedin profile", "profile url"),
    ),
    "website": (
        "Website",
        ("website", "web", "url", "homepage", "web page", "site", "webseite", "internetseite",
         "site web", "sitio web", "página web", "sito web"),
    ),
    "how_we_met": ("How we met", ("how we met", "met", "source", "kennengelernt", "quelle")),
    "notes": (
        "Notes",
        ("notes", "note", "comments", "comment", "description", "notiz", "notizen",
         "bemerkung", "bemerkungen", "anmerkungen", "kommentar", "remarque", "remarques",
         "commentaire", "notas", "nota", "observaciones", "comentarios", "note", "opmerkingen"),
    ),
    "birthday": (
        "Birthday",
        ("birthday", "birth date", "date of birth", "dob", "geburtstag", "geburtsdatum",
         "anniversaire", "date de naissance", "cumpleaños", "fecha de nacimiento",
         "compleanno", "data di nascita", "verjaardag", "geboortedatum", "aniversário"),
    ),
    "tags": (
        "Tags",
        ("tags", "tag", "labels", "categories", "groups", "kategorien", "gruppen",
         "étiquettes", "catégories", "etiquetas", "categorías", "etichette"),
    ),
}


_ENGLISH = {"birthday", "birth date", "date of birth", "dob"}


def auto_mapping(header: list[str]) -> list[str]:
    """A target for each column from its header, '' when unknown."""
    lookup = {syn: target for target, (_, syns) in MAPPING_TARGETS.items() for syn in syns}
    mapping, used = [], set()
    for cell in header:
        target = lookup.get(norm_header(cell), "")
        # Emails and phones may come from several columns; other targets from the first.
        if target in used and target not in {"email", "phone", "tags", "notes"}:
            target = ""
        used.add(target)
        mapping.append(target)
    return mapping


def column_samples(path: Path, sniffed: Sniffed, rows: int = 3) -> list[list[str]]:
    """Up to `rows` non-blank values of each column, from the first rows of the file, for the
    mapping page."""
    samples: list[list[str]] = [[] for _ in sniffed.header]
    for seen, (_, cells, _) in enumerate(iter_csv(path, sniffed)):
        for i, value in enumerate((cells or [])[: len(samples)]):
            if (value := clean(value)) and len(samples[i]) < rows and value not in samples[i]:
                samples[i].append(value[:60])
        if seen >= 50 or all(len(s) >= rows for s in samples):
            break
    return samples


def mapping_is_usable(mapping: list[str]) -> bool:
    return bool({"name", "first_name", "last_name", "email"} & set(mapping))


def parse_generic(path: Path, sniffed: Sniffed, mapping: list[str] | None) -> Iterator[ParsedRow]:
    mapping = list(mapping or auto_mapping(sniffed.header))
    sniffed.used_columns.update(
        norm_header(h) for h, target in zip(sniffed.header, mapping) if target
    )
    width = len(sniffed.header)
    # A day written 05/04/1990 is read the European way unless the file is in English.
    day_first = sniffed.delimiter == ";" or any(
        norm_header(h) not in _ENGLISH for h, target in zip(sniffed.header, mapping)
        if target == "birthday"
    )
    for line, cells, error in iter_csv(path, sniffed):
        if error:
            yield ParsedRow(line=line, error=error)
            continue
        if not cells:
            continue
        raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(sniffed.header)}
        if not any(clean(v) for v in cells):
            yield ParsedRow(line=line, skip="empty row", raw=raw)
            continue
        record, first, last = ContactRecord(), "", ""
        for i, target in enumerate(mapping):
            if not target or i >= len(cells):
                continue
            value = clean(cells[i])
            if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
                value = value[1:]  # undo the formula escaping of our own CSV export
            if not value:
                continue
            if target == "first_name":
                first = value
            elif target == "last_name":
                last = value
            elif target == "email":
                for email in re.split(r"[;,\s]+", value):
                    record.add_email(email)
            elif target == "phone":
                for number in value.split(";"):
                    record.add_phone(number.strip().removeprefix("'"))
            elif target == "tags":
                for tag in re.split(r"[;,|]", value):
                    record.add_tag(tag)
            elif target == "notes":
                add_note(record, value)
            elif target == "birthday":
                set_birthday(record, value, day_first)
            elif target in ("linkedin_url", "website"):
                if target == "linkedin_url":
                    record.linkedin_url = value
                else:
                    set_url(record, value)
            else:
                setattr(record, target, value)
        if not record.name:
            record.name = join_name(first, last)
        row = finish(line, record, raw)
        row.warnings.extend(ragged(cells, width))
        yield row
