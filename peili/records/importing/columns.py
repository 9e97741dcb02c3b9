"""The two layouts a learning-records file may have, and how its header row is recognised.

- **The national portal's layout** (`Layout.PORTAL`): the 25 columns of the portal's batch file
  (`peili.records.portal.HEADER`, with or without the `*`), one row per person, course and
  category code. Recognised by 「訓練總數」 and 「課程類別代碼」.
- **Peili's template** (`Layout.TEMPLATE`): one row per record (or per record and category code),
  downloadable from the upload page. Recognised by 「認證時數」.

Headers are matched as every importer matches them (`peili.imports.columns.Headers`: NFKC,
whitespace and `*` dropped, Latin letters folded), a trailing bracketed hint is dropped
(`學習性質(數位/實體/混成)` → `學習性質`), and the template accepts a few aliases. Pure: no ORM.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from peili.imports.columns import Column, Headers
from peili.records import portal
from peili.records.importing.enums import Layout

__all__ = ["COLUMNS", "PORTAL_COLUMNS", "TEMPLATE_COLUMNS", "Column", "HeaderMap", "detect_layout", "match_headers"]

DATE_HINT = _("民國 111-02-07、111/02/07、1110207，或西元 2022-02-07；Excel 日期格式亦可")
HOURS_HINT = _("數字，最多一位小數，例如 3 或 1.5")

TEMPLATE_COLUMNS: tuple[Column, ...] = (
    Column(
        "national_id",
        "身分證字號",
        True,
        _("10 碼，檢查碼須正確；須為系統中已有的人員"),
        "A123456789",
        ("身份證字號", "身分證號", "身份證號", "身分證統一編號", "統一編號"),
        10,
    ),
    Column("name", "姓名", True, _("與系統中的姓名不同時列為提醒"), "王小明", (), 60),
    Column("title", "課程名稱", True, _("最多 200 字"), "環境教育：淨零轉型", ("課程", "學習名稱"), 200),
    Column("provider", "辦理機關", False, _("最多 120 字"), "國家文官學院", ("開課機關", "主辦機關", "學習機構"), 120),
    Column("start_date", "開始日期", True, DATE_HINT, "115-05-04", ("起始日期", "上課開始日期", "學習開始日期")),
    Column("end_date", "結束日期", True, DATE_HINT, "115-05-04", ("迄止日期", "上課結束日期", "學習結束日期")),
    Column("certified_hours", "認證時數", True, HOURS_HINT, "3", ("認證學習時數",)),
    Column(
        "digital_hours",
        "數位時數",
        False,
        _("空白時依學習性質：數位＝認證時數、實體＝0；混成課程必填"),
        "0",
    ),
    Column(
        "classroom_hours",
        "實體時數",
        False,
        _("空白時依學習性質：實體＝認證時數、數位＝0；混成課程必填"),
        "3",
    ),
    Column("mode", "學習性質", True, _("數位、實體或混成（也可填入口網站代碼）"), "實體"),
    Column(
        "codes",
        "類別代碼",
        True,
        _("入口網站課程類別代碼；多個類別寫成 201:2;303:1，或每個類別一列"),
        "201",
        ("課程類別代碼", "學習類別代碼"),
    ),
    Column("code_hours", "類別時數", False, _("此列類別代碼的時數；只有一個類別時可留空（＝認證時數）"), ""),
    Column("term", "期別", False, _("同一課程的不同期別分開計算"), "", (), 20),
    Column(
        "record_id",
        "外部紀錄編號",
        False,
        _("來源系統的紀錄編號；與「來源系統」一併作為重複匯入的判斷依據"),
        "",
        ("紀錄編號", "外部編號"),
        60,
    ),
)

# The portal's columns this import reads, by their header without the `*`. The others are ignored.
PORTAL_KEYS: dict[str, str] = {
    "身分證字號": "national_id",
    "課程名稱": "title",
    "開課起始日期": "start_date",
    "開課結束日期": "end_date",
    "姓名": "name",
    "課程類別代碼": "code",
    "期別": "term",
    "訓練總數": "hours",
    "訓練總數單位": "unit",
    "學習性質": "mode",
    "數位時數": "digital_hours",
    "實體時數": "classroom_hours",
}
_PORTAL_LENGTHS = {"national_id": 10, "name": 60, "title": 200, "term": 20}
PORTAL_COLUMNS: tuple[Column, ...] = tuple(
    Column(
        PORTAL_KEYS[header.lstrip("*")],
        header.lstrip("*"),
        header.startswith("*"),
        max_length=_PORTAL_LENGTHS.get(PORTAL_KEYS[header.lstrip("*")]),
    )
    for header in portal.HEADER
    if header.lstrip("*") in PORTAL_KEYS
)
# Columns that must exist but may be left blank on a row: 期別 (no term) and 訓練總數單位 (hours).
PORTAL_OPTIONAL_VALUES = frozenset({"term", "unit"})

COLUMNS: dict[Layout, tuple[Column, ...]] = {Layout.PORTAL: PORTAL_COLUMNS, Layout.TEMPLATE: TEMPLATE_COLUMNS}
_SIGNATURE = {Layout.PORTAL: frozenset({"hours", "code"}), Layout.TEMPLATE: frozenset({"certified_hours"})}
# A row is taken for the header when it names at least this many known columns of one layout.
MIN_HEADER_MATCHES = 3

_BRACKETED_HINT = re.compile(r"[(（][^()（）]*[)）]$")


def _strip_hint(value: str) -> str:
    return _BRACKETED_HINT.sub("", value)


_HEADERS = {layout: Headers(columns, strip_hint=_strip_hint) for layout, columns in COLUMNS.items()}


def column_key(layout: Layout, header: object) -> str | None:
    return _HEADERS[layout].key(header)


@dataclass
class HeaderMap:
    """Where each known column sits in a row (0-based), as matched from the header row."""

    layout: Layout
    headers: tuple[str, ...]
    index: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (column index, first index)

    def label(self, key: str) -> str:
        """The header as the user wrote it, for problem reports."""
        if key in self.index:
            return self.headers[self.index[key]].strip().strip("*＊").strip() or key
        return next(c.header for c in COLUMNS[self.layout] if c.key == key)

    def missing(self) -> list[Column]:
        return [c for c in COLUMNS[self.layout] if c.required and c.key not in self.index]


def match_headers(layout: Layout, headers: Sequence[object]) -> HeaderMap:
    texts = tuple("" if h is None else str(h).strip() for h in headers)
    result = HeaderMap(layout=layout, headers=texts)
    for position, text in enumerate(texts):
        key = column_key(layout, text) if text else None
        if key is None:
            continue
        if key in result.index:
            result.duplicates.append((position, result.index[key]))
        else:
            result.index[key] = position
    return result


def detect_layout(cells: Sequence[object]) -> Layout | None:
    """The layout whose header this row is, or None when it is no header (or names too few columns)."""
    for layout in (Layout.PORTAL, Layout.TEMPLATE):
        keys = {column_key(layout, c) for c in cells if c is not None and str(c).strip()}
        keys.discard(None)
        if _SIGNATURE[layout] <= keys and len(keys) >= MIN_HEADER_MATCHES:
            return layout
    return None
