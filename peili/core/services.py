from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from peili.core import audit
from peili.core.errors import Conflict
from peili.core.models import CalendarOverride


@transaction.atomic
def calendar_override_set(*, day: date, kind: str, reason: str, actor: Any) -> CalendarOverride:
    """Mark `day` as an extra day off or an extra working day (one entry per day)."""
    existing = CalendarOverride.objects.select_for_update().filter(date=day).first()
    before = audit.snapshot(existing, ["date", "kind", "reason"]) if existing else None
    override, _ = CalendarOverride.objects.update_or_create(date=day, defaults={"kind": kind, "reason": reason})
    audit.record(
        actor=actor,
        action="calendar.override_set",
        target=override,
        before=before,
        after=audit.snapshot(override, ["date", "kind", "reason"]),
    )
    return override


@transaction.atomic
def calendar_override_delete(*, override_id: int, actor: Any) -> None:
    override = CalendarOverride.objects.select_for_update().filter(pk=override_id).first()
    if override is None:
        raise Conflict("calendar.not_found", _("找不到這筆行事曆調整，可能已被刪除。"), status=404)
    audit.record(
        actor=actor,
        action="calendar.override_delete",
        target=override,
        before=audit.snapshot(override, ["date", "kind", "reason"]),
    )
    override.delete()
