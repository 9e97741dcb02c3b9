"""The column layout of the staff list and lenient header matching.

Headers are matched after NFKC (full-width → half-width), with whitespace, `*` marks and a
trailing bracketed hint removed (`性別(男/女)*` → `性別`); a few spellings HR systems use are
accepted as aliases. Rating columns are `考績111` (ROC year; also `111年考績`, `考績(111)`,
`考績2022`), one column per year. Pure: no ORM.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from peili.core.roc import ROC_OFFSET
from peili.imports.columns import Column, Headers, normalise_header

__all__ = ["COLUMNS", "COLUMN_BY_KEY", "Column", "HeaderMap", "column_key", "match_headers", "normalise_header"]

BOOLEAN_HINT = _("是／否（也可填 Y/N、1/0），空白為否")
DATE_HINT = _("民國 111/02/07、111年2月7日、1110207、111-02-07，或西元 2022-02-07；Excel 日期格式亦可")

COLUMNS: tuple[Column, ...] = (
    Column(
        "national_id",
        "身分證字號",
        True,
        _("10 碼，英文字母大寫，檢查碼須正確"),
        "A123456789",
        ("身份證字號", "身分證號", "身份證號", "身分證統一編號", "統一編號", "國民身分證統一編號"),
        10,
    ),
    Column(
        "employee_number", "員工編號", False, _("人事系統的員工編號，最多 30 字"), "E00123", ("員編", "人員代號"), 30
    ),
    Column("name", "姓名", True, _("最多 60 字"), "王小明", (), 60),
    Column("gender", "性別", True, _("男／女（也可填 M/F 或 1/2）"), "男", ()),
    Column("birth_date", "出生日期", True, DATE_HINT, "074/03/01", ("生日", "出生年月日")),
    Column(
        "agency",
        "機關代碼",
        True,
        _("10 碼，須為已建立且在您管理範圍內的機關"),
        "379570000A",
        ("服務機關代碼", "機關代號", "服務機關代號"),
    ),
    Column(
        "unit",
        "單位代碼",
        False,
        _("最多 20 字；機關內沒有此代碼時會新增單位（須同時填單位名稱）"),
        "U01",
        ("單位代號",),
        20,
    ),
    Column(
        "unit_name",
        "單位名稱",
        False,
        _("最多 100 字；只填名稱時依名稱比對，找不到則以名稱為代碼新增"),
        "人事室",
        ("單位", "服務單位"),
        100,
    ),
    Column("job_title", "職稱", False, _("最多 60 字"), "科員", (), 60),
    Column(
        "category",
        "人員類別",
        True,
        _("委任、薦任、簡任、約聘、約僱、臨時人員、技工工友、警消、教師、其他"),
        "薦任",
        ("官等", "人員區分"),
    ),
    Column(
        "grade",
        "職等",
        False,
        _("委任 1–5、薦任 6–9、簡任 10–14；其他類別留空"),
        "7",
        ("職等別",),
    ),
    Column("is_supervisor", "主管", False, BOOLEAN_HINT, "否", ("是否主管", "主管職", "主管人員")),
    Column("is_confidential", "機要", False, BOOLEAN_HINT, "否", ("機要人員", "是否機要")),
    Column("public_service_start", "初任公職日期", False, DATE_HINT, "100/08/01", ("初任公職", "初任日期")),
    Column("agency_start", "到職日期", False, DATE_HINT, "108/02/11", ("到職日", "到職現機關日期", "現職到職日期")),
    Column(
        "education_level",
        "學歷代碼",
        False,
        _("20 國中以下、30 高中（職）、40 專科、50 大學、60 碩士、70 博士"),
        "60",
        ("學歷", "最高學歷", "最高學歷代碼"),
    ),
    Column("email", "電子郵件", False, _("電子郵件地址"), "wang@example.gov.tw", ("email", "e-mail", "電子信箱"), 254),
    Column("births_count", "生育子女數", False, _("0 至 20 的整數；敏感資料，可留空"), "", ("生育數",)),
    Column(
        "is_active",
        "在職",
        False,
        _("是／否；空白時依離職日期判斷（無離職日期即在職）"),
        "是",
        ("在職狀態", "是否在職"),
    ),
    Column("left_on", "離職日期", False, DATE_HINT, "", ("離職日",)),
)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
RATING_HINT = _("考績欄位：標題為「考績」加民國年（如 考績111），內容為甲、乙、丙、丁或空白")
RATING_EXAMPLE_YEARS = (112, 113)

_BRACKETED_HINT = re.compile(r"\(.*\)$")
_RATING = re.compile(r"^(?:考績\(?(\d{2,4})\)?(?:年度?)?|\(?(\d{2,4})\)?年?度?考績)$")


def _strip_hint(value: str) -> str:
    return _BRACKETED_HINT.sub("", value) if not value.startswith("(") else value


_HEADERS = Headers(COLUMNS, strip_hint=_strip_hint)


def rating_year(header: object) -> int | None:
    """The Gregorian year of a rating column header (`考績111` → 2022), or None when it is not one."""
    match = _RATING.match(normalise_header(header))
    if not match:
        return None
    digits = match.group(1) or match.group(2)
    year = int(digits)
    return year if len(digits) == 4 else year + ROC_OFFSET


def column_key(header: object) -> str | None:
    """The key of a known column for a header as written in a file, or None."""
    return _HEADERS.key(header)


@dataclass
class HeaderMap:
    """Where each known column sits in a row (0-based), as matched from the header row."""

    headers: tuple[str, ...]
    index: dict[str, int] = field(default_factory=dict)
    ratings: dict[int, int] = field(default_factory=dict)  # Gregorian year → column index
    unknown: list[int] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (column index, first index)

    def label(self, key: str) -> str:
        """The header as the user wrote it, for problem reports."""
        if key in self.index:
            return self.headers[self.index[key]]
        return COLUMN_BY_KEY[key].header

    def rating_label(self, year: int) -> str:
        return self.headers[self.ratings[year]]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.index)


def match_headers(headers: Sequence[object]) -> HeaderMap:
    texts = tuple("" if h is None else str(h).strip() for h in headers)
    result = HeaderMap(headers=texts)
    for position, text in enumerate(texts):
        if not text:
            continue
        key = column_key(text)
        year = None if key else rating_year(text)
        if key is not None:
            if key in result.index:
                result.duplicates.append((position, result.index[key]))
            else:
                result.index[key] = position
        elif year is not None:
            if year in result.ratings:
                result.duplicates.append((position, result.ratings[year]))
            else:
                result.ratings[year] = position
        else:
            result.unknown.append(position)
    return result


def header_score(cells: Sequence[object]) -> int:
    """How many cells of a row name known columns: the header row is the first with a few."""
    return sum(1 for c in cells if c is not None and (column_key(c) or rating_year(c)))
