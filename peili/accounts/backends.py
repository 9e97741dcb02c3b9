"""Sign-in only. Peili's permissions are the named django-rules predicates; Django's model
permissions are not used, so this backend never grants one (and never queries auth_permission
for a predicate that said no)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class SignInBackend(ModelBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
