"""One parser per format, each a module of this package. Each is a generator of
`ParsedRow`s, streaming the file so memory stays flat whatever its size; a row or card that
cannot be read becomes one error row."""

from collections.abc import Iterator
from pathlib import Path

from ..records import ParsedRow
from ..sniff import Format, Sniffed
from .columns import MAPPING_TARGETS, auto_mapping, mapping_is_usable, parse_generic
from .common import format_birthday
from .csv import iter_csv
from .google import parse_google
from .linkedin import LINKEDIN_FIELDS, LinkedInRows, linkedin_how_we_met, parse_linkedin
from .outlook import parse_outlook
from .vcard import _logical_lines, parse_vcard

__all__ = [
    "LINKEDIN_FIELDS",
    "MAPPING_TARGETS",
    "LinkedInRows",
    "_logical_lines",
    "auto_mapping",
    "format_birthday",
    "iter_csv",
    "linkedin_how_we_met",
    "mapping_is_usable",
    "parse",
]


def parse(path: Path, sniffed: Sniffed, mapping: list[str] | None = None) -> Iterator[ParsedRow]:
    """The rows of a sniffed file, parsed by the parser of its format."""
    if sniffed.format == Format.LINKEDIN:
        return parse_linkedin(path, sniffed)
    if sniffed.format == Format.GOOGLE:
        return parse_google(path, sniffed)
    if sniffed.format == Format.OUTLOOK:
        return parse_outlook(path, sniffed)
    if sniffed.format == Format.VCARD:
        return parse_vcard(path, sniffed)
    return parse_generic(path, sniffed, mapping)
