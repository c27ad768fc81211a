"""Sessions read from the cache and kept in the database (Django's `cached_db`), which never
fail a page because the cache is down.

Every page reads the session; from the cache that costs no query. The database stays the
record, so a cache that restarts empty signs nobody out. Django's `cached_db` already tolerates
a failed cache read, but not the write that follows it nor the lookup a sign-in makes: with
Redis stopped every page would answer 500. Here those fall back to the database alone.

Deleting (sign-out) is the exception: it removes the cached copy first and fails loudly if it
cannot, before the database row is touched. Carrying on would leave a copy in the cache that
signs the user back in once the cache answers again. Signing in, which moves the session to a
new key, still works: the copy under the old key holds only what the session held before.
"""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
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
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
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

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is None:
            return
        self._cache.delete(self.cache_key_prefix + session_key)  # raises when it cannot
        super(cached_db.SessionStore, self).delete(session_key)

    def cycle_key(self):
        data, old_key = self._session, self.session_key
        self.create()
        self._session_cache = data
        if old_key:
            try:
                self.delete(old_key)
            except Exception:  # noqa: BLE001 - see the module docstring
                logger.warning("cache unavailable; the session's old key left in it")
                super(cached_db.SessionStore, self).delete(old_key)
