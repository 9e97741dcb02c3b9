"""The attendance app's error codes and audit actions — the one list of each.

Clients branch on the codes and auditors read the actions, so both are listed here and nowhere
else (Saleor's `error_codes.py`, Zulip's `AuditLogEventType`). A code never changes once
published; an action renamed keeps its former name, which the /audit/ page still labels.
`tests/core/test_codes.py` fails on a code raised or an action written that is not listed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peili.core import audit, errors

APP = "attendance"


class Error:
    """Error codes (`PeiliError.code`), with the HTTP status each answers with."""

    ATTENDANCE_ALREADY_CLOSED = errors.register(APP, "attendance.already_closed", 409, _("此班期已經結訓。"))
    ATTENDANCE_CLASS_CLOSED = errors.register(
        APP, "attendance.class_closed", 409, _("此班期已結訓，出勤紀錄不能再修改。")
    )
    ATTENDANCE_CLASS_NOT_FOUND = errors.register(
        APP, "attendance.class_not_found", 404, _("找不到此班期，或不在您的權限範圍內。")
    )
    ATTENDANCE_CLASS_NOT_OPEN = errors.register(
        APP, "attendance.class_not_open", 400, _("此班期目前不受理簽到或結訓。")
    )
    ATTENDANCE_CODE_INVALID = errors.register(APP, "attendance.code_invalid", 400, _("簽到碼不正確或已過期。"))
    ATTENDANCE_CODE_THROTTLED = errors.register(
        APP, "attendance.code_throttled", 429, _("簽到碼錯誤次數過多，暫停以簽到碼簽到。")
    )
    ATTENDANCE_HOURS_MISMATCH = errors.register(
        APP, "attendance.hours_mismatch", 400, _("班期的數位時數加實體時數不等於認證時數。")
    )
    ATTENDANCE_LEAVE_MINUTES = errors.register(APP, "attendance.leave_minutes", 400, _("請假分鐘數超過節次時數。"))
    ATTENDANCE_NO_HOURS = errors.register(APP, "attendance.no_hours", 400, _("班期尚未設定認證時數，無法結訓。"))
    ATTENDANCE_NO_PERSON = errors.register(APP, "attendance.no_person", 403, _("帳號未對應人員資料，無法簽到。"))
    ATTENDANCE_NOT_ENDED = errors.register(APP, "attendance.not_ended", 400, _("班期結束後才能辦理結訓。"))
    ATTENDANCE_NOT_ENROLLED = errors.register(APP, "attendance.not_enrolled", 400, _("沒有錄取這個班期。"))
    ATTENDANCE_NOT_TODAY = errors.register(APP, "attendance.not_today", 400, _("不是今天節次的簽到碼。"))
    ATTENDANCE_NOTHING_TO_CORRECT = errors.register(APP, "attendance.nothing_to_correct", 409, _("完訓結果沒有改變。"))
    ATTENDANCE_REASON_REQUIRED = errors.register(APP, "attendance.reason_required", 400, _("更正完訓結果須說明原因。"))
    ATTENDANCE_SESSION_NOT_FOUND = errors.register(APP, "attendance.session_not_found", 404, _("找不到這個節次。"))
    ATTENDANCE_SPLIT_MISMATCH = errors.register(
        APP, "attendance.split_mismatch", 400, _("各學習類別時數合計與認證時數不符。")
    )
    ATTENDANCE_TARDY_MINUTES = errors.register(
        APP, "attendance.tardy_minutes", 400, _("遲到或早退分鐘數超過節次長度。")
    )
    ATTENDANCE_TICKET_EXPIRED = errors.register(
        APP, "attendance.ticket_expired", 400, _("掃描後超過五分鐘未確認，請重新掃描現場畫面上的 QR code。")
    )
    ATTENDANCE_TICKET_NOT_YOURS = errors.register(
        APP,
        "attendance.ticket_not_yours",
        403,
        _(
            "這個簽到連結是另一個帳號或另一支手機掃描的，不能用來簽到。請用您自己的手機、以自己的帳號掃描現場的 QR code。"  # noqa: E501
        ),
    )
    ATTENDANCE_TOKEN_INVALID = errors.register(APP, "attendance.token_invalid", 400, _("無法辨識這個 QR code。"))
    ATTENDANCE_UPLOAD_IN_FUTURE = errors.register(APP, "attendance.upload_in_future", 400, _("上傳日期不能晚於今天。"))

    # Answered from the signing rules' refusals (rules.sign_refusal, rules.TokenError).
    ATTENDANCE_TOKEN_EXPIRED = errors.register(APP, "attendance.token_expired", 400, _("這個 QR code 已經過期。"))
    ATTENDANCE_NOT_OPEN_YET = errors.register(APP, "attendance.not_open_yet", 400, _("尚未開放簽到或簽退。"))
    ATTENDANCE_NOT_SIGNED_IN = errors.register(APP, "attendance.not_signed_in", 400, _("還沒有簽到，不能簽退。"))


class Action:
    """Audit actions (`AuditEntry.action`), each with its label on the /audit/ page."""

    SIGN_IN = audit.action(APP, "attendance.sign_in", _("簽到"))
    SIGN_OUT = audit.action(APP, "attendance.sign_out", _("簽退"))
    CODE_WRONG = audit.action(APP, "attendance.code_wrong", _("簽到碼錯誤"))
    CODE_THROTTLED = audit.action(APP, "attendance.code_throttled", _("暫停以簽到碼簽到"))
    ROSTER = audit.action(APP, "attendance.roster", _("登錄出勤名冊"))
    CLASS_CLOSE = audit.action(APP, "attendance.class_close", _("結訓"), former="class.close")
    COMPLETION_CORRECT = audit.action(
        APP, "attendance.completion_correct", _("更正完訓結果"), former="completion.correct"
    )
    CERTIFICATION_UPLOADED = audit.action(
        APP, "attendance.certification_uploaded", _("標記已上傳認證時數"), former="certification.uploaded"
    )
