"""Every write of attendance, completion and certification, each audited.

Closing a class and correcting a completion lock the class row (`select_for_update`), as the
enrolment services do, so a class is closed once and its completions change one at a time.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.attendance import rules, selectors
from peili.attendance.codes import Action, Error
from peili.attendance.enums import Kind, Mark
from peili.attendance.models import Attendance, ClassClosing, Completion
from peili.catalog.enums import ClassStatus
from peili.catalog.models import ClassSession, CourseClass
from peili.core import audit, locking, throttle
from peili.core.errors import Conflict, NotFound, PeiliError, PermissionDenied
from peili.core.models import AuditEntry
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
    "leave_minutes",
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


def _minutes_between(earlier: datetime, later: datetime, *, most: int) -> int:
    """Whole minutes from `earlier` to `later`, between 0 and `most` (the session's length: someone
    signing in after the session ended missed all of it, and no more)."""
    return min(max(int((later - earlier).total_seconds() // 60), 0), most)


def session_length(session: ClassSession) -> int:
    """The session's length on the timetable in minutes: the most late arrival or early leave."""
    return rules.length_minutes(session.starts_at, session.ends_at)


def session_leave_limit(session: ClassSession) -> int:
    """The most leave one person can take in the session, in minutes (its certified hours)."""
    return rules.hours_minutes(session.hours)


def _starts(session: ClassSession) -> datetime:
    return timezone.make_aware(datetime.combine(session.date, session.starts_at))


def opens_at(session: ClassSession) -> datetime:
    """When signing in and out of a session opens (PEILI_ATTENDANCE_OPENS_MINUTES before it starts)."""
    return rules.sign_opens_at(_starts(session), settings.PEILI_ATTENDANCE_OPENS_MINUTES)


def _refusal(code: str, session: ClassSession) -> PeiliError:
    if code == "attendance.not_open_yet":
        return PeiliError(
            code,
            _("這一節 %(starts)s 開始，%(opens)s 起才能簽到或簽退，請屆時再掃描或輸入簽到碼。")
            % {"starts": f"{session.starts_at:%H:%M}", "opens": f"{timezone.localtime(opens_at(session)):%H:%M}"},
        )
    return PeiliError(code, _("您這一節還沒有簽到，不能簽退。請先簽到；已到場卻無法簽到者，請洽現場承辦人。"))


_SIGN_ACTION: dict[str, str] = {Kind.SIGN_IN: Action.SIGN_IN, Kind.SIGN_OUT: Action.SIGN_OUT}


@transaction.atomic
def sign(*, person: Person, session: ClassSession, kind: str, at: datetime, method: str, actor: Any) -> Signed:
    """A learner's own sign-in or sign-out (scanned or typed code). Accepted from
    PEILI_ATTENDANCE_OPENS_MINUTES before the session starts, and a sign-out only after a sign-in
    (`rules.sign_refusal`). Late arrival and early leave are taken from the time against the
    session's timetable (the organizer may still correct them)."""
    course_class = session.course_class
    if course_class.status != ClassStatus.PUBLISHED:
        raise PeiliError(Error.ATTENDANCE_CLASS_NOT_OPEN, _("此班期目前不受理簽到。"))
    local = timezone.localtime(at)
    if local.date() != session.date:
        raise PeiliError(Error.ATTENDANCE_NOT_TODAY, _("這個簽到碼不是今天節次的，請掃描現場畫面上的 QR code。"))
    registration = (
        Registration.objects.filter(course_class=course_class, person=person, status=RegistrationStatus.CONFIRMED)
        .order_by()
        .first()
    )
    if registration is None:
        raise PeiliError(Error.ATTENDANCE_NOT_ENROLLED, _("您沒有錄取這個班期，無法簽到。請洽承辦人。"))
    row = locking.lock_first(Attendance.objects.filter(registration=registration, session=session))
    refusal = rules.sign_refusal(
        kind=kind,
        at=at,
        starts=_starts(session),
        opens_minutes=settings.PEILI_ATTENDANCE_OPENS_MINUTES,
        signed_in=row is not None and row.signed_in_at is not None,
    )
    if refusal:
        raise _refusal(refusal, session)
    if row is None:
        with locking.translated():  # under the wait bound lock_first set for this transaction
            row, _created = Attendance.objects.select_for_update().get_or_create(
                registration=registration, session=session
            )
    row.session = session  # the caller's object (and its class), not read again
    before = audit.snapshot(row, ROSTER_FIELDS)
    ends = timezone.make_aware(datetime.combine(session.date, session.ends_at))
    if kind == Kind.SIGN_IN:
        if row.signed_in_at is not None:
            return Signed(row, kind, True)
        row.signed_in_at, row.signed_in_by = at, method
        row.late_minutes = _minutes_between(_starts(session), at, most=session_length(session))
    else:
        if row.signed_out_at is not None:
            return Signed(row, kind, True)
        row.signed_out_at, row.signed_out_by = at, method
        row.early_minutes = _minutes_between(at, ends, most=session_length(session))
    row.save()
    after = audit.snapshot(row, ROSTER_FIELDS)
    changed_before, changed_after = audit.diff(before, after)
    audit.record(actor=actor, action=_SIGN_ACTION[kind], target=row, before=changed_before, after=changed_after)
    return Signed(row, kind, False)


def token_refusal(error: rules.TokenError) -> PeiliError:
    """What a learner is told when a scanned code is refused."""
    if error.code == "attendance.token_expired":
        return PeiliError(error.code, _("這個 QR code 已經過期，請掃描現場畫面上最新的 QR code。"))
    return PeiliError(error.code, _("無法辨識這個 QR code，請掃描現場畫面上的 QR code。"))


def _scan(token: str, at: datetime) -> rules.Scan:
    try:
        return rules.token_check(token_key(), token, now=at.timestamp(), period=qr_period())
    except rules.TokenError as error:
        raise token_refusal(error) from error


def _session_of(session_id: int) -> ClassSession:
    session = ClassSession.objects.select_related("course_class").filter(pk=session_id).first()
    if session is None:
        raise NotFound(Error.ATTENDANCE_SESSION_NOT_FOUND, _("找不到這個節次。"))
    return session


def sign_by_token(*, person: Person, token: str, at: datetime, actor: Any) -> Signed:
    """Sign with a scanned QR token: genuine, of the current or previous window."""
    scan = _scan(token, at)
    return sign(person=person, session=_session_of(scan.session_id), kind=scan.kind, at=at, method=Mark.QR, actor=actor)


# --- scan tickets -------------------------------------------------------------------------------------
#
# A QR code lives ten-odd seconds, but a learner whose phone is not signed in to Peili needs longer:
# the scan is held in a signed ticket for TICKET_SECONDS and confirmed with one tap. The ticket
# belongs to whoever scanned: the account signed in on the phone, or — when nobody was — the
# browser that scanned, which keeps the ticket's nonce in its session (signing in keeps the
# session's data; another phone, or signing out, does not). A ticket's link sent to a friend signs
# nobody in.

TICKET_SALT = "peili.attendance.ticket"
TICKET_SECONDS = 300  # a scan must be confirmed within five minutes (time to sign in first)


@dataclass(frozen=True)
class HeldTicket:
    text: str  # the signed ticket (in the confirmation page's URL)
    nonce: str  # kept in the scanning browser's session when nobody was signed in


@dataclass(frozen=True)
class Ticket:
    session_id: int
    kind: str
    scanned_at: datetime


def ticket_issue(*, token: str, user: Any, at: datetime) -> HeldTicket:
    """Hold a fresh scan in a ticket for the account signed in (`user`), or for the browser that
    keeps the returned nonce when `user` is anonymous or None."""
    scan = _scan(token, at)
    nonce = secrets.token_urlsafe(16)
    owner = user.pk if getattr(user, "is_authenticated", False) else None
    payload = {"s": scan.session_id, "k": scan.kind, "t": at.timestamp(), "u": owner, "n": nonce}
    return HeldTicket(signing.dumps(payload, salt=TICKET_SALT), nonce)


def ticket_read(*, ticket: str, user: Any, held: Collection[str], at: datetime) -> Ticket:
    """The scan a ticket holds, for the account it was made for (or, made before signing in, for
    the browser holding its nonce in `held`); refused when forged, older than TICKET_SECONDS, or
    someone else's."""
    try:
        payload = signing.loads(ticket, salt=TICKET_SALT)
        session_id, kind, scanned = int(payload["s"]), str(payload["k"]), float(payload["t"])
        owner, nonce = payload.get("u"), str(payload.get("n", ""))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise PeiliError(
            Error.ATTENDANCE_TOKEN_INVALID, _("無法辨識這個 QR code，請掃描現場畫面上的 QR code。")
        ) from None
    if kind not in Kind.values:
        raise PeiliError(Error.ATTENDANCE_TOKEN_INVALID, _("無法辨識這個 QR code，請掃描現場畫面上的 QR code。"))
    if at.timestamp() - scanned > TICKET_SECONDS:
        raise PeiliError(Error.ATTENDANCE_TICKET_EXPIRED, _("掃描後超過五分鐘未確認，請重新掃描現場畫面上的 QR code。"))
    mine = owner == user.pk if owner is not None else bool(nonce) and nonce in held
    if not mine or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(
            Error.ATTENDANCE_TICKET_NOT_YOURS,
            _(
                "這個簽到連結是另一個帳號或另一支手機掃描的，不能用來簽到。"
                "請用您自己的手機、以自己的帳號掃描現場的 QR code。"
            ),
        )
    return Ticket(session_id, kind, datetime.fromtimestamp(scanned, tz=UTC))


def sign_by_ticket(*, person: Person, ticket: Ticket, actor: Any) -> Signed:
    """Sign with a held scan (`ticket_read`), at the time of the scan."""
    return sign(
        person=person,
        session=_session_of(ticket.session_id),
        kind=ticket.kind,
        at=ticket.scanned_at,
        method=Mark.QR,
        actor=actor,
    )


# --- the typed six-digit code ---------------------------------------------------------------------
#
# Six digits can be guessed: wrong codes are counted per person and per session in the cache
# (`peili.core.throttle`) and each leaves an audit entry on the session, which the organizer's
# roster lists. Past PEILI_ATTENDANCE_CODE_MAX_FAILURES wrong codes a person may type no code until
# the lock ends (PEILI_ATTENDANCE_CODE_LOCK_SECONDS); past PEILI_ATTENDANCE_CODE_SESSION_MAX_FAILURES
# in one session (many accounts guessing together) nobody may type that session's code until then.
# Scanning and the organizer's roster still work.


def _person_key(person_id: int) -> str:
    return f"attendance-code:person:{person_id}"


def _session_key(session_id: int) -> str:
    return f"attendance-code:session:{session_id}"


def code_failures(person: Person) -> int:
    """How many wrong codes are remembered for a person now."""
    return throttle.count(_person_key(person.pk))


def code_paused_until(session: ClassSession, *, at: datetime | None = None) -> datetime | None:
    """Until when typed codes are refused for the whole session, if they are now."""
    until = throttle.locked_until([_session_key(session.pk)], now=(at or timezone.now()).timestamp())
    return datetime.fromtimestamp(until, tz=UTC) if until else None


def _retry_time(until: float) -> str:
    """The local time (HH:MM) from which trying again works: the lock's end rounded up to the minute."""
    moment = timezone.localtime(datetime.fromtimestamp(until, tz=UTC))
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{moment:%H:%M}"


def _throttled(scope: str, until: float) -> PeiliError:
    if scope == "person":
        message = _("簽到碼輸入錯誤次數過多，請於 %(time)s 後再試；也可以掃描 QR code 或洽現場承辦人。")
    else:
        message = _(
            "這一節的簽到碼輸入錯誤次數過多，暫停以簽到碼簽到，"
            "請於 %(time)s 後再試；也可以掃描 QR code 或洽現場承辦人。"
        )
    retry_at = datetime.fromtimestamp(until, tz=UTC).isoformat()
    return PeiliError(
        Error.ATTENDANCE_CODE_THROTTLED,
        message % {"time": _retry_time(until)},
        status=429,
        details={"scope": scope, "retry_at": retry_at},
    )


def _audit_code(
    *, action: str, person: Person, sessions: list[ClassSession], after: dict[str, Any], actor: Any
) -> None:
    """One entry per session the code could have been for (the organizer's roster reads them), or
    one on the person when no session of theirs was open."""
    with transaction.atomic():
        for session in sessions:
            audit.record(actor=actor, action=action, target=session, after=after)
        if not sessions:
            audit.record(
                actor=actor,
                action=action,
                object_type="org.person",
                object_id=str(person.pk),
                object_repr=person.name,
                after=after,
            )


def _wrong_code(*, person: Person, sessions: list[ClassSession], kind: str, at: datetime, actor: Any) -> PeiliError:
    """Count and audit a wrong code; the refusal to raise (throttled when this one reached a limit)."""
    _audit_code(
        action=Action.CODE_WRONG,
        person=person,
        sessions=sessions,
        after={"person": person.pk, "kind": kind},
        actor=actor,
    )
    seconds = settings.PEILI_ATTENDANCE_CODE_LOCK_SECONDS
    now = at.timestamp()
    person_until = throttle.hit(
        [throttle.Limit(_person_key(person.pk), settings.PEILI_ATTENDANCE_CODE_MAX_FAILURES, seconds)], now=now
    )
    locked_sessions = [
        session
        for session in sessions
        if throttle.hit(
            [throttle.Limit(_session_key(session.pk), settings.PEILI_ATTENDANCE_CODE_SESSION_MAX_FAILURES, seconds)],
            now=now,
        )
    ]
    if person_until:
        after = {"person": person.pk, "kind": kind, "scope": "person"}
        _audit_code(action=Action.CODE_THROTTLED, person=person, sessions=sessions, after=after, actor=actor)
        return _throttled("person", person_until)
    if locked_sessions:
        after = {"person": person.pk, "kind": kind, "scope": "session"}
        _audit_code(action=Action.CODE_THROTTLED, person=person, sessions=locked_sessions, after=after, actor=actor)
        return _throttled("session", now + seconds)
    return PeiliError(Error.ATTENDANCE_CODE_INVALID, _("簽到碼不正確或已過期，請輸入現場畫面上最新的六位數字。"))


def sign_by_code(
    *, person: Person, code: str, kind: str, at: datetime, actor: Any, session_id: int | None = None
) -> Signed:
    """Sign with the six-digit code shown under the QR code, among today's sessions of the
    person's confirmed classes (or only the one `session_id` names, which must be one of them) —
    unless the person, or an open session of theirs, is locked for wrong codes. Not one transaction
    on purpose: a wrong code's count and audit entry stay although the call fails."""
    code = code.strip()
    now = at.timestamp()
    sessions = list(selectors.sessions_today_for(person, timezone.localtime(at).date()))
    if session_id is not None:
        sessions = [session for session in sessions if session.pk == session_id]
        if not sessions:
            raise NotFound(Error.ATTENDANCE_SESSION_NOT_FOUND, _("找不到這個節次：今天您錄取的班期沒有這一節。"))
    open_sessions = [session for session in sessions if at >= opens_at(session)]
    until = throttle.locked_until([_person_key(person.pk)], now=now)
    if until:
        raise _throttled("person", until)
    until = throttle.locked_until([_session_key(session.pk) for session in open_sessions], now=now)
    if until:
        raise _throttled("session", until)
    for session in sessions:
        if rules.code_matches(token_key(), code, session.pk, kind, now=now, period=qr_period()):
            signed = sign(person=person, session=session, kind=kind, at=at, method=Mark.CODE, actor=actor)
            throttle.clear([_person_key(person.pk)])
            return signed
    raise _wrong_code(person=person, sessions=open_sessions, kind=kind, at=at, actor=actor)


# --- the roster -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """What the organizer sets for one person in one session (late, early and leave in minutes)."""

    present: bool
    signed_out: bool
    late_minutes: int
    early_minutes: int
    leave_minutes: int


ROSTER_BATCH = 500  # rows per INSERT or UPDATE when a roster is saved


def _require_open(course_class: CourseClass) -> None:
    if course_class.status == ClassStatus.CLOSED:
        raise Conflict(Error.ATTENDANCE_CLASS_CLOSED, _("此班期已結訓，出勤紀錄不能再修改；請改為更正完訓結果。"))
    if course_class.status != ClassStatus.PUBLISHED:
        raise PeiliError(Error.ATTENDANCE_CLASS_NOT_OPEN, _("此班期目前不受理簽到。"))


def _check_minutes(session: ClassSession, entries: Mapping[int, RosterEntry]) -> None:
    """Late and early minutes within the session's length, leave within its hours (in minutes);
    refused with the first person and field that is not (`details`), nothing written."""
    length, limit = session_length(session), session_leave_limit(session)
    for registration_id, entry in sorted(entries.items()):
        for field in ("late_minutes", "early_minutes"):
            value = getattr(entry, field)
            if not 0 <= value <= length:
                raise PeiliError(
                    Error.ATTENDANCE_TARDY_MINUTES,
                    _("遲到、早退分鐘數須介於 0 與本節長度 %(minutes)s 分鐘之間。") % {"minutes": length},
                    details={"registration_id": registration_id, "field": field, "max": length},
                )
        if not 0 <= entry.leave_minutes <= limit:
            raise PeiliError(
                Error.ATTENDANCE_LEAVE_MINUTES,
                _("請假分鐘數須介於 0 與本節時數 %(minutes)s 分鐘之間。") % {"minutes": limit},
                details={"registration_id": registration_id, "field": "leave_minutes", "max": limit},
            )


@transaction.atomic
def roster_save(
    *, session: ClassSession, entries: Mapping[int, RosterEntry], actor: Any, now: datetime | None = None
) -> int:
    """The organizer's ticks and minutes for a session (registration id → entry); returns how many
    people's attendance changed. Each change is audited with what changed; an entry that changes
    nothing writes nothing (a page of the roster saved as it was)."""
    now = now or timezone.now()
    course_class = locking.lock_row(CourseClass, pk=session.course_class_id)
    _require_open(course_class)
    confirmed = set(
        Registration.objects.filter(
            course_class=course_class, status=RegistrationStatus.CONFIRMED, pk__in=list(entries)
        ).values_list("pk", flat=True)
    )
    unknown = set(entries) - confirmed
    if unknown:
        raise PeiliError(Error.ATTENDANCE_NOT_ENROLLED, _("名單中有未錄取本班期的人員，請重新整理後再試。"))
    _check_minutes(session, entries)
    existing = {
        row.registration_id: row for row in Attendance.objects.filter(session=session, registration_id__in=confirmed)
    }
    new_rows: list[tuple[Attendance, dict[str, Any], dict[str, Any]]] = []
    changed_rows: list[tuple[Attendance, dict[str, Any], dict[str, Any]]] = []
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
        row.leave_minutes = entry.leave_minutes
        changed_before, changed_after = audit.diff(before, audit.snapshot(row, ROSTER_FIELDS))
        if not changed_after:
            continue  # as it was — for someone without a row, as a blank row would be: nothing to write
        row.updated_at = now
        (changed_rows if row.pk else new_rows).append((row, changed_before, changed_after))
    # In batches, not a query or two per person: the API marks a whole class of 2,000 at once.
    Attendance.objects.bulk_create([row for row, _b, _a in new_rows], batch_size=ROSTER_BATCH)
    Attendance.objects.bulk_update(
        [row for row, _b, _a in changed_rows], [*ROSTER_FIELDS, "updated_at"], batch_size=ROSTER_BATCH
    )
    AuditEntry.objects.bulk_create(
        [
            audit.entry(actor=actor, action=Action.ROSTER, target=row, before=before, after=after)
            for row, before, after in new_rows + changed_rows
        ],
        batch_size=ROSTER_BATCH,
    )
    return len(new_rows) + len(changed_rows)


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
        raise Conflict(Error.ATTENDANCE_ALREADY_CLOSED, _("此班期已經結訓。"))
    if course_class.status != ClassStatus.PUBLISHED:
        raise PeiliError(Error.ATTENDANCE_CLASS_NOT_OPEN, _("只有已發布的班期可以辦理結訓。"))
    if course_class.end_date is None or course_class.end_date > today:
        raise PeiliError(Error.ATTENDANCE_NOT_ENDED, _("班期結束後才能辦理結訓。"))
    if course_class.certified_hours <= 0:
        raise PeiliError(Error.ATTENDANCE_NO_HOURS, _("班期尚未設定認證時數，無法結訓。"))
    if course_class.digital_hours + course_class.classroom_hours != course_class.certified_hours:
        raise PeiliError(
            Error.ATTENDANCE_HOURS_MISMATCH,
            _("班期的數位時數 %(d)s 加實體時數 %(c)s 不等於認證時數 %(h)s，請先修正班期設定。")
            % {"d": course_class.digital_hours, "c": course_class.classroom_hours, "h": course_class.certified_hours},
        )
    split_total = sum((row.hours for row in course_class.category_hours.all()), Decimal(0))
    if split_total != course_class.certified_hours:
        raise PeiliError(
            Error.ATTENDANCE_SPLIT_MISMATCH,
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
    locked = locking.lock_row(CourseClass.objects.select_related("course__organizer"), pk=course_class.pk)
    _require_closable(locked, today)
    preview = selectors.completion_preview(locked)
    for registration_id, asked in corrections.items():
        if registration_id not in {row.registration.pk for row in preview.rows}:
            raise PeiliError(Error.ATTENDANCE_NOT_ENROLLED, _("名單中有未錄取本班期的人員，請重新整理後再試。"))
        if not asked.reason.strip():
            raise PeiliError(Error.ATTENDANCE_REASON_REQUIRED, _("更正完訓結果須說明原因。"))
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
            attended_minutes=rules.minutes(row.outcome.tally.attended),
            leave_minutes=rules.minutes(row.outcome.tally.leave),
            unexcused_minutes=rules.minutes(row.outcome.tally.unexcused),
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
                action=Action.COMPLETION_CORRECT,
                target=completion,
                before={"completes": completion.rule_completes, "reason": completion.rule_reason},
                after={"completes": completion.completes},
                note=completion.correction_reason,
            )
    audit.record(
        actor=actor,
        action=Action.CLASS_CLOSE,
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
        raise PeiliError(Error.ATTENDANCE_REASON_REQUIRED, _("更正完訓結果須說明原因。"))
    locking.lock_first(CourseClass.objects.filter(pk=completion.closing.course_class_id))
    current = Completion.objects.select_related(
        "registration__person__agency", "closing__course_class__course__organizer"
    ).get(pk=completion.pk)
    if current.completes == completes:
        raise Conflict(Error.ATTENDANCE_NOTHING_TO_CORRECT, _("完訓結果沒有改變。"))
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
        action=Action.COMPLETION_CORRECT,
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
        raise PeiliError(Error.ATTENDANCE_UPLOAD_IN_FUTURE, _("上傳日期不能晚於今天。"))
    count = 0
    for closing in closings:
        before = {"uploaded_on": closing.uploaded_on}
        ClassClosing.objects.filter(pk=closing.pk).update(uploaded_on=on, uploaded_by=_user(actor))
        audit.record(
            actor=actor,
            action=Action.CERTIFICATION_UPLOADED,
            target=closing.course_class,
            before=before,
            after={"uploaded_on": on},
        )
        count += 1
    return count
