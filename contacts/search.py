"""What a search box's words match, shared by the contacts search (contacts.selectors) and the
interactions search built on it (interactions.selectors).

Three letters or more match anywhere in a text. One or two match where a word starts: at the
text's start or after a separator. That is what a person typing two letters into a picker is
after ("al" finds Alan and Alice Long, not Sally or Donald), and it is what PostgreSQL's trigram
indexes can find: `'AL%'` and `'% AL%'` have trigrams (`"  a"`, `" al"`), `'%AL%'` has none, so
it could only be tested against every row of the account.
"""

import re

from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Upper

# Where a word starts in a name (search_text joins a contact's names with line breaks), a tag
# or the text of a conversation; and in an email address, after its dots and its "@".
WORDS = (" ", "\n")
ADDRESS_PARTS = (".", "@")


def finds_word_starts(q: str) -> bool:
    """Whether `q` matches the start of words rather than anywhere: one or two letters or digits
    together (`zq`, `AI`, `c++`), with no three in a row."""
    return bool(re.search(r"[^\W_]", q)) and not re.search(r"[^\W_]{3}", q)


def holds(field: str, q: str, value=str, *, lookup: str = "icontains", separators=WORDS) -> Q:
    """`field` holds `q`: anywhere, or at the start of a word when finds_word_starts(q).
    `lookup` is `icontains` (any case), or `contains` for a field kept upper-cased with an
    upper-cased `value`; `value` wraps the text searched for (an expression, say)."""
    if not finds_word_starts(q):
        return Q(**{f"{field}__{lookup}": value(q)})
    starts_with = lookup.replace("contains", "startswith")
    found = Q(**{f"{field}__{starts_with}": value(q)})
    for separator in separators:
        found |= Q(**{f"{field}__{lookup}": value(separator + q)})
    return found


def names_hold(q: str, *, through: str = "") -> Q:
    """The contact's `search_text` (its names and company, upper-cased when written) holds `q`,
    the text upper-cased the same way, so that PostgreSQL's trigram index of it finds it
    (migration 0022). `through` leads from another model, "contact__" say."""
    return holds(f"{through}search_text", q, lambda text: Upper(Value(text)), lookup="contains")


def like_patterns(q: str, separators=WORDS) -> list[str]:
    """`holds` for SQL of one's own: the LIKE patterns (any one matching) of `q`, escaped."""
    escaped = connection.ops.prep_for_like_query(q)
    if not finds_word_starts(q):
        return [f"%{escaped}%"]
    return [f"{escaped}%", *(f"%{separator}{escaped}%" for separator in separators)]
