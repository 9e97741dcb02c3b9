"""Named permission predicates for accounts and the shell."""

import rules

from peili.org.permissions import is_admin

rules.add_perm("accounts.signed_in", rules.is_authenticated)
rules.add_perm("accounts.manage_users", is_admin)
rules.add_perm("core.view_audit", is_admin)
rules.add_perm("core.manage_calendar", is_admin)
