"""States of an import job, problem severities and the base problem codes.

A problem code's label is the Chinese message shown to the user; some carry `%(name)s`
placeholders. Codes are stable: the problems CSV, the command's output and the rules documents name
them. `BaseProblemCode` holds the codes every importer reports alike (columns, cells, text, national
IDs); each importer adds its own in its `enums.ProblemCode` and registers both (`Importer.codes`).
A file that cannot be read at all is refused with `peili.core.tabular.FileProblem`'s codes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("等待處理")
    RUNNING = "running", _("處理中")
    INVALID = "invalid", _("有問題，未匯入")
    PREVIEW = "preview", _("檢查通過，尚未匯入")
    DONE = "done", _("已匯入")
    FAILED = "failed", _("處理失敗")


ACTIVE_STATUSES = frozenset({ImportStatus.QUEUED, ImportStatus.RUNNING})


class ImportStage(models.TextChoices):
    WAITING = "waiting", _("等待處理")
    READING = "reading", _("讀取檔案")
    VALIDATING = "validating", _("逐列檢查")
    COMPARING = "comparing", _("比對現有資料")
    WRITING = "writing", _("寫入資料")
    FINISHED = "finished", _("完成")


class Severity(models.TextChoices):
    ERROR = "error", _("錯誤")
    WARNING = "warning", _("提醒")


class BaseProblemCode(models.TextChoices):
    # Columns (reported on the header row).
    COLUMN_MISSING = "column.missing", _("缺少必要欄位「%(column)s」。")
    # Any cell.
    CELL_UNDECODABLE = (
        "cell.undecodable",
        _("含有無法辨識的字元（可能是造字或編碼錯誤），請改用 UTF-8 匯出或修正該字。"),
    )
    VALUE_REQUIRED = "value.required", _("必填欄位未填寫。")
    VALUE_TOO_LONG = "value.too_long", _("內容過長：最多 %(max)s 個字。")
    TEXT_FORMULA_START = "text.formula_start", _("不能以「%(char)s」開頭：試算表會把它當成公式。")
    TEXT_CHARACTER = "text.character", _("含有不可使用的字元 %(char)s：%(kind)s。")
    # The person a row names.
    NATIONAL_ID_LENGTH = "national_id.length", _("身分證字號須為 10 碼。")
    NATIONAL_ID_FORMAT = "national_id.format", _("身分證字號格式不符：須為 1 個英文字母、數字 1 或 2，再加 8 位數字。")
    NATIONAL_ID_CHECKSUM = "national_id.checksum", _("身分證字號檢查碼不符，請核對是否輸入錯誤。")
    NATIONAL_ID_CHARACTERS = (
        "national_id.characters",
        _("身分證字號只能有英文字母與數字 0 至 9，不能有 %(char)s。"),
    )
