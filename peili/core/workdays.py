"""The Taiwan government office calendar.

Built on `holidays.Taiwan` (which knows weekends, national holidays and make-up working
Saturdays), plus the days an administrator enters: extra days off (typhoon days, 停班)
and extra working days. The arithmetic here is pure; `selectors.working_calendar()` loads
the administrator's entries from the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _taiwan(year: int) -> holidays.HolidayBase:
    return holidays.Taiwan(years=year, language="zh_TW")


@dataclass(frozen=True)
class WorkingCalendar:
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_overrides(cls, days_off: Iterable[date] = (), working_days: Iterable[date] = ()) -> WorkingCalendar:
        return cls(frozenset(days_off), frozenset(working_days))

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_days_off:
            return False
        if day in self.extra_working_days:
            return True
        return bool(_taiwan(day.year).is_working_day(day))

    def holiday_name(self, day: date) -> str | None:
        name = _taiwan(day.year).get(day)
        return str(name) if name else None

    def nth_working_day_after(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself is not counted; n ≥ 1).

        For the certification deadline: a class ending on 114/01/24 with 7 working days
        has its deadline on 114/02/10, the Lunar New Year break skipped.
        """
        if n < 1:
            raise ValueError("n must be at least 1")
        day = start
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count
