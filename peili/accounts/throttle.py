"""Login throttling: after N failed sign-ins for one username from one address, further tries are
refused for a while. Counters live in the cache (the database cache by default, Redis in production)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{address}".encode()).hexdigest()[:32]
    return f"login-fail:{digest}"


def is_locked(username: str, address: str) -> bool:
    return int(cache.get(_key(username, address), 0)) >= settings.PEILI_LOGIN_MAX_FAILURES


def register_failure(username: str, address: str) -> int:
    key = _key(username, address)
    if cache.add(key, 1, settings.PEILI_LOGIN_LOCK_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.PEILI_LOGIN_LOCK_SECONDS)
        return 1


def reset(username: str, address: str) -> None:
    cache.delete(_key(username, address))
