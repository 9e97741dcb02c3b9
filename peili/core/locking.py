"""Row locks and named locks: a fixed order, a bounded wait, one named error.

Like pretix's `base/services/locking.py` `lock_objects`: every service that locks rows does it
through here, so that
- several rows are always locked in the order of their keys (two transactions locking the same
  rows can only queue, never deadlock);
- on PostgreSQL each transaction waits at most `PEILI_LOCK_TIMEOUT_MS` for a lock (`SET LOCAL
  lock_timeout`; the same bound for every jurisdiction and pack) — a request never hangs behind a
  stuck writer;
- a lock that cannot be had answers `LockTimeout` (`core.lock_timeout`, HTTP 409, retryable): the
  API returns it as a 409 body with the code, pages show its message.

Named locks (`advisory_lock`) serialise work that has no row to lock (two imports at once): the
name is hashed to PostgreSQL's 64-bit advisory lock key, so no number is handed out by hand.
SQLite has neither lock waits nor advisory locks: it serialises writers itself, and the helpers
only run the query there.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils.translation import gettext as _

from peili.core.codes import Error
from peili.core.errors import Conflict

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)
R = TypeVar("R")

# PostgreSQL's SQLSTATE for "lock_not_available" (lock_timeout, NOWAIT).
_LOCK_NOT_AVAILABLE = "55P03"


class LockTimeout(Conflict):
    """The rows (or the named lock) are held by another transaction longer than the bounded wait.
    Nothing was written; the same request may simply be sent again."""

    retryable = True

    def __init__(self) -> None:
        super().__init__(Error.LOCK_TIMEOUT, _("系統忙碌中，請稍後再試。"))


def timeout_ms() -> int:
    return int(getattr(settings, "PEILI_LOCK_TIMEOUT_MS", 5000))


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether a database error is PostgreSQL giving up on a lock (also when it surfaces outside
    these helpers: an UPDATE later in the same transaction waits under the same bound)."""
    seen: BaseException | None = exc
    while seen is not None:
        if (
            getattr(seen, "sqlstate", None) == _LOCK_NOT_AVAILABLE
            or getattr(seen, "pgcode", None) == _LOCK_NOT_AVAILABLE
        ):
            return True
        seen = seen.__cause__
    return False


def _bound_marker() -> None:
    """Queued with `on_commit` when the bound is set; it does nothing when it runs."""


def _bound_in_force() -> bool:
    """Whether this transaction's bound, once set, is still in force. The `on_commit` hook queued
    with it says so exactly: Django drops it when the transaction ends (committed or rolled back)
    and when a savepoint set inside is rolled back — the same events that end a `SET LOCAL`."""
    marker = getattr(connection, "_peili_bound_marker", None)
    return marker is not None and any(hook[1] is marker for hook in connection.run_on_commit)


def _bound_needed() -> bool:
    """Whether this transaction's lock waits still need their bound (PostgreSQL only)."""
    return connection.vendor == "postgresql" and not (connection.in_atomic_block and _bound_in_force())


def _bound_set() -> None:
    """Note that the bound is now in force for the rest of this transaction (see `_bound_in_force`)."""
    if connection.in_atomic_block:
        # A fresh function each time: a marker is "the one of this transaction" by identity.
        marker = functools.partial(_bound_marker)
        connection._peili_bound_marker = marker  # type: ignore[attr-defined]
        transaction.on_commit(marker)


_BOUND_SQL = "SELECT set_config('lock_timeout', %s, true)"


def bound_wait() -> None:
    """Bound this transaction's lock waits on PostgreSQL (`SET LOCAL`: it ends with the
    transaction, and a savepoint rolled back takes it back with it). Called by every helper here
    before it locks; a service that then writes rows others may hold waits under the same bound.
    Set once per transaction: the second lock of a transaction costs no statement."""
    if not _bound_needed():
        return
    with connection.cursor() as cursor:
        cursor.execute(_BOUND_SQL, [f"{timeout_ms()}ms"])
    _bound_set()


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Turn PostgreSQL's "lock not available" into `LockTimeout` (the transaction is then aborted:
    the error must leave the `atomic` block, as every PeiliError does)."""
    try:
        yield
    except DatabaseError as exc:
        if is_lock_timeout(exc):
            logger.info("lock wait exceeded %s ms", timeout_ms())
            raise LockTimeout() from exc
        raise


def lock_rows(queryset: models.QuerySet[M] | type[M], keys: Iterable[Any], *, field: str = "pk") -> list[Any]:
    """Lock the rows whose `field` is in `keys`, in ascending key order, and return the keys found
    (sorted). Only the queryset's own table is locked (`of=("self",)`), and no default ordering
    or join of the model is carried into the locking query."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    if isinstance(queryset, type) and field == "pk":
        return _lock_keys(queryset, wanted)
    queryset = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    bound_wait()
    with translated():
        return list(
            queryset.select_for_update(of=("self",))
            .filter(**{f"{field}__in": wanted})
            .order_by(field)
            .values_list(field, flat=True)
        )


def _lock_keys(model: type[models.Model], wanted: list[Any]) -> list[Any]:
    """`lock_rows` of a model's rows by primary key, as one statement written here rather than
    built by the ORM (building it cost ten times what running it did, on the path every
    registration takes). On PostgreSQL the wait's bound, when this transaction still needs it,
    goes in the same round trip (the cursor binds on the client, so two statements may be sent
    together)."""
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    assert pk.column is not None
    column = quote(pk.column)
    # Names from the model's own metadata, quoted; the keys are parameters.
    sql = (
        f"SELECT {column} FROM {quote(model._meta.db_table)} "  # noqa: S608
        f"WHERE {column} IN ({', '.join(['%s'] * len(wanted))}) ORDER BY {column}"
    )
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    bound = _bound_needed()
    together = bound and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
    if bound and not together:
        bound_wait()
    with translated(), connection.cursor() as cursor:
        if together:
            cursor.execute(f"{_BOUND_SQL}; {sql}", [f"{timeout_ms()}ms", *wanted])
            cursor.nextset()
        else:
            cursor.execute(sql, wanted)
        found = [row[0] for row in cursor.fetchall()]
    if together:
        _bound_set()
    return found


def lock_row(queryset: models.QuerySet[M] | type[M], **lookup: Any) -> M:
    """Lock one row and return it fresh (`DoesNotExist` as `get()` would raise it). The queryset may
    carry `select_related`; with `of` unset every joined row is locked too, as `select_for_update`
    does — pass a queryset built with `select_for_update(of=...)` to narrow it."""
    queryset = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    if not queryset.query.select_for_update:
        queryset = queryset.select_for_update()
    bound_wait()
    with translated():
        return queryset.get(**lookup)


def lock_first(queryset: models.QuerySet[M]) -> M | None:
    """Lock the first row of a queryset (or none) — `select_for_update().first()` with the bound."""
    if not queryset.query.select_for_update:
        queryset = queryset.select_for_update()
    bound_wait()
    with translated():
        return queryset.first()


def locked(queryset: models.QuerySet[Any, R]) -> list[R]:
    """Lock and fetch every row of a queryset (instances, or what its `values_list` gives), in
    primary-key order unless it is ordered already."""
    if not queryset.query.select_for_update:
        queryset = queryset.select_for_update()
    if not queryset.ordered:
        queryset = queryset.order_by("pk")
    bound_wait()
    with translated():
        return list(queryset)


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"peili:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def advisory_xact_lock(name: str) -> None:
    """Take the named lock until the transaction ends (PostgreSQL; nothing to do on SQLite). Like
    `advisory_lock` it waits without the bound unless the transaction set one (`bound_wait`): the
    callers are import jobs that queue behind each other."""
    if connection.vendor != "postgresql":
        return
    with translated(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_key(name)])


@contextlib.contextmanager
def advisory_lock(name: str) -> Iterator[None]:
    """Hold the named lock for this session across several transactions (PostgreSQL), released on
    the way out. It excludes `advisory_xact_lock` of the same name. Waits without the bound: the
    caller is a long job that queues behind another job, not a request."""
    if connection.vendor != "postgresql":
        yield
        return
    key = advisory_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        except DatabaseError:  # the connection is gone, and the lock with it
            logger.warning("could not release the advisory lock %s", name, exc_info=True)
