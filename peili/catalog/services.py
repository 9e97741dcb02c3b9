"""Writes to plans, courses, classes (班期), sessions and materials. Each function is atomic and audited.

Permission checks are the caller's (views and API call `check(user, "catalog.manage_object", obj)`);
these functions enforce the domain rules: plan workflow, hours split, clashes, publishing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog import rules, selectors
from peili.catalog.codes import Action, Error
from peili.catalog.enums import ClassStatus, DeliveryMode, PlanStatus
from peili.catalog.models import (
    ClassCategoryHours,
    ClassMaterial,
    ClassSession,
    Course,
    CourseClass,
    Instructor,
    PlanItem,
    TrainingPlan,
    Venue,
)
from peili.core import audit, locking, versions
from peili.core.errors import Conflict, PeiliError
from peili.org.models import Agency, Person

PLAN_FIELDS = ["organizer", "year", "title", "status", "budget", "note", "decision_note"]
ITEM_FIELDS = ["track", "title", "target_audience", "planned_classes", "planned_trainees", "budget"]
COURSE_FIELDS = ["organizer", "plan_item", "code", "title", "track", "summary"]
CLASS_FIELDS = [
    "term",
    "delivery_mode",
    "prestudy_title",
    "prestudy_url",
    "organiser_type",
    "host_institute",
    "city",
    "certified_hours",
    "digital_hours",
    "classroom_hours",
    "capacity",
    "waitlist_size",
    "registration_opens_at",
    "registration_closes_at",
    "cancellation_deadline",
    "needs_supervisor_consent",
    "meals_provided",
    "eligible_categories",
    "grade_min",
    "grade_max",
    "supervisors_only",
    "newcomers_only",
]
AUDITED_CLASS_FIELDS = ["status", "start_date", "end_date", *CLASS_FIELDS]
SESSION_FIELDS = ["date", "starts_at", "ends_at", "topic", "venue", "hours"]
EDITABLE_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)


# --- annual plan ----------------------------------------------------------------------------------


def _require_training_body(organizer: Agency) -> None:
    if not organizer.is_training_body:
        raise PeiliError(
            Error.CATALOG_NOT_TRAINING_BODY, _("「%(name)s」不是訓練機構，無法辦訓。") % {"name": organizer.name}
        )


def _lock_plan(plan: TrainingPlan) -> TrainingPlan:
    return locking.lock_row(
        TrainingPlan.objects.select_for_update(of=("self",)).select_related("organizer"), pk=plan.pk
    )


def _require_editable(plan: TrainingPlan) -> None:
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise Conflict(Error.PLAN_NOT_EDITABLE, _("計畫已送核或已核定，不能修改。"))


@transaction.atomic
def plan_create(*, organizer: Agency, year: int, title: str, note: str = "", actor: Any) -> TrainingPlan:
    _require_training_body(organizer)
    if TrainingPlan.objects.filter(organizer=organizer, year=year).exists():
        raise Conflict(
            Error.PLAN_EXISTS,
            _("%(name)s 已有 %(year)s 年度訓練計畫。") % {"name": organizer.name, "year": year - 1911},
        )
    plan = TrainingPlan.objects.create(organizer=organizer, year=year, title=title, note=note)
    audit.record(actor=actor, action=Action.PLAN_CREATE, target=plan, after=audit.snapshot(plan, PLAN_FIELDS))
    return plan


def _refresh_plan_budget(plan: TrainingPlan) -> None:
    total = plan.items.aggregate(total=Sum("budget"))["total"] or Decimal(0)
    TrainingPlan.objects.filter(pk=plan.pk).update(budget=total)
    plan.budget = total


@transaction.atomic
def plan_item_add(
    *,
    plan: TrainingPlan,
    track: str,
    title: str,
    planned_classes: int,
    planned_trainees: int,
    budget: Decimal | int,
    target_audience: str = "",
    allowed_tracks: Iterable[str] | None = None,
    actor: Any,
) -> PlanItem:
    """Add a planned course line. `allowed_tracks` (the policy pack's track keys) is enforced when given."""
    plan = _lock_plan(plan)
    _require_editable(plan)
    tracks = list(allowed_tracks) if allowed_tracks is not None else None
    if tracks is not None and tracks and track not in tracks:
        raise PeiliError(
            Error.PLAN_UNKNOWN_TRACK, _("類別「%(track)s」不在政策參數包的訓練類別中。") % {"track": track}
        )
    if Decimal(budget) < 0:
        raise PeiliError(Error.PLAN_NEGATIVE_BUDGET, _("預算不得為負數。"))
    item = PlanItem.objects.create(
        plan=plan,
        track=track,
        title=title,
        target_audience=target_audience,
        planned_classes=planned_classes,
        planned_trainees=planned_trainees,
        budget=budget,
    )
    _refresh_plan_budget(plan)
    audit.record(actor=actor, action=Action.PLAN_ITEM_ADD, target=plan, after=audit.snapshot(item, ITEM_FIELDS))
    return item


@transaction.atomic
def plan_item_delete(*, item: PlanItem, actor: Any) -> None:
    plan = _lock_plan(item.plan)
    _require_editable(plan)
    before = audit.snapshot(item, ITEM_FIELDS)
    item.delete()
    _refresh_plan_budget(plan)
    audit.record(actor=actor, action=Action.PLAN_ITEM_DELETE, target=plan, before=before)


@transaction.atomic
def plan_submit(*, plan: TrainingPlan, actor: Any) -> TrainingPlan:
    plan = _lock_plan(plan)
    _require_editable(plan)
    if not plan.items.exists():
        raise PeiliError(Error.PLAN_EMPTY, _("計畫沒有任何項目，無法送核。"))
    before = audit.snapshot(plan, PLAN_FIELDS)
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    audit.record(
        actor=actor, action=Action.PLAN_SUBMIT, target=plan, before=before, after=audit.snapshot(plan, PLAN_FIELDS)
    )
    return plan


def _decide(plan: TrainingPlan, status: str, note: str, actor: Any, action: str) -> TrainingPlan:
    plan = _lock_plan(plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise Conflict(Error.PLAN_NOT_SUBMITTED, _("只有送核中的計畫可以核定或退回。"))
    before = audit.snapshot(plan, PLAN_FIELDS)
    plan.status = status
    plan.decided_at = timezone.now()
    plan.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    plan.decision_note = note
    plan.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit.record(
        actor=actor, action=action, target=plan, before=before, after=audit.snapshot(plan, PLAN_FIELDS), note=note
    )
    return plan


@transaction.atomic
def plan_approve(*, plan: TrainingPlan, note: str = "", actor: Any) -> TrainingPlan:
    return _decide(plan, PlanStatus.APPROVED, note, actor, Action.PLAN_APPROVE)


@transaction.atomic
def plan_return(*, plan: TrainingPlan, note: str, actor: Any) -> TrainingPlan:
    if not note.strip():
        raise PeiliError(Error.PLAN_NOTE_REQUIRED, _("退回時請說明需修正之處。"))
    return _decide(plan, PlanStatus.RETURNED, note, actor, Action.PLAN_RETURN)


# --- courses and classes --------------------------------------------------------------------------


@transaction.atomic
def course_create(
    *,
    organizer: Agency,
    title: str,
    track: str = "",
    code: str = "",
    summary: str = "",
    plan_item: PlanItem | None = None,
    actor: Any,
) -> Course:
    """A course of an organizing body; from a plan item only once that plan is approved."""
    _require_training_body(organizer)
    if plan_item is not None:
        plan = TrainingPlan.objects.get(pk=plan_item.plan_id)
        if plan.organizer_id != organizer.pk:
            raise PeiliError(Error.COURSE_PLAN_OTHER_ORGANIZER, _("計畫項目不屬於此主辦機關。"))
        if plan.status != PlanStatus.APPROVED:
            raise Conflict(Error.COURSE_PLAN_NOT_APPROVED, _("年度計畫核定後才能依計畫項目開課。"))
        track = track or plan_item.track
    course = Course.objects.create(
        organizer=organizer, title=title, track=track, code=code, summary=summary, plan_item=plan_item
    )
    audit.record(actor=actor, action=Action.COURSE_CREATE, target=course, after=audit.snapshot(course, COURSE_FIELDS))
    return course


def _validate_class(values: Mapping[str, Any], start_date: date | None) -> None:
    """Field rules that hold for drafts too (Chinese messages; code `class.invalid`)."""
    problems: list[str] = []
    if values.get("delivery_mode") == DeliveryMode.BLENDED and not (
        values.get("prestudy_title") and values.get("prestudy_url")
    ):
        problems.append(_("混成課程須填寫線上預習課程名稱及網址。"))
    grade_min, grade_max = values.get("grade_min"), values.get("grade_max")
    if grade_min is not None and grade_max is not None and grade_min > grade_max:
        problems.append(_("最低職等不得高於最高職等。"))
    opens, closes = values.get("registration_opens_at"), values.get("registration_closes_at")
    if opens and closes and opens >= closes:
        problems.append(_("報名開始時間須早於報名截止時間。"))
    certified = Decimal(values.get("certified_hours") or 0)
    digital, classroom = Decimal(values.get("digital_hours") or 0), Decimal(values.get("classroom_hours") or 0)
    if digital + classroom != certified:
        problems.append(
            _("數位時數 %(d)s 小時加實體時數 %(c)s 小時須等於認證時數 %(h)s 小時。")
            % {"d": _hours(digital), "c": _hours(classroom), "h": _hours(certified)}
        )
    deadline = values.get("cancellation_deadline")
    if deadline and start_date and timezone.localtime(deadline).date() >= start_date:
        problems.append(_("取消報名期限須早於開課日期。"))
    if closes and start_date and timezone.localtime(closes).date() > start_date:
        problems.append(_("報名截止時間不得晚於開課日期。"))
    if problems:
        raise PeiliError(Error.CLASS_INVALID, "".join(problems), details=problems)


def _with_hours_parts(values: dict[str, Any]) -> dict[str, Any]:
    """A classroom (or digital) class whose certified hours were given without the digital and
    classroom parts: all of them are classroom (or digital) hours. A blended class must say how its
    hours divide; anything given is checked, never changed (`_validate_class`)."""
    certified = Decimal(values.get("certified_hours") or 0)
    if certified <= 0 or Decimal(values.get("digital_hours") or 0) or Decimal(values.get("classroom_hours") or 0):
        return values
    mode = values.get("delivery_mode") or DeliveryMode.CLASSROOM
    if mode == DeliveryMode.CLASSROOM:
        return {**values, "classroom_hours": certified, "digital_hours": Decimal(0)}
    if mode == DeliveryMode.DIGITAL:
        return {**values, "digital_hours": certified, "classroom_hours": Decimal(0)}
    return values


def _people_by_ids(ids: Iterable[int]) -> list[Person]:
    return list(Person.objects.filter(pk__in=list(ids)))


@transaction.atomic
def class_create(
    *,
    course: Course,
    actor: Any,
    eligible_agencies: Iterable[Agency] = (),
    eligible_people: Iterable[Person] = (),
    **values: Any,
) -> CourseClass:
    """A draft class (班期) of `course`. `values` are CourseClass fields (see CLASS_FIELDS)."""
    unknown = set(values) - set(CLASS_FIELDS)
    if unknown:
        raise TypeError(f"unknown class fields: {sorted(unknown)}")
    if "term" not in values:
        values["term"] = (course.classes.aggregate(m=Max("term"))["m"] or 0) + 1
    elif course.classes.filter(term=values["term"]).exists():
        raise Conflict(Error.CLASS_TERM_TAKEN, _("此課程已有第 %(term)s 期。") % {"term": values["term"]})
    values = _with_hours_parts(values)
    _validate_class(values, None)
    course_class = CourseClass.objects.create(course=course, created_by=_user(actor), **values)
    course_class.eligible_agencies.set(list(eligible_agencies))
    course_class.eligible_people.set(list(eligible_people))
    audit.record(
        actor=actor,
        action=Action.CLASS_CREATE,
        target=course_class,
        after={**audit.snapshot(course_class, AUDITED_CLASS_FIELDS), **_eligibility_lists(course_class)},
    )
    return course_class


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _eligibility_lists(course_class: CourseClass) -> dict[str, list[int]]:
    return {
        "eligible_agencies": sorted(course_class.eligible_agencies.values_list("pk", flat=True)),
        "eligible_people": sorted(course_class.eligible_people.values_list("pk", flat=True)),
    }


def _lock_class(course_class: CourseClass) -> CourseClass:
    return locking.lock_row(
        CourseClass.objects.select_for_update(of=("self",)).select_related("course__organizer__jurisdiction"),
        pk=course_class.pk,
    )


@transaction.atomic
def class_update(
    *,
    course_class: CourseClass,
    actor: Any,
    eligible_agencies: Iterable[Agency] | None = None,
    eligible_people: Iterable[Person] | None = None,
    **values: Any,
) -> CourseClass:
    """Change a class's fields; a published class must stay complete (see `publish_problems`)."""
    unknown = set(values) - set(CLASS_FIELDS)
    if unknown:
        raise TypeError(f"unknown class fields: {sorted(unknown)}")
    course_class = _lock_class(course_class)
    if course_class.status in (ClassStatus.CANCELLED, ClassStatus.CLOSED):
        raise Conflict(Error.CLASS_NOT_EDITABLE, _("已停辦或已結訓的班期不能修改。"))
    before = {**audit.snapshot(course_class, AUDITED_CLASS_FIELDS), **_eligibility_lists(course_class)}
    merged = {name: getattr(course_class, name) for name in CLASS_FIELDS} | values
    completed = _with_hours_parts(merged)
    if completed is not merged:
        values = {**values, **{name: completed[name] for name in ("digital_hours", "classroom_hours")}}
        merged = completed
    if (
        "term" in values
        and course_class.course.classes.filter(term=values["term"]).exclude(pk=course_class.pk).exists()
    ):
        raise Conflict(Error.CLASS_TERM_TAKEN, _("此課程已有第 %(term)s 期。") % {"term": values["term"]})
    capacity = merged["capacity"]
    if capacity < course_class.confirmed_count:
        raise PeiliError(
            Error.CLASS_CAPACITY_BELOW_CONFIRMED,
            _("名額不得少於已錄取人數（%(n)s 人）。") % {"n": course_class.confirmed_count},
        )
    _validate_class(merged, course_class.start_date)
    for name, value in values.items():
        setattr(course_class, name, value)
    course_class.save()
    if eligible_agencies is not None:
        course_class.eligible_agencies.set(list(eligible_agencies))
    if eligible_people is not None:
        course_class.eligible_people.set(list(eligible_people))
    if course_class.status == ClassStatus.PUBLISHED:
        _raise_if_incomplete(course_class)
    after = {**audit.snapshot(course_class, AUDITED_CLASS_FIELDS), **_eligibility_lists(course_class)}
    old, new = audit.diff(before, after)
    audit.record(actor=actor, action=Action.CLASS_UPDATE, target=course_class, before=old, after=new)
    return course_class


@transaction.atomic
def class_hours_set(
    *, course_class: CourseClass, split: Mapping[str, Decimal | int | str], actor: Any
) -> list[ClassCategoryHours]:
    """Replace how the certified hours split across learning categories (keys of the organizer's
    pack, `hours.categories`); the parts must add up exactly."""
    course_class = _lock_class(course_class)
    parts = {key: Decimal(str(hours)) for key, hours in split.items() if Decimal(str(hours)) != 0}
    if any(hours < 0 for hours in parts.values()):
        raise PeiliError(Error.CLASS_HOURS_NEGATIVE, _("類別時數不得為負數。"))
    rule = selectors.class_rule(course_class)
    unknown = sorted(key for key in parts if rule is None or key not in rule.categories)
    if unknown:
        raise PeiliError(
            Error.CLASS_UNKNOWN_CATEGORY,
            _("學習類別「%(keys)s」不在主辦機關政策參數的學習類別之中。") % {"keys": "、".join(unknown)},
            details={"categories": unknown},
        )
    total = sum(parts.values(), Decimal(0))
    if total != course_class.certified_hours:
        raise PeiliError(
            Error.CLASS_HOURS_SPLIT_MISMATCH,
            _("各學習類別時數合計 %(total)s 小時，須等於認證時數 %(hours)s 小時。")
            % {"total": _hours(total), "hours": _hours(course_class.certified_hours)},
        )
    before = {row.category: str(row.hours) for row in course_class.category_hours.all()}
    course_class.category_hours.all().delete()
    rows = ClassCategoryHours.objects.bulk_create(
        [ClassCategoryHours(course_class=course_class, category=key, hours=h) for key, h in parts.items()]
    )
    versions.bump(versions.CATALOG)  # bulk_create sends no signal
    audit.record(
        actor=actor,
        action=Action.CLASS_HOURS_SET,
        target=course_class,
        before=before,
        after={key: str(h) for key, h in parts.items()},
    )
    return rows


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- sessions and clashes -------------------------------------------------------------------------


def _session_snapshot(session: ClassSession, instructor_ids: Iterable[int]) -> dict[str, Any]:
    data = audit.snapshot(session, SESSION_FIELDS)
    # audit.snapshot knows dates, not times
    data["starts_at"], data["ends_at"] = f"{session.starts_at:%H:%M}", f"{session.ends_at:%H:%M}"
    data["instructors"] = sorted(instructor_ids)
    return data


def _slot(session: ClassSession) -> rules.SessionSlot:
    return rules.SessionSlot(
        session_id=session.pk,
        class_label=str(session.course_class),
        day=session.date,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        venue_id=session.venue_id,
        instructor_ids=frozenset(i.pk for i in session.instructors.all()),
    )


def session_clashes(
    *,
    day: date,
    starts_at: time,
    ends_at: time,
    venue: Venue | None,
    instructors: Sequence[Instructor],
    session_id: int | None = None,
    lock: bool = False,
) -> list[rules.Clash]:
    """The clashes a session at this slot would have with sessions of classes not cancelled.

    One query finds the overlapping sessions sharing the venue or an instructor (plus one for their
    instructors). With `lock`, the venue and instructor rows are locked first (in a fixed order, so
    two bookings cannot deadlock): a concurrent booking of the same venue or instructor waits until
    this transaction ends and then sees its session.
    """
    instructor_ids = sorted(i.pk for i in instructors)
    if lock:
        if venue is not None:
            locking.lock_rows(Venue, [venue.pk])
        locking.lock_rows(Instructor, instructor_ids)
    shared = Q(pk__in=[])
    if venue is not None:
        shared |= Q(venue=venue)
    if instructor_ids:
        shared |= Q(instructors__in=instructor_ids)
    if venue is None and not instructor_ids:
        return []
    others = (
        ClassSession.objects.filter(shared, date=day, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(course_class__status=ClassStatus.CANCELLED)
        .exclude(pk=session_id or 0)
        .select_related("course_class__course")
        .prefetch_related("instructors")
        .distinct()
        .order_by("starts_at", "pk")
    )
    candidate = rules.SessionSlot(
        session_id=session_id,
        class_label="",
        day=day,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_id=venue.pk if venue is not None else None,
        instructor_ids=frozenset(instructor_ids),
    )
    return rules.clashes(candidate, [_slot(s) for s in others])


def _raise_clashes(found: list[rules.Clash]) -> None:
    if found:
        raise Conflict(
            found[0].code,
            " ".join(c.message for c in found),
            details=[{"code": c.code, "message": c.message, "session_id": c.other.session_id} for c in found],
        )


def _sync_dates(course_class: CourseClass) -> None:
    """Keep the class's start and end dates equal to its first and last session."""
    span = course_class.sessions.aggregate(first=Min("date"), last=Max("date"))
    course_class.start_date, course_class.end_date = span["first"], span["last"]
    CourseClass.objects.filter(pk=course_class.pk).update(start_date=span["first"], end_date=span["last"])
    versions.bump(versions.CATALOG)  # QuerySet.update sends no signal


def _check_session_fields(course_class: CourseClass, starts_at: time, ends_at: time, hours: Decimal) -> None:
    if course_class.status in (ClassStatus.CANCELLED, ClassStatus.CLOSED):
        raise Conflict(Error.CLASS_NOT_EDITABLE, _("已停辦或已結訓的班期不能修改。"))
    if starts_at >= ends_at:
        raise PeiliError(Error.SESSION_TIME_ORDER, _("結束時間須晚於開始時間。"))
    if hours < 0:
        raise PeiliError(Error.SESSION_HOURS_NEGATIVE, _("時數不得為負數。"))


@transaction.atomic
def session_add(
    *,
    course_class: CourseClass,
    date: date,
    starts_at: time,
    ends_at: time,
    venue: Venue | None = None,
    instructors: Sequence[Instructor] = (),
    topic: str = "",
    hours: Decimal | int | str = 0,
    actor: Any,
) -> ClassSession:
    """Add a session; refused (Conflict `clash.venue` / `clash.instructor`, naming the other session)
    when the venue or an instructor is already booked then. The class's dates follow its sessions."""
    course_class = _lock_class(course_class)
    hours = Decimal(str(hours))
    _check_session_fields(course_class, starts_at, ends_at, hours)
    _raise_clashes(
        session_clashes(day=date, starts_at=starts_at, ends_at=ends_at, venue=venue, instructors=instructors, lock=True)
    )
    session = ClassSession.objects.create(
        course_class=course_class,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        topic=topic,
        hours=hours,
    )
    session.instructors.set(list(instructors))
    _sync_dates(course_class)
    if course_class.cancellation_deadline and course_class.start_date:
        _validate_class({"cancellation_deadline": course_class.cancellation_deadline}, course_class.start_date)
    audit.record(
        actor=actor,
        action=Action.SESSION_ADD,
        target=course_class,
        after=_session_snapshot(session, (i.pk for i in instructors)),
    )
    return session


@transaction.atomic
def session_update(
    *,
    session: ClassSession,
    date: date,
    starts_at: time,
    ends_at: time,
    venue: Venue | None = None,
    instructors: Sequence[Instructor] = (),
    topic: str = "",
    hours: Decimal | int | str = 0,
    actor: Any,
) -> ClassSession:
    course_class = _lock_class(session.course_class)
    hours = Decimal(str(hours))
    _check_session_fields(course_class, starts_at, ends_at, hours)
    _raise_clashes(
        session_clashes(
            day=date,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            instructors=instructors,
            session_id=session.pk,
            lock=True,
        )
    )
    before = _session_snapshot(session, (i.pk for i in session.instructors.all()))
    session.date, session.starts_at, session.ends_at = date, starts_at, ends_at
    session.venue, session.topic, session.hours = venue, topic, hours
    session.save()
    session.instructors.set(list(instructors))
    _sync_dates(course_class)
    after = _session_snapshot(session, (i.pk for i in instructors))
    old, new = audit.diff(before, after)
    audit.record(actor=actor, action=Action.SESSION_UPDATE, target=course_class, before=old, after=new)
    return session


@transaction.atomic
def session_delete(*, session: ClassSession, actor: Any) -> None:
    course_class = _lock_class(session.course_class)
    if course_class.status != ClassStatus.DRAFT and course_class.sessions.count() <= 1:
        raise Conflict(Error.SESSION_LAST, _("已發布的班期至少須有一個節次。"))
    before = _session_snapshot(session, session.instructors.values_list("pk", flat=True))
    session.delete()
    _sync_dates(course_class)
    audit.record(actor=actor, action=Action.SESSION_DELETE, target=course_class, before=before)


# --- publishing -----------------------------------------------------------------------------------


def publish_problems(course_class: CourseClass) -> list[str]:
    """What keeps a class from being published (empty: it may be published). Reads the database."""
    problems: list[str] = []
    if course_class.delivery_mode != DeliveryMode.DIGITAL and not course_class.sessions.exists():
        problems.append(_("尚未安排任何節次。"))
    if course_class.certified_hours <= 0:
        problems.append(_("尚未設定認證時數。"))
    else:
        split = course_class.category_hours.aggregate(total=Sum("hours"))["total"] or Decimal(0)
        if split != course_class.certified_hours:
            problems.append(_("學習類別時數合計須等於認證時數。"))
    if not (course_class.registration_opens_at and course_class.registration_closes_at):
        problems.append(_("尚未設定報名期間。"))
    if course_class.delivery_mode == DeliveryMode.BLENDED and not (
        course_class.prestudy_title and course_class.prestudy_url
    ):
        problems.append(_("混成課程須填寫線上預習課程名稱及網址。"))
    try:
        _validate_class(
            {name: getattr(course_class, name) for name in CLASS_FIELDS if name != "delivery_mode"},
            course_class.start_date,
        )
    except PeiliError as error:
        problems.extend(error.details or [error.message])
    return problems


def _raise_if_incomplete(course_class: CourseClass) -> None:
    problems = publish_problems(course_class)
    if problems:
        raise PeiliError(
            Error.CLASS_INCOMPLETE, _("班期資料尚未完整：%(p)s") % {"p": "".join(problems)}, details=problems
        )


@transaction.atomic
def class_publish(*, course_class: CourseClass, actor: Any) -> CourseClass:
    """Draft → published (visible in the catalog), only when complete."""
    course_class = _lock_class(course_class)
    if course_class.status != ClassStatus.DRAFT:
        raise Conflict(Error.CLASS_NOT_DRAFT, _("只有草稿狀態的班期可以發布。"))
    _raise_if_incomplete(course_class)
    course_class.status = ClassStatus.PUBLISHED
    course_class.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=Action.CLASS_PUBLISH,
        target=course_class,
        before={"status": ClassStatus.DRAFT},
        after={"status": ClassStatus.PUBLISHED},
    )
    return course_class


@transaction.atomic
def class_cancel(*, course_class: CourseClass, reason: str, actor: Any) -> CourseClass:
    """停辦: the class leaves the catalog and frees its venue and instructors; the reason is audited."""
    course_class = _lock_class(course_class)
    if course_class.status in (ClassStatus.CANCELLED, ClassStatus.CLOSED):
        raise Conflict(Error.CLASS_NOT_CANCELLABLE, _("此班期已停辦或已結訓。"))
    if not reason.strip():
        raise PeiliError(Error.CLASS_REASON_REQUIRED, _("停辦請填寫原因。"))
    before = course_class.status
    course_class.status = ClassStatus.CANCELLED
    course_class.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=Action.CLASS_CANCEL,
        target=course_class,
        before={"status": before},
        after={"status": ClassStatus.CANCELLED},
        note=reason,
    )
    return course_class


# --- materials ------------------------------------------------------------------------------------

MATERIAL_EXTENSIONS = (
    ".pdf",
    ".docx",
    ".doc",
    ".pptx",
    ".ppt",
    ".xlsx",
    ".xls",
    ".odt",
    ".odp",
    ".ods",
    ".txt",
    ".zip",
)
MATERIAL_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def material_add(*, course_class: CourseClass, title: str, file: UploadedFile, actor: Any) -> ClassMaterial:
    name = (file.name or "").lower()
    if not name.endswith(MATERIAL_EXTENSIONS):
        raise PeiliError(Error.MATERIAL_TYPE, _("檔案類型不支援，請上傳 PDF、Office、ODF、文字或 ZIP 檔。"))
    if (file.size or 0) > MATERIAL_MAX_BYTES:
        raise PeiliError(Error.MATERIAL_TOO_LARGE, _("檔案不得超過 20 MB。"))
    material = ClassMaterial.objects.create(course_class=course_class, title=title, file=file)
    audit.record(
        actor=actor,
        action=Action.MATERIAL_ADD,
        target=course_class,
        after={"material": material.pk, "title": title, "file": material.file.name},
    )
    return material


@transaction.atomic
def material_delete(*, material: ClassMaterial, actor: Any) -> None:
    course_class = material.course_class
    before = {"material": material.pk, "title": material.title, "file": material.file.name}
    # The file stays in storage: the audit entry names it, and a download in progress is not cut off.
    material.delete()
    audit.record(actor=actor, action=Action.MATERIAL_DELETE, target=course_class, before=before)
