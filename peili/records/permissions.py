"""Named permission predicates for the hours ledger: one's own transcript and standing, an agency
subtree's compliance list and reminders, and importing records from elsewhere (personnel officers
within their subtrees, administrators everywhere)."""

from __future__ import annotations

import rules

from peili.org.permissions import has_person, is_admin, is_personnel_officer

rules.add_perm("records.view_own", has_person)
rules.add_perm("records.view_compliance", is_admin | is_personnel_officer)
rules.add_perm("records.import_records", is_admin | is_personnel_officer)
