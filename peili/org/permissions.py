"""Named permission predicates for agencies, people and roles (django-rules)."""

from __future__ import annotations

from typing import Any

import rules

from peili.org.enums import Role
from peili.org.scopes import grants_for


@rules.predicate
def is_admin(user: Any) -> bool:
    return grants_for(user).is_admin


@rules.predicate
def is_personnel_officer(user: Any) -> bool:
    return grants_for(user).has(Role.PERSONNEL_OFFICER)


@rules.predicate
def is_organizer(user: Any) -> bool:
    return grants_for(user).has(Role.ORGANIZER)


@rules.predicate
def is_supervisor(user: Any) -> bool:
    return grants_for(user).has(Role.SUPERVISOR)


@rules.predicate
def is_reviewer(user: Any) -> bool:
    return grants_for(user).has(Role.REVIEWER)


@rules.predicate
def is_learner(user: Any) -> bool:
    return grants_for(user).has(Role.LEARNER)


@rules.predicate
def has_person(user: Any) -> bool:
    return grants_for(user).person_id is not None


@rules.predicate
def person_in_officer_scope(user: Any, person: Any) -> bool:
    if person is None:
        return False
    return grants_for(user).covers(Role.PERSONNEL_OFFICER, person.agency.path)


@rules.predicate
def agency_in_officer_scope(user: Any, agency: Any) -> bool:
    if agency is None:
        return False
    return grants_for(user).covers(Role.PERSONNEL_OFFICER, agency.path)


@rules.predicate
def is_self(user: Any, person: Any) -> bool:
    return person is not None and grants_for(user).person_id == person.pk


@rules.predicate
def supervises(user: Any, person: Any) -> bool:
    """A supervisor sees the staff of their own unit (or agency, when they have no unit)."""
    grants = grants_for(user)
    if person is None or not grants.has(Role.SUPERVISOR) or grants.person_id == person.pk:
        return False
    if person.agency.path != grants.person_agency_path:
        return False
    return grants.person_unit_id is None or person.unit_id == grants.person_unit_id


staff_role = is_admin | is_personnel_officer | is_organizer

# Pages and operations without an object.
rules.add_perm("org.view_agencies", staff_role)
rules.add_perm("org.manage_agencies", is_admin)
rules.add_perm("org.view_people", is_admin | is_personnel_officer | is_supervisor)
rules.add_perm("org.import_people", is_admin | is_personnel_officer)
rules.add_perm("org.manage_roles", is_admin)
rules.add_perm("org.view_own_record", has_person)
# Object-level: a person or agency in the user's scope.
rules.add_perm("org.view_person", is_admin | person_in_officer_scope | is_self | supervises)
rules.add_perm("org.view_full_national_id", is_admin | person_in_officer_scope)
rules.add_perm("org.manage_agency_people", is_admin | agency_in_officer_scope)

# Policy packs sit below the org chart, so the roles that may read and change them are named here.
rules.add_perm("policy.view_packs", staff_role)
rules.add_perm("policy.manage_packs", is_admin)
