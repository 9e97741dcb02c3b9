"""Counting failures in Django's cache and refusing further tries for a while.

Each `Limit` names a counter: a failure adds one to it, and the count is forgotten `seconds` after
the last failure. When a count reaches its limit the key is locked until `seconds` later; the lock
holds that time (seconds since the epoch), so a refusal can say when to try again. The cache is
shared by every process (Redis with PEILI_CACHE_URL, else the database cache table).

Used by the sign-in page (`peili.accounts.throttle`) and the typed attendance code
(`peili.attendance.services.sign_by_code`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

# A lock outlives its stamp a little in the cache, so a stamp compared with a slightly later clock
# (another machine's) is still found; what counts is the stamp, not the cache's expiry.
_LOCK_GRACE_SECONDS = 60


@dataclass(frozen=True)
class Limit:
    key: str  # what is counted, e.g. "login:pair:<hash>"
    limit: int  # failures that lock
    seconds: int  # how long a count is remembered after the last failure, and how long a lock lasts


def key(kind: str, value: str) -> str:
    """A cache-safe key for any text (usernames, addresses): a hash, never the text itself."""
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _count_key(name: str) -> str:
    return f"throttle:count:{name}"


def _lock_key(name: str) -> str:
    return f"throttle:lock:{name}"


def locked_until(names: Iterable[str], *, now: float) -> float | None:
    """The latest time any of these keys is locked until, if one is locked at `now`."""
    stamps = cache.get_many([_lock_key(name) for name in names])
    live = [float(stamp) for stamp in stamps.values() if float(stamp) > now]
    return max(live) if live else None


def _add_one(name: str, seconds: int) -> int:
    counter = _count_key(name)
    if cache.add(counter, 1, seconds):
        return 1
    try:
        count = int(cache.incr(counter))
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, seconds)
        return 1
    # Some backends (the database cache) give an incremented key the default timeout: remember the
    # count for the limit's own time after this failure.
    cache.touch(counter, seconds)
    return count


def hit(limits: Iterable[Limit], *, now: float) -> float | None:
    """Count one failure against each limit. Returns the time the latest lock this failure set or
    renewed ends, or None when no count has reached its limit."""
    until: float | None = None
    for limit in limits:
        if _add_one(limit.key, limit.seconds) >= limit.limit:
            stamp = now + limit.seconds
            cache.set(_lock_key(limit.key), stamp, limit.seconds + _LOCK_GRACE_SECONDS)
            until = max(until or stamp, stamp)
    return until


def count(name: str) -> int:
    """How many failures are remembered for a key now."""
    return int(cache.get(_count_key(name)) or 0)


def clear(names: Iterable[str]) -> None:
    """Forget the counts and locks of these keys (after a success)."""
    names = list(names)
    cache.delete_many([_count_key(name) for name in names] + [_lock_key(name) for name in names])
