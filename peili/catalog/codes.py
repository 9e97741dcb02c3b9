"""The catalog app's error codes and audit actions — the one list of each.

Clients branch on the codes and auditors read the actions, so both are listed here and nowhere
else (Saleor's `error_codes.py`, Zulip's `AuditLogEventType`). A code never changes once
published; an action renamed keeps its former name, which the /audit/ page still labels.
`tests/core/test_codes.py` fails on a code raised or an action written that is not listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peili.core import audit, errors

APP = "catalog"


class Error:
    """Error codes (`PeiliError.code`), with the HTTP status each answers with."""

    CATALOG_BAD_MODE = errors.register(APP, "catalog.bad_mode", 400, _("學習方式須為 classroom、digital 或 blended。"))
    CATALOG_BAD_MONTH = errors.register(APP, "catalog.bad_month", 400, _("月份格式不正確，請用 2026-03 或 115-03。"))
    CATALOG_NOT_TRAINING_BODY = errors.register(
        APP, "catalog.not_training_body", 400, _("「%(name)s」不是訓練機構，無法辦訓。")
    )
    CLASS_CAPACITY_BELOW_CONFIRMED = errors.register(
        APP, "class.capacity_below_confirmed", 400, _("名額不得少於已錄取人數（%(n)s 人）。")
    )
    CLASS_HOURS_NEGATIVE = errors.register(APP, "class.hours_negative", 400, _("類別時數不得為負數。"))
    CLASS_HOURS_SPLIT_MISMATCH = errors.register(
        APP, "class.hours_split_mismatch", 400, _("各學習類別時數合計 %(total)s 小時，須等於認證時數 %(hours)s 小時。")
    )
    CLASS_INCOMPLETE = errors.register(APP, "class.incomplete", 400, _("班期資料尚未完整：%(p)s"))
    CLASS_INVALID = errors.register(APP, "class.invalid", 400, _("班期資料有誤（details 列出各項問題）。"))
    CLASS_NOT_CANCELLABLE = errors.register(APP, "class.not_cancellable", 409, _("此班期已停辦或已結訓。"))
    CLASS_NOT_DRAFT = errors.register(APP, "class.not_draft", 409, _("只有草稿狀態的班期可以發布。"))
    CLASS_NOT_EDITABLE = errors.register(APP, "class.not_editable", 409, _("已停辦或已結訓的班期不能修改。"))
    CLASS_NOT_FOUND = errors.register(APP, "class.not_found", 404, _("找不到此班期。"))
    CLASS_REASON_REQUIRED = errors.register(APP, "class.reason_required", 400, _("停辦請填寫原因。"))
    CLASS_TERM_TAKEN = errors.register(APP, "class.term_taken", 409, _("此課程已有第 %(term)s 期。"))
    CLASS_UNKNOWN_CATEGORY = errors.register(
        APP, "class.unknown_category", 400, _("學習類別「%(keys)s」不在主辦機關政策參數的學習類別之中。")
    )
    COURSE_NOT_FOUND = errors.register(APP, "course.not_found", 404, _("找不到此課程。"))
    COURSE_PLAN_NOT_APPROVED = errors.register(
        APP, "course.plan_not_approved", 409, _("年度計畫核定後才能依計畫項目開課。")
    )
    COURSE_PLAN_OTHER_ORGANIZER = errors.register(
        APP, "course.plan_other_organizer", 400, _("計畫項目不屬於此主辦機關。")
    )
    MATERIAL_TOO_LARGE = errors.register(APP, "material.too_large", 400, _("檔案不得超過 20 MB。"))
    MATERIAL_TYPE = errors.register(
        APP, "material.type", 400, _("檔案類型不支援，請上傳 PDF、Office、ODF、文字或 ZIP 檔。")
    )
    PLAN_EMPTY = errors.register(APP, "plan.empty", 400, _("計畫沒有任何項目，無法送核。"))
    PLAN_EXISTS = errors.register(APP, "plan.exists", 409, _("%(name)s 已有 %(year)s 年度訓練計畫。"))
    PLAN_NEGATIVE_BUDGET = errors.register(APP, "plan.negative_budget", 400, _("預算不得為負數。"))
    PLAN_NOT_EDITABLE = errors.register(APP, "plan.not_editable", 409, _("計畫已送核或已核定，不能修改。"))
    PLAN_NOT_FOUND = errors.register(APP, "plan.not_found", 404, _("找不到此年度計畫。"))
    PLAN_NOT_SUBMITTED = errors.register(APP, "plan.not_submitted", 409, _("只有送核中的計畫可以核定或退回。"))
    PLAN_NOTE_REQUIRED = errors.register(APP, "plan.note_required", 400, _("退回時請說明需修正之處。"))
    PLAN_UNKNOWN_TRACK = errors.register(
        APP, "plan.unknown_track", 400, _("類別「%(track)s」不在政策參數包的訓練類別中。")
    )
    SESSION_HOURS_NEGATIVE = errors.register(APP, "session.hours_negative", 400, _("時數不得為負數。"))
    SESSION_LAST = errors.register(APP, "session.last", 409, _("已發布的班期至少須有一個節次。"))
    SESSION_TIME_ORDER = errors.register(APP, "session.time_order", 400, _("結束時間須晚於開始時間。"))

    # A session clashing with another's venue or instructor (rules.clashes; details list each).
    CLASH_VENUE = errors.register(APP, "clash.venue", 409, _("場地已被「%(label)s」於 %(when)s 使用。"))
    CLASH_INSTRUCTOR = errors.register(APP, "clash.instructor", 409, _("講座已於 %(when)s 在「%(label)s」授課。"))


class Action:
    """Audit actions (`AuditEntry.action`), each with its label on the /audit/ page."""

    PLAN_CREATE = audit.action(APP, "catalog.plan_create", _("建立年度計畫"), former="plan.create")
    PLAN_ITEM_ADD = audit.action(APP, "catalog.plan_item_add", _("新增計畫項目"), former="plan.item_add")
    PLAN_ITEM_DELETE = audit.action(APP, "catalog.plan_item_delete", _("刪除計畫項目"), former="plan.item_delete")
    PLAN_SUBMIT = audit.action(APP, "catalog.plan_submit", _("計畫送核"), former="plan.submit")
    PLAN_APPROVE = audit.action(APP, "catalog.plan_approve", _("核定計畫"), former="plan.approve")
    PLAN_RETURN = audit.action(APP, "catalog.plan_return", _("退回計畫"), former="plan.return")
    COURSE_CREATE = audit.action(APP, "catalog.course_create", _("建立課程"), former="course.create")
    CLASS_CREATE = audit.action(APP, "catalog.class_create", _("建立班期"), former="class.create")
    CLASS_UPDATE = audit.action(APP, "catalog.class_update", _("修改班期"), former="class.update")
    CLASS_HOURS_SET = audit.action(APP, "catalog.class_hours_set", _("設定班期類別時數"), former="class.hours_set")
    CLASS_PUBLISH = audit.action(APP, "catalog.class_publish", _("發布班期"), former="class.publish")
    CLASS_CANCEL = audit.action(APP, "catalog.class_cancel", _("停辦班期"), former="class.cancel")
    SESSION_ADD = audit.action(APP, "catalog.session_add", _("新增節次"), former="session.add")
    SESSION_UPDATE = audit.action(APP, "catalog.session_update", _("修改節次"), former="session.update")
    SESSION_DELETE = audit.action(APP, "catalog.session_delete", _("刪除節次"), former="session.delete")
    MATERIAL_ADD = audit.action(APP, "catalog.material_add", _("新增教材"), former="material.add")
    MATERIAL_DELETE = audit.action(APP, "catalog.material_delete", _("刪除教材"), former="material.delete")
