from datetime import date

import pytest

from peili.core.workdays import WorkingCalendar


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 1, 24), 7, date(2025, 2, 10)),  # across the Lunar New Year break
        (date(2025, 2, 7), 1, date(2025, 2, 8)),  # 2025-02-08 is a make-up working Saturday
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday → Monday
        (date(2026, 11, 23), 5, date(2026, 11, 30)),
    ],
)
def test_nth_working_day_after(start, n, expected):
    assert WorkingCalendar().nth_working_day_after(start, n) == expected


def test_typhoon_day_off_pushes_the_deadline():
    typhoon = date(2026, 11, 24)
    plain = WorkingCalendar().nth_working_day_after(date(2026, 11, 23), 1)
    with_typhoon = WorkingCalendar.with_overrides(days_off=[typhoon]).nth_working_day_after(date(2026, 11, 23), 1)
    assert plain == typhoon
    assert with_typhoon == date(2026, 11, 25)


def test_extra_working_day_counts():
    saturday = date(2026, 11, 28)
    cal = WorkingCalendar.with_overrides(working_days=[saturday])
    assert not WorkingCalendar().is_working_day(saturday)
    assert cal.is_working_day(saturday)
    assert cal.nth_working_day_after(date(2026, 11, 27), 1) == saturday


def test_weekends_and_national_holidays_are_off():
    cal = WorkingCalendar()
    assert not cal.is_working_day(date(2026, 10, 10))  # National Day
    assert not cal.is_working_day(date(2026, 11, 22))  # Sunday
    assert cal.is_working_day(date(2026, 11, 23))
    assert cal.holiday_name(date(2026, 10, 10))


def test_n_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        WorkingCalendar().nth_working_day_after(date(2026, 1, 1), 0)


def test_working_days_between():
    assert WorkingCalendar().working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
