"""Version stamps of shared data, and caches kept in each process that follow them.

Some reads are the same for everyone and change rarely — the published catalog, the policy packs —
yet every request needs them. Each worker process keeps what it built from the database in a
`ProcessCache` and reuses it while the data's *stamp* stays the same.

A stamp is an opaque token in Django's shared cache (Redis when `PEILI_CACHE_URL` is set, else the
database cache table), so every process and every machine behind the load balancer sees the same
one: reading it is one cache read. Writers call `bump(name)`: a new token at once (so the writing
request, or test, reads its own change) and again when the transaction commits (so a process that
rebuilt between the first bump and the commit — still seeing the old rows — is not left serving
them). A stamp that is missing (never set, evicted, flushed, rolled back with a test's transaction)
is replaced by a fresh token: losing a stamp can only make processes rebuild, never serve stale data.

The stamps most requests read (`REQUEST_STAMPS`) come with the session, in the same cache read
(`peili.core.sessions`), and are kept for the rest of the request (`request_scope`, opened by
`peili.core.middleware.RequestStampsMiddleware`): a signed-in request pays one cache round trip for
its session and its stamps together. A `bump` in the request drops the kept token, so the request
reads its own change.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

AGENCIES = "agencies"
CATALOG = "catalog"
POLICY = "policy"
# Who is signed in: accounts, their people and role assignments (`peili.accounts.backends`).
IDENTITY = "identity"
# The classes' seat counters as registration judges them before a class's lock
# (`peili.enrolment.selectors.class_seats`): moved when a place is freed or a class becomes full
# — any class's. One stamp for all classes, read with the session, so that a request refused from
# a kept "full" reads nothing at all; a move makes each process read each class it meets again
# (one narrow query), and places are freed or classes filled far less often than they are asked.
SEATS = "seats"

# Read together with the session (see the module's note).
REQUEST_STAMPS = (IDENTITY, AGENCIES, POLICY, CATALOG, SEATS)

_PREFIX = "peili:stamp:"

# The stamps read with this request's session: name → token; None outside a request scope.
_request_stamps: ContextVar[dict[str, str] | None] = ContextVar("peili_request_stamps", default=None)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    """Keep the stamps read with the session (`remember`) until the request ends, and no longer:
    a worker thread serves many requests."""
    token = _request_stamps.set({})
    try:
        yield
    finally:
        _request_stamps.reset(token)


def request_stamp_keys() -> list[str]:
    """The cache keys to read together with the session: none outside a request scope."""
    return [_PREFIX + name for name in REQUEST_STAMPS] if _request_stamps.get() is not None else []


def remember(found: Mapping[str, Any]) -> None:
    """Keep the request stamps found in a cache read (`get_many` of `request_stamp_keys()`) for
    the rest of the request. A missing one is not kept: `stamp` then makes it as usual."""
    held = _request_stamps.get()
    if held is None:
        return
    for name in REQUEST_STAMPS:
        value = found.get(_PREFIX + name)
        if value is not None:
            held[name] = str(value)


def stamp(*names: str) -> str:
    """The current token of `names` together (one cache read, none when the request read them with
    its session; a write for each one missing)."""
    held = _request_stamps.get() or {}
    keys = [_PREFIX + name for name in names if name not in held]
    found = cache.get_many(keys) if keys else {}
    for key in keys:
        if found.get(key) is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    return "/".join(held[name] if name in held else str(found[_PREFIX + name]) for name in names)


def _renew(name: str) -> None:
    cache.set(_PREFIX + name, uuid.uuid4().hex, timeout=None)
    held = _request_stamps.get()
    if held is not None:
        held.pop(name, None)  # the request reads its own change


def bump(*names: str) -> None:
    """`names`' data changed: a new token now and another on commit (see the module's note)."""
    for name in names:
        _renew(name)
        transaction.on_commit(lambda name=name: _renew(name))  # type: ignore[misc]


class ProcessCache(Generic[T]):
    """Values built from the database, kept in this process while `stamp(*names)` stays the same.

    `get(key, build)` returns the value for `key` built under the current stamp, calling `build()`
    when there is none (or it was built under an older stamp). Values must not be mutated by callers
    — keep them immutable (frozen dataclasses, tuples). `max_keys` bounds the memory: beyond it the
    oldest key is dropped.
    """

    def __init__(self, *names: str, max_keys: int = 256) -> None:
        self.names = names
        self.max_keys = max_keys
        self._values: dict[Hashable, tuple[str, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T], *, token: str | None = None) -> T:
        """`token`: `stamp(*names)` when the caller has read it already (one cache read per request)."""
        current = token if token is not None else stamp(*self.names)
        found = self._values.get(key)
        if found is not None and found[0] == current:
            return found[1]
        value = build()
        self.keep(key, value, token=current)
        return value

    def keep(self, key: Hashable, value: T, *, token: str) -> None:
        """Keep `value`, read by the caller after it read `token` (the stamp), as `get` would."""
        with self._lock:
            self._values.pop(key, None)
            self._values[key] = (token, value)
            while len(self._values) > self.max_keys:
                del self._values[next(iter(self._values))]

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
