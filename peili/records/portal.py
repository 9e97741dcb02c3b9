"""The national lifelong-learning portal's batch upload file (公務人員終身學習入口網站), made from
plain rows. Pure: no ORM; the codes and the row limit come from the pack's `portal` section.

One row per person, class and learning category (a class whose hours are split across categories
goes out as several rows), each with its category's portal code from the pack — a category whose
code the office has not filled in is reported, by name, before any file is made. The file is Big5
as Windows writes it (Python's `cp950`, which has 碁 and 銹), CRLF line ends, no quoting: a comma
inside a value is written full-width (，), a double quote as an apostrophe (Big5 has no full-width
one) and a line break as a space, so no value can break a row. Text is NFC-normalised first; a
character cp950 cannot write (堃, 喆, 犇, private-use 造字 …) is reported, with its row and column,
before any file is made — never replaced by `?`. What is known of the format, and from where, is in
docs/research/national-portal-upload.md.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from peili.core import roc
from peili.core.errors import PeiliError
from peili.policy.schema import HoursRule, PortalFormat
from peili.records.codes import Error
from peili.records.rules import hours_text

ENCODING = "cp950"
HEADER = (
    "*身分證字號",
    "*課程名稱",
    "*開課起始日期",
    "*開課起始時間",
    "*開課結束日期",
    "*開課結束時間",
    "*姓名",
    "*學位學分",
    "*課程類別代碼",
    "*上課縣市",
    "*期別",
    "*訓練總數",
    "*訓練總數單位",
    "訓練成績",
    "證件字號",
    "出勤上課狀況",
    "生日",
    "*學習性質",
    "*數位時數",
    "*實體時數",
    "課程代碼",
    "*實際上課起始日期",
    "*實際上課起始時間",
    "*實際上課結束日期",
    "*實際上課結束時間",
)


@dataclass(frozen=True)
class PortalRow:
    """One person's certified hours in one learning category for one class."""

    national_id: str
    name: str
    course_title: str
    starts: datetime  # the class's first session (local time)
    ends: datetime  # the class's last session
    category: str  # the learning category (its key)
    category_name: str
    category_code: str  # the portal's code for it ("" when the pack has none: the file cannot be made)
    city_code: str
    term: int
    hours: Decimal  # 訓練總數: this row's hours
    mode: str  # digital | classroom | blended
    digital_hours: Decimal
    classroom_hours: Decimal
    attended_from: datetime  # 實際上課起訖: what the person attended
    attended_to: datetime
    course_code: str = ""
    score: str = ""
    certificate_no: str = ""
    attendance: str = ""
    birth_date: date | None = None
    agency_code: str = ""  # the learner's agency (the environmental-education file)
    summary: str = ""  # 內容概要 (the environmental-education file)
    place: str = ""  # 實施地點 (the environmental-education file)


# The environmental-education file (環境教育終身學習網): its own 18 columns, no times.
ENVIRONMENT_HEADER = (
    "*年度",
    "*學員所屬機關(構)代碼",
    "*身分證字號",
    "*課程名稱",
    "*上課起始日期",
    "*姓名",
    "*課程方法代碼",
    "*課程類別代碼",
    "*內容概要",
    "*實施縣市",
    "實施地點",
    "*期別",
    "*上課結束日期",
    "*課程時數",
    "*學習性質",
    "*數位時數",
    "*實體時數",
    "課程代碼",
)


@dataclass(frozen=True)
class Problem:
    row: int  # 1-based, as the organizer counts the people listed
    column: str
    code: str
    message: str


def _day(value: date) -> str:
    return roc.format_exchange(value)


def _time(value: datetime) -> str:
    return f"{value:%H:%M}:00"


def cells(row: PortalRow, fmt: PortalFormat) -> tuple[str, ...]:
    """The row's 25 values, in the header's order, before cleaning."""
    return (
        row.national_id,
        row.course_title,
        _day(row.starts.date()),
        _time(row.starts),
        _day(row.ends.date()),
        _time(row.ends),
        row.name,
        fmt.degree_credit_code,
        row.category_code,
        row.city_code,
        str(row.term),
        hours_text(row.hours),
        fmt.hours_unit_code,
        row.score,
        row.certificate_no,
        row.attendance,
        _day(row.birth_date) if row.birth_date else "",
        fmt.mode_codes[row.mode],
        hours_text(row.digital_hours),
        hours_text(row.classroom_hours),
        row.course_code,
        _day(row.attended_from.date()),
        _time(row.attended_from),
        _day(row.attended_to.date()),
        _time(row.attended_to),
    )


def environment_cells(row: PortalRow, fmt: PortalFormat) -> tuple[str, ...]:
    """The row's 18 values for the environmental-education file, before cleaning."""
    method = fmt.environment.method_code if fmt.environment else ""
    return (
        str(row.ends.year - roc.ROC_OFFSET),
        row.agency_code,
        row.national_id,
        row.course_title,
        _day(row.starts.date()),
        row.name,
        method,
        row.category_code,
        row.summary or row.course_title,
        row.city_code,
        row.place,
        str(row.term),
        _day(row.ends.date()),
        hours_text(row.hours),
        fmt.mode_codes[row.mode],
        hours_text(row.digital_hours),
        hours_text(row.classroom_hours),
        row.course_code,
    )


def clean(value: str) -> str:
    """NFC, and nothing that could break a row: a full-width comma, an apostrophe for a double quote,
    spaces for line breaks."""
    text = unicodedata.normalize("NFC", value)
    text = text.replace(",", "，").replace('"', "'")
    return " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text


def _not_big5(row: int, column: str, char: str) -> Problem:
    message = _("第 %(row)d 筆「%(column)s」的「%(char)s」（U+%(code)s）無法以 Big5 上傳，請先更正或改用通用字。")
    return Problem(
        row,
        column,
        "portal.not_big5",
        message % {"row": row, "column": column, "char": char, "code": f"{ord(char):04X}"},
    )


Layout = tuple[tuple[str, ...], Callable[[PortalRow, PortalFormat], tuple[str, ...]]]
PORTAL: Layout = (HEADER, cells)
ENVIRONMENT: Layout = (ENVIRONMENT_HEADER, environment_cells)


def problems(rows: Sequence[PortalRow], fmt: PortalFormat, layout: Layout = PORTAL) -> list[Problem]:
    """Everything that stops the file being made: a learning category or mode the pack has no
    portal code for (each category once), characters Big5 cannot write, hours that do not add up."""
    header, cells_of = layout
    found: list[Problem] = []
    uncoded: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not row.category_code and row.category not in uncoded:
            uncoded.add(row.category)
            message = _(
                "學習類別「%(name)s」尚未設定入口網課程類別代碼，請系統管理者於「學習類別」頁填入後再產生上傳檔。"
            )
            found.append(
                Problem(number, "課程類別代碼", "portal.category_code_missing", message % {"name": row.category_name})
            )
        if row.mode not in fmt.mode_codes:
            message = _("第 %(row)d 筆的學習性質「%(mode)s」在政策參數中沒有入口網代碼。")
            found.append(
                Problem(number, "學習性質", "portal.unknown_mode", message % {"row": number, "mode": row.mode})
            )
            continue
        for column, value in zip(header, cells_of(row, fmt), strict=True):
            for char in clean(value):
                try:
                    char.encode(ENCODING)
                except UnicodeEncodeError:
                    found.append(_not_big5(number, column.lstrip("*"), char))
        if row.digital_hours + row.classroom_hours != row.hours:
            found.append(
                Problem(
                    number,
                    "訓練總數",
                    "portal.hours_mismatch",
                    _("第 %(row)d 筆數位時數 %(d)s 加實體時數 %(c)s 不等於訓練總數 %(h)s。")
                    % {
                        "row": number,
                        "d": hours_text(row.digital_hours),
                        "c": hours_text(row.classroom_hours),
                        "h": hours_text(row.hours),
                    },
                )
            )
    return found


def _line(values: Sequence[str]) -> bytes:
    return (",".join(clean(v) for v in values) + "\r\n").encode(ENCODING)


def _chunks(rows: Sequence[PortalRow], size: int) -> Iterator[Sequence[PortalRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def upload_files(rows: Sequence[PortalRow], fmt: PortalFormat, layout: Layout = PORTAL) -> list[bytes]:
    """The upload files for `rows`, each with the header and at most `fmt.max_rows_per_file` rows.

    Refused (`portal.problems`, every problem in `details`) when any row cannot be written; nothing
    is made then. No rows: no file.
    """
    header, cells_of = layout
    found = problems(rows, fmt, layout)
    if found:
        raise PeiliError(
            Error.PORTAL_PROBLEMS,
            _("有 %(n)d 個問題須先更正，才能產生上傳檔。") % {"n": len(found)},
            details=[{"row": p.row, "column": p.column, "code": p.code, "message": p.message} for p in found],
        )
    first = _line(header)
    return [
        first + b"".join(_line(cells_of(row, fmt)) for row in chunk) for chunk in _chunks(rows, fmt.max_rows_per_file)
    ]


def environment_categories(fmt: PortalFormat, hours: HoursRule) -> frozenset[str]:
    """The learning categories whose hours go out in the environmental-education file: those of
    the yearly-rule requirement the pack names (環境教育) and every category under them; empty when
    the pack names none."""
    if fmt.environment is None or fmt.environment.requirement not in hours.mandatory:
        return frozenset()
    return hours.subtree(hours.mandatory[fmt.environment.requirement].categories)


def environment_files(rows: Sequence[PortalRow], fmt: PortalFormat, categories: frozenset[str]) -> list[bytes]:
    """The environmental-education file(s): the rows in `categories` only, in that file's 18
    columns, with the same encoding, cleaning, problems and row limit as the portal's file."""
    return upload_files([row for row in rows if row.category in categories], fmt, ENVIRONMENT)
