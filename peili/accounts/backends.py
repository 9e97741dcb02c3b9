"""Sign-in only. Peili's permissions are the named django-rules predicates; Django's model
permissions are not used, so this backend never grants one (and never queries auth_permission
for a predicate that said no)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from peili.core.selectors import single

UserModel = get_user_model()


class SignInBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The signed-in account with its person and the person's agency in the same query: every
        request's permission check reads them (`peili.org.scopes.grants_for`)."""
        user = single(UserModel._default_manager.select_related("person__agency").filter(pk=user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
