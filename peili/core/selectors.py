from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from peili.core import audit
from peili.core.enums import CalendarOverrideKind
from peili.core.models import AuditEntry, CalendarOverride
from peili.core.workdays import WorkingCalendar


def working_calendar() -> WorkingCalendar:
    """The office calendar with the administrator's typhoon days and extra working days applied."""
    days_off: list = []
    working: list = []
    for day, kind in CalendarOverride.objects.values_list("date", "kind"):
        (days_off if kind == CalendarOverrideKind.DAY_OFF else working).append(day)
    return WorkingCalendar.with_overrides(days_off, working)


M = TypeVar("M", bound=Model)


def single(queryset: QuerySet[M]) -> M | None:
    """The one row a filter on a unique key finds, or None — without the ORDER BY that `.first()`
    adds: ordering a wide `select_related` query costs Django a hash of every selected column,
    which on the hot paths (every request's account, a registration's class) was a third of the query."""
    return next(iter(queryset.order_by()[:1]), None)


def audit_entries(action: str = "", object_text: str = "") -> QuerySet[AuditEntry]:
    """The audit log, newest first: actions starting with `action`, objects whose description
    holds `object_text`."""
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    if action:
        # Entries written before the action names were unified carry their former names.
        entries = entries.filter(Q(action__startswith=action) | Q(action__in=audit.names_starting(action)))
    if object_text:
        entries = entries.filter(object_repr__icontains=object_text)
    return entries


def calendar_overrides(limit: int = 200) -> list[CalendarOverride]:
    return list(CalendarOverride.objects.all()[:limit])
