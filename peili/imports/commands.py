"""What every import command (`peili import-people`, `peili import-records`) does before its import:
read the file within a command's bounds and find the account whose scope it runs with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from peili.core.permissions import allowed
from peili.core.tabular import Limits


def read_file(path: Path, limits: Limits) -> bytes:
    """The file's bytes; one byte past the bound is enough to refuse it (file.too_large) without
    reading it all."""
    try:
        with path.open("rb") as handle:
            return handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise CommandError(_("無法讀取檔案 %(file)s：%(error)s") % {"file": path, "error": error.strerror}) from None


def actor_named(username: str | None, permission: str, refused: str) -> Any:
    """The account `--as` names (None: a system import, without bounds), if it holds `permission`;
    `refused` (with `%(name)s`) says it does not."""
    if not username:
        return None
    actor = get_user_model().objects.filter(username=username).first()
    if actor is None:
        raise CommandError(_("找不到帳號 %(name)s。") % {"name": username})
    if not allowed(actor, permission):
        raise CommandError(refused % {"name": username})
    return actor
