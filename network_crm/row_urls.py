"""`reverse()` once per process: for pages of rows, where each row swaps its id into the
pattern, and for the links every page carries (the navigation).

A `{% url %}` costs tens of microseconds (resolver, converters, quoting); a page of fifty
contacts or thirty timeline entries spent a tenth of its time in them, and the navigation's
dozen links a few per cent of every page.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

PLACEHOLDER = 999_999_999


@lru_cache(maxsize=512)
def _pattern(name: str, urlconf: str, script_prefix: str, extra: tuple) -> str:
    # The script prefix is part of the key because reverse() reads it; so is the urlconf, which
    # a request or a test may switch.
    return reverse(name, urlconf=urlconf, args=[PLACEHOLDER, *extra])


def row_url(name: str, pk: int, *extra) -> str:
    """`reverse(name, args=[pk, *extra])` for a URL whose first argument is an integer id."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    pattern = _pattern(name, urlconf, get_script_prefix(), extra)
    return pattern.replace(str(PLACEHOLDER), str(int(pk)), 1)


@lru_cache(maxsize=256)
def _fixed(name: str, urlconf: str, script_prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def page_url(name: str) -> str:
    """`reverse(name)` for a URL without arguments."""
    return _fixed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
