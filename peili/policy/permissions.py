"""Named permission predicates for policy packs."""

import rules

from peili.org.permissions import is_admin, staff_role

rules.add_perm("policy.view_packs", staff_role)
rules.add_perm("policy.manage_packs", is_admin)
