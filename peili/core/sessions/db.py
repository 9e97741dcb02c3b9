"""Django's database sessions (the embedded default, no Redis), with the request's stamps read in
one read of the database cache as the session loads, instead of one read per stamp."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.core.cache import cache

from peili.core import versions


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        data = super().load()
        if data and (stamp_keys := versions.request_stamp_keys()):  # signed in or not, a session
            versions.remember(cache.get_many(stamp_keys))
        return data
