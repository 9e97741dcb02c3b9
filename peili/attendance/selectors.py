"""Reads for attendance, completion and certification."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.attendance import conditions, rules
from peili.attendance.codes import Action, Error
from peili.attendance.models import Attendance, ClassClosing, Completion
from peili.catalog.enums import ClassStatus
from peili.catalog.models import ClassSession, CourseClass
from peili.catalog.selectors import class_rule, class_split, classes_for_manager
from peili.core.codes import Error as CoreError
from peili.core.errors import Conflict, NotFound
from peili.core.models import AuditEntry
from peili.core.permissions import check, visible_to
from peili.core.selectors import working_calendar
from peili.core.workdays import WorkingCalendar
from peili.enrolment.enums import RegistrationStatus
from peili.enrolment.models import Registration
from peili.org.models import Person
from peili.org.scopes import grants_for
from peili.policy.schema import AbsenceRule, HoursRule, Pack, PortalFormat
from peili.policy.selectors import effective_pack
from peili.records import rules as record_rules
from peili.records.enums import CertificationStatus
from peili.records.portal import PortalRow


def sessions_today_for(person: Person, today: date) -> QuerySet[ClassSession]:
    """Today's sessions of the classes the person is confirmed in (where a typed code may apply)."""
    classes = Registration.objects.filter(person=person, status=RegistrationStatus.CONFIRMED).values("course_class_id")
    return ClassSession.objects.filter(
        course_class_id__in=classes, date=today, course_class__status=ClassStatus.PUBLISHED
    ).select_related("course_class")


def today_card(user: Any, today: date) -> dict[str, Any] | None:
    """The home page's card for a learner with class today: what, when, and the sign-in page."""

    person_id = grants_for(user).person_id
    if person_id is None:
        return None
    sessions = list(
        ClassSession.objects.filter(
            course_class__registrations__person_id=person_id,
            course_class__registrations__status=RegistrationStatus.CONFIRMED,
            course_class__status=ClassStatus.PUBLISHED,
            date=today,
        )
        .select_related("course_class__course")
        .order_by("starts_at")
    )
    if not sessions:
        return None
    text = "、".join(f"{s.starts_at:%H:%M} {s.course_class.course.title}" for s in sessions)
    return {
        "title": _("今天的課程"),
        "figure": len(sessions),
        "text": text + _("。到場請掃描現場的 QR code 簽到。"),
        "url": reverse("attendance:code"),
        "link": _("輸入簽到碼"),
    }


def class_for_manager(user: Any, class_id: int) -> CourseClass | None:
    """A class the user may take attendance of and close (`attendance.manage_object`), else None."""
    course_class = CourseClass.objects.select_related("course__organizer__jurisdiction").filter(pk=class_id).first()
    if course_class is None or not user.has_perm("attendance.manage_object", course_class):
        return None
    return course_class


def session_for_manager(user: Any, session_id: int) -> ClassSession | None:
    return (
        ClassSession.objects.select_related("course_class__course__organizer", "venue")
        .filter(pk=session_id, course_class__in=classes_for_manager(user))
        .first()
    )


def managed_class_for_user(user: Any, class_id: int) -> CourseClass:
    """A class whose attendance the user takes (sessions and venues loaded), for the pages:
    `attendance.class_not_found`, or `permission.denied` when another body's."""
    found = (
        CourseClass.objects.select_related("course__organizer__jurisdiction")
        .prefetch_related("sessions__venue")
        .filter(pk=class_id)
        .first()
    )
    return visible_to(user, "attendance.manage_object", found, _class_not_found())


def managed_session_for_user(user: Any, session_id: int) -> ClassSession:
    """A session whose attendance the user takes, for the pages: `attendance.session_not_found`,
    or `permission.denied` when its class is another body's."""
    session = (
        ClassSession.objects.select_related("course_class__course__organizer", "venue").filter(pk=session_id).first()
    )
    if session is None:
        raise _session_not_found()
    check(user, "attendance.manage_object", session.course_class)
    return session


def completion_for_user(user: Any, completion_id: int) -> Completion:
    """A completion result to correct: not found, or `permission.denied` when its class is another
    body's."""
    completion = (
        Completion.objects.select_related("closing__course_class__course__organizer", "registration__person")
        .filter(pk=completion_id)
        .first()
    )
    if completion is None:
        raise NotFound(CoreError.NOT_FOUND, _("找不到此資源。"))
    check(user, "attendance.manage_object", completion.closing.course_class)
    return completion


def ticket_session(session_id: int) -> ClassSession:
    """The session a valid sign-in ticket names (the ticket is the permission)."""
    session = ClassSession.objects.select_related("course_class__course", "venue").filter(pk=session_id).first()
    if session is None:
        raise _session_not_found()
    return session


def person_signing(user: Any) -> Person | None:
    """The user's own person record with their agency (None without one)."""
    person_id = grants_for(user).person_id
    return Person.objects.select_related("agency").filter(pk=person_id).first() if person_id else None


def _class_not_found() -> NotFound:
    return NotFound(Error.ATTENDANCE_CLASS_NOT_FOUND, _("找不到此班期。"))


def _session_not_found() -> NotFound:
    return NotFound(Error.ATTENDANCE_SESSION_NOT_FOUND, _("找不到這個節次。"))


def confirmed(course_class: CourseClass, *, name: str = "") -> QuerySet[Registration]:
    """Everyone confirmed in the class, in the roster's order (those whose name holds `name`)."""
    found = (
        Registration.objects.filter(course_class=course_class, status=RegistrationStatus.CONFIRMED)
        .select_related("person__agency", "person__unit")
        .order_by("person__agency__path", "person__name", "pk")
    )
    return found.filter(person__name__contains=name) if name else found


@dataclass(frozen=True)
class RosterLine:
    registration: Registration
    attendance: Attendance | None


def roster(session: ClassSession) -> list[RosterLine]:
    """Everyone confirmed in the session's class with their attendance in it (two queries)."""
    return roster_lines(session, list(confirmed(session.course_class)))


def roster_lines(session: ClassSession, registrations: Sequence[Registration]) -> list[RosterLine]:
    """The given people (a page of `confirmed(...)`) with their attendance in the session (one query)."""
    marks = {
        row.registration_id: row
        for row in Attendance.objects.filter(session=session, registration_id__in=[r.pk for r in registrations])
    }
    return [RosterLine(r, marks.get(r.pk)) for r in registrations]


def confirmed_among(course_class: CourseClass, ids: Sequence[int]) -> list[Registration]:
    """Those of the registrations `ids` that are confirmed in the class, in the roster's order."""
    return list(confirmed(course_class).filter(pk__in=list(ids)))


@dataclass(frozen=True)
class WrongCodeLine:
    """One person's wrong typed codes in a session (from the audit log)."""

    person_id: int
    name: str
    count: int
    last: datetime
    throttled: bool  # locked out of typing codes for it at least once


def wrong_codes(session: ClassSession) -> list[WrongCodeLine]:
    """Who typed wrong sign-in codes for the session, most first (two queries). Each wrong code leaves
    an `attendance.code_wrong` audit entry on the session; `attendance.code_throttled` marks a lock."""
    entries = AuditEntry.objects.filter(
        object_type=ClassSession._meta.label_lower,
        object_id=str(session.pk),
        action__in=(Action.CODE_WRONG, Action.CODE_THROTTLED),
    ).values_list("action", "after", "at")
    counts: dict[int, int] = {}
    last: dict[int, datetime] = {}
    throttled: set[int] = set()
    for action, after, at in entries:
        person_id = int((after or {}).get("person") or 0)
        if action == Action.CODE_THROTTLED:
            if (after or {}).get("scope") == "person":
                throttled.add(person_id)
            continue
        counts[person_id] = counts.get(person_id, 0) + 1
        last[person_id] = max(last.get(person_id, at), at)
    names = dict(Person.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    lines = [
        WrongCodeLine(person_id, names.get(person_id, ""), n, last[person_id], person_id in throttled)
        for person_id, n in counts.items()
    ]
    return sorted(lines, key=lambda line: (-line.count, line.name, line.person_id))


def signed_count(session: ClassSession, kind: str) -> int:
    return signed_counts(session.course_class_id, kind, session_id=session.pk).get(session.pk, 0)


def signed_counts(course_class_id: int, kind: str, *, session_id: int | None = None) -> dict[int, int]:
    """Session id → how many confirmed people have signed in (or out): one grouped query for a
    whole class (or one session of it)."""
    field = "signed_in_at" if kind == "in" else "signed_out_at"
    marks = Attendance.objects.filter(
        session__course_class_id=course_class_id,
        registration__status=RegistrationStatus.CONFIRMED,
        **{f"{field}__isnull": False},
    )
    if session_id is not None:
        marks = marks.filter(session_id=session_id)
    return dict(marks.order_by().values("session_id").annotate(n=Count("id")).values_list("session_id", "n"))


# --- completion --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionLine:
    registration: Registration
    outcome: rules.Outcome
    sessions_present: int
    missing_sign_out: int  # sessions signed in, not out, where others did sign out
    statuses: Mapping[str, str] = field(default_factory=dict)  # condition key → the person's status
    labels: Mapping[str, str] = field(default_factory=dict)  # condition key → that status in words

    @property
    def reflection_status(self) -> str:
        """The person's reflection when the class requires one ("" not started)."""
        return self.statuses.get(conditions.REFLECTION, "")

    @property
    def reflection_label(self) -> str:
        return self.labels.get(conditions.REFLECTION, "")


@dataclass(frozen=True)
class CompletionPreview:
    course_class: CourseClass
    rule: AbsenceRule | None
    sessions: int
    rows: list[CompletionLine]
    conditions: Mapping[str, conditions.ConditionState] = field(default_factory=dict)  # those the class requires

    @property
    def reflection_required(self) -> bool:
        """The class requires a written reflection (心得寫作)."""
        return conditions.REFLECTION in self.conditions

    @property
    def reflection_gates(self) -> bool:
        """… and the pack makes its acceptance a condition of completion."""
        state = self.conditions.get(conditions.REFLECTION)
        return state is not None and state.gates

    @property
    def completes(self) -> int:
        return sum(1 for row in self.rows if row.outcome.completes)


def _pack(course_class: CourseClass) -> Pack:
    year = (course_class.end_date or course_class.start_date or timezone.localdate()).year
    return effective_pack(course_class.course.organizer.jurisdiction, year)


def absence_rule(course_class: CourseClass) -> AbsenceRule | None:
    """The absence rule of the organizer's jurisdiction in the class's year (None: the pack has no
    attendance section — nobody forfeits hours by the rule then, and the page says so)."""
    pack = _pack(course_class)
    return pack.attendance.absence if pack.attendance is not None else None


def completion_preview(course_class: CourseClass) -> CompletionPreview:
    """What the absence rule decides for each confirmed person from the roster — and what each
    registered completion condition the class requires says of them (surveys: the reflection
    accepted): a handful of queries for the whole class."""
    rule = absence_rule(course_class)
    required = conditions.states(course_class)
    sessions = list(course_class.sessions.all())
    registrations = list(confirmed(course_class))
    marks: dict[tuple[int, int], Attendance] = {
        (row.registration_id, row.session_id): row
        for row in Attendance.objects.filter(session__course_class=course_class)
    }
    signs_out = {session_id for (_reg, session_id), row in marks.items() if row.signed_out_at is not None}
    rows = []
    for registration in registrations:
        facts = []
        present = missing_out = 0
        for session in sessions:
            mark = marks.get((registration.pk, session.pk))
            is_present = mark is not None and mark.signed_in_at is not None
            present += is_present
            if is_present and session.pk in signs_out and mark is not None and mark.signed_out_at is None:
                missing_out += 1
            facts.append(
                rules.SessionFacts(
                    hours=session.hours,
                    present=is_present,
                    leave_minutes=mark.leave_minutes if mark else 0,
                    late_minutes=mark.late_minutes if mark else 0,
                    early_minutes=mark.early_minutes if mark else 0,
                )
            )
        outcome = rules.completion(facts, rule)
        person_id = registration.person_id
        for state in required.values():
            outcome = rules.with_condition(outcome, not state.stops(person_id), state.reason)
        statuses = {key: state.status(person_id) for key, state in required.items()}
        labels = {key: state.label(statuses[key]) for key, state in required.items()}
        rows.append(CompletionLine(registration, outcome, present, missing_out, statuses, labels))
    return CompletionPreview(course_class, rule, len(sessions), rows, required)


def closing_preview(course_class: CourseClass) -> CompletionPreview:
    """`completion_preview` of a class not closed yet; refused (`attendance.already_closed`) once
    it is closed: its completions are then the answer."""
    if course_class.status == ClassStatus.CLOSED:
        raise Conflict(Error.ATTENDANCE_ALREADY_CLOSED, _("此班期已經結訓。"))
    return completion_preview(course_class)


def completions(course_class: CourseClass, *, closed: bool = True) -> QuerySet[Completion]:
    """The class's completion results (none, without a query, before the class is closed)."""
    if not closed:
        return Completion.objects.none()
    return (
        Completion.objects.filter(closing__course_class=course_class)
        .select_related("registration__person__agency", "record")
        .order_by("registration__person__agency__path", "registration__person__name", "pk")
    )


# --- certification -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificationLine:
    course_class: CourseClass
    closing: ClassClosing | None
    certification: record_rules.Certification | None  # None: the pack sets no deadline
    completes: int

    @property
    def status(self) -> str:
        if self.closing is None:
            return "to_close"
        return self.certification.status if self.certification else CertificationStatus.DUE


def certification_of(
    course_class: CourseClass, closing: ClassClosing | None, *, today: date, calendar: WorkingCalendar
) -> record_rules.Certification | None:
    """A class's certification deadline and status (None: no end date, or the pack sets no deadline)."""
    if course_class.end_date is None:
        return None
    pack = effective_pack(course_class.course.organizer.jurisdiction, course_class.end_date.year)
    if pack.certification is None:
        return None
    return record_rules.certification(
        course_class.end_date,
        pack.certification,
        calendar,
        today=today,
        uploaded_on=closing.uploaded_on if closing else None,
    )


def certification_lines(user: Any, today: date) -> list[CertificationLine]:
    """The organizer's classes that have ended: those still to close, then each closed class's
    certification deadline and status (due, overdue, done), the most urgent first."""
    calendar = working_calendar()
    classes = (
        classes_for_manager(user)
        .filter(status__in=[ClassStatus.PUBLISHED, ClassStatus.CLOSED], end_date__lte=today)
        .select_related("course__organizer__jurisdiction", "closing")
        .prefetch_related(Prefetch("closing__completions", queryset=Completion.objects.filter(completes=True)))
    )
    lines = []
    for course_class in classes:
        closing = getattr(course_class, "closing", None)
        certification = certification_of(course_class, closing, today=today, calendar=calendar)
        completes = len(closing.completions.all()) if closing else 0
        lines.append(CertificationLine(course_class, closing, certification, completes))
    order = {"overdue": 0, "to_close": 1, "due": 2, "done": 3}
    far = date.max
    lines.sort(
        key=lambda line: (
            order.get(line.status, 9),
            line.certification.due if line.certification else far,
            line.course_class.pk,
        )
    )
    return lines


def _session_bounds(sessions: Sequence[ClassSession]) -> tuple[datetime, datetime]:
    first, last = sessions[0], sessions[-1]
    return datetime.combine(first.date, first.starts_at), datetime.combine(last.date, last.ends_at)


def portal_rows(closings: Sequence[ClassClosing], fmt: PortalFormat) -> list[PortalRow]:
    """The upload rows of closed classes: one per completer and category code. A blended class's
    digital hours go to its rows first, so each row's digital and classroom hours add up."""
    rows: list[PortalRow] = []
    for closing in closings:
        course_class = closing.course_class
        sessions = list(course_class.sessions.select_related("venue"))
        if sessions:
            starts, ends = _session_bounds(sessions)
        else:
            starts = datetime.combine(course_class.start_date or course_class.end_date, datetime.min.time())  # type: ignore[arg-type]
            ends = datetime.combine(course_class.end_date, datetime.min.time())  # type: ignore[arg-type]
        present = _present_sessions(course_class, sessions)
        place = next((str(s.venue) for s in sessions if s.venue is not None), "")
        rule = class_rule(course_class)
        split = class_split(course_class, rule)
        for completion in completions(course_class).filter(completes=True):
            person = completion.registration.person
            attended = present.get(completion.registration_id) or sessions
            attended_from, attended_to = _session_bounds(attended) if attended else (starts, ends)
            digital_left = course_class.digital_hours
            for part in split:
                hours = part.hours
                if not hours:
                    continue
                digital = min(digital_left, hours)
                digital_left -= digital
                rows.append(
                    PortalRow(
                        national_id=person.national_id,
                        name=person.name,
                        course_title=course_class.course.title,
                        starts=starts,
                        ends=ends,
                        category=part.key,
                        category_name=part.name,
                        category_code=_portal_code(part.key, rule),
                        city_code=fmt.city_codes.get(course_class.city, ""),
                        term=course_class.term,
                        hours=hours,
                        mode=course_class.delivery_mode,
                        digital_hours=digital,
                        classroom_hours=hours - digital,
                        attended_from=attended_from,
                        attended_to=attended_to,
                        course_code=course_class.course.code,
                        agency_code=person.agency.code,
                        summary=course_class.course.summary,
                        place=place,
                    )
                )
    return rows


def _portal_code(key: str, rule: HoursRule | None) -> str:
    category = rule.categories.get(key) if rule is not None else None
    return (category.portal_code or "") if category is not None else ""


def _present_sessions(course_class: CourseClass, sessions: list[ClassSession]) -> dict[int, list[ClassSession]]:
    by_id = {session.pk: session for session in sessions}
    present: dict[int, list[ClassSession]] = {}
    for registration_id, session_id in (
        Attendance.objects.filter(session__course_class=course_class, signed_in_at__isnull=False)
        .order_by("session__date", "session__starts_at")
        .values_list("registration_id", "session_id")
    ):
        present.setdefault(registration_id, []).append(by_id[session_id])
    return present


def closings_for_manager(user: Any, ids: Sequence[int]) -> list[ClassClosing]:
    return list(
        ClassClosing.objects.filter(course_class__in=classes_for_manager(user), course_class_id__in=list(ids))
        .select_related("course_class__course__organizer__jurisdiction")
        .order_by("course_class_id")
    )


def today_sessions_for_manager(user: Any, today: date) -> QuerySet[ClassSession]:
    """The sessions in the coming week of the organizer's published classes (to open sign-in)."""
    return (
        ClassSession.objects.filter(
            course_class__in=classes_for_manager(user),
            course_class__status=ClassStatus.PUBLISHED,
            date__gte=today,
            date__lte=today + timedelta(days=6),
        )
        .select_related("course_class__course")
        .order_by("date", "starts_at")
    )
