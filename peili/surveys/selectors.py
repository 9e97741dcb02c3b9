"""Reads of surveys: a template's questions, a class's form (instructor sections repeated per
instructor), who attended, a person's open surveys, and the pack's survey rule for a class.

Results (means, index, distributions) are in `results.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from peili.attendance.conditions import REFLECTION, ConditionState
from peili.attendance.enums import Reason
from peili.attendance.models import Attendance, Completion
from peili.catalog.codes import Error as CatalogError
from peili.catalog.models import Course, CourseClass, Instructor
from peili.catalog.selectors import classes_for_manager, organizer_condition
from peili.core import roc
from peili.core.codes import Error as CoreError
from peili.core.errors import NotFound, PermissionDenied
from peili.core.permissions import allowed, check, visible_to
from peili.enrolment.enums import RegistrationStatus
from peili.enrolment.models import Registration
from peili.org.codes import Error as OrgError
from peili.org.models import Agency
from peili.org.scopes import grants_for
from peili.policy.schema import SurveyRule
from peili.policy.selectors import effective_pack
from peili.surveys import rules, sealing
from peili.surveys.codes import Error
from peili.surveys.enums import ErrorCode, QuestionKind, ReflectionStatus, SectionKind, SurveyState
from peili.surveys.models import (
    Invitation,
    Question,
    Reflection,
    ReflectionAssignment,
    Survey,
    SurveyTemplate,
    TemplateDefault,
    TemplateSection,
    TemplateVersion,
)


def survey_rule(course_class: CourseClass) -> SurveyRule:
    """The pack's survey section for the class's organizing body in the year the class ends."""
    year = (course_class.end_date or course_class.start_date or timezone.localdate()).year
    return effective_pack(course_class.course.organizer.jurisdiction, year).require_survey()


# --- templates -------------------------------------------------------------------------------------


def templates_for_user(user: Any) -> QuerySet[SurveyTemplate]:
    """The templates of the bodies the user organizes for (all, for an administrator)."""
    queryset = SurveyTemplate.objects.select_related("organizer").order_by("organizer__path", "name")
    condition = organizer_condition(user, "organizer")
    return queryset if condition is None else queryset.filter(condition)


def template_for_user(user: Any, template_id: int) -> SurveyTemplate:
    """A template to read or build: `survey.template_not_found` when there is none,
    `permission.denied` when another body's (the answer the API and the builder publish)."""
    found = SurveyTemplate.objects.select_related("organizer").filter(pk=template_id).first()
    return visible_to(user, "surveys.manage_object", found, _template_not_found())


def own_template_for_user(user: Any, template_id: int) -> SurveyTemplate:
    """One of the templates of the bodies the user organizes for (a class's survey is chosen among
    them): another body's template is not found, like one that does not exist."""
    found = templates_for_user(user).filter(pk=template_id).first()
    if found is None:
        raise _template_not_found()
    return found


def _template_not_found() -> NotFound:
    return NotFound(Error.SURVEY_TEMPLATE_NOT_FOUND, gettext("找不到此問卷範本。"))


def active_templates_of(organizer_id: int) -> QuerySet[SurveyTemplate]:
    return SurveyTemplate.objects.filter(organizer_id=organizer_id, is_active=True).order_by("name", "pk")


@dataclass(frozen=True)
class DefaultsFacts:
    templates: dict[int, list[SurveyTemplate]]  # organizer id → its templates, by name
    current: dict[tuple[int, str], SurveyTemplate]  # (organizer id, track) → the default template
    used_tracks: dict[int, set[str]]  # organizer id → the tracks its courses use


def defaults_facts(organizer_ids: list[int]) -> DefaultsFacts:
    """The bodies' templates, default templates and the tracks their courses use (three queries)."""
    templates: dict[int, list[SurveyTemplate]] = {}
    for template in SurveyTemplate.objects.filter(organizer_id__in=organizer_ids).order_by("name", "pk"):
        templates.setdefault(template.organizer_id, []).append(template)
    current = {
        (d.organizer_id, d.track): d.template
        for d in TemplateDefault.objects.filter(organizer_id__in=organizer_ids).select_related("template")
    }
    used: dict[int, set[str]] = {}
    courses = Course.objects.filter(organizer_id__in=organizer_ids).exclude(track="").order_by()
    for organizer_id, track in courses.values_list("organizer_id", "track").distinct():
        used.setdefault(organizer_id, set()).add(track)
    return DefaultsFacts(templates, current, used)


def has_section(template: SurveyTemplate, key: str) -> bool:
    """The template's newest version has a section with this key."""
    return latest_version(template).sections.filter(key=key).exists()


def has_question(template: SurveyTemplate, key: str) -> bool:
    """The template's newest version has a question with this key."""
    return Question.objects.filter(section__version=latest_version(template), key=key).exists()


# --- classes, courses, bodies and instructors to manage ----------------------------------------------


def managed_class_for_user(user: Any, class_id: int) -> CourseClass:
    """A class whose survey and reflections the user manages: `class.not_found` when there is
    none, `permission.denied` when another body's."""
    found = CourseClass.objects.select_related("course__organizer__jurisdiction").filter(pk=class_id).first()
    return visible_to(
        user, "surveys.manage_object", found, NotFound(CatalogError.CLASS_NOT_FOUND, gettext("找不到此班期。"))
    )


def reflection_class_for_user(user: Any, class_id: int) -> CourseClass:
    """A class the user writes a reflection on: `class.not_found` when there is none,
    `permission.denied` unless the user is confirmed in it."""
    found = CourseClass.objects.select_related("course__organizer__jurisdiction").filter(pk=class_id).first()
    if found is None:
        raise NotFound(CatalogError.CLASS_NOT_FOUND, gettext("找不到此班期。"))
    person_id = grants_for(user).person_id
    if person_id is None or not confirmed_in(found, person_id):
        raise PermissionDenied(CoreError.PERMISSION_DENIED, gettext("您沒有權限執行此操作。"), status=403)
    return found


def managed_course_for_user(user: Any, course_id: int) -> Course:
    """A course whose results the user reads: `course.not_found` / `permission.denied`."""
    found = Course.objects.select_related("organizer").filter(pk=course_id).first()
    return visible_to(
        user, "surveys.manage_object", found, NotFound(CatalogError.COURSE_NOT_FOUND, gettext("找不到此課程。"))
    )


def results_body_for_user(user: Any, code: str) -> Agency:
    """An organizing body whose results (with the bodies under it) the user reads:
    `agency.not_found` / `permission.denied`."""
    found = Agency.objects.filter(code=code).first()
    missing = NotFound(OrgError.AGENCY_NOT_FOUND, gettext("找不到機關「%(code)s」。") % {"code": code})
    return visible_to(user, "surveys.view_body_results", found, missing)


def surveyed_classes_for_user(user: Any, year: int | None = None) -> QuerySet[CourseClass]:
    """The classes with a survey that the user manages, newest first; with `year`, those that ended
    (or, without an end date, started) that year."""
    classes = classes_for_manager(user).filter(survey__isnull=False).order_by("-end_date", "-pk")
    if year is not None:
        classes = classes.annotate(ended=Coalesce("end_date", "start_date")).filter(ended__year=year)
    return classes


def class_survey(course_class: CourseClass) -> Survey | None:
    return Survey.objects.filter(course_class=course_class).select_related("version__template").first()


def has_survey(course_class: CourseClass) -> bool:
    return Survey.objects.filter(course_class=course_class).exists()


def reflection_assignment(course_class: CourseClass) -> ReflectionAssignment | None:
    return ReflectionAssignment.objects.filter(course_class=course_class).first()


def reflection_for_user(user: Any, reflection_id: int) -> Reflection:
    """A reflection to review: not found when there is none, `permission.denied` when its class is
    another body's."""
    found = (
        Reflection.objects.select_related(
            "assignment__course_class__course__organizer", "person__agency", "reviewed_by"
        )
        .filter(pk=reflection_id)
        .first()
    )
    if found is None:
        raise NotFound(CoreError.NOT_FOUND, gettext("找不到此資源。"))
    check(user, "surveys.manage_object", found.assignment.course_class)
    return found


def latest_version(template: SurveyTemplate) -> TemplateVersion:
    version = template.versions.order_by("-number").first()
    assert version is not None, "every template has a version"
    return version


def version_sections(version: TemplateVersion) -> list[TemplateSection]:
    """The version's sections in order, each with `questions` prefetched in order."""
    return list(
        version.sections.order_by("position").prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position"))
        )
    )


# --- a class's form ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormQuestion:
    question: Question
    item: rules.Item

    @property
    def field(self) -> str:
        return self.item.field


@dataclass(frozen=True)
class FormBlock:
    """A section as it appears on a class's form: once, or once per instructor."""

    section: TemplateSection
    instructor: Instructor | None
    questions: tuple[FormQuestion, ...]

    @property
    def heading(self) -> str:
        if self.instructor is None:
            return self.section.title
        return f"{self.section.title}：{self.instructor.name}"


def class_instructors(course_class: CourseClass) -> list[Instructor]:
    return list(Instructor.objects.filter(sessions__course_class=course_class).distinct().order_by("name", "pk"))


def form_blocks(
    version: TemplateVersion, instructors: list[Instructor], sections: list[TemplateSection] | None = None
) -> list[FormBlock]:
    """The form of a version for a class with these instructors. An instructor section with no
    instructor to repeat for is left out."""
    blocks: list[FormBlock] = []
    for section in sections if sections is not None else version_sections(version):
        repeats: list[Instructor | None] = list(instructors) if section.kind == SectionKind.INSTRUCTOR else [None]
        for instructor in repeats:
            questions = tuple(
                FormQuestion(
                    question,
                    rules.Item(
                        question_id=question.pk,
                        key=question.key,
                        kind=question.kind,
                        required=question.required,
                        option_count=len(question.options) if question.kind != QuestionKind.SCALE else 0,
                        instructor_id=instructor.pk if instructor is not None else None,
                    ),
                )
                for question in section.questions.all()
            )
            if questions:
                blocks.append(FormBlock(section, instructor, questions))
    return blocks


def survey_form(survey: Survey) -> list[FormBlock]:
    return form_blocks(survey.version, class_instructors(survey.course_class))


def form_items(blocks: list[FormBlock]) -> list[rules.Item]:
    return [fq.item for block in blocks for fq in block.questions]


# --- who is asked ----------------------------------------------------------------------------------


def attendees(course_class: CourseClass) -> list[int]:
    """Person ids of those who attended: confirmed, and signed in to a session or credited with
    attended hours at closing. A class whose attendance was never taken (no sign-in at all) asks
    everyone confirmed."""
    confirmed = Registration.objects.filter(course_class=course_class, status=RegistrationStatus.CONFIRMED)
    signed = Attendance.objects.filter(registration=OuterRef("pk"), signed_in_at__isnull=False)
    credited = Completion.objects.filter(registration=OuterRef("pk"), attended_minutes__gt=0)
    attended = confirmed.filter(Q(Exists(signed)) | Q(Exists(credited)))
    taken = (
        Attendance.objects.filter(session__course_class=course_class, signed_in_at__isnull=False).exists()
        or Completion.objects.filter(closing__course_class=course_class).exists()
    )
    chosen = attended if taken else confirmed
    return list(chosen.order_by("person_id").values_list("person_id", flat=True))


def window(course_class: CourseClass, rule: SurveyRule) -> tuple[datetime, datetime]:
    """When the class's survey opens (its last session's end) and closes (the end of the pack's
    last open day)."""
    ended_on = course_class.end_date or course_class.start_date or timezone.localdate()
    last = course_class.sessions.filter(date=ended_on).order_by("-ends_at").first()
    opens_at = timezone.make_aware(datetime.combine(ended_on, last.ends_at if last else time.min))
    closes_on = rules.closing_day(ended_on, rule.open_days)
    closes_at = timezone.make_aware(datetime.combine(closes_on, time.max))
    return opens_at, closes_at


def survey_state(survey: Survey, now: datetime | None = None) -> SurveyState:
    return rules.state(now or timezone.now(), survey.opens_at, survey.closes_at)


@dataclass(frozen=True)
class Pending:
    invitation: Invitation
    survey: Survey
    started: bool  # a draft is kept


def pending_for_person(person_id: int, now: datetime | None = None) -> list[Pending]:
    """The person's open surveys not yet answered, closing soonest first."""
    now = now or timezone.now()
    invitations = (
        Invitation.objects.filter(
            person_id=person_id,
            responded_at__isnull=True,
            survey__opens_at__lte=now,
            survey__closes_at__gte=now,
        )
        .select_related("survey__course_class__course")
        .order_by("survey__closes_at", "pk")
    )
    return [Pending(inv, inv.survey, bool(inv.draft)) for inv in invitations]


def invitation_for(survey: Survey, person_id: int) -> Invitation | None:
    return Invitation.objects.filter(survey=survey, person_id=person_id).first()


def invitation_for_user(user: Any, survey_id: int) -> Invitation:
    """The user's own invitation to a survey (its survey, class, course and template loaded). A
    survey that does not exist and one the user is not asked to answer are refused alike
    (`survey.not_invited`), so ids tell nothing; a user without a person record is told so
    (`survey.no_person`, 403) once the survey exists."""
    refused = NotFound(ErrorCode.NOT_INVITED, gettext("找不到此問卷，或您不在填答名單中。"))
    survey = Survey.objects.select_related("course_class__course", "version__template").filter(pk=survey_id).first()
    if survey is None:
        raise refused
    person_id = grants_for(user).person_id
    if person_id is None:
        raise PermissionDenied(Error.SURVEY_NO_PERSON, gettext("帳號未對應人員資料，無法填答問卷。"), status=403)
    invitation = invitation_for(survey, person_id)
    if invitation is None or not allowed(user, "surveys.answer_object", invitation):
        raise refused
    invitation.survey = survey  # keep the class and template loaded above
    return invitation


def answered_by(person_id: int, limit: int = 10) -> QuerySet[Invitation]:
    """The person's answered invitations, newest first."""
    return (
        Invitation.objects.filter(person_id=person_id, responded_at__isnull=False)
        .select_related("survey__course_class__course")
        .order_by("-responded_at")[:limit]
    )


# An anonymous survey's draft is kept sealed under this key of `Invitation.draft`.
SEALED = "sealed"
DRAFT = "draft"


def draft_values(invitation: Invitation) -> dict[str, list[str]]:
    """The invitation's unfinished answer, by field (opened when it is sealed; {} when it cannot be
    opened — a key no longer configured — so the person starts again rather than sees an error)."""
    draft = invitation.draft or {}
    if SEALED not in draft:
        return {str(name): [str(v) for v in values] for name, values in draft.items()}
    try:
        opened = sealing.unseal_text(str(draft[SEALED]), purpose=DRAFT, survey_id=invitation.survey_id)
    except sealing.Unreadable:
        return {}
    return {str(name): [str(v) for v in values] for name, values in opened.items()}


# --- reflections -----------------------------------------------------------------------------------


def reflection_of(assignment: ReflectionAssignment, person_id: int) -> Reflection | None:
    return Reflection.objects.filter(assignment=assignment, person_id=person_id).first()


def reflection_statuses(course_class: CourseClass) -> dict[int, str] | None:
    """Person id → reflection status for a class that requires one; None when it requires none."""
    assignment = ReflectionAssignment.objects.filter(course_class=course_class).first()
    if assignment is None:
        return None
    return dict(assignment.reflections.values_list("person_id", "status"))


def reflection_condition(course_class: CourseClass) -> ConditionState | None:
    """The reflection as a completion condition of the class (registered into attendance's closing):
    None when the class requires none; it decides completion only where the pack says so."""
    statuses = reflection_statuses(course_class)
    if statuses is None:
        return None
    year = (course_class.end_date or course_class.start_date or timezone.localdate()).year
    survey = effective_pack(course_class.course.organizer.jurisdiction, year).survey
    return ConditionState(
        key=REFLECTION,
        gates=bool(survey is not None and survey.reflection_gates_completion),
        statuses=statuses,
        allows=lambda status: rules.reflection_allows_completion(True, True, status or None),
        reason=Reason.REFLECTION.value,
        label=lambda status: str(ReflectionStatus(status).label) if status else gettext("尚未撰寫"),
    )


def is_due(assignment: ReflectionAssignment, today: date | None = None) -> bool:
    return (today or timezone.localdate()) <= assignment.due_on


def home_card(user: Any) -> dict[str, Any] | None:
    """The home page's card for a learner with surveys to answer: how many, and the nearest deadline."""

    person_id = grants_for(user).person_id
    if person_id is None:
        return None
    pending = pending_for_person(person_id)
    if not pending:
        return None
    first = pending[0].survey
    return {
        "title": _("待填課後問卷"),
        "figure": len(pending),
        "text": _("「%(c)s」等問卷待您填寫，最近一份 %(d)s 截止，約 1 分鐘可完成。")
        % {"c": first.course_class, "d": roc.format_long(timezone.localdate(first.closes_at))},
        "url": reverse("surveys:mine"),
        "link": _("前往填寫"),
    }


# --- reflections: the writer's and the reviewer's pages ------------------------------------------


def confirmed_in(course_class: CourseClass, person_id: int | None) -> bool:
    """Whether the person is a confirmed registrant of the class (who may write its reflection)."""
    return person_id is not None and (
        Registration.objects.filter(
            course_class=course_class, person_id=person_id, status=RegistrationStatus.CONFIRMED
        ).exists()
    )


def status_label(status: str) -> str:
    """A reflection status in words; "" (not started) is 尚未撰寫."""
    return str(ReflectionStatus(status).label) if status else gettext("尚未撰寫")


@dataclass(frozen=True)
class ReflectionLine:
    """One confirmed person of a class and their reflection (None: not started)."""

    registration: Registration
    reflection: Reflection | None

    @property
    def status(self) -> str:
        """The reflection's status; "" when the person has not started one."""
        return self.reflection.status if self.reflection is not None else ""

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def length(self) -> int:
        return rules.reflection_length(self.reflection.text) if self.reflection is not None else 0


def reflection_roster(assignment: ReflectionAssignment) -> list[ReflectionLine]:
    """Everyone confirmed in the assignment's class with their reflection (two queries)."""
    reflections = {r.person_id: r for r in assignment.reflections.all()}
    registrations = (
        Registration.objects.filter(course_class_id=assignment.course_class_id, status=RegistrationStatus.CONFIRMED)
        .select_related("person__agency")
        .order_by("person__agency__path", "person__name", "pk")
    )
    return [ReflectionLine(r, reflections.get(r.person_id)) for r in registrations]


def reflection_completion_refused(reflection: Reflection) -> Completion | None:
    """The writer's completion of a closed class when it was refused for want of an accepted
    reflection (and not corrected since): the case the organizer corrects by hand."""
    return (
        Completion.objects.filter(
            closing__course_class_id=reflection.assignment.course_class_id,
            registration__person_id=reflection.person_id,
            rule_reason=Reason.REFLECTION,
            completes=False,
        )
        .select_related("closing")
        .first()
    )


@dataclass(frozen=True)
class OwnReflection:
    """A class the person is confirmed in that requires a reflection, with theirs (None: not started)."""

    assignment: ReflectionAssignment
    reflection: Reflection | None

    @property
    def course_class(self) -> CourseClass:
        return self.assignment.course_class

    @property
    def due_on(self) -> date:
        return self.assignment.due_on

    @property
    def status(self) -> str:
        """The reflection's status; "" when not started."""
        return self.reflection.status if self.reflection is not None else ""

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    def writable(self, today: date | None = None) -> bool:
        """Still to write or revise, and the deadline has not passed."""
        return self.status in ("", ReflectionStatus.DRAFT, ReflectionStatus.RETURNED) and is_due(self.assignment, today)


def reflections_for_person(person_id: int) -> list[OwnReflection]:
    """The reflections asked of the person: each class they are confirmed in that requires one,
    with their reflection or None, the soonest deadline first (two queries)."""
    classes = Registration.objects.filter(person_id=person_id, status=RegistrationStatus.CONFIRMED).values(
        "course_class_id"
    )
    assignments = list(
        ReflectionAssignment.objects.filter(course_class_id__in=classes)
        .select_related("course_class__course")
        .order_by("due_on", "pk")
    )
    mine = {r.assignment_id: r for r in Reflection.objects.filter(person_id=person_id, assignment__in=assignments)}
    return [OwnReflection(a, mine.get(a.pk)) for a in assignments]
