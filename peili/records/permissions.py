"""Named permission predicates for the hours ledger: one's own transcript and standing, an agency
subtree's compliance list and reminders, and importing records from elsewhere (personnel officers
within their subtrees, administrators everywhere)."""

from __future__ import annotations

from typing import Any

import rules

from peili.org.enums import Role
from peili.org.permissions import has_person, is_admin, is_personnel_officer
from peili.org.scopes import grants_for


@rules.predicate
def officer_covers(user: Any, target: Any) -> bool:
    """A personnel officer whose subtree holds `target`: an agency, a person (their agency) or an
    agency path — a prefix test, no query."""
    if target is None:
        return False
    path = target if isinstance(target, str) else getattr(target, "path", None)
    if path is None:
        path = target.agency.path
    return grants_for(user).covers(Role.PERSONNEL_OFFICER, path)


rules.add_perm("records.view_own", has_person)
rules.add_perm("records.view_compliance", is_admin | is_personnel_officer)
# Object-level: the compliance and transcripts of an agency subtree or a person in it.
rules.add_perm("records.view_compliance_of", is_admin | officer_covers)
rules.add_perm("records.import_records", is_admin | is_personnel_officer)
