"""How an import compares people: names, companies, emails, phones and LinkedIn URLs folded
to the keys two spellings of the same value share, the strong identifiers a row is looked up
by, and the rules for when a shared strong identifier is the same person
(contacts.importing.matching, CardDAV, possible duplicates)."""

import functools
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from ..names import name_keys, similar_names
from ..phones import phone_key
from .records import ContactRecord

LEGAL_SUFFIXES = {
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "pty",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "srl",
    "spa",
    "kg",
    "se",
}


_PUNCTUATION = re.compile(r"[^\w\s]")


def fold(text: str) -> str:
    """Lower-case ASCII-ish words: accents, case, punctuation and spacing do not matter."""
    if not text:
        return ""
    if text.isascii():
        # Most names are letters and single spaces already: only the case changes.
        if text.replace(" ", "").isalnum() and "  " not in text and text.strip() == text:
            return text.lower()
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


def norm_email(email: str) -> str:
    return (email or "").strip().lower()


def norm_name(name: str) -> str:
    return fold(name)


@functools.lru_cache(maxsize=8192)  # an export names far fewer companies than people
def norm_company(company: str) -> str:
    words = fold(company).split()
    while words and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def norm_phone(number: str, region: str = "") -> str:
    """A phone number's match key: E.164 (contacts.phones), else its digits."""
    return phone_key(number, region) or re.sub(r"\D", "", number or "")


# The usual shape of a LinkedIn URL, checked before the general (slower) URL parsing.
_LINKEDIN = re.compile(
    r"(?:https?://)?(?:[a-z]{2,3}\.|www\.)?linkedin\.com/([^?#\s%]*)(?:[?#]\S*)?", re.IGNORECASE
)


def norm_linkedin(url: str) -> str:
    """'linkedin.com/in/<slug>' for any spelling of a profile URL (scheme, www or country
    subdomain, trailing slash, tracking query, case, percent-encoding), '' if not LinkedIn."""
    url = (url or "").strip()
    if not url:
        return ""
    if m := _LINKEDIN.fullmatch(url):
        return linkedin_key(m)
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return ""
    path = unquote(parts.path).strip("/").lower()
    return f"linkedin.com/{path}" if path else ""


def linkedin_key(match: re.Match) -> str:
    """norm_linkedin of a URL of the usual shape, from its `_LINKEDIN` match."""
    path = match[1].strip("/").lower()
    return f"linkedin.com/{path}" if path else ""


def record_names(record: ContactRecord) -> frozenset[str]:
    return name_keys(record.name, record.phonetic_name)


# A strong identifier as the index keeps it: one string, its kind's letter then its value (a
# tuple of the two cost 64 bytes more a key: 30 MB for a 500,000-row file).
EMAIL, LINKEDIN, PHONE = "e", "l", "p"
MATCHED_BY = {EMAIL: "email", LINKEDIN: "linkedin", PHONE: "phone"}
_LINKEDIN_HOST = len("linkedin.com/")


def linkedin_match_key(link: str) -> str:
    """The key of a normalised LinkedIn URL: its path (every one is on linkedin.com)."""
    return LINKEDIN + link[_LINKEDIN_HOST:]


def record_keys(record: ContactRecord) -> list[str]:
    """The strong identifiers a row is looked up by (its phones already in E.164)."""
    keys = contact_keys([e for e, _ in record.emails], norm_linkedin(record.linkedin_url))
    for number, _ in record.phones:
        if number[:1] == "+" and (key := phone_key(number)):
            keys.append(PHONE + key)
    return keys


def contact_keys(emails, link: str) -> list[str]:
    """record_keys from the values themselves, the LinkedIn URL already normalised (the
    LinkedIn batch path builds no record, and has matched the URL when checking it)."""
    keys = [EMAIL + norm_email(e) for e in emails]
    if link:
        keys.append(linkedin_match_key(link))
    return keys


def same_person(fields: dict, record: ContactRecord, matched_by: str) -> bool:
    """Whether a row that shares a strong identifier with a contact is that contact: not when
    both have a LinkedIn profile and they differ, nor when only a phone number is shared by
    people whose names have nothing in common (an office's switchboard)."""
    theirs = norm_linkedin(fields.get("linkedin_url", ""))
    if theirs and (mine := norm_linkedin(record.linkedin_url)) and mine != theirs:
        return False
    if matched_by == "phone" and fields.get("name") and record.name:
        return similar_names(
            fields["name"], record.name, fields.get("phonetic_name", ""), record.phonetic_name
        )
    return True


def conflicts(fields: dict, record: ContactRecord) -> bool:
    """Two different LinkedIn profiles: two people, whatever their names."""
    theirs = norm_linkedin(fields.get("linkedin_url", ""))
    return bool(theirs and record.linkedin_url) and norm_linkedin(record.linkedin_url) != theirs
