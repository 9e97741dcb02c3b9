"""Login throttling. Failed sign-ins are counted three ways, each in the cache (the database cache
by default, Redis in production), and any count past its limit refuses further tries for a while:

- one username from one address (the ordinary case: a forgotten or guessed password);
- one username from any address (guessing spread over many addresses);
- one address across usernames (one password tried against many accounts).

Behind a reverse proxy set PEILI_CLIENT_IP_HEADER (e.g. HTTP_X_FORWARDED_FOR) so that clients are
told apart by their own address, not the proxy's.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    header = getattr(settings, "PEILI_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _key(kind: str, value: str) -> str:
    return f"login-fail:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    name = username.strip().lower()
    limit = settings.PEILI_LOGIN_MAX_FAILURES
    return [
        (_key("pair", f"{name}|{address}"), limit),
        (_key("user", name), limit * settings.PEILI_LOGIN_SPREAD_FACTOR),
        (_key("addr", address), limit * settings.PEILI_LOGIN_SPREAD_FACTOR),
    ]


def is_locked(username: str, address: str) -> bool:
    counts = cache.get_many([key for key, _limit in _keys(username, address)])
    return any(int(counts.get(key, 0)) >= limit for key, limit in _keys(username, address))


def register_failure(username: str, address: str) -> None:
    for key, _limit in _keys(username, address):
        if not cache.add(key, 1, settings.PEILI_LOGIN_LOCK_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, settings.PEILI_LOGIN_LOCK_SECONDS)


def reset(username: str, address: str) -> None:
    """A successful sign-in clears its own username's counters (not the address's: a sprayer who
    guesses one account right should not be given a fresh allowance for the rest)."""
    cache.delete_many([key for key, _limit in _keys(username, address)[:2]])
