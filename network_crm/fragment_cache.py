"""Rendered fragments of a user's pages, kept in the cache until what they show may change.

The dashboard's cards, the insights cards and the network map's JSON read the user's rows,
which change only when the user (or the scanner) writes, and are opened far more often than
that. So each fragment is cached under a key made of the user, their *generation* token, a
global generation token, the user's local date and the fragment's name:

- the user's generation changes on every write to their rows: `post_save` / `post_delete` /
  `m2m_changed` of the owner-scoped models (interactions/apps.py), every POST/PUT/PATCH/DELETE
  they send (`FragmentCacheMiddleware`, which covers the queryset `.update()` paths of the
  views) and the follow-up actions that may come from an emailed link (followups.mark_done…);
- the global generation changes when the follow-up scanner creates or wakes a reminder for
  anyone (it writes set-based SQL for thousands of users at once);
- the date in the key turns the page over at the user's midnight;
- `TIMEOUT` bounds the life of any entry whose change slipped past all of the above.

Old keys are never deleted, only no longer read; they expire. Cached HTML never holds the CSRF
token: cards render with a placeholder that each response replaces with its own token.
With the cache unavailable, every fragment is rendered (the pages must still answer).

Beside it each user has a *contacts generation*, which the same writes change except those
that leave the contacts' own columns as they were: a conversation, a give or a follow-up
(`invalidate(..., contacts=False)`, the views marked `keeps_contacts`). What is counted over
every contact and read after each conversation (the insights' mix of circles, disciplines and
companies) is kept under it, for TIMEOUT at most like the cards.
"""

import hashlib
import logging
import secrets

from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

TIMEOUT = 300
# Generation tokens outlive any card; one that expires just starts a new generation.
GENERATION_TIMEOUT = 30 * 24 * 3600
CSRF_PLACEHOLDER = "fragment-csrf-placeholder"
GLOBAL_KEY = "fragments:generation"


def _user_key(user_id: int) -> str:
    return f"{GLOBAL_KEY}:{user_id}"


def _contacts_key(user_id: int) -> str:
    return f"fragments:contacts:{user_id}"


def _new_token() -> str:
    return secrets.token_hex(6)


def invalidate(*user_ids, contacts: bool = True) -> None:
    """Forget the cached cards of these users (now, and again when the current transaction
    commits, so a page rendered in between from the old rows is not kept). `contacts=False`
    for a write that left every contact's own columns as they were: what is kept per contacts
    generation stays."""
    user_ids = {user_id for user_id in user_ids if user_id is not None}
    if not user_ids:
        return
    keys = [_user_key] + ([_contacts_key] if contacts else [])

    def bump():
        try:
            cache.set_many(
                {key(user_id): _new_token() for user_id in user_ids for key in keys},
                GENERATION_TIMEOUT,
            )
        except Exception:  # noqa: BLE001 - the cache is a shortcut; entries expire anyway
            logger.warning("cache unavailable; cached fragments of %s not reset", user_ids)

    if transaction.get_connection().in_atomic_block:
        bump()  # now too: a test's transaction never commits
    transaction.on_commit(bump)  # outside a transaction this runs at once: one bump


def forget_cards(sender, instance, **kwargs) -> None:
    """Signal receiver (apps.py): a contact (or the profile) was saved or deleted."""
    invalidate(getattr(instance, "owner_id", None))


def forget_activity_cards(sender, instance, **kwargs) -> None:
    """Signal receiver (apps.py): a row of the user's beside their contacts (a conversation, a
    give, a follow-up, an event) was saved, deleted or re-linked."""
    invalidate(getattr(instance, "owner_id", None), contacts=False)


def invalidate_everyone() -> None:
    """Forget every user's cached cards (the scanner changed reminders for many users)."""
    try:
        cache.set(GLOBAL_KEY, _new_token(), GENERATION_TIMEOUT)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable; cached fragments not reset")


def _generations(user_id: int) -> str | None:
    """`<global>.<user>` generation tokens, creating missing ones; None without a cache."""
    return _tokens(GLOBAL_KEY, _user_key(user_id))


def _tokens(*keys) -> str | None:
    """The tokens under `keys`, joined by dots, creating missing ones; None without a cache."""
    try:
        found = cache.get_many(keys)
        missing = [key for key in keys if key not in found]
        if missing:
            for key in missing:  # add: a token another process set meanwhile wins
                cache.add(key, _new_token(), GENERATION_TIMEOUT)
            found = cache.get_many(keys)
        if len(found) < len(keys):
            return None
        return ".".join(found[key] for key in keys)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable; rendering fragments without it", exc_info=True)
        return None


def contacts_generation(user_id: int) -> str | None:
    """The user's contacts generation (changes on any write that may change a contact's own
    columns); None without a cache."""
    return _tokens(_contacts_key(user_id))


def generation(user_id: int) -> str | None:
    """The user's current generation token (changes on any write of theirs or of the
    scanner's); None without a cache. For a result kept elsewhere that must say which rows it
    was computed from."""
    return _generations(user_id)


def _key(user_id: int, generation: str, today, name: str) -> str:
    return f"fragments:{user_id}:{generation}:{today.isoformat()}:{name}"


def text(user_id: int, today, name: str, render) -> str:
    """The user's fragment `name` for `today` from the cache, else `render()` (kept there): for
    what is not a card of a signed-in page (the calendar feed, answered by secret link)."""
    generation = _generations(user_id)
    if generation is None:
        return render()
    key = _key(user_id, generation, today, name)
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001
        found = None
    if found is None:
        found = render()
        try:
            cache.set(key, found, TIMEOUT)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable; %s not kept", name)
    return found


def cards_html(request, today, slugs, render) -> dict[str, str]:
    """{slug: HTML} for the user's cards named by `slugs`, from the cache where it holds them.
    `render(slug, csrf_token)` renders one card; its HTML is cached with a CSRF placeholder."""
    generation = _generations(request.user.pk)
    if generation is None:
        token = get_token(request)
        return {slug: render(slug, token) for slug in slugs}
    keys = {slug: _key(request.user.pk, generation, today, slug) for slug in slugs}
    try:
        found = cache.get_many(keys.values())
    except Exception:  # noqa: BLE001
        found = {}
    fresh = {}
    for slug, key in keys.items():
        if key not in found:
            fresh[key] = found[key] = str(render(slug, CSRF_PLACEHOLDER))
    if fresh:
        try:
            cache.set_many(fresh, TIMEOUT)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable; fragments not kept")
    token = get_token(request)
    # The cached HTML was rendered by our own templates (autoescaped); only the token changes.
    return {
        slug: mark_safe(found[key].replace(CSRF_PLACEHOLDER, token))  # noqa: S308
        for slug, key in keys.items()
    }


def query_slug(request, name: str) -> str:
    """The name of a fragment kept per query string (search, filters, page) as well."""
    return f"{name}:{hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:24]}"


def partial(request, today, slug: str, template: str, context) -> str:
    """The user's partial `template` ("page.html#partial") named `slug`, from the cache while
    their rows are unchanged; else rendered with `context()` and kept. `context` is a function,
    so a cached visit never builds what the partial shows."""

    def render(slug, csrf_token):
        return render_to_string(template, context() | {"csrf_token": csrf_token}, request)

    return cards_html(request, today, [slug], render)[slug]


def keeps_contacts(view):
    """Mark a view whose writes leave every contact's own columns as they were (it logs a
    conversation, a give, a follow-up; a contact it creates says so by its own signal): its
    POST forgets the user's cards, not what is kept per contacts generation. Put it outermost,
    where the URLconf sees it."""
    view.keeps_contacts = True
    return view


class FragmentCacheMiddleware:
    """Any write request of a signed-in user forgets their cached cards once it is answered
    (and its transaction committed): a view that changes rows with `.update()` sends no
    model signal."""

    UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in self.UNSAFE and request.user.is_authenticated:
            view = getattr(getattr(request, "resolver_match", None), "func", None)
            invalidate(request.user.pk, contacts=not getattr(view, "keeps_contacts", False))
        return response
