"""Named permission predicates for registration, consent, nomination and rosters.

Object-level names take the object the page or operation is about (a registration or a class);
asked without an object (`@requires`), they answer whether the user could ever pass — the view then
checks the object with `check(user, name, obj)`.
"""

from __future__ import annotations

from typing import Any

import rules

from peili.catalog.permissions import organizes
from peili.org.permissions import (
    has_person,
    is_admin,
    is_organizer,
    is_personnel_officer,
    is_supervisor,
    person_in_officer_scope,
    supervises,
)
from peili.org.scopes import grants_for


def _person(obj: Any) -> Any:
    return getattr(obj, "person", None)


@rules.predicate
def owns_registration(user: Any, registration: Any) -> bool:
    if registration is None:
        return has_person(user)
    return grants_for(user).person_id == registration.person_id


@rules.predicate
def officer_for_registration(user: Any, registration: Any) -> bool:
    if registration is None:
        return is_personnel_officer(user)
    return person_in_officer_scope(user, _person(registration))


@rules.predicate
def supervisor_for_registration(user: Any, registration: Any) -> bool:
    if registration is None:
        return is_supervisor(user)
    return supervises(user, _person(registration))


@rules.predicate
def organizes_registration_class(user: Any, registration: Any) -> bool:
    if registration is None:
        return is_organizer(user)
    return organizes(user, registration.course_class)


@rules.predicate
def organizes_class(user: Any, course_class: Any) -> bool:
    if course_class is None:
        return is_organizer(user)
    return organizes(user, course_class)


rules.add_perm("enrolment.register", has_person)
rules.add_perm("enrolment.nominate", is_admin | is_personnel_officer)
# Object-level (a registration).
rules.add_perm(
    "enrolment.cancel", is_admin | owns_registration | officer_for_registration | organizes_registration_class
)
rules.add_perm("enrolment.consent", is_admin | supervisor_for_registration | officer_for_registration)
rules.add_perm("enrolment.substitute", is_admin | officer_for_registration)
# Object-level (a class).
rules.add_perm("enrolment.view_roster", is_admin | organizes_class)
