"""The possible duplicates as last found (duplicates.find_pairs), kept in the cache so that a
page reads one slice of them instead of comparing every contact of the account.

What was found is kept with the user's generation token (network_crm.fragment_cache) of the
moment the search started, in pages of PAGE_SIZE pairs and, per contact, the ids of the
contacts it may be. A page that finds them older than the user's last write shows them anyway
(contacts deleted or merged since are left out when the page loads the contacts) and asks the
worker to look again (tasks.find_duplicates), once until it has. Only the first page ever
opened, or one after the cache lost them, searches in the request. Without a cache, every
page searches.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from network_crm import fragment_cache

from .duplicates import find_pairs

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
# Replaced by the next search after a write; never read as current once the user wrote.
KEEP = 7 * 24 * 3600
# A refresh asked of a worker that never ran it is asked again after this.
QUEUED_FOR = 10 * 60


@dataclass
class Found:
    """What the last search found: `count` pairs, and whether the user wrote since."""

    count: int
    generation: str  # "" when not kept (no cache)
    stale: bool = False
    # All the pairs, when this request searched (never kept in the cache: pages are).
    pairs: list | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))


def _key(user_id: int, *parts) -> str:
    return ":".join(["duplicates", str(user_id), *map(str, parts)])


def refresh(user) -> Found:
    """Search the user's contacts now and keep what was found (in pages, and per contact)."""
    # The token from before the search: a write during it leaves the result stale.
    generation = fragment_cache.generation(user.pk)
    pairs = find_pairs(user)
    found = Found(count=len(pairs), generation=generation or "")
    if generation is None:
        found.pairs = pairs
        return found
    entries = {
        _key(user.pk, generation, "page", start // PAGE_SIZE): pairs[start : start + PAGE_SIZE]
        for start in range(0, len(pairs), PAGE_SIZE)
    }
    partners: dict[int, list[int]] = {}
    for a, b, _ in pairs:
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    entries.update({_key(user.pk, generation, "of", pk): ids for pk, ids in partners.items()})
    try:
        cache.set_many(entries, KEEP)
        cache.set(_key(user.pk), found, KEEP)
    except Exception:  # noqa: BLE001 - the next page searches again
        logger.warning("cache unavailable; possible duplicates not kept")
    found.pairs = pairs
    return found


def refresh_user(user_id: int) -> None:
    """The worker's side: search again unless what is kept is current or the user is gone."""
    cache.delete(_key(user_id, "queued"))
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return
    kept = _get(_key(user_id))
    if kept is None or kept.generation != fragment_cache.generation(user_id):
        refresh(user)


def _ask_worker(user_id: int) -> None:
    from ..tasks import find_duplicates

    if cache.add(_key(user_id, "queued"), True, QUEUED_FOR):
        transaction.on_commit(lambda: find_duplicates.delay(user_id))


def last_found(user) -> Found:
    """What the last search found (searching now if nothing is kept), marked stale and
    searched again by the worker when the user wrote since."""
    generation = fragment_cache.generation(user.pk)
    kept = _get(_key(user.pk)) if generation is not None else None
    if kept is None:
        return refresh(user)
    if kept.generation != generation:
        kept.stale = True
        _ask_worker(user.pk)
    return kept


def _get(key):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001
        return None


def page_of(user, found: Found, number: int) -> list[tuple[int, int, list[str]]]:
    """The pairs (first id, second id, reasons) on page `number` (from 0) of what was found."""
    if not 0 <= number < found.pages or not found.count:
        return []
    if found.pairs is None:
        pairs = _get(_key(user.pk, found.generation, "page", number))
        if pairs is not None:
            return pairs
        found = refresh(user)  # the cache let them go
    return found.pairs[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]


def partners_of(user, found: Found, contact_id: int) -> list[int]:
    """The ids of the contacts that may be the same person as this one."""
    if not found.count:
        return []
    if found.pairs is None:
        # A contact with no possible duplicate has no entry.
        return _get(_key(user.pk, found.generation, "of", contact_id)) or []
    return [b if a == contact_id else a for a, b, _ in found.pairs if contact_id in (a, b)]
