"""core.locking: rows locked in key order, a bounded wait on PostgreSQL, one named 409 error.
The real two-connection races are in tests/enrolment/test_lock_timeout.py (PostgreSQL)."""

from __future__ import annotations

import ast
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from peili.core import locking
from peili.org.models import Agency
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


class _LockNotAvailable(Exception):
    sqlstate = "55P03"


def _timeout_error() -> OperationalError:
    error = OperationalError("canceling statement due to lock timeout")
    error.__cause__ = _LockNotAvailable()
    return error


def test_rows_are_locked_in_ascending_key_order(jurisdiction):
    agencies = [AgencyFactory(jurisdiction=jurisdiction) for _ in range(4)]
    keys = [agencies[2].pk, agencies[0].pk, agencies[3].pk, agencies[0].pk]
    with CaptureQueriesContext(connection) as queries:
        got = locking.lock_rows(Agency, keys)
    assert got == sorted({a.pk for a in agencies} - {agencies[1].pk})
    sql = [q["sql"] for q in queries.captured_queries]
    locking_sql = sql[-1]
    assert "ORDER BY" in locking_sql
    assert locking_sql.index(str(min(keys))) < locking_sql.index(str(max(keys)))


def test_nothing_to_lock_asks_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert locking.lock_rows(Agency, []) == []
    assert queries.captured_queries == []


def test_on_sqlite_no_lock_timeout_is_set(on_sqlite, jurisdiction):
    agency = AgencyFactory(jurisdiction=jurisdiction)
    with CaptureQueriesContext(connection) as queries:
        assert locking.lock_row(Agency, pk=agency.pk) == agency
        assert locking.lock_first(Agency.objects.filter(pk=agency.pk)) == agency
        assert locking.locked(Agency.objects.filter(pk=agency.pk)) == [agency]
        locking.advisory_xact_lock("anything")
    assert not any("lock_timeout" in q["sql"] or "advisory" in q["sql"] for q in queries.captured_queries)


def test_on_postgresql_each_lock_is_bounded_by_the_setting(on_postgres, settings, jurisdiction):
    settings.PEILI_LOCK_TIMEOUT_MS = 1234
    agency = AgencyFactory(jurisdiction=jurisdiction)
    with CaptureQueriesContext(connection) as queries:
        locking.lock_row(Agency, pk=agency.pk)
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "1234ms"
    assert any("set_config('lock_timeout'" in q["sql"] for q in queries.captured_queries)


def _bounds(queries: CaptureQueriesContext) -> int:
    return sum("set_config('lock_timeout'" in q["sql"] for q in queries.captured_queries)


def _lock_timeout_now() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        return cursor.fetchone()[0]


def test_on_postgresql_the_bound_is_set_once_per_transaction(on_postgres, settings, jurisdiction):
    settings.PEILI_LOCK_TIMEOUT_MS = 1234
    first, second = AgencyFactory(jurisdiction=jurisdiction), AgencyFactory(jurisdiction=jurisdiction)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locking.lock_row(Agency, pk=first.pk)
        locking.lock_rows(Agency, [second.pk])
        locking.lock_first(Agency.objects.filter(pk=first.pk))
        assert _lock_timeout_now() == "1234ms"
    assert _bounds(queries) == 1


def test_on_postgresql_a_bound_rolled_back_with_its_savepoint_is_set_again(on_postgres, settings, jurisdiction):
    settings.PEILI_LOCK_TIMEOUT_MS = 1234
    agency = AgencyFactory(jurisdiction=jurisdiction)
    with transaction.atomic():
        before = _lock_timeout_now()
        with CaptureQueriesContext(connection) as queries:
            try:
                with transaction.atomic():
                    locking.lock_row(Agency, pk=agency.pk)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
            assert _lock_timeout_now() == before  # ROLLBACK TO SAVEPOINT took the SET LOCAL back
            locking.lock_row(Agency, pk=agency.pk)
            assert _lock_timeout_now() == "1234ms"
    assert _bounds(queries) == 2


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_each_new_transaction_sets_its_own_bound(on_postgres, settings, jurisdiction):
    settings.PEILI_LOCK_TIMEOUT_MS = 1234
    agency = AgencyFactory(jurisdiction=jurisdiction)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(2):
            with transaction.atomic():
                locking.lock_row(Agency, pk=agency.pk)
                assert _lock_timeout_now() == "1234ms"
        with transaction.atomic():
            locking.lock_row(Agency, pk=agency.pk)
            transaction.set_rollback(True)  # this one ends in a ROLLBACK
        with transaction.atomic():
            locking.lock_row(Agency, pk=agency.pk)
            assert _lock_timeout_now() == "1234ms"
    assert _bounds(queries) == 4


def test_a_lock_timeout_from_the_database_becomes_the_named_retryable_error():
    with pytest.raises(locking.LockTimeout) as refused, locking.translated():
        raise _timeout_error()
    assert (refused.value.code, refused.value.status, refused.value.retryable) == ("core.lock_timeout", 409, True)
    assert refused.value.message == "系統忙碌中，請稍後再試。"
    with pytest.raises(OperationalError), locking.translated():  # any other database error stays itself
        raise OperationalError("server closed the connection")


def test_advisory_keys_are_stable_signed_64_bit_and_distinct_per_name():
    key = locking.advisory_key("records.import")
    assert key == locking.advisory_key("records.import")
    assert key != locking.advisory_key("org.import")
    assert -(2**63) <= key < 2**63


def test_the_api_answers_a_lock_timeout_as_409_with_its_code(client, admin_user):
    client.force_login(admin_user)
    with mock.patch("peili.policy.loader.validate", side_effect=locking.LockTimeout()):
        response = client.post("/api/v1/policy/validate", {"source": "format: 1\n"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json() == {"code": "core.lock_timeout", "message": "系統忙碌中，請稍後再試。"}


def test_the_api_answers_a_lock_timeout_met_outside_the_helpers_as_409(client, admin_user):
    client.force_login(admin_user)
    with mock.patch("peili.policy.loader.validate", side_effect=_timeout_error()):
        response = client.post("/api/v1/policy/validate", {"source": "format: 1\n"}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "core.lock_timeout")


def test_a_page_shows_the_message_with_409(client, admin_user):
    client.force_login(admin_user)
    with mock.patch("peili.core.views.Paginator", side_effect=locking.LockTimeout()):
        response = client.get("/audit/")
    assert response.status_code == 409
    assert "系統忙碌中，請稍後再試。" in response.content.decode()


def test_a_page_never_answers_500_for_a_lock_wait_the_database_gave_up(client, admin_user):
    client.force_login(admin_user)
    with mock.patch("peili.core.views.Paginator", side_effect=_timeout_error()):
        response = client.get("/audit/")
    assert response.status_code == 409


def test_every_row_lock_in_the_code_goes_through_core_locking():
    """A bare `select_for_update()` would wait without the bound and raise a 500 when it ran out:
    each one is an argument of a `locking.*` call or inside `with locking.translated()`."""
    root = Path(locking.__file__).resolve().parents[1]
    bare = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts or path.name == "locking.py":
            continue
        module = ast.parse(path.read_text(encoding="utf-8"))
        covered: set[int] = set()
        for node in ast.walk(module):
            is_helper = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "locking"
            )
            is_block = isinstance(node, ast.With) and any(
                isinstance(item.context_expr, ast.Call) and ast.unparse(item.context_expr) == "locking.translated()"
                for item in node.items
            )
            if is_helper or is_block:
                covered |= {id(inner) for inner in ast.walk(node)}
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "select_for_update"
                and id(node) not in covered
            ):
                bare.append(f"{path.relative_to(root)}:{node.lineno}")
    assert bare == []
