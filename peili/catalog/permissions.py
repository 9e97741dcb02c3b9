"""Named permission predicates for plans, courses and classes."""

from __future__ import annotations

from typing import Any

import rules

from peili.org.enums import Role
from peili.org.permissions import is_admin, is_organizer
from peili.org.scopes import grants_for


@rules.predicate
def organizes(user: Any, obj: Any) -> bool:
    """The user is an organizer for the organizing body that owns `obj` (a plan, course or class)."""
    if obj is None:
        return False
    organizer = getattr(obj, "organizer", None)
    if organizer is None and hasattr(obj, "course"):
        organizer = obj.course.organizer
    return organizer is not None and grants_for(user).covers(Role.ORGANIZER, organizer.path)


rules.add_perm("catalog.browse", rules.is_authenticated)
rules.add_perm("catalog.manage", is_admin | is_organizer)
rules.add_perm("catalog.manage_object", is_admin | organizes)
rules.add_perm("catalog.view_plans", is_admin | is_organizer)
rules.add_perm("catalog.approve_plans", is_admin)
