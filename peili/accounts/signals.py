"""Any write of what a signed-in identity holds — the account, its person, its role assignments —
moves the identity stamp (see `peili.core.versions`; agencies move their own): each process keeps
signed-in identities under it (`peili.accounts.backends`). Deactivating an account or giving it a
new session token saves it, so the account's sessions end on their next request in every process.

Writers that bypass signals (`QuerySet.update`, `bulk_*`, COPY) call `versions.bump` themselves
(the HR import does).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from peili.core import versions
from peili.org.models import Person, RoleAssignment


def _identity_changed(
    *, sender: Any, instance: Any = None, update_fields: Any = None, created: bool = False, **_kwargs: Any
) -> None:
    # Signing in saves `last_login` alone: not worth every process reading every identity again
    # (a cached account may show the sign-in before; nothing reads request.user.last_login).
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    # A person without an account, made or deleted, is nobody's identity (a person unlinked from an
    # account is an update, and moves the stamp).
    if sender is Person and instance.user_id is None and (created or _kwargs.get("signal") is post_delete):
        return
    versions.bump(versions.IDENTITY)


def connect() -> None:
    for model in (get_user_model(), Person, RoleAssignment):
        post_save.connect(_identity_changed, sender=model, dispatch_uid=f"identity-stamp-save-{model.__name__}")
        post_delete.connect(_identity_changed, sender=model, dispatch_uid=f"identity-stamp-delete-{model.__name__}")
