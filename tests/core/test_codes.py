"""Error codes and audit actions come from one registry per app (`<app>/codes.py`): a code raised or
an action written that no registry lists fails here (statically) or in the test that meets it
(`PEILI_CHECK_CODES`, on for the whole suite)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.test import override_settings

from peili.api import errors as api_errors
from peili.core import audit, errors
from peili.core.errors import PeiliError, UnregisteredCode
from peili.core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2] / "peili"
ERROR_TYPES = {"PeiliError", "NotFound", "Conflict", "PermissionDenied"}


def _sources() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _error_names(module: ast.Module) -> set[str]:
    """The names a module imported from peili.core.errors (Django's PermissionDenied is another)."""
    return {
        alias.asname or alias.name
        for node in ast.walk(module)
        if isinstance(node, ast.ImportFrom) and node.module == "peili.core.errors"
        for alias in node.names
    }


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def test_no_error_is_raised_with_a_literal_code():
    """Codes come from the registries (`Error.PLAN_EXISTS`), never a string typed at the raise."""
    found = []
    for path, module in _sources():
        names = _error_names(module) & ERROR_TYPES
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
                and node.args
                and _literal(node.args[0]) is not None
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {_literal(node.args[0])}")
    assert found == []


def test_no_audit_entry_is_written_with_a_literal_action():
    found = []
    for path, module in _sources():
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                values = [keyword.value]
                if isinstance(keyword.value, ast.IfExp):
                    values = [keyword.value.body, keyword.value.orelse]
                if keyword.arg == "action" and any(
                    isinstance(v, ast.JoinedStr) or (_literal(v) or "").count(".") for v in values
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_literal_codes_left_in_the_pure_rules_are_registered():
    """The rules return codes as plain strings (they import no registry); each must be listed."""
    found = set()
    for path, module in _sources():
        if path.name != "rules.py":
            continue
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"Clash", "TokenError"}
            ):
                found.add(_literal(node.args[0]))
            if (
                isinstance(node, ast.Return)
                and node.value is not None
                and (code := _literal(node.value))
                and code.startswith(f"{path.parent.name}.")
            ):
                found.add(code)
    found.discard(None)
    assert found
    assert errors.check(sorted(found)) == []


def test_each_app_registers_its_own_codes_and_prefixed_actions():
    apps = {info.app for info in errors.REGISTRY.values()}
    assert {
        "core",
        "api",
        "accounts",
        "org",
        "policy",
        "catalog",
        "enrolment",
        "attendance",
        "records",
        "surveys",
    } == apps
    for action in audit.ACTIONS.values():
        assert action.name.startswith(f"{action.app}."), action
        assert str(action.label), action
    assert errors.REGISTRY["core.lock_timeout"].status == 409
    assert errors.REGISTRY["registration.full"].app == "enrolment"


def test_the_api_lists_the_apps_codes_without_describing_them_again():
    for code, listed in api_errors.REGISTRY.items():
        registered = errors.REGISTRY[code]
        assert (listed.status, listed.description) == (registered.status, registered.description), code


@override_settings(PEILI_CHECK_CODES=True)
def test_an_unregistered_code_or_action_fails_when_checking_is_on():
    with pytest.raises(UnregisteredCode):
        PeiliError("plan.no_such_code", "x")
    with pytest.raises(audit.UnregisteredAction):
        audit.entry(actor=None, action="plan.create", object_type="x")  # a former name: not for new entries


@override_settings(PEILI_CHECK_CODES=False)
def test_checking_off_raises_as_before():
    assert PeiliError("plan.no_such_code", "x").code == "plan.no_such_code"


# --- the /audit/ page: entries written under the former names ------------------------------------


@pytest.mark.django_db
def test_old_entries_keep_their_names_and_show_the_label_of_the_action_they_became(client, admin_user):
    AuditEntry.objects.create(action="plan.create", object_repr="舊的計畫")
    AuditEntry.objects.create(action="catalog.plan_create", object_repr="新的計畫")
    AuditEntry.objects.create(action="org.agency_create", object_repr="機關")
    client.force_login(admin_user)

    page = client.get("/audit/", {"action": "catalog.plan"}).content.decode()

    assert "舊的計畫" in page
    assert "新的計畫" in page
    assert "機關" not in page.split("<tbody>")[1]
    assert page.count("建立年度計畫") == 2
    assert "<code>plan.create</code>" in page  # the entry itself is never rewritten
    # Filtering by the former prefix still finds both as well.
    former = client.get("/audit/", {"action": "plan."}).content.decode()
    assert "舊的計畫" in former
    assert "新的計畫" in former
    assert audit.action_label("record.create") == audit.action_label("records.record_create") == "登錄學習紀錄"
