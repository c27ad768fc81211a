"""Phone numbers stored as E.164 (`+12065550134`), so that `+1 206 555 0134` and
`(206) 555-0134` are one number. Parsed with Google's libphonenumber (the `phonenumbers`
package); a number written without a country code takes the owner's `Profile.phone_region`.
What cannot be read as a phone number is kept as written rather than lost."""

import functools

import phonenumbers
from django.conf import settings


_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE


def default_region() -> str:
    return settings.PHONE_REGION


def region_choices() -> list[tuple[str, str]]:
    """('DE', 'DE (+49)') for every region libphonenumber knows, sorted by code."""
    return [
        (code, f"{code} (+{phonenumbers.country_code_for_region(code)})")
        for code in sorted(phonenumbers.SUPPORTED_REGIONS)
    ]


@functools.lru_cache(maxsize=16384)  # a file repeats switchboards and shared lines
def normalize_phone(number: str, region: str = "") -> str:
    """The number in E.164 (with ` ext. 12` when it has an extension), or the number as
    written, spaces collapsed, when it is not a possible phone number."""
    text = " ".join((number or "").split())
    if text.lower().startswith("tel:"):
        text = text[4:].strip()
    if not text:
        return ""
    if text.startswith("00") and len(text) > 4:  # the international prefix of most of Europe
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, (region or default_region()).upper())
    except phonenumbers.NumberParseException:
        return text
    # A number that is only dialable locally (7 digits in the US) lacks its area code: kept
    # as written, since no E.164 form of it can be told.
    if phonenumbers.is_possible_number_with_reason(parsed) != _POSSIBLE:
        return text
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164} ext. {parsed.extension}" if parsed.extension else e164


def phone_key(number: str, region: str = "") -> str:
    """What a phone number is matched by: its E.164 form, '' when it is not a phone number
    (free text is never a strong identifier)."""
    value = normalize_phone(number, region)
    return value if value.startswith("+") else ""
