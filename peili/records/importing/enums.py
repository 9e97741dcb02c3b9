"""The layouts a learning-records file may have and the problem codes of the records import,
besides the base codes every importer shares (`peili.imports.enums.BaseProblemCode`: columns
missing, cells undecodable, required, too long, text, national IDs).

A problem code's label is the Chinese message shown to the user; some carry `%(name)s`
placeholders filled in by `problems.problem`. Codes are stable: the problems CSV, the command's
output and docs/rules/records-import.md name them. Job states and stages are every importer's
(`peili.imports.enums`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Layout(models.TextChoices):
    PORTAL = "portal", _("終身學習入口網站格式")
    TEMPLATE = "template", _("Peili 學習紀錄範本")


class ProblemCode(models.TextChoices):
    # The file as a whole (row 0, or the header row). A file that cannot be read at all is refused
    # with `peili.core.tabular.FileProblem`'s codes (file.empty, file.format, file.xlsx_unreadable,
    # file.too_large, …), shared with the HR import.
    FILE_NO_HEADER = (
        "file.no_header",
        _(
            "找不到標題列：須為終身學習入口網站的匯出格式（含「身分證字號」、「課程類別代碼」、「訓練總數」等欄位）"
            "或 Peili 學習紀錄範本（含「身分證字號」、「認證時數」、「類別代碼」等欄位）。"
        ),
    )
    FILE_NO_ROWS = "file.no_rows", _("檔案只有標題列，沒有學習紀錄。")
    # Columns (reported on the header row).
    COLUMN_DUPLICATE = "column.duplicate", _("欄位重複：「%(column)s」已出現在第 %(first)s 欄。")
    # The person (besides the base codes).
    PERSON_UNKNOWN = "person.unknown", _("查無此身分證字號的人員：請先以「人員匯入」建立人員資料。")
    PERSON_OUTSIDE_SCOPE = (
        "person.outside_scope",
        _("此人員屬其他機關，不在您的管理範圍內；請由其所屬機關的人事人員或系統管理者匯入。"),
    )
    NAME_DIFFERS = "person.name_differs", _("姓名與系統資料「%(name)s」不同；仍以身分證字號比對，請確認是否為同一人。")
    # Dates.
    DATE_INVALID = "date.invalid", _("日期無法辨識：%(reason)s。")
    DATE_ORDER = "date.order", _("結束日期早於開始日期（%(start)s）。")
    DATE_FUTURE = "date.future", _("結束日期晚於今天（%(today)s）：尚未結束的學習不能登錄。")
    # Hours.
    HOURS_INVALID = "hours.invalid", _("時數須為數字，最多一位小數（例如 2 或 1.5）。")
    HOURS_NEGATIVE = "hours.negative", _("時數不得為負數。")
    HOURS_TOO_LARGE = "hours.too_large", _("時數過大：須小於 %(max)s 小時。")
    HOURS_ZERO = "hours.zero", _("認證時數須大於 0。")
    HOURS_MODE_MISMATCH = (
        "hours.mode_mismatch",
        _("數位時數 %(digital)s 加實體時數 %(classroom)s 不等於%(what)s %(hours)s。"),
    )
    HOURS_UNIT = "hours.unit", _("訓練總數單位須為 %(code)s（小時）；其他單位無法換算為學習時數。")
    # Learning mode.
    MODE_INVALID = "mode.invalid", _("學習性質須為%(choices)s。")
    MODE_HOURS_REQUIRED = "mode.hours_required", _("混成課程須填寫數位時數與實體時數。")
    # Category codes and the split.
    CODE_INVALID = "code.invalid", _("課程類別代碼須為 1 至 10 碼英文字母或數字。")
    SPLIT_FORMAT = (
        "split.format",
        _("類別代碼與時數的寫法無法辨識：一個類別填代碼（如 201），多個類別寫成 201:2;303:1。"),
    )
    SPLIT_HOURS_MISSING = (
        "split.hours_missing",
        _("同一筆學習紀錄有多個類別代碼時，每個類別都須填寫時數（類別時數欄，或寫成 201:2;303:1）。"),
    )
    SPLIT_MISMATCH = "split.mismatch", _("各類別時數合計 %(total)s 小時，不等於認證時數 %(hours)s 小時。")
    # Rows that belong together, and duplicates inside the file.
    GROUP_INCONSISTENT = (
        "group.inconsistent",
        _("與第 %(row)s 列屬同一筆學習紀錄，但此欄不一致（第 %(row)s 列為「%(other)s」）。"),
    )
    ROW_DUPLICATE = (
        "row.duplicate",
        _("與第 %(row)s 列重複：同一人、同一課程、日期與期別的類別代碼「%(code)s」已出現過。"),
    )
    RECORD_DUPLICATE = (
        "record.duplicate",
        _("與第 %(row)s 列是同一筆學習紀錄（同一人、同一課程、日期與期別）：請合併或刪除其中一筆。"),
    )
    RECORD_ID_TOO_LONG = "record_id.too_long", _("外部紀錄編號過長：加上來源系統名稱後最多 %(max)s 個字。")


# Problems that do not stop the import (reported so the importer can look).
WARNINGS = frozenset({ProblemCode.NAME_DIFFERS})
