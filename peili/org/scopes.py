"""Which roles an account holds and over which agency subtrees — loaded once per request.

Scope checks compare materialised agency paths, so "is this person in my subtree?" is a
string prefix test with no recursion and no extra query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peili.org.enums import Role


@dataclass(frozen=True)
class Grants:
    roles: frozenset[str]
    # role → agency paths the role covers (each a subtree)
    scopes: dict[str, tuple[str, ...]]
    person_id: int | None
    person_agency_path: str | None
    person_unit_id: int | None

    def has(self, role: str) -> bool:
        return role in self.roles

    def covers(self, role: str, agency_path: str) -> bool:
        return any(agency_path.startswith(p) for p in self.scopes.get(role, ()))

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles


NO_GRANTS = Grants(frozenset(), {}, None, None, None)


def grants_for(user: Any) -> Grants:
    if not getattr(user, "is_authenticated", False):
        return NO_GRANTS
    cached = getattr(user, "_peili_grants", None)
    if cached is not None:
        return cached
    from peili.org.models import Person, RoleAssignment

    roles: set[str] = set()
    scopes: dict[str, list[str]] = {}
    for role, path in RoleAssignment.objects.filter(user=user).values_list("role", "agency__path"):
        roles.add(role)
        if path:
            scopes.setdefault(role, []).append(path)
    if user.is_superuser:
        roles.add(Role.ADMIN)
    person = Person.objects.filter(user=user).values("id", "agency__path", "unit_id", "is_active").first()
    if person and person["is_active"]:
        roles.add(Role.LEARNER)
    grants = Grants(
        roles=frozenset(roles),
        scopes={k: tuple(v) for k, v in scopes.items()},
        person_id=person["id"] if person else None,
        person_agency_path=person["agency__path"] if person else None,
        person_unit_id=person["unit_id"] if person else None,
    )
    user._peili_grants = grants
    return grants
