"""The notices part of the role matrix (see tests/test_role_matrix.py): everyone signed in reads
their own notices."""

from __future__ import annotations

from typing import Any

EXPECTED: dict[str, set[str]] = {
    "notifications.view_own": {"admin", "officer", "organizer", "supervisor", "learner", "reviewer"},
}


def build(world: Any) -> None:
    pass


def route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    return {}


def api_path_params(world: Any) -> dict[str, Any]:
    return {}
