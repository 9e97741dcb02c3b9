"""The audit log. Every service write calls `record()` inside its transaction.

Actions come from a registry, one list per app (each app's `codes.py`, like Zulip's
`AuditLogEventType`): `<app>.<what>` with a label for the /audit/ page. Entries written before the
names were unified keep their old action (the log is never rewritten); the registry knows each
old name (`former`) and the page shows its label all the same.

National IDs are never kept in full: whatever a writer passes, every ID-shaped run in the entry's
object, note and values is masked (A12****789, `core.masking`) before it is stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.functional import Promise

from peili.core.masking import mask_ids, mask_ids_in_text
from peili.core.models import AuditEntry


@dataclass(frozen=True)
class AuditAction:
    name: str
    label: str | Promise
    app: str
    former: tuple[str, ...] = ()


# Every action, by its name and by each former name (`peili.core.apps` imports each app's codes).
ACTIONS: dict[str, AuditAction] = {}
_FORMER: dict[str, AuditAction] = {}


class UnregisteredAction(RuntimeError):
    """An entry written with an action no app registered (checked when `PEILI_CHECK_CODES` is on)."""


def action(app: str, name: str, label: str | Promise, *, former: tuple[str, ...] | str = ()) -> str:
    """Register one action of an app (named `<app>.<what>`) and return its name."""
    if not name.startswith(f"{app}."):
        raise RuntimeError(f"audit action {name} must start with {app}.")
    former = (former,) if isinstance(former, str) else former
    entry_ = AuditAction(name, label, app, former)
    known = ACTIONS.get(name)
    if known is not None and known != entry_:
        raise RuntimeError(f"audit action {name} registered twice")
    ACTIONS[name] = entry_
    for old in former:
        _FORMER[old] = entry_
    return name


def action_of(name: str) -> AuditAction | None:
    """The registered action of a name as written — today's or a former one."""
    return ACTIONS.get(name) or _FORMER.get(name)


def action_label(name: str) -> str:
    found = action_of(name)
    return str(found.label) if found is not None else ""


def names_starting(prefix: str) -> list[str]:
    """Every name an entry may carry whose action, today or formerly, starts with `prefix`: a filter
    on `records.` also finds the entries written as `record.create` before the names were unified."""
    names = {name for name in ACTIONS if name.startswith(prefix)}
    for old, found in _FORMER.items():
        if old.startswith(prefix) or found.name.startswith(prefix):
            names.add(old)
            names.add(found.name)
    return sorted(names)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a model instance as JSON-ready values (foreign keys as ids)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = _jsonable(getattr(instance, attname))
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def entry(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Build (not save) an entry: for bulk writers that `bulk_create` many at once."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)[:200]
    if action not in ACTIONS and getattr(settings, "PEILI_CHECK_CODES", False):
        raise UnregisteredAction(f"audit action {action!r} is not in any app's codes.py")
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        actor=actor_obj,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=mask_ids_in_text(object_repr[:200]),
        before=mask_ids(_jsonable(before)) if before is not None else None,
        after=mask_ids(_jsonable(after)) if after is not None else None,
        note=mask_ids_in_text(note),
    )


def record(**kwargs: Any) -> AuditEntry:
    """Write one audit entry (same arguments as `entry`)."""
    audit_entry = entry(**kwargs)
    audit_entry.save()
    return audit_entry
