"""Sign-in only. Peili's permissions are the named django-rules predicates; Django's model
permissions are not used, so this backend never grants one (and never queries auth_permission
for a predicate that said no).

Every signed-in request asks who is signing in: the account, its person with the person's agency,
and its role assignments. Each process keeps them per account under the identity and agencies
stamps (`peili.core.versions`; moved by `peili.accounts.signals` on every write of an account, a
person or a role assignment, and by the HR import), so a request whose stamps have not moved reads
no SQL to know who is asking. What is kept are the rows' values; each request gets fresh model
instances built from them, so a view that changes its `request.user` changes no other request's.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import models

from peili.core import versions
from peili.core.selectors import single
from peili.org.models import Agency, Person, RoleAssignment
from peili.org.scopes import Grants

UserModel = get_user_model()

IDENTITY_STAMPS = (versions.IDENTITY, versions.AGENCIES)


def _values(instance: models.Model) -> tuple[Any, ...]:
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def _instance(model: type[models.Model], values: tuple[Any, ...]) -> Any:
    """A fresh instance, as a query would make it (values copied: a JSON field's dict is not shared)."""
    fields = [f.attname for f in model._meta.concrete_fields]
    return model.from_db("default", fields, copy.deepcopy(values))


@dataclass(frozen=True)
class Identity:
    """One account as a request needs it: the rows' values and the role assignments (role, agency path)."""

    user: tuple[Any, ...]
    person: tuple[Any, ...] | None
    agency: tuple[Any, ...] | None
    assignments: tuple[tuple[str, str | None], ...]

    def account(self) -> Any:
        """The account, its person (with the agency) and its grants, as fresh instances."""
        user = _instance(UserModel, self.user)
        person = None
        if self.person is not None:
            person = _instance(Person, self.person)
            if self.agency is not None:
                Person.agency.field.set_cached_value(person, _instance(Agency, self.agency))
            Person.user.field.set_cached_value(person, user)
        UserModel.person.related.set_cached_value(user, person)  # None: loaded, and there is no person
        user._peili_grants = Grants(
            person=person, user_id=user.pk, is_superuser=user.is_superuser, assignments=self.assignments
        )
        return user


def load_identity(user_id: Any) -> Identity | None:
    """The account with its person and agency (one query) and its role assignments (one query)."""
    user = single(UserModel._default_manager.select_related("person__agency").filter(pk=user_id))
    if user is None:
        return None
    person: Any = UserModel.person.related.get_cached_value(user)  # cached by select_related, None if none
    assignments = RoleAssignment.objects.filter(user_id=user.pk).order_by().values_list("role", "agency__path")
    return Identity(
        user=_values(user),
        person=_values(person) if person is not None else None,
        agency=_values(person.agency) if person is not None and person.agency_id is not None else None,
        assignments=tuple((role, path) for role, path in assignments),
    )


# Bounded: a process serving more signed-in people than this reads the oldest again.
_identities = versions.ProcessCache[Identity | None](*IDENTITY_STAMPS, max_keys=4096)


def identity(user_id: Any) -> Identity | None:
    """The account's identity kept in this process under the identity stamps."""
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    return _identities.get(key, lambda: load_identity(key))


class SignInBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The signed-in account with its person, the person's agency and its grants, from this
        process's identities (no SQL while the identity stamps stay the same)."""
        found = identity(user_id)
        if found is None:
            return None
        user = found.account()
        return user if self.user_can_authenticate(user) else None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
