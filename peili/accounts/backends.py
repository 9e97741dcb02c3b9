"""Sign-in only. Peili's permissions are the named django-rules predicates; Django's model
permissions are not used, so this backend never grants one (and never queries auth_permission
for a predicate that said no).

Every signed-in request asks who is signing in: the account, its person with the person's agency,
and its role assignments. Each process keeps them per account under the identity and agencies
stamps (`peili.core.versions`; moved by `peili.accounts.signals` on every write of an account, a
person or a role assignment, and by the HR import), so a request whose stamps have not moved reads
no SQL to know who is asking. What is kept are the rows' values; each request gets fresh model
instances built from them, so a view that changes its `request.user` changes no other request's.

With a cache server (`PEILI_SHARED_IDENTITIES`), a process that has not met the account yet
takes it from the shared cache (one cache read; kept there under the same stamps by whichever
process read it first) before it reads the database: with many workers on many machines, a
person's first requests land on processes that have never seen them. Neither copy holds the
password hash: the account comes with its password deferred (read from the database if anything
asks for it) and with the session hashes Django checks a session against, computed when it was
read (`User._get_session_auth_hash`) under this deployment's secret keys, whose digest names the
shared entry, so processes with other keys never share one.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import models
from django.utils.encoding import force_bytes

from peili.core import versions
from peili.core.selectors import single
from peili.org.models import Agency, Person, RoleAssignment
from peili.org.scopes import Grants

UserModel = get_user_model()

IDENTITY_STAMPS = (versions.IDENTITY, versions.AGENCIES)


def _values(instance: models.Model, *, without: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.attname not in without)


def _instance(model: type[models.Model], values: tuple[Any, ...], *, without: frozenset[str] = frozenset()) -> Any:
    """A fresh instance, as a query would make it (values copied: a JSON field's dict is not shared);
    the fields `without` are deferred, as `.defer()` leaves them."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in without]
    return model.from_db("default", fields, copy.deepcopy(values))


# Never kept: the password hash stays in the database (a deferred field, read if asked for).
_NOT_KEPT = frozenset({"password"})


def _secrets() -> list[str | bytes]:
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


@dataclass(frozen=True)
class Identity:
    """One account as a request needs it: the rows' values (the account's without its password),
    the session hashes under each secret key in `_secrets()` order, and the role assignments
    (role, agency path)."""

    user: tuple[Any, ...]
    session_hashes: tuple[str, ...]
    person: tuple[Any, ...] | None
    agency: tuple[Any, ...] | None
    assignments: tuple[tuple[str, str | None], ...]

    def account(self) -> Any:
        """The account, its person (with the agency) and its grants, as fresh instances."""
        user = _instance(UserModel, self.user, without=_NOT_KEPT)
        user._peili_session_hashes = dict(zip(_secrets(), self.session_hashes, strict=False))
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
        user=_values(user, without=_NOT_KEPT),
        session_hashes=tuple(user._get_session_auth_hash(secret=secret) for secret in _secrets()),
        person=_values(person) if person is not None else None,
        agency=_values(person.agency) if person is not None and person.agency_id is not None else None,
        assignments=tuple((role, path) for role, path in assignments),
    )


# Bounded: a process serving more signed-in people than this reads the oldest again.
_identities = versions.ProcessCache[Identity | None](*IDENTITY_STAMPS, max_keys=4096)


def _shared_key(user_id: int) -> str:
    """The shared cache's entry for an account, named by the secret keys its session hashes were
    made under (a digest, never the keys)."""
    keys = hashlib.blake2b(b"\n".join(force_bytes(k) for k in _secrets()), digest_size=6).hexdigest()
    return f"peili:identity:{user_id}:{keys}"


def _shared(user_id: int, token: str) -> Identity | None:
    """The account from the shared cache when it was kept there under `token`, else from the
    database (and kept there for the other processes)."""
    if not settings.PEILI_SHARED_IDENTITIES:
        return load_identity(user_id)
    key = _shared_key(user_id)
    kept = cache.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == token and isinstance(kept[1], Identity):
        return kept[1]
    found = load_identity(user_id)
    if found is not None:
        cache.set(key, (token, found), timeout=settings.SESSION_COOKIE_AGE)
    return found


def identity(user_id: Any) -> Identity | None:
    """The account's identity kept in this process under the identity stamps (else shared, else read)."""
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    token = versions.stamp(*IDENTITY_STAMPS)
    return _identities.get(key, lambda: _shared(key, token), token=token)


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
