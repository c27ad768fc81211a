"""A row's cells checked before it is matched: a cell that cannot be kept (an email address
that is not one, a URL that is not one, a phone number too long to be one) is left out with
a warning, and a value longer than its field is cut with a warning. The row itself is kept."""

import operator
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from ..models import Contact
from .normalize import _LINKEDIN
from .records import TEXT_FIELDS, ContactRecord

MAX_LENGTHS = {
    f.name: f.max_length for f in Contact._meta.fields if f.name in TEXT_FIELDS and f.max_length
}
PHONE_MAX = Contact._meta.get_field("phones").related_model._meta.get_field("number").max_length
_limited_fields = operator.attrgetter(*MAX_LENGTHS)
_SHORTEST_LIMIT = min(MAX_LENGTHS.values())
_url = URLValidator()

# Plain addresses, accepted without the (slower) full validator.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def is_email(value: str) -> bool:
    if len(value) <= 254 and _PLAIN_EMAIL.fullmatch(value):
        return True
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _url_or_none(name: str, value: str) -> str | None:
    """The URL as stored (a scheme added when missing), None when it is not a URL."""
    if "://" not in value:
        value = "https://" + value
    if name == "linkedin_url" and value.startswith(("https://", "http://")):
        if _LINKEDIN.fullmatch(value):
            return value  # a well-formed LinkedIn URL; the general validator is slow
    try:
        _url(value)
    except ValidationError:
        return None
    return value


def check_record(record: ContactRecord) -> list[str]:
    """Leave out or cut, in place, what the record cannot keep; the warnings to show."""
    warnings = []
    if record.emails and not all(is_email(e) for e, _ in record.emails):
        kept = []
        for email, label in record.emails:
            if is_email(email):
                kept.append((email, label))
            else:
                warnings.append(f"“{email[:80]}” is not an email address; left out")
        record.emails = kept
    for name in ("linkedin_url", "website"):
        if value := getattr(record, name):
            url = _url_or_none(name, value)
            if url is None:
                label = name.replace("_", " ").replace("linkedin url", "LinkedIn URL")
                warnings.append(f"“{value[:80]}” is not a {label}; left out")
                url = ""
            setattr(record, name, url)
    if record.phones and max(len(n) for n, _ in record.phones) > PHONE_MAX:
        for number, _ in record.phones:
            if len(number) > PHONE_MAX:
                warnings.append(f"“{number[:50]}…” is too long for a phone number; left out")
        record.phones = [(n, label) for n, label in record.phones if len(n) <= PHONE_MAX]
    if max(map(len, _limited_fields(record))) > _SHORTEST_LIMIT:
        for name, limit in MAX_LENGTHS.items():
            value = getattr(record, name)
            if len(value) > limit:
                setattr(record, name, value[:limit].rstrip())
                label = name.replace("_", " ")
                warnings.append(f"{label} is longer than {limit} characters; cut to {limit}")
    return warnings
