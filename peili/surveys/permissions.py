"""Named permission predicates for surveys and reflections.

Organizers build templates and read results for the bodies they organize for (a template, a class
or a course carries its organizing body; `catalog.permissions.organizes`), administrators
everywhere. Learners answer their own invitations and write their own reflections.
"""

from __future__ import annotations

from typing import Any

import rules

from peili.catalog.permissions import organizes
from peili.org.enums import Role
from peili.org.permissions import has_person, is_admin, is_organizer
from peili.org.scopes import grants_for


@rules.predicate
def organizes_body(user: Any, agency: Any) -> bool:
    """The user organizes for `agency` (an organizing body) or a body above it."""
    return agency is not None and grants_for(user).covers(Role.ORGANIZER, agency.path)


@rules.predicate
def owns(user: Any, obj: Any) -> bool:
    """An invitation or reflection is the user's own."""
    if obj is None:
        return has_person(user)
    return grants_for(user).person_id == obj.person_id


rules.add_perm("surveys.manage", is_admin | is_organizer)
# Object-level: a template, a class or a course.
rules.add_perm("surveys.manage_object", is_admin | organizes)
# Object-level: an organizing body (agency).
rules.add_perm("surveys.view_body_results", is_admin | organizes_body)
# Object-level: an invitation or a reflection.
rules.add_perm("surveys.answer", has_person)
rules.add_perm("surveys.answer_object", owns)
