"""The records part of the role matrix (see tests/test_role_matrix.py)."""

from __future__ import annotations

from typing import Any

EXPECTED: dict[str, set[str]] = {
    "records.view_own": {"supervisor", "learner"},
    "records.view_compliance": {"admin", "officer"},
}


def build(world: Any) -> None:
    return None


def route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    return {}


def api_path_params(world: Any) -> dict[str, Any]:
    return {}
