"""The learning-records import's part of the role matrix (see tests/test_role_matrix.py): the upload
page, the template, a job's report, its progress, its load and its problem list. A job is named in
the query (`?job=`), so the routes take no arguments; without one they send back to the upload page."""

from __future__ import annotations

from typing import Any

EXPECTED: dict[str, set[str]] = {
    "records.import_records": {"admin", "officer"},
}


def build(world: Any) -> None:
    return None


def route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    return {}


def api_path_params(world: Any) -> dict[str, Any]:
    return {}
