"""Any write of an agency moves the agencies stamp (see `peili.core.versions`): the catalog keeps
agency paths and names per process. A subtree move saves the moved agency, so it is covered too."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from peili.core import versions
from peili.org.models import Agency


def _agencies_changed(**_kwargs: Any) -> None:
    versions.bump(versions.AGENCIES)


def connect() -> None:
    post_save.connect(_agencies_changed, sender=Agency, dispatch_uid="agencies-stamp-save")
    post_delete.connect(_agencies_changed, sender=Agency, dispatch_uid="agencies-stamp-delete")
