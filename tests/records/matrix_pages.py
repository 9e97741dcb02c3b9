"""The transcript and dashboard part of the role matrix (see tests/test_role_matrix.py): the
learner's own transcript and its files, a person's transcript for the officer of their subtree
(the world's staff member works in the officer's agency), the dashboard, its export and the
reminder (a confirmation page on GET), and the API's person transcript and agency summary."""

from __future__ import annotations

from typing import Any

EXPECTED: dict[str, set[str]] = {
    "records.view_own": {"supervisor", "learner"},
    "records.view_compliance": {"admin", "officer"},
}


def build(world: Any) -> None:
    return None


def route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    person = {"person_id": world.staff.pk}
    return {
        "records:person_transcript": person,
        "records:person_transcript_pdf": person,
        "records:person_transcript_xlsx": person,
    }


def api_path_params(world: Any) -> dict[str, Any]:
    return {"{agency_code}": world.agency.code}
