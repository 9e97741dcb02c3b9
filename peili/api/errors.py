"""Every error code the API answers with, in one registry, and each operation's list of them.

A refusal is `{"code", "message", "details"?}` with the HTTP status the registry gives the code.
Each operation names the codes its own logic can answer with (`@api_errors(...)`); the codes every
operation shares (sign-in, permission, request format, service) are added to each one by
`peili.api.router`, and the OpenAPI document lists them per status and in `x-error-codes`. The
schemathesis run (tests/api/test_fuzz.py) checks that every refusal it meets is listed for its
operation at its status, so the lists stay true.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from peili.enrolment.enums import ErrorCode as EnrolmentCode
from peili.surveys.enums import ErrorCode as SurveyCode

F = TypeVar("F", bound=Callable[..., Any])


class ErrorOut(Schema):
    """A refusal: `code` is stable (clients branch on it), `message` is for people (Traditional
    Chinese, or English with Accept-Language: en), `details` is present where the code says so."""

    code: str
    message: str
    details: Any = None


@dataclass(frozen=True)
class ApiError:
    code: str
    status: int
    description: str | Promise


REGISTRY: dict[str, ApiError] = {}


def _register(code: str, status: int, description: str | Promise) -> str:
    if code in REGISTRY:
        raise RuntimeError(f"error code {code} registered twice")
    REGISTRY[code] = ApiError(code, status, description)
    return code


# --- shared by every operation (added by the router) -----------------------------------------------

AUTH_REQUIRED = _register("auth.required", 401, _("請先登入。"))
PERMISSION_DENIED = _register("permission.denied", 403, _("您沒有權限執行此操作。"))
CSRF_FAILED = _register("csrf.failed", 403, _("CSRF 驗證失敗，請重新整理頁面後再試。"))
REQUEST_INVALID = _register("request.invalid", 422, _("請求內容格式不正確。"))
REQUEST_MALFORMED = _register("request.malformed", 400, _("請求內容無法解析（須為 JSON）。"))
REQUEST_NUL = _register("request.nul_character", 400, _("請求內容含有空字元（NUL），無法處理。"))
REQUEST_TOO_LARGE = _register("request.too_large", 413, _("請求內容過大。"))
NOT_FOUND = _register("not_found", 404, _("找不到此資源。"))
# Answered for a method a path does not have (listed once for the document, not per operation).
METHOD_NOT_ALLOWED = _register("method_not_allowed", 405, _("此路徑不接受這個 HTTP 方法。"))
SERVICE_UNAVAILABLE = _register("service.unavailable", 503, _("系統暫時無法連線資料庫，請稍後再試。"))
SERVER_ERROR = _register("server.error", 500, _("系統發生錯誤，已通知管理者，請稍後再試。"))

# --- domain codes the operations answer with ---------------------------------------------------------

AGENCY_NOT_FOUND = _register("agency.not_found", 404, _("找不到此機關，或不在您的權限範圍內。"))
PERSON_NOT_FOUND = _register("person.not_found", 404, _("找不到此人員。"))

POLICY_PACK_NOT_FOUND = _register("policy.pack_not_found", 404, _("找不到此政策參數包。"))
POLICY_JURISDICTION_NOT_FOUND = _register("policy.jurisdiction_not_found", 404, _("找不到此轄區。"))
POLICY_NO_PACK = _register("policy.no_pack", 404, _("該年度（含）以前沒有適用的政策參數包。"))
POLICY_SECTION_MISSING = _register("policy.section_missing", 400, _("政策參數缺少必備的區段，全國預設也沒有。"))
POLICY_INVALID = _register("policy.invalid", 400, _("政策參數包內容有問題（details 列出行號與原因），沒有儲存。"))
POLICY_NOTE_TOO_LONG = _register("policy.note_too_long", 400, _("修改說明過長。"))
POLICY_PACK_EXISTS = _register("policy.pack_exists", 409, _("此轄區該年度已有政策參數包。"))
POLICY_STALE_REVISION = _register("policy.stale_revision", 409, _("參數包已有較新的版本，請在最新版本上修改。"))

CATALOG_BAD_MONTH = _register("catalog.bad_month", 400, _("月份格式不正確，請用 2026-03 或 115-03。"))
CATALOG_BAD_MODE = _register("catalog.bad_mode", 400, _("學習方式須為 classroom、digital 或 blended。"))
CLASS_NOT_FOUND = _register("class.not_found", 404, _("找不到此班期。"))
PLAN_NOT_FOUND = _register("plan.not_found", 404, _("找不到此年度計畫。"))
COURSE_NOT_FOUND = _register("course.not_found", 404, _("找不到此課程。"))
INSTRUCTOR_NOT_FOUND = _register("instructor.not_found", 404, _("您主辦的班期中沒有這位講座的問卷結果。"))

REGISTRATION_DEPUTY_NOT_FOUND = _register(
    "registration.deputy_not_found", 404, _("找不到此職務代理人（須為同機關人員）。")
)
REGISTRATION_PERSON_NOT_FOUND = _register(
    "registration.person_not_found", 404, _("找不到此人員，或不在您的權限範圍內。")
)
# The registration services' own codes, described by their labels (peili.enrolment.enums.ErrorCode).
_ENROLMENT_STATUS = {
    EnrolmentCode.NOT_FOUND: 404,
    EnrolmentCode.CLASS_NOT_FOUND: 404,
    EnrolmentCode.NO_PERSON: 403,
    EnrolmentCode.NOT_ACTIVE: 409,
    EnrolmentCode.NOT_PENDING: 409,
    EnrolmentCode.NOT_CONFIRMED: 409,
}
for _enrolment in EnrolmentCode:
    if _enrolment is not EnrolmentCode.LINK_INVALID:  # the consent link is a page, not the API
        _register(_enrolment.value, _ENROLMENT_STATUS.get(_enrolment, 400), _enrolment.label)

RECORDS_NO_PERSON = _register("records.no_person", 403, _("帳號未對應人員資料。"))
RECORDS_NO_RULE = _register("records.no_rule", 404, _("該年度沒有適用的學習時數規定。"))

SURVEY_NO_PERSON = _register("survey.no_person", 403, _("帳號未對應人員資料，無法填答問卷。"))
SURVEY_NOT_FOUND = _register("survey.not_found", 404, _("本班期沒有問卷。"))
SURVEY_NOT_ATTACHED = _register("survey.not_attached", 404, _("本班期尚未設定課後問卷。"))
SURVEY_TEMPLATE_NOT_FOUND = _register("survey.template_not_found", 404, _("找不到此問卷範本。"))
SURVEY_TEMPLATE_FOREIGN = _register("survey.template_foreign", 400, _("只能使用本機關的問卷範本。"))
SURVEY_TEMPLATE_EXISTS = _register("survey.template_exists", 409, _("已有同名的問卷範本。"))
SURVEY_OPTIONS_REQUIRED = _register("survey.options_required", 400, _("單選或複選題至少須有兩個選項。"))
SURVEY_OPTIONS_DUPLICATE = _register("survey.options_duplicate", 400, _("選項不可重複。"))
SURVEY_YEAR_RANGE = _register("survey.year_range", 400, _("年度範圍不正確（起年不可晚於迄年，且有年數上限）。"))
_SURVEY_STATUS = {
    SurveyCode.NOT_INVITED: 404,
    SurveyCode.NOT_OPEN: 409,
    SurveyCode.CLOSED: 409,
    SurveyCode.ALREADY_ANSWERED: 409,
    SurveyCode.ALREADY_ATTACHED: 409,
}
for _survey in (
    SurveyCode.NOT_INVITED,
    SurveyCode.NOT_OPEN,
    SurveyCode.CLOSED,
    SurveyCode.ALREADY_ANSWERED,
    SurveyCode.INVALID_ANSWERS,
    SurveyCode.ALREADY_ATTACHED,
    SurveyCode.TEMPLATE_EMPTY,
):
    _register(_survey.value, _SURVEY_STATUS.get(_survey, 400), _survey.label)


# The attendance services' codes (peili.attendance): signing, the roster, closing.
ATTENDANCE_NO_PERSON = _register("attendance.no_person", 403, _("帳號未對應人員資料，無法簽到。"))
ATTENDANCE_CLASS_NOT_FOUND = _register("attendance.class_not_found", 404, _("找不到此班期，或不在您的權限範圍內。"))
ATTENDANCE_SESSION_NOT_FOUND = _register("attendance.session_not_found", 404, _("找不到這個節次。"))
ATTENDANCE_CODE_INVALID = _register("attendance.code_invalid", 400, _("簽到碼不正確或已過期。"))
ATTENDANCE_CODE_THROTTLED = _register("attendance.code_throttled", 429, _("簽到碼錯誤次數過多，暫停以簽到碼簽到。"))
ATTENDANCE_TOKEN_INVALID = _register("attendance.token_invalid", 400, _("無法辨識這個 QR code。"))
ATTENDANCE_TOKEN_EXPIRED = _register("attendance.token_expired", 400, _("這個 QR code 已經過期。"))
ATTENDANCE_NOT_OPEN_YET = _register("attendance.not_open_yet", 400, _("尚未開放簽到或簽退。"))
ATTENDANCE_NOT_SIGNED_IN = _register("attendance.not_signed_in", 400, _("還沒有簽到，不能簽退。"))
ATTENDANCE_NOT_TODAY = _register("attendance.not_today", 400, _("不是今天節次的簽到碼。"))
ATTENDANCE_NOT_ENROLLED = _register("attendance.not_enrolled", 400, _("沒有錄取這個班期。"))
ATTENDANCE_CLASS_NOT_OPEN = _register("attendance.class_not_open", 400, _("此班期目前不受理簽到或結訓。"))
ATTENDANCE_CLASS_CLOSED = _register("attendance.class_closed", 409, _("此班期已結訓，出勤紀錄不能再修改。"))
ATTENDANCE_TARDY_MINUTES = _register("attendance.tardy_minutes", 400, _("遲到或早退分鐘數超過節次長度。"))
ATTENDANCE_LEAVE_MINUTES = _register("attendance.leave_minutes", 400, _("請假分鐘數超過節次時數。"))
ATTENDANCE_ALREADY_CLOSED = _register("attendance.already_closed", 409, _("此班期已經結訓。"))
ATTENDANCE_NOT_ENDED = _register("attendance.not_ended", 400, _("班期結束後才能辦理結訓。"))
ATTENDANCE_NO_HOURS = _register("attendance.no_hours", 400, _("班期尚未設定認證時數，無法結訓。"))
ATTENDANCE_HOURS_MISMATCH = _register("attendance.hours_mismatch", 400, _("班期的數位時數加實體時數不等於認證時數。"))
ATTENDANCE_SPLIT_MISMATCH = _register("attendance.split_mismatch", 400, _("各學習類別時數合計與認證時數不符。"))
ATTENDANCE_REASON_REQUIRED = _register("attendance.reason_required", 400, _("更正完訓結果須說明原因。"))


def api_errors(*codes: str) -> Callable[[F], F]:
    """Names the error codes an operation's own logic answers with (the shared ones are added for
    every operation). An unknown code is refused at import, so the registry stays the one list."""
    unknown = [str(code) for code in codes if str(code) not in REGISTRY]
    if unknown:
        raise RuntimeError(f"unregistered API error codes: {', '.join(unknown)}")

    def decorate(operation: F) -> F:
        operation.peili_errors = tuple(str(code) for code in codes)  # type: ignore[attr-defined]
        return operation

    return decorate


def by_status(codes: Iterable[str]) -> dict[int, list[ApiError]]:
    """The codes grouped by their status, each group in registry order."""
    wanted = set(codes)
    grouped: dict[int, list[ApiError]] = {}
    for error in REGISTRY.values():
        if error.code in wanted:
            grouped.setdefault(error.status, []).append(error)
    return dict(sorted(grouped.items()))
