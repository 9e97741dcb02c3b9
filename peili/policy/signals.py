"""Any write of a pack or a jurisdiction moves the policy stamp (see `peili.core.versions`)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from peili.core import versions
from peili.policy.models import Jurisdiction, PolicyPack


def _policy_changed(**_kwargs: Any) -> None:
    versions.bump(versions.POLICY)


def connect() -> None:
    for model in (PolicyPack, Jurisdiction):
        post_save.connect(_policy_changed, sender=model, dispatch_uid=f"policy-stamp-save-{model.__name__}")
        post_delete.connect(_policy_changed, sender=model, dispatch_uid=f"policy-stamp-delete-{model.__name__}")
