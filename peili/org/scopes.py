"""Which roles an account holds and over which agency subtrees — loaded once per request.

Scope checks compare materialised agency paths, so "is this person in my subtree?" is a
string prefix test with no recursion and no extra query.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model

from peili.core.selectors import single
from peili.org.enums import Role
from peili.org.models import Person, RoleAssignment


class Grants:
    """What an account may act as. The person (with its agency) comes with the account; the role
    assignments are read on first use — a learner's own action (register, cancel, see their
    records) needs none, and skips that query."""

    def __init__(
        self,
        *,
        person: Person | None = None,
        user_id: int | None = None,
        is_superuser: bool = False,
        assignments: tuple[tuple[str, str | None], ...] | None = None,
    ) -> None:
        self.person = person
        self.person_id = person.pk if person is not None else None
        self.person_agency_path = person.agency.path if person is not None else None
        self.person_unit_id = person.unit_id if person is not None else None
        self._active_person = person is not None and person.is_active
        self._user_id = user_id
        self._is_superuser = is_superuser
        self._assignments = assignments

    def _role_rows(self) -> tuple[tuple[str, str | None], ...]:
        if self._assignments is None:
            if self._user_id is None:
                self._assignments = ()
            else:
                rows = RoleAssignment.objects.filter(user_id=self._user_id).order_by()
                self._assignments = tuple(rows.values_list("role", "agency__path"))
        return self._assignments

    @cached_property
    def roles(self) -> frozenset[str]:
        roles = {role for role, _path in self._role_rows()}
        if self._is_superuser:
            roles.add(Role.ADMIN)
        if self._active_person:
            roles.add(Role.LEARNER)
        return frozenset(roles)

    @cached_property
    def scopes(self) -> dict[str, tuple[str, ...]]:
        """role → agency paths the role covers (each a subtree)."""
        scopes: dict[str, list[str]] = {}
        for role, path in self._role_rows():
            if path:
                scopes.setdefault(role, []).append(path)
        return {k: tuple(v) for k, v in scopes.items()}

    def has(self, role: str) -> bool:
        if role == Role.LEARNER and self._active_person:
            return True  # no need to read the assignments
        return role in self.roles

    def covers(self, role: str, agency_path: str) -> bool:
        return any(agency_path.startswith(p) for p in self.scopes.get(role, ()))

    @property
    def is_admin(self) -> bool:
        return self._is_superuser or Role.ADMIN in self.roles


NO_GRANTS = Grants(assignments=())


def _person_of(user: Any, person_model: Any) -> Any:
    """The account's person with its agency: already loaded by the sign-in backend (`get_user`
    selects it), else one query."""

    related = get_user_model().person.related  # the reverse one-to-one of Person.user
    if related.is_cached(user):  # works through request.user's lazy wrapper
        return related.get_cached_value(user)  # None: loaded, and the account has no person
    return single(person_model.objects.select_related("agency").filter(user=user))


def grants_for(user: Any) -> Grants:
    if not getattr(user, "is_authenticated", False):
        return NO_GRANTS
    cached = getattr(user, "_peili_grants", None)
    if cached is not None:
        return cached

    grants = Grants(person=_person_of(user, Person), user_id=user.pk, is_superuser=user.is_superuser)
    user._peili_grants = grants
    return grants
