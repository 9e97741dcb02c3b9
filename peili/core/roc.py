"""ROC (民國) dates: ROC year = Gregorian year − 1911.

Reads `111/02/07`, `111年2月7日`, `111-02-07`, `111.02.07`, `1110207` (7 digits, or 6 for years
below 100) and Gregorian `2022-02-07`, `2022/2/7`, `20220207`; writes `111/02/07` (short),
`111年2月7日` (long) and `111-02-07` / `1110207` (exchange files).
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from peili.core.errors import PeiliError

ROC_OFFSET = 1911

_SEPARATED = re.compile(r"^\s*(?:民國)?\s*(\d{1,4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{6,8})\s*$")


class ROCDateError(PeiliError):
    def __init__(self, value: str, reason: str) -> None:
        super().__init__(
            "date.invalid", _("日期「%(value)s」無法辨識：%(reason)s") % {"value": value, "reason": reason}
        )
        self.value = value
        self.reason = reason


def _build(value: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise ROCDateError(value, _("月份須為 1 至 12"))
    try:
        return date(year, month, day)
    except ValueError:
        raise ROCDateError(value, _("該月沒有第 %(day)d 日") % {"day": day}) from None


def parse_date(value: str) -> date:
    """Parse an ROC or Gregorian date. Years of 1–3 digits are ROC, 4 digits Gregorian."""
    text = str(value).strip()
    if not text:
        raise ROCDateError(text, _("未填寫"))
    if m := _SEPARATED.match(text):
        y, mo, d = (int(g) for g in m.groups())
        year_digits = len(m.group(1))
        if year_digits == 4:
            return _build(text, y, mo, d)
        if y < 1:
            raise ROCDateError(text, _("民國年須大於 0"))
        return _build(text, y + ROC_OFFSET, mo, d)
    if m := _COMPACT.match(text):
        digits = m.group(1)
        if len(digits) == 8:
            return _build(text, int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        year = int(digits[:-4])
        if year < 1:
            raise ROCDateError(text, _("民國年須大於 0"))
        return _build(text, year + ROC_OFFSET, int(digits[-4:-2]), int(digits[-2:]))
    raise ROCDateError(text, _("請使用 111/02/07、111年2月7日、1110207 或 2022-02-07 的格式"))


def roc_year(value: date) -> int:
    return value.year - ROC_OFFSET


def format_short(value: date) -> str:
    """111/02/07"""
    return f"{roc_year(value)}/{value.month:02d}/{value.day:02d}"


def format_long(value: date) -> str:
    """111年2月7日"""
    return f"{roc_year(value)}年{value.month}月{value.day}日"


def format_exchange(value: date) -> str:
    """111-02-07, as the national portal's upload file wants it (year zero-padded to 3 digits)."""
    return f"{roc_year(value):03d}-{value.month:02d}-{value.day:02d}"


def format_compact(value: date) -> str:
    """1110207 (year zero-padded to 3 digits, so that the length always tells ROC from Gregorian)."""
    return f"{roc_year(value):03d}{value.month:02d}{value.day:02d}"
