"""Django's cached_db sessions, the session read with the request's stamps in one cache round trip."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches

from peili.core import versions


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict[str, Any]:
        """As Django's `load`, but one `get_many` of the session and the stamps. The stamps live in
        the default cache; a session cache elsewhere reads them separately."""
        stamp_keys = versions.request_stamp_keys()
        together = settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS
        session_cache = caches[settings.SESSION_CACHE_ALIAS]  # Django's `self._cache`
        try:
            found = session_cache.get_many([self.cache_key, *(stamp_keys if together else [])])
        except Exception:  # as Django's: an invalid key on some backends resets the session
            found = {}
        if together:
            versions.remember(found)
        elif stamp_keys:
            versions.remember(cache.get_many(stamp_keys))
        data = found.get(self.cache_key)
        if data is None:
            row = self._get_session_from_db()  # type: ignore[attr-defined]  # Django's, not in the stubs
            if row:
                data = self.decode(row.session_data)
                session_cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
            else:
                data = {}
        return data
