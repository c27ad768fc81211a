"""Sessions read from the cache and kept in the database (Django's `cached_db`), which never
fail a page because the cache is down.

Every page reads the session; from the cache that costs no query. The database stays the
record, so a cache that restarts empty signs nobody out. Django's `cached_db` already tolerates
a failed cache read, but not the write that follows it nor the lookup a sign-in makes: with
Redis stopped every page would answer 500. Here those fall back to the database alone.

Signing out works with the cache down too: the database row is removed, and the page says
"You are signed out". The cached copy that could not be removed is bounded instead: a copy in
the cache lives at most SESSION_CACHE_SECONDS (5 minutes) after it was written, then the
session is read from the database again (one query per session every 5 minutes). So a sign-out
made while the cache was down holds at the latest 5 minutes after that copy was written, even
if the cache comes back with it; usually at once, since a cache that restarts comes back empty.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def _cache_seconds(self, expiry=None) -> int:
        return min(self.get_expiry_age(expiry=expiry), settings.SESSION_CACHE_SECONDS)

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - the database has the session
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self._cache_seconds(expiry=stored.expire_date))
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable; session read from the database only")
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: BLE001 - the database knows every session
            pass
        return super(cached_db.SessionStore, self).exists(session_key)

    def save(self, must_create=False):
        super(cached_db.SessionStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_seconds())
        except Exception:  # noqa: BLE001 - the database has it
            logger.warning("cache unavailable; session saved to the database only")

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:  # noqa: BLE001 - bounded by SESSION_CACHE_SECONDS (module docstring)
            logger.warning(
                "cache unavailable; a session's cached copy left to expire within %s s",
                settings.SESSION_CACHE_SECONDS,
            )
        super(cached_db.SessionStore, self).delete(session_key)

    def cycle_key(self):
        data, old_key = self._session, self.session_key
        self.create()
        self._session_cache = data
        if old_key:
            self.delete(old_key)
