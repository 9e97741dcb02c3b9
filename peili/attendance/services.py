"""Every write of attendance, completion and certification, each audited.

Closing a class and correcting a completion lock the class row (`select_for_update`), as the
enrolment services do, so a class is closed once and its completions change one at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.attendance import rules, selectors
from peili.attendance.enums import Kind, Mark
from peili.attendance.models import Attendance, ClassClosing, Completion
from peili.catalog.enums import ClassStatus
from peili.catalog.models import ClassSession, CourseClass
from peili.core import audit
from peili.core.errors import Conflict, NotFound, PeiliError
from peili.enrolment.enums import RegistrationStatus
from peili.enrolment.models import Registration
from peili.org.models import Person
from peili.records import services as records
from peili.records.enums import RecordSource

ROSTER_FIELDS = (
    "signed_in_at",
    "signed_in_by",
    "signed_out_at",
    "signed_out_by",
    "late_minutes",
    "early_minutes",
    "leave_hours",
)


def token_key() -> bytes:
    return f"peili.attendance:{settings.SECRET_KEY}".encode()


def qr_period() -> int:
    return int(getattr(settings, "PEILI_ATTENDANCE_QR_SECONDS", 10))


# --- sign-in and sign-out ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Signed:
    attendance: Attendance
    kind: str
    already: bool  # signed before: nothing changed


def _minutes_between(earlier: datetime, later: datetime) -> int:
    return max(int((later - earlier).total_seconds() // 60), 0)


@transaction.atomic
def sign(*, person: Person, session: ClassSession, kind: str, at: datetime, method: str, actor: Any) -> Signed:
    """A learner's own sign-in or sign-out (scanned or typed code). Late arrival and early leave are
    taken from the time against the session's timetable (the organizer may still correct them)."""
    course_class = session.course_class
    if course_class.status != ClassStatus.PUBLISHED:
        raise PeiliError("attendance.class_not_open", _("此班期目前不受理簽到。"))
    local = timezone.localtime(at)
    if local.date() != session.date:
        raise PeiliError("attendance.not_today", _("這個簽到碼不是今天節次的，請掃描現場畫面上的 QR code。"))
    registration = (
        Registration.objects.filter(course_class=course_class, person=person, status=RegistrationStatus.CONFIRMED)
        .order_by()
        .first()
    )
    if registration is None:
        raise PeiliError("attendance.not_enrolled", _("您沒有錄取這個班期，無法簽到。請洽承辦人。"))
    row, _created = Attendance.objects.select_for_update().get_or_create(registration=registration, session=session)
    before = audit.snapshot(row, ROSTER_FIELDS)
    starts = timezone.make_aware(datetime.combine(session.date, session.starts_at))
    ends = timezone.make_aware(datetime.combine(session.date, session.ends_at))
    if kind == Kind.SIGN_IN:
        if row.signed_in_at is not None:
            return Signed(row, kind, True)
        row.signed_in_at, row.signed_in_by = at, method
        row.late_minutes = _minutes_between(starts, at)
    else:
        if row.signed_out_at is not None:
            return Signed(row, kind, True)
        row.signed_out_at, row.signed_out_by = at, method
        row.early_minutes = _minutes_between(at, ends)
    row.save()
    after = audit.snapshot(row, ROSTER_FIELDS)
    changed_before, changed_after = audit.diff(before, after)
    audit.record(actor=actor, action=f"attendance.sign_{kind}", target=row, before=changed_before, after=changed_after)
    return Signed(row, kind, False)


def token_refusal(error: rules.TokenError) -> PeiliError:
    """What a learner is told when a scanned code is refused."""
    if error.code == "attendance.token_expired":
        return PeiliError(error.code, _("這個 QR code 已經過期，請掃描現場畫面上最新的 QR code。"))
    return PeiliError(error.code, _("無法辨識這個 QR code，請掃描現場畫面上的 QR code。"))


def sign_by_token(*, person: Person, token: str, at: datetime, actor: Any) -> Signed:
    """Sign with a scanned QR token: genuine, of the current or previous window."""
    try:
        scan = rules.token_check(token_key(), token, now=at.timestamp(), period=qr_period())
    except rules.TokenError as error:
        raise token_refusal(error) from error
    session = ClassSession.objects.select_related("course_class").filter(pk=scan.session_id).first()
    if session is None:
        raise NotFound("attendance.session_not_found", _("找不到這個節次。"))
    return sign(person=person, session=session, kind=scan.kind, at=at, method=Mark.QR, actor=actor)


def sign_by_code(*, person: Person, code: str, kind: str, at: datetime, actor: Any) -> Signed:
    """Sign with the six-digit code shown under the QR code, among today's sessions of the
    person's confirmed classes."""
    code = code.strip()
    for session in selectors.sessions_today_for(person, timezone.localtime(at).date()):
        if rules.code_matches(token_key(), code, session.pk, kind, now=at.timestamp(), period=qr_period()):
            return sign(person=person, session=session, kind=kind, at=at, method=Mark.CODE, actor=actor)
    raise PeiliError("attendance.code_invalid", _("簽到碼不正確或已過期，請輸入現場畫面上最新的六位數字。"))


# --- the roster -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """What the organizer sets for one person in one session."""

    present: bool
    signed_out: bool
    late_minutes: int
    early_minutes: int
    leave_hours: Decimal


def _require_open(course_class: CourseClass) -> None:
    if course_class.status == ClassStatus.CLOSED:
        raise Conflict("attendance.class_closed", _("此班期已結訓，出勤紀錄不能再修改；請改為更正完訓結果。"))
    if course_class.status != ClassStatus.PUBLISHED:
        raise PeiliError("attendance.class_not_open", _("此班期目前不受理簽到。"))


@transaction.atomic
def roster_save(
    *, session: ClassSession, entries: Mapping[int, RosterEntry], actor: Any, now: datetime | None = None
) -> int:
    """The organizer's ticks and minutes for a session (registration id → entry); returns how many
    people's attendance changed. Each change is audited with what changed."""
    now = now or timezone.now()
    course_class = CourseClass.objects.select_for_update().get(pk=session.course_class_id)
    _require_open(course_class)
    confirmed = set(
        Registration.objects.filter(
            course_class=course_class, status=RegistrationStatus.CONFIRMED, pk__in=list(entries)
        ).values_list("pk", flat=True)
    )
    unknown = set(entries) - confirmed
    if unknown:
        raise PeiliError("attendance.not_enrolled", _("名單中有未錄取本班期的人員，請重新整理後再試。"))
    for entry in entries.values():
        if entry.leave_hours < 0 or entry.leave_hours > session.hours:
            raise PeiliError(
                "attendance.leave_hours",
                _("請假時數須介於 0 與本節時數 %(hours)s 小時之間。") % {"hours": session.hours},
            )
    existing = {
        row.registration_id: row for row in Attendance.objects.filter(session=session, registration_id__in=confirmed)
    }
    changed = 0
    for registration_id, entry in entries.items():
        row = existing.get(registration_id) or Attendance(registration_id=registration_id, session=session)
        before = audit.snapshot(row, ROSTER_FIELDS)
        if entry.present and row.signed_in_at is None:
            row.signed_in_at, row.signed_in_by = now, Mark.ROSTER
        elif not entry.present:
            row.signed_in_at, row.signed_in_by = None, ""
        if entry.signed_out and row.signed_out_at is None:
            row.signed_out_at, row.signed_out_by = now, Mark.ROSTER
        elif not entry.signed_out:
            row.signed_out_at, row.signed_out_by = None, ""
        row.late_minutes, row.early_minutes = entry.late_minutes, entry.early_minutes
        row.leave_hours = entry.leave_hours.quantize(Decimal("0.1"))
        after = audit.snapshot(row, ROSTER_FIELDS)
        changed_before, changed_after = audit.diff(before, after)
        if not changed_after and row.pk:
            continue
        row.save()
        changed += 1
        audit.record(actor=actor, action="attendance.roster", target=row, before=changed_before, after=changed_after)
    return changed


# --- closing a class --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    completes: bool
    reason: str


def _record_data(course_class: CourseClass) -> records.RecordData:
    split = {row.category: row.hours for row in course_class.category_hours.all()}
    return records.RecordData(
        title=course_class.course.title,
        provider=course_class.course.organizer.name,
        start_date=course_class.start_date or course_class.end_date,  # type: ignore[arg-type]
        end_date=course_class.end_date,  # type: ignore[arg-type]
        certified_hours=course_class.certified_hours,
        digital_hours=course_class.digital_hours,
        classroom_hours=course_class.classroom_hours,
        mode=course_class.delivery_mode,
        split=split,
        source=RecordSource.CLASS,
        course_class=course_class,
    )


def _external_key(course_class: CourseClass, person_id: int) -> str:
    return f"class:{course_class.pk}:{person_id}"


def _require_closable(course_class: CourseClass, today: date) -> None:
    if course_class.status == ClassStatus.CLOSED:
        raise Conflict("attendance.already_closed", _("此班期已經結訓。"))
    if course_class.status != ClassStatus.PUBLISHED:
        raise PeiliError("attendance.class_not_open", _("只有已發布的班期可以辦理結訓。"))
    if course_class.end_date is None or course_class.end_date > today:
        raise PeiliError("attendance.not_ended", _("班期結束後才能辦理結訓。"))
    if course_class.certified_hours <= 0:
        raise PeiliError("attendance.no_hours", _("班期尚未設定認證時數，無法結訓。"))
    if course_class.digital_hours + course_class.classroom_hours != course_class.certified_hours:
        raise PeiliError(
            "attendance.hours_mismatch",
            _("班期的數位時數 %(d)s 加實體時數 %(c)s 不等於認證時數 %(h)s，請先修正班期設定。")
            % {"d": course_class.digital_hours, "c": course_class.classroom_hours, "h": course_class.certified_hours},
        )
    split_total = sum((row.hours for row in course_class.category_hours.all()), Decimal(0))
    if split_total != course_class.certified_hours:
        raise PeiliError(
            "attendance.split_mismatch",
            _("各學習類別時數合計 %(total)s 小時，與認證時數 %(hours)s 小時不符，請先修正班期的類別時數。")
            % {"total": split_total, "hours": course_class.certified_hours},
        )


@transaction.atomic
def class_close(
    *,
    course_class: CourseClass,
    corrections: Mapping[int, Correction],
    actor: Any,
    today: date | None = None,
) -> ClassClosing:
    """Close an ended class: apply the absence rule to each confirmed person's attendance, take the
    organizer's corrections (registration id → correction, each with a reason), write a completion
    per person and a learning record per completer, and audit it all."""
    today = today or timezone.localdate()
    locked = CourseClass.objects.select_for_update().select_related("course__organizer").get(pk=course_class.pk)
    _require_closable(locked, today)
    preview = selectors.completion_preview(locked)
    for registration_id, asked in corrections.items():
        if registration_id not in {row.registration.pk for row in preview.rows}:
            raise PeiliError("attendance.not_enrolled", _("名單中有未錄取本班期的人員，請重新整理後再試。"))
        if not asked.reason.strip():
            raise PeiliError("attendance.reason_required", _("更正完訓結果須說明原因。"))
    now = timezone.now()
    closing = ClassClosing.objects.create(course_class=locked, closed_at=now, closed_by=_user(actor))
    data = _record_data(locked)
    completions: list[Completion] = []
    completers: list[tuple[Person, records.RecordData]] = []
    for row in preview.rows:
        correction = corrections.get(row.registration.pk)
        completes = correction.completes if correction else row.outcome.completes
        completion = Completion(
            closing=closing,
            registration=row.registration,
            attended_hours=rules.hours_value(row.outcome.tally.attended),
            leave_hours=rules.hours_value(row.outcome.tally.leave),
            unexcused_hours=rules.hours_value(row.outcome.tally.unexcused),
            rule_completes=row.outcome.completes,
            rule_reason=row.outcome.reason,
            completes=completes,
            correction_reason=correction.reason.strip()[:300]
            if correction and completes != row.outcome.completes
            else "",
        )
        completions.append(completion)
        if completes:
            completers.append((row.registration.person, _with_key(data, locked, row.registration.person_id)))
    written = records.records_write(items=completers, actor=actor, note=_("結訓"))
    by_person = {record.person_id: record for record in written}
    for completion in completions:
        completion.record = by_person.get(completion.registration.person_id)
    Completion.objects.bulk_create(completions)
    CourseClass.objects.filter(pk=locked.pk).update(status=ClassStatus.CLOSED)
    for completion in completions:
        if completion.corrected:
            audit.record(
                actor=actor,
                action="completion.correct",
                target=completion,
                before={"completes": completion.rule_completes, "reason": completion.rule_reason},
                after={"completes": completion.completes},
                note=completion.correction_reason,
            )
    audit.record(
        actor=actor,
        action="class.close",
        target=locked,
        after={
            "confirmed": len(completions),
            "completes": sum(1 for c in completions if c.completes),
            "corrected": sum(1 for c in completions if c.corrected),
        },
    )
    return closing


def _with_key(data: records.RecordData, course_class: CourseClass, person_id: int) -> records.RecordData:
    return replace(data, external_key=_external_key(course_class, person_id))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def completion_correct(*, completion: Completion, completes: bool, reason: str, actor: Any) -> Completion:
    """Change one person's completion after the class closed, with a reason: a new completer gets
    a learning record; a withdrawn one's record leaves the ledger (kept, with the reason)."""
    if not reason.strip():
        raise PeiliError("attendance.reason_required", _("更正完訓結果須說明原因。"))
    CourseClass.objects.select_for_update().filter(pk=completion.closing.course_class_id).first()
    current = Completion.objects.select_related(
        "registration__person__agency", "closing__course_class__course__organizer"
    ).get(pk=completion.pk)
    if current.completes == completes:
        raise Conflict("attendance.nothing_to_correct", _("完訓結果沒有改變。"))
    before = {"completes": current.completes, "record": current.record_id}
    if completes:
        course_class = current.closing.course_class
        data = _with_key(_record_data(course_class), course_class, current.registration.person_id)
        (record,) = records.records_write(items=[(current.registration.person, data)], actor=actor, note=reason)
        current.record = record
    elif current.record is not None:
        records.record_withdraw(record=current.record, reason=reason, actor=actor)
        current.record = None
    current.completes = completes
    current.correction_reason = reason.strip()[:300]
    current.save(update_fields=["completes", "correction_reason", "record"])
    audit.record(
        actor=actor,
        action="completion.correct",
        target=current,
        before=before,
        after={"completes": completes, "record": current.record_id},
        note=reason,
    )
    return current


# --- certification ----------------------------------------------------------------------------------


@transaction.atomic
def certification_mark_uploaded(*, closings: Iterable[ClassClosing], on: date, actor: Any) -> int:
    """Mark classes' hours as uploaded to the national portal on `on` (a batch); returns how many."""
    if on > timezone.localdate():
        raise PeiliError("attendance.upload_in_future", _("上傳日期不能晚於今天。"))
    count = 0
    for closing in closings:
        before = {"uploaded_on": closing.uploaded_on}
        ClassClosing.objects.filter(pk=closing.pk).update(uploaded_on=on, uploaded_by=_user(actor))
        audit.record(
            actor=actor,
            action="certification.uploaded",
            target=closing.course_class,
            before=before,
            after={"uploaded_on": on},
        )
        count += 1
    return count
