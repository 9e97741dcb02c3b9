"""The problem codes of the staff-list import, besides the base codes every importer shares
(`peili.imports.enums.BaseProblemCode`: columns missing, cells undecodable, required, too long, text,
national IDs).

A problem code's label is the Chinese message shown to the user; some carry `%(name)s`
placeholders filled in by `problems.problem`. Codes are stable: the problems CSV and the API
expose them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemCode(models.TextChoices):
    # The file as a whole (reported on row 1 or row 0 when there is no row to point at). A file that
    # cannot be read at all is refused with `peili.core.tabular.FileProblem`'s codes (file.empty,
    # file.format, file.xlsx_unreadable, file.too_large, …), shared with the records import.
    FILE_NO_HEADER = "file.no_header", _("找不到標題列：第一列須為欄位名稱，例如「身分證字號」、「姓名」。")
    FILE_NO_ROWS = "file.no_rows", _("檔案只有標題列，沒有人員資料。")
    FILE_TOO_MANY_ROWS = "file.too_many_rows", _("資料超過 %(max)s 列，請分檔匯入。")
    # Columns (reported on the header row).
    COLUMN_UNKNOWN = "column.unknown", _("無法辨識的欄位，此欄內容不會匯入。")
    COLUMN_DUPLICATE = "column.duplicate", _("欄位重複：「%(column)s」已出現在 %(first)s 欄。")
    COLUMN_RATING_YEAR = "column.rating_year", _("考績年度不合理：須為民國 %(low)s 至 %(high)s 年。")
    # Any cell (besides the base codes).
    TEXT_NOT_BIG5 = (
        "text.not_big5",
        _("%(chars)s 無法寫入終身學習入口網站的 Big5 上傳檔：仍會匯入，上傳入口網前須改用通用字。"),
    )
    # People.
    NAME_REPLACEMENT = "name.replacement_char", _("姓名含有「?」或無法顯示的字元，可能是匯出時無法轉碼的難字。")
    GENDER_INVALID = "gender.invalid", _("性別請填「男」或「女」（也可填 M/F 或 1/2）。")
    DATE_INVALID = "date.invalid", _("日期無法辨識：%(reason)s。")
    DATE_FUTURE = "date.future", _("日期晚於今天（%(today)s）。")
    BIRTH_IMPLAUSIBLE = "birth_date.implausible", _("出生日期不合理：年齡須在 %(low)s 至 %(high)s 歲之間。")
    DATE_BEFORE_BIRTH = "date.before_birth", _("日期早於出生日期（%(birth)s）。")
    DATE_TOO_YOUNG = "date.too_young", _("此日期時未滿 %(age)s 歲（出生日期 %(birth)s）。")
    START_BEFORE_SERVICE = "agency_start.before_service_start", _("到職日期早於初任公職日期（%(start)s）。")
    LEFT_WHILE_ACTIVE = "left_on.while_active", _("在職人員不應有離職日期；若已離職，「在職」請填「否」。")
    LEFT_BEFORE_START = "left_on.before_start", _("離職日期早於到職日期（%(start)s）。")
    AGENCY_FORMAT = "agency.format", _("機關代碼須為 10 碼英文大寫字母或數字，例如 379570000A。")
    AGENCY_UNKNOWN = "agency.unknown", _("查無此機關代碼，請先由系統管理者建立機關。")
    AGENCY_INACTIVE = "agency.inactive", _("機關「%(agency)s」已停用。")
    AGENCY_OUT_OF_SCOPE = "agency.out_of_scope", _("機關「%(agency)s」不在您的管理範圍內。")
    UNIT_NAME_MISSING = "unit.name_missing", _("「%(agency)s」沒有單位代碼 %(unit)s，新單位須填寫單位名稱。")
    UNIT_CODE_MISSING = "unit.code_missing", _("「%(agency)s」沒有此單位，單位名稱超過 20 字時須另填單位代碼。")
    UNIT_NAME_CONFLICT = "unit.name_conflict", _("同一單位代碼在第 %(row)s 列的單位名稱是「%(name)s」，兩列不一致。")
    CATEGORY_INVALID = "category.invalid", _("人員類別須為：%(choices)s。")
    GRADE_INVALID = "grade.invalid", _("職等須為 1 至 14 的數字。")
    GRADE_MISSING = "grade.missing", _("%(category)s人員須填寫職等。")
    GRADE_OUT_OF_RANGE = "grade.out_of_range", _("%(category)s的職等須在第 %(low)s 至第 %(high)s 職等之間。")
    GRADE_NOT_APPLICABLE = "grade.not_applicable", _("%(category)s人員不適用職等，請留空。")
    BOOLEAN_INVALID = "boolean.invalid", _("請填「是」或「否」（也可填 Y/N）。")
    EDUCATION_INVALID = "education.invalid", _("學歷代碼須為 20、30、40、50、60 或 70。")
    EMAIL_INVALID = "email.invalid", _("電子郵件格式不正確。")
    BIRTHS_INVALID = "births.invalid", _("生育子女數須為 0 至 20 的整數。")
    RATING_INVALID = "rating.invalid", _("考績等次須為甲、乙、丙或丁。")
    DUPLICATE_NATIONAL_ID = "duplicate.national_id", _("檔案內身分證字號重複：另見第 %(rows)s 列。")
    DUPLICATE_EMPLOYEE_NUMBER = "duplicate.employee_number", _("同一機關的員工編號重複：另見第 %(rows)s 列。")
    PERSON_OUTSIDE_SCOPE = (
        "person.outside_scope",
        _("此身分證字號已屬其他機關人員，不在您的管理範圍內；跨機關調任請洽原機關或系統管理者處理。"),
    )


# Problems that do not stop the import (reported so the officer can look).
WARNINGS = frozenset({ProblemCode.COLUMN_UNKNOWN, ProblemCode.TEXT_NOT_BIG5})
