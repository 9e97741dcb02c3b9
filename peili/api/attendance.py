"""Attendance API: a learner signs in and out with the six-digit code (or a scanned QR code's token);
an organizer reads and sets a session's roster (ticks; late, early and leave in minutes), previews
the closing of a class under the pack's absence rule and closes it — for a kiosk or a mobile client.

The same permissions as the pages (`attendance.sign_in`; `attendance.manage`, then
`attendance.manage_object` on the class — a class or session the caller may not manage is answered as
not found), the same services; refusals are `PeiliError` with stable codes, listed in each
operation's description. Times are RFC 3339 (with the offset); minutes are whole minutes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field, StrictBool, StrictInt, field_validator

from peili.api import errors
from peili.api.errors import api_errors
from peili.api.schemas import Id, InSchema
from peili.attendance import rules, selectors, services
from peili.attendance.enums import Reason
from peili.attendance.models import Attendance, Completion
from peili.catalog.models import ClassSession, CourseClass
from peili.core.errors import NotFound, PermissionDenied
from peili.core.permissions import api_requires
from peili.org.models import Person
from peili.org.scopes import grants_for

router = Router(tags=["出勤"])

MINUTES = Annotated[StrictInt, Field(ge=0, le=24 * 60)]  # within a day; the session's own limit is the service's
MOST = settings.PEILI_ATTENDANCE_API_MAX_ITEMS


def _unique(items: list[AttendanceMarkIn] | list[AttendanceCorrectionIn]) -> None:
    ids = [item.registration_id for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError("each registration_id at most once")


# --- signing -------------------------------------------------------------------------------------------


class AttendanceSignIn(InSchema):
    kind: Literal["in", "out"] = Field(description="in 簽到、out 簽退")
    code: str = Field(pattern=r"^[0-9]{6}$", description="現場畫面上的六位數簽到碼")
    session_id: Id | None = Field(
        None, description="只比對這一節（須為呼叫者今天錄取班期的節次）；省略則比對今天所有節次"
    )


class AttendanceScanIn(InSchema):
    token: str = Field(
        min_length=3,
        max_length=120,
        pattern=r"^[0-9a-z-]+$",
        description="QR code 連結 /attendance/s/<token>/ 的 token",
    )


class AttendanceSignedOut(Schema):
    session_id: int
    class_id: int
    class_title: str
    kind: str
    already: bool = Field(description="先前已簽到（或簽退）：這次沒有改變任何紀錄")
    signed_in_at: datetime | None
    signed_out_at: datetime | None
    late_minutes: int
    early_minutes: int


def _local(moment: datetime | None) -> datetime | None:
    """A stored time in the local time zone: RFC 3339 with the local offset, like the sessions' times."""
    return timezone.localtime(moment) if moment is not None else None


def _me(request: HttpRequest) -> Person:
    person = grants_for(request.user).person
    if person is None:
        raise PermissionDenied(errors.ATTENDANCE_NO_PERSON, _("帳號未對應人員資料，無法簽到。"), status=403)
    return person


def _signed(signed: services.Signed) -> AttendanceSignedOut:
    row = signed.attendance
    course_class = row.session.course_class
    return AttendanceSignedOut(
        session_id=row.session_id,
        class_id=course_class.pk,
        class_title=str(course_class),
        kind=signed.kind,
        already=signed.already,
        signed_in_at=_local(row.signed_in_at),
        signed_out_at=_local(row.signed_out_at),
        late_minutes=row.late_minutes,
        early_minutes=row.early_minutes,
    )


SIGN_ERRORS = """
錯誤代碼：
- 400 `attendance.code_invalid` 簽到碼不正確或已過期（每次都計入錯誤次數並記入稽核紀錄）
- 429 `attendance.code_throttled` 錯誤次數過多，暫停以簽到碼簽到
  （`details.scope`: person | session；`details.retry_at`: 可再試的時間）
- 400 `attendance.not_open_yet` 尚未開放簽到（節次開始前 PEILI_ATTENDANCE_OPENS_MINUTES 分鐘起）
- 400 `attendance.not_signed_in` 還沒有簽到，不能簽退
- 400 `attendance.not_enrolled`、`attendance.not_today`、`attendance.class_not_open`
- 404 `attendance.session_not_found` `session_id` 不是呼叫者今天錄取班期的節次
- 422 `request.invalid` 請求格式不正確（多餘欄位、簽到碼不是六位數字…）
"""


@router.post(
    "/sign",
    response=AttendanceSignedOut,
    summary="以六位數簽到碼簽到或簽退",
    description="與 /attendance/code/ 頁面相同。" + SIGN_ERRORS,
    operation_id="attendance_sign",
)
@api_requires("attendance.sign_in")
@api_errors(
    errors.ATTENDANCE_NO_PERSON,
    errors.ATTENDANCE_CODE_INVALID,
    errors.ATTENDANCE_CODE_THROTTLED,
    errors.ATTENDANCE_NOT_OPEN_YET,
    errors.ATTENDANCE_NOT_SIGNED_IN,
    errors.ATTENDANCE_NOT_TODAY,
    errors.ATTENDANCE_NOT_ENROLLED,
    errors.ATTENDANCE_CLASS_NOT_OPEN,
    errors.ATTENDANCE_SESSION_NOT_FOUND,
)
def sign(request: HttpRequest, payload: AttendanceSignIn) -> AttendanceSignedOut:
    signed = services.sign_by_code(
        person=_me(request),
        code=payload.code,
        kind=payload.kind,
        at=timezone.now(),
        actor=request.user,
        session_id=payload.session_id,
    )
    return _signed(signed)


@router.post(
    "/scan",
    response=AttendanceSignedOut,
    summary="以掃描的 QR code 簽到或簽退（以自己的帳號，當下有效的 QR code）",
    description=(
        "QR code 每 PEILI_ATTENDANCE_QR_SECONDS 秒更新，只接受當下與前一個。\n"
        "錯誤代碼：\n"
        "- 400 `attendance.token_invalid` 無法辨識；400 `attendance.token_expired` 已過期\n"
        "- 400 `attendance.not_open_yet`、`attendance.not_signed_in`、`attendance.not_enrolled`、"
        "`attendance.not_today`、`attendance.class_not_open`\n"
        "- 404 `attendance.session_not_found`\n- 422 `request.invalid`"
    ),
    operation_id="attendance_scan",
)
@api_requires("attendance.sign_in")
@api_errors(
    errors.ATTENDANCE_NO_PERSON,
    errors.ATTENDANCE_TOKEN_INVALID,
    errors.ATTENDANCE_TOKEN_EXPIRED,
    errors.ATTENDANCE_NOT_OPEN_YET,
    errors.ATTENDANCE_NOT_SIGNED_IN,
    errors.ATTENDANCE_NOT_TODAY,
    errors.ATTENDANCE_NOT_ENROLLED,
    errors.ATTENDANCE_CLASS_NOT_OPEN,
    errors.ATTENDANCE_SESSION_NOT_FOUND,
)
def scan(request: HttpRequest, payload: AttendanceScanIn) -> AttendanceSignedOut:
    signed = services.sign_by_token(person=_me(request), token=payload.token, at=timezone.now(), actor=request.user)
    return _signed(signed)


# --- the roster ---------------------------------------------------------------------------------------


class AttendanceSessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    hours: str = Field(description="本節認證時數（小時，一位小數）")
    length_minutes: int = Field(description="本節長度：遲到、早退最多這麼多分鐘")
    leave_limit_minutes: int = Field(description="本節時數的分鐘數：請假最多這麼多分鐘")


class AttendanceMarkOut(Schema):
    registration_id: int
    person_id: int
    person_name: str
    agency: str
    present: bool
    signed_in_at: datetime | None
    signed_in_by: str = Field(description="qr | code | roster，未簽到為空字串")
    signed_out: bool
    signed_out_at: datetime | None
    signed_out_by: str
    late_minutes: int
    early_minutes: int
    leave_minutes: int


class AttendanceRosterOut(Schema):
    class_id: int
    session: AttendanceSessionOut
    people: list[AttendanceMarkOut]


class AttendanceMarkIn(InSchema):
    registration_id: Id
    present: StrictBool = Field(description="已簽到")
    signed_out: StrictBool = Field(description="已簽退")
    late_minutes: MINUTES
    early_minutes: MINUTES
    leave_minutes: MINUTES


class AttendanceRosterIn(InSchema):
    marks: list[AttendanceMarkIn] = Field(min_length=1, max_length=MOST, description="每人一筆，取代此人本節的出勤紀錄")

    @field_validator("marks")
    @classmethod
    def _once_each(cls, marks: list[AttendanceMarkIn]) -> list[AttendanceMarkIn]:
        _unique(marks)
        return marks


class AttendanceRosterSavedOut(Schema):
    changed: int = Field(description="出勤紀錄有變動的人數（每一筆變動都記入稽核紀錄）")
    people: list[AttendanceMarkOut]


def _aware(session: ClassSession, moment: object) -> datetime:
    return timezone.make_aware(datetime.combine(session.date, moment))  # type: ignore[arg-type]


def _session_out(session: ClassSession) -> AttendanceSessionOut:
    return AttendanceSessionOut(
        id=session.pk,
        starts_at=_aware(session, session.starts_at),
        ends_at=_aware(session, session.ends_at),
        hours=str(session.hours),
        length_minutes=services.session_length(session),
        leave_limit_minutes=services.session_leave_limit(session),
    )


def _mark_out(line: selectors.RosterLine) -> AttendanceMarkOut:
    registration, mark = line.registration, line.attendance or Attendance()
    return AttendanceMarkOut(
        registration_id=registration.pk,
        person_id=registration.person_id,
        person_name=registration.person.name,
        agency=registration.person.agency.name,
        present=mark.signed_in_at is not None,
        signed_in_at=_local(mark.signed_in_at),
        signed_in_by=mark.signed_in_by,
        signed_out=mark.signed_out_at is not None,
        signed_out_at=_local(mark.signed_out_at),
        signed_out_by=mark.signed_out_by,
        late_minutes=mark.late_minutes,
        early_minutes=mark.early_minutes,
        leave_minutes=mark.leave_minutes,
    )


def _class(request: HttpRequest, class_id: int) -> CourseClass:
    course_class = selectors.class_for_manager(request.user, class_id)
    if course_class is None:
        raise NotFound(errors.ATTENDANCE_CLASS_NOT_FOUND, _("找不到此班期。"))
    return course_class


def _session(request: HttpRequest, session_id: int, course_class: CourseClass | None = None) -> ClassSession:
    session = selectors.session_for_manager(request.user, session_id)
    if session is None or (course_class is not None and session.course_class_id != course_class.pk):
        raise NotFound(errors.ATTENDANCE_SESSION_NOT_FOUND, _("找不到這個節次。"))
    return session


@router.get(
    "/classes/{class_id}/roster",
    response=AttendanceRosterOut,
    summary="一節的出勤名冊（已錄取者的簽到、簽退、遲到、早退與請假分鐘）",
    description=(
        "錯誤代碼：\n- 404 `attendance.class_not_found` 找不到班期（或不是呼叫者承辦的班期）\n"
        "- 404 `attendance.session_not_found` 這一節不屬於此班期\n- 422 `request.invalid`"
    ),
    operation_id="attendance_roster",
)
@api_requires("attendance.manage")
@api_errors(
    errors.ATTENDANCE_CLASS_NOT_FOUND,
    errors.ATTENDANCE_SESSION_NOT_FOUND,
)
def roster(
    request: HttpRequest,
    class_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    session: Annotated[int, Query(ge=1, le=2**63 - 1, description="節次 id")],
) -> AttendanceRosterOut:
    found = _session(request, session, _class(request, class_id))
    return AttendanceRosterOut(
        class_id=class_id,
        session=_session_out(found),
        people=[_mark_out(line) for line in selectors.roster(found)],
    )


@router.put(
    "/sessions/{session_id}/roster",
    response=AttendanceRosterSavedOut,
    summary="登錄一節的出勤（多人一次；遲到、早退、請假以分鐘計）",
    description=(
        "每筆取代該人本節的紀錄：簽到、簽退勾選（由承辦人登錄者記為現在）、遲到與早退分鐘（0 到本節長度）、"
        "請假分鐘（0 到本節時數）。全部通過才寫入。\n錯誤代碼：\n"
        "- 400 `attendance.tardy_minutes` 遲到或早退超過本節長度；400 `attendance.leave_minutes` 請假超過本節時數"
        "（`details`: registration_id, field, max）\n"
        "- 400 `attendance.not_enrolled` 名單中有未錄取本班期的人員\n"
        "- 409 `attendance.class_closed` 已結訓；400 `attendance.class_not_open` 未發布\n"
        "- 404 `attendance.session_not_found`\n- 422 `request.invalid`（空的或重複的名單、多餘欄位…）"
    ),
    operation_id="attendance_roster_save",
)
@api_requires("attendance.manage")
@api_errors(
    errors.ATTENDANCE_SESSION_NOT_FOUND,
    errors.ATTENDANCE_CLASS_CLOSED,
    errors.ATTENDANCE_CLASS_NOT_OPEN,
    errors.ATTENDANCE_TARDY_MINUTES,
    errors.ATTENDANCE_LEAVE_MINUTES,
    errors.ATTENDANCE_NOT_ENROLLED,
)
def roster_save(
    request: HttpRequest, session_id: Annotated[int, Path(ge=1, le=2**63 - 1)], payload: AttendanceRosterIn
) -> AttendanceRosterSavedOut:
    session = _session(request, session_id)
    entries = {
        mark.registration_id: services.RosterEntry(
            present=mark.present,
            signed_out=mark.signed_out,
            late_minutes=mark.late_minutes,
            early_minutes=mark.early_minutes,
            leave_minutes=mark.leave_minutes,
        )
        for mark in payload.marks
    }
    changed = services.roster_save(session=session, entries=entries, actor=request.user)
    registrations = selectors.confirmed_among(session.course_class, list(entries))
    return AttendanceRosterSavedOut(
        changed=changed, people=[_mark_out(line) for line in selectors.roster_lines(session, registrations)]
    )


# --- closing -------------------------------------------------------------------------------------------


class AttendanceRuleOut(Schema):
    threshold: str = Field(description="缺課比例門檻，如 1/3")
    comparison: str = Field(description="strict：超過才不予登錄（逾）；inclusive：達到即不予登錄（以上）")
    unexcused_forfeits: bool
    late_grace_minutes: int


class AttendanceClosingLineOut(Schema):
    registration_id: int
    person_id: int
    person_name: str
    agency: str
    sessions_present: int
    missing_sign_out: int = Field(description="有簽到、未簽退的節次數（他人有簽退的節次）")
    attended_minutes: int
    leave_minutes: int
    unexcused_minutes: int
    missed_fraction: str = Field(description="請假與缺課占課程時數的比例（精確分數，如 1/3）")
    completes: bool = Field(description="依規定是否完訓")
    reason: str = Field(
        description="未完訓原因代碼：absence.unexcused | absence.over_threshold | reflection.not_accepted"
    )
    reason_label: str
    reflection_status: str


class AttendanceClosingOut(Schema):
    class_id: int
    sessions: int
    course_minutes: int
    rule: AttendanceRuleOut | None = Field(description="政策參數沒有缺課規定時為 null：依規定全部完訓，由承辦人更正")
    reflection_required: bool
    reflection_gates: bool
    confirmed: int
    completes: int
    people: list[AttendanceClosingLineOut]


class AttendanceCorrectionIn(InSchema):
    registration_id: Id
    completes: StrictBool
    reason: str = Field(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$", description="更正原因（必填）")


class AttendanceCloseIn(InSchema):
    corrections: list[AttendanceCorrectionIn] = Field(
        default_factory=list, max_length=MOST, description="更正依規定的結果，每人至多一筆，須說明原因"
    )

    @field_validator("corrections")
    @classmethod
    def _once_each(cls, corrections: list[AttendanceCorrectionIn]) -> list[AttendanceCorrectionIn]:
        _unique(corrections)
        return corrections


class AttendanceCompletionOut(Schema):
    id: int
    registration_id: int
    person_id: int
    person_name: str
    attended_minutes: int
    leave_minutes: int
    unexcused_minutes: int
    rule_completes: bool
    rule_reason: str
    completes: bool
    correction_reason: str
    record_id: int | None = Field(description="完訓者的學習紀錄")


class AttendanceClosedOut(Schema):
    class_id: int
    closed_at: datetime
    confirmed: int
    completes: int
    corrected: int
    completions: list[AttendanceCompletionOut]


def _closing_line(line: selectors.CompletionLine) -> AttendanceClosingLineOut:
    outcome, person = line.outcome, line.registration.person
    return AttendanceClosingLineOut(
        registration_id=line.registration.pk,
        person_id=person.pk,
        person_name=person.name,
        agency=person.agency.name,
        sessions_present=line.sessions_present,
        missing_sign_out=line.missing_sign_out,
        attended_minutes=outcome.tally.attended_minutes,
        leave_minutes=outcome.tally.leave_minutes,
        unexcused_minutes=outcome.tally.unexcused_minutes,
        missed_fraction=str(outcome.missed_fraction),
        completes=outcome.completes,
        reason=outcome.reason,
        reason_label=str(Reason(outcome.reason).label) if outcome.reason else "",
        reflection_status=line.reflection_status,
    )


@router.get(
    "/classes/{class_id}/closing",
    response=AttendanceClosingOut,
    summary="結訓預覽：每位錄取者依缺課規定是否完訓、原因與時數",
    description=("錯誤代碼：\n- 404 `attendance.class_not_found`\n- 422 `request.invalid`"),
    operation_id="attendance_closing",
)
@api_requires("attendance.manage")
@api_errors(
    errors.ATTENDANCE_CLASS_NOT_FOUND,
)
def closing(request: HttpRequest, class_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> AttendanceClosingOut:
    preview = selectors.closing_preview(_class(request, class_id))
    rule = preview.rule
    course_hours = sum((session.hours for session in preview.course_class.sessions.all()), start=Decimal(0))
    return AttendanceClosingOut(
        class_id=class_id,
        sessions=preview.sessions,
        course_minutes=rules.hours_minutes(course_hours),
        rule=AttendanceRuleOut(
            threshold=str(rule.threshold.fraction),
            comparison=rule.comparison,
            unexcused_forfeits=rule.unexcused_forfeits,
            late_grace_minutes=rule.late_grace_minutes,
        )
        if rule is not None
        else None,
        reflection_required=preview.reflection_required,
        reflection_gates=preview.reflection_gates,
        confirmed=len(preview.rows),
        completes=preview.completes,
        people=[_closing_line(line) for line in preview.rows],
    )


def _completion_out(completion: Completion) -> AttendanceCompletionOut:
    return AttendanceCompletionOut(
        id=completion.pk,
        registration_id=completion.registration_id,
        person_id=completion.registration.person_id,
        person_name=completion.registration.person.name,
        attended_minutes=completion.attended_minutes,
        leave_minutes=completion.leave_minutes,
        unexcused_minutes=completion.unexcused_minutes,
        rule_completes=completion.rule_completes,
        rule_reason=completion.rule_reason,
        completes=completion.completes,
        correction_reason=completion.correction_reason,
        record_id=completion.record_id,
    )


@router.post(
    "/classes/{class_id}/close",
    response=AttendanceClosedOut,
    summary="結訓：依缺課規定（與更正）寫入完訓結果與學習紀錄",
    description=(
        "錯誤代碼：\n- 400 `attendance.reason_required` 更正未說明原因\n"
        "- 400 `attendance.not_enrolled` 更正的人員不是本班期的錄取者\n"
        "- 400 `attendance.not_ended` 班期尚未結束；400 `attendance.class_not_open` 未發布\n"
        "- 400 `attendance.no_hours`、`attendance.hours_mismatch`、`attendance.split_mismatch` 班期時數設定有誤\n"
        "- 409 `attendance.already_closed` 已結訓\n- 404 `attendance.class_not_found`\n"
        "- 422 `request.invalid`（重複的人員、多餘欄位…）"
    ),
    operation_id="attendance_close",
)
@api_requires("attendance.manage")
@api_errors(
    errors.ATTENDANCE_CLASS_NOT_FOUND,
    errors.ATTENDANCE_ALREADY_CLOSED,
    errors.ATTENDANCE_CLASS_NOT_OPEN,
    errors.ATTENDANCE_NOT_ENDED,
    errors.ATTENDANCE_NO_HOURS,
    errors.ATTENDANCE_HOURS_MISMATCH,
    errors.ATTENDANCE_SPLIT_MISMATCH,
    errors.ATTENDANCE_NOT_ENROLLED,
    errors.ATTENDANCE_REASON_REQUIRED,
)
def close(
    request: HttpRequest, class_id: Annotated[int, Path(ge=1, le=2**63 - 1)], payload: AttendanceCloseIn
) -> AttendanceClosedOut:
    course_class = _class(request, class_id)
    corrections = {c.registration_id: services.Correction(c.completes, c.reason) for c in payload.corrections}
    done = services.class_close(course_class=course_class, corrections=corrections, actor=request.user)
    completions = list(selectors.completions(course_class))
    return AttendanceClosedOut(
        class_id=class_id,
        closed_at=timezone.localtime(done.closed_at),
        confirmed=len(completions),
        completes=sum(1 for c in completions if c.completes),
        corrected=sum(1 for c in completions if c.corrected),
        completions=[_completion_out(c) for c in completions],
    )
