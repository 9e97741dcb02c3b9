"""The records app's error codes and audit actions — the one list of each.

Clients branch on the codes and auditors read the actions, so both are listed here and nowhere
else (Saleor's `error_codes.py`, Zulip's `AuditLogEventType`). A code never changes once
published; an action renamed keeps its former name, which the /audit/ page still labels.
`tests/core/test_codes.py` fails on a code raised or an action written that is not listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peili.core import audit, errors

APP = "records"


class Error:
    """Error codes (`PeiliError.code`), with the HTTP status each answers with."""

    PORTAL_PROBLEMS = errors.register(APP, "portal.problems", 400, _("有 %(n)d 個問題須先更正，才能產生上傳檔。"))
    RECORD_ALREADY_SUPERSEDED = errors.register(
        APP, "record.already_superseded", 409, _("這筆學習紀錄已經更正過了，請重新整理後再試。")
    )
    RECORD_DATES = errors.register(APP, "record.dates", 400, _("結束日期不得早於開始日期。"))
    RECORD_DUPLICATE = errors.register(APP, "record.duplicate", 409, _("這筆學習紀錄已經登錄過了。"))
    RECORD_HOURS_MISMATCH = errors.register(
        APP, "record.hours_mismatch", 400, _("數位時數 %(d)s 加實體時數 %(c)s 須等於認證時數 %(h)s。")
    )
    RECORD_REASON_REQUIRED = errors.register(APP, "record.reason_required", 400, _("更正學習紀錄須說明原因。"))
    RECORD_SPLIT_MISMATCH = errors.register(
        APP, "record.split_mismatch", 400, _("各學習類別時數合計 %(total)s 小時，須等於認證時數 %(hours)s 小時。")
    )
    RECORD_SUPERSEDED = errors.register(APP, "record.superseded", 409, _("這筆紀錄已被更正過，請更正最新的那一筆。"))
    RECORDS_NO_PERSON = errors.register(APP, "records.no_person", 403, _("帳號未對應人員資料。"))
    RECORDS_NO_RULE = errors.register(APP, "records.no_rule", 404, _("該年度沒有適用的學習時數規定。"))
    RECORDS_IMPORT_NOT_LOADABLE = errors.register(
        APP, "records_import.not_loadable", 409, _("這份檔案目前無法匯入：請重新上傳。")
    )
    RECORDS_IMPORT_SOURCE_SYSTEM = errors.register(
        APP, "records_import.source_system", 400, _("來源系統名稱須為 2 至 %(max)s 個字，且不含冒號。")
    )


class Action:
    """Audit actions (`AuditEntry.action`), each with its label on the /audit/ page."""

    RECORD_CREATE = audit.action(APP, "records.record_create", _("登錄學習紀錄"), former="record.create")
    RECORD_WITHDRAW = audit.action(APP, "records.record_withdraw", _("撤銷學習紀錄"), former="record.withdraw")
    RECORD_SUPERSEDE = audit.action(APP, "records.record_supersede", _("更正學習紀錄"), former="record.supersede")
    IMPORT = audit.action(APP, "records.import", _("匯入學習紀錄"))
    IMPORT_UPLOAD = audit.action(APP, "records.import_upload", _("上傳學習紀錄匯入檔"))
    IMPORT_LOAD_REQUESTED = audit.action(APP, "records.import_load_requested", _("要求匯入學習紀錄"))
    REMIND = audit.action(APP, "records.remind", _("提醒時數不足"))
