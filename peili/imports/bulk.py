"""Fast bulk writes for the importers on PostgreSQL: `COPY ... FROM STDIN` with ids taken from the
table's sequence beforehand (so the rows that refer to them — ratings, audit entries — can be
written the same way). Used inside an import's transaction; other databases use Django's
`bulk_create`. About five times faster than `bulk_create` for 100,000 people (see tests/bench).
`one_parameter` sends 100,000 values for an `IN` as one bound parameter."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import connection, models
from django.db.models.expressions import RawSQL


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def one_parameter(values: Sequence[str] | Sequence[int], sql_type: str) -> RawSQL | list[Any]:
    """A subquery yielding `values` from a single bound parameter, so `IN` takes 100,000 national IDs
    in one query without hitting a placeholder limit (65,535 on PostgreSQL; 999 as Django counts SQLite)."""
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{sql_type}[])", (list(values),))  # noqa: S611 - sql_type is one of ours, values are bound
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(list(values)),))
    return list(values)


def _json_default(value: object) -> object:
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def as_json(value: object) -> str | None:
    """A value for a json/jsonb column in COPY text (None stays SQL NULL), as `audit._jsonable` writes it."""
    return None if value is None else json.dumps(value, ensure_ascii=False, default=_json_default)


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """Take `count` ids from the primary key's sequence (one query)."""
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    """Column names for model field names or attnames ("agency" or "agency_id")."""
    by_name: dict[str, str] = {}
    for f in model._meta.concrete_fields:
        by_name[f.name] = by_name[f.attname] = str(f.column)
    return [by_name[f] for f in fields]


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    started = time.monotonic()
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    if connection.queries_logged:  # COPY bypasses Django's cursor wrapper: log it like a query
        connection.queries_log.append({"sql": f"{sql} -- {count} rows", "time": f"{time.monotonic() - started:.3f}"})


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows into the model's table; `fields` are model field names or attnames."""
    _copy(model._meta.db_table, _columns(model, fields), rows)


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Update many rows at once: each row is (primary key, *values of `fields`). COPY into a temporary
    table, then one UPDATE ... FROM (Django's bulk_update builds a CASE per field and row instead)."""
    opts = model._meta
    quote = connection.ops.quote_name
    pk = str(opts.pk.column)
    columns = _columns(model, fields)
    temp = f"peili_update_{opts.db_table}"
    select = ", ".join(quote(c) for c in [pk, *columns])
    assignments = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in columns)
    # Identifiers come from the model's meta and are quoted; the values go through COPY.
    table, scratch, key = quote(opts.db_table), quote(temp), quote(pk)
    create = f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS SELECT {select} FROM {table} WITH NO DATA"  # noqa: S608
    update = f"UPDATE {table} AS t SET {assignments} FROM {scratch} AS u WHERE t.{key} = u.{key}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(create)
        _copy(temp, [pk, *columns], rows)
        cursor.execute(update)
        cursor.execute(f"DROP TABLE {scratch}")
