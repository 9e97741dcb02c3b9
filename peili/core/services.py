from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peili.core import audit, locking
from peili.core.codes import Action, Error
from peili.core.errors import Conflict
from peili.core.models import CalendarOverride


@transaction.atomic
def calendar_override_set(*, day: date, kind: str, reason: str, actor: Any) -> CalendarOverride:
    """Mark `day` as an extra day off or an extra working day (one entry per day)."""
    existing = locking.lock_first(CalendarOverride.objects.filter(date=day))
    before = audit.snapshot(existing, ["date", "kind", "reason"]) if existing else None
    override, _ = CalendarOverride.objects.update_or_create(date=day, defaults={"kind": kind, "reason": reason})
    audit.record(
        actor=actor,
        action=Action.CALENDAR_OVERRIDE_SET,
        target=override,
        before=before,
        after=audit.snapshot(override, ["date", "kind", "reason"]),
    )
    return override


@transaction.atomic
def calendar_override_delete(*, override_id: int, actor: Any) -> None:
    override = locking.lock_first(CalendarOverride.objects.filter(pk=override_id))
    if override is None:
        raise Conflict(Error.CALENDAR_NOT_FOUND, _("找不到這筆行事曆調整，可能已被刪除。"), status=404)
    audit.record(
        actor=actor,
        action=Action.CALENDAR_OVERRIDE_DELETE,
        target=override,
        before=audit.snapshot(override, ["date", "kind", "reason"]),
    )
    override.delete()
