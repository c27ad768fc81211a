"""Name keys: two people whose names share a key may be one person (a possible duplicate, never
merged without the user).

A key is the name's words folded to lower-case ASCII and sorted, so that accents, case, word
order (family name first) and script do not matter: native script is transliterated with
`anyascii` (山田 → "shantian", ヤマダ → "yamada"), Japanese long vowels are shortened as
Hepburn writes them ("tarou" and "taro" give "taro"; a key is not shown, so "Moon"
giving "mon" is harmless), and a first name that is a nickname also gives the keys
of the names it is short for (the `nicknames` package: "Bob" → "robert"). A phonetic name
(vCard X-PHONETIC-*, Google's "Phonetic" columns) gives keys of its own, which is how
"山田 太郎" meets "Taro Yamada".
"""

import functools
import re
import unicodedata

from anyascii import anyascii
from nicknames import NickNamer

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Long vowels as kana spell them and Hepburn romanisation does not: ou, oo, uu, aa, ii, ee.
_LONG_VOWEL = re.compile(r"(?<=o)[ou]|(?<=u)u|(?<=a)a|(?<=i)i|(?<=e)e")
_HAS_LONG_VOWEL = re.compile(r"o[ou]|uu|aa|ii|ee").search


@functools.cache
def _canonicals() -> dict[str, frozenset[str]]:
    """nickname → the names it is short for, loaded once. Only names at least as long as the
    nickname: the list also knows John as a form of Ian, and "John Smith" and "Ian Smith"
    are not worth asking about."""
    lookup = {}
    for nickname, names in NickNamer().canonical_lookup.items():
        if longer := frozenset(n for n in names if len(n) >= len(nickname)):
            lookup[nickname] = longer
    return lookup


def words(name: str) -> list[str]:
    """The name's words in lower-case ASCII."""
    if not name:
        return []
    if not name.isascii():
        name = anyascii(unicodedata.normalize("NFC", name))
    return _NOT_WORD.sub(" ", name.lower()).split()


def _key(first: str, rest: list[str]) -> str:
    words = [first, *rest] if rest else [first]
    if len(words) > 1:
        words.sort()
    key = " ".join(words)
    return _LONG_VOWEL.sub("", key) if _HAS_LONG_VOWEL(key) else key


# 16,384 names (about 6 MB): enough for the names a duplicates search compares again; at
# 65,536 the cache alone was 25 MB of a 500,000-row import's 300 MB budget.
@functools.lru_cache(maxsize=16384)
def name_keys(name: str, phonetic: str = "") -> frozenset[str]:
    """Every key of a name (and of its phonetic spelling); empty for a blank name."""
    keys: set[str] = set()
    for spelling in (name, phonetic):
        tokens = words(spelling)
        if not tokens:
            continue
        first, rest = tokens[0], tokens[1:]
        keys.add(_key(first, rest))
        for full in _canonicals().get(first, ()):
            keys.add(_key(full, rest))
    return frozenset(keys)


def similar_names(first: str, second: str, first_phonetic: str = "", second_phonetic: str = ""):
    """True when the two names share a key, or one name's words are all in the other's
    ("Ada" and "Ada Lovelace")."""
    if name_keys(first, first_phonetic) & name_keys(second, second_phonetic):
        return True
    a, b = set(words(first)), set(words(second))
    return bool(a and b) and (a <= b or b <= a)
