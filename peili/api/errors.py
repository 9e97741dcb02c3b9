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

from peili.attendance.codes import Error as AttendanceError
from peili.catalog.codes import Error as CatalogError
from peili.core import errors as core_errors
from peili.core.codes import Error as CoreError
from peili.enrolment.codes import Error as EnrolmentError
from peili.enrolment.enums import ErrorCode as EnrolmentCode
from peili.org.codes import Error as OrgError
from peili.policy.codes import Error as PolicyError
from peili.records.codes import Error as RecordsError
from peili.surveys.codes import Error as SurveysError
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
    """A code of the API's own (the request, sign-in, the service), registered for the whole app too."""
    if code in REGISTRY:
        raise RuntimeError(f"error code {code} registered twice")
    core_errors.register("api", code, status, description)
    REGISTRY[code] = ApiError(code, status, description)
    return code


def _use(code: str) -> str:
    """A domain code the API answers with, as its app registered it."""
    known = core_errors.REGISTRY[code]
    REGISTRY[code] = ApiError(code, known.status, known.description)
    return code


# --- shared by every operation (added by the router) -----------------------------------------------

AUTH_REQUIRED = _register("auth.required", 401, _("請先登入。"))
PERMISSION_DENIED = _use(CoreError.PERMISSION_DENIED)
CSRF_FAILED = _register("csrf.failed", 403, _("CSRF 驗證失敗，請重新整理頁面後再試。"))
REQUEST_INVALID = _register("request.invalid", 422, _("請求內容格式不正確。"))
REQUEST_MALFORMED = _register("request.malformed", 400, _("請求內容無法解析（須為 JSON）。"))
REQUEST_NUL = _register("request.nul_character", 400, _("請求內容含有空字元（NUL），無法處理。"))
REQUEST_TOO_LARGE = _register("request.too_large", 413, _("請求內容過大。"))
NOT_FOUND = _use(CoreError.NOT_FOUND)
# Answered for a method a path does not have (listed once for the document, not per operation).
METHOD_NOT_ALLOWED = _register("method_not_allowed", 405, _("此路徑不接受這個 HTTP 方法。"))
SERVICE_UNAVAILABLE = _register("service.unavailable", 503, _("系統暫時無法連線資料庫，請稍後再試。"))
# A lock another request holds past PEILI_LOCK_TIMEOUT_MS (core.locking): send the request again.
LOCK_TIMEOUT = _use(CoreError.LOCK_TIMEOUT)
SERVER_ERROR = _register("server.error", 500, _("系統發生錯誤，已通知管理者，請稍後再試。"))

# --- domain codes the operations answer with ---------------------------------------------------------
# Each is registered once, in its app's `codes.py` (status and description there); the API lists the
# ones its operations answer with.

AGENCY_NOT_FOUND = _use(OrgError.AGENCY_NOT_FOUND)
PERSON_NOT_FOUND = _use(OrgError.PERSON_NOT_FOUND)

POLICY_PACK_NOT_FOUND = _use(PolicyError.POLICY_PACK_NOT_FOUND)
POLICY_JURISDICTION_NOT_FOUND = _use(PolicyError.POLICY_JURISDICTION_NOT_FOUND)
POLICY_NO_PACK = _use(PolicyError.POLICY_NO_PACK)
POLICY_SECTION_MISSING = _use(PolicyError.POLICY_SECTION_MISSING)
POLICY_INVALID = _use(PolicyError.POLICY_INVALID)
POLICY_NOTE_TOO_LONG = _use(PolicyError.POLICY_NOTE_TOO_LONG)
POLICY_PACK_EXISTS = _use(PolicyError.POLICY_PACK_EXISTS)
POLICY_STALE_REVISION = _use(PolicyError.POLICY_STALE_REVISION)

CATALOG_BAD_MONTH = _use(CatalogError.CATALOG_BAD_MONTH)
CATALOG_BAD_MODE = _use(CatalogError.CATALOG_BAD_MODE)
CLASS_NOT_FOUND = _use(CatalogError.CLASS_NOT_FOUND)
PLAN_NOT_FOUND = _use(CatalogError.PLAN_NOT_FOUND)
COURSE_NOT_FOUND = _use(CatalogError.COURSE_NOT_FOUND)
INSTRUCTOR_NOT_FOUND = _use(SurveysError.INSTRUCTOR_NOT_FOUND)

REGISTRATION_DEPUTY_NOT_FOUND = _use(EnrolmentError.REGISTRATION_DEPUTY_NOT_FOUND)
REGISTRATION_PERSON_NOT_FOUND = _use(EnrolmentError.REGISTRATION_PERSON_NOT_FOUND)
for _enrolment in EnrolmentCode:
    if _enrolment is not EnrolmentCode.LINK_INVALID:  # the consent link is a page, not the API
        _use(_enrolment.value)

RECORDS_NO_PERSON = _use(RecordsError.RECORDS_NO_PERSON)
RECORDS_NO_RULE = _use(RecordsError.RECORDS_NO_RULE)

SURVEY_NO_PERSON = _use(SurveysError.SURVEY_NO_PERSON)
SURVEY_NOT_FOUND = _use(SurveysError.SURVEY_NOT_FOUND)
SURVEY_NOT_ATTACHED = _use(SurveysError.SURVEY_NOT_ATTACHED)
SURVEY_TEMPLATE_NOT_FOUND = _use(SurveysError.SURVEY_TEMPLATE_NOT_FOUND)
SURVEY_TEMPLATE_FOREIGN = _use(SurveysError.SURVEY_TEMPLATE_FOREIGN)
SURVEY_TEMPLATE_EXISTS = _use(SurveysError.SURVEY_TEMPLATE_EXISTS)
SURVEY_OPTIONS_REQUIRED = _use(SurveysError.SURVEY_OPTIONS_REQUIRED)
SURVEY_OPTIONS_DUPLICATE = _use(SurveysError.SURVEY_OPTIONS_DUPLICATE)
SURVEY_YEAR_RANGE = _use(SurveysError.SURVEY_YEAR_RANGE)
for _survey in (
    SurveyCode.NOT_INVITED,
    SurveyCode.NOT_OPEN,
    SurveyCode.CLOSED,
    SurveyCode.ALREADY_ANSWERED,
    SurveyCode.INVALID_ANSWERS,
    SurveyCode.ALREADY_ATTACHED,
    SurveyCode.TEMPLATE_EMPTY,
):
    _use(_survey.value)

# The attendance services' codes (peili.attendance): signing, the roster, closing.
ATTENDANCE_NO_PERSON = _use(AttendanceError.ATTENDANCE_NO_PERSON)
ATTENDANCE_CLASS_NOT_FOUND = _use(AttendanceError.ATTENDANCE_CLASS_NOT_FOUND)
ATTENDANCE_SESSION_NOT_FOUND = _use(AttendanceError.ATTENDANCE_SESSION_NOT_FOUND)
ATTENDANCE_CODE_INVALID = _use(AttendanceError.ATTENDANCE_CODE_INVALID)
ATTENDANCE_CODE_THROTTLED = _use(AttendanceError.ATTENDANCE_CODE_THROTTLED)
ATTENDANCE_TOKEN_INVALID = _use(AttendanceError.ATTENDANCE_TOKEN_INVALID)
ATTENDANCE_TOKEN_EXPIRED = _use(AttendanceError.ATTENDANCE_TOKEN_EXPIRED)
ATTENDANCE_NOT_OPEN_YET = _use(AttendanceError.ATTENDANCE_NOT_OPEN_YET)
ATTENDANCE_NOT_SIGNED_IN = _use(AttendanceError.ATTENDANCE_NOT_SIGNED_IN)
ATTENDANCE_NOT_TODAY = _use(AttendanceError.ATTENDANCE_NOT_TODAY)
ATTENDANCE_NOT_ENROLLED = _use(AttendanceError.ATTENDANCE_NOT_ENROLLED)
ATTENDANCE_CLASS_NOT_OPEN = _use(AttendanceError.ATTENDANCE_CLASS_NOT_OPEN)
ATTENDANCE_CLASS_CLOSED = _use(AttendanceError.ATTENDANCE_CLASS_CLOSED)
ATTENDANCE_TARDY_MINUTES = _use(AttendanceError.ATTENDANCE_TARDY_MINUTES)
ATTENDANCE_LEAVE_MINUTES = _use(AttendanceError.ATTENDANCE_LEAVE_MINUTES)
ATTENDANCE_ALREADY_CLOSED = _use(AttendanceError.ATTENDANCE_ALREADY_CLOSED)
ATTENDANCE_NOT_ENDED = _use(AttendanceError.ATTENDANCE_NOT_ENDED)
ATTENDANCE_NO_HOURS = _use(AttendanceError.ATTENDANCE_NO_HOURS)
ATTENDANCE_HOURS_MISMATCH = _use(AttendanceError.ATTENDANCE_HOURS_MISMATCH)
ATTENDANCE_SPLIT_MISMATCH = _use(AttendanceError.ATTENDANCE_SPLIT_MISMATCH)
ATTENDANCE_REASON_REQUIRED = _use(AttendanceError.ATTENDANCE_REASON_REQUIRED)


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
