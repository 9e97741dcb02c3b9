from __future__ import annotations

from peili.core.enums import CalendarOverrideKind
from peili.core.models import CalendarOverride
from peili.core.workdays import WorkingCalendar


def working_calendar() -> WorkingCalendar:
    """The office calendar with the administrator's typhoon days and extra working days applied."""
    days_off: list = []
    working: list = []
    for day, kind in CalendarOverride.objects.values_list("date", "kind"):
        (days_off if kind == CalendarOverrideKind.DAY_OFF else working).append(day)
    return WorkingCalendar.with_overrides(days_off, working)
