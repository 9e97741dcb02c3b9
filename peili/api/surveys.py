"""Surveys API: questionnaire templates (organizers), a class's survey, and answering (learners).

Results are in `survey_results.py`. Refusals are `PeiliError` with stable codes (`survey.not_open`,
`survey.closed`, `survey.already_answered`, `survey.invalid_answers` with `details.fields` mapping
each form field to its error code). A survey the caller is not asked to answer is answered as not
found (`survey.not_invited`), whether or not it exists, and an anonymous survey's submission
returns no response id: nothing the caller receives ties them to what they answered (the answer
reaches the results later, in a shuffled batch with others: `in_results` is false).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, StrictInt, StrictStr, StringConstraints

from peili.api import errors
from peili.api.errors import api_errors
from peili.api.schemas import Id, InSchema, PageNumberPagination, paginate
from peili.catalog.models import CourseClass
from peili.catalog.selectors import organizing_body_for_user
from peili.core.errors import NotFound, PermissionDenied
from peili.core.permissions import api_requires
from peili.org.scopes import grants_for
from peili.surveys import selectors, services
from peili.surveys.enums import ErrorCode, QuestionKind, ScalePoint, SectionKind
from peili.surveys.models import Invitation, SurveyTemplate

router = Router(tags=["課後問卷"])

# --- schemas ---------------------------------------------------------------------------------------

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
QuestionText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
OptionText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
# A submitted value: a scale point (1–5) or an option's index (0, 1, …) as a number or a string,
# or text. Strict, so `true` or `4.5` is refused rather than quietly turned into a number; any
# 32-bit number is taken (one that is no choice is refused per field as `invalid_choice`).
AnswerValue = StrictStr | Annotated[StrictInt, Field(ge=-(2**31), le=2**31 - 1)]


class QuestionIn(InSchema):
    kind: QuestionKind
    text: QuestionText
    required: bool = True
    options: list[OptionText] = Field(default_factory=list, max_length=50)  # single/multiple: at least two
    in_index: bool = True  # scale questions only: counts in the satisfaction index


class SectionIn(InSchema):
    kind: SectionKind
    title: Name
    questions: list[QuestionIn] = Field(default_factory=list, max_length=200)


class TemplateIn(InSchema):
    organizer_code: str  # an organizing body the caller organizes for
    name: Name
    description: str = Field("", max_length=5000)
    anonymous: bool = True
    sections: list[SectionIn] = Field(default_factory=list, max_length=50)


class QuestionOut(Schema):
    key: str  # stable across template versions
    kind: str
    text: str
    required: bool
    options: list[str]
    in_index: bool


class SectionOut(Schema):
    key: str
    kind: str
    title: str
    questions: list[QuestionOut]


class _TemplateFields(Schema):
    id: int
    name: str
    description: str
    organizer_code: str
    organizer_name: str
    anonymous: bool
    is_active: bool
    version: int  # the newest version's number


class TemplateSummaryOut(_TemplateFields):
    """Read from a template row (the list annotates `latest_number`)."""

    @staticmethod
    def resolve_organizer_code(obj: SurveyTemplate) -> str:
        return obj.organizer.code

    @staticmethod
    def resolve_organizer_name(obj: SurveyTemplate) -> str:
        return obj.organizer.name

    @staticmethod
    def resolve_version(obj: SurveyTemplate) -> int:
        # Annotated by the list's queryset.
        return int(obj.latest_number)  # type: ignore[attr-defined]


class TemplateOut(_TemplateFields):
    sections: list[SectionOut]


class ClassSurveyIn(InSchema):
    template_id: Id
    anonymous: bool | None = None  # null: the template's setting


class ClassSurveyOut(Schema):
    class_id: int
    template_id: int
    template_name: str
    version: int
    anonymous: bool
    opens_at: datetime
    closes_at: datetime
    state: str
    state_label: str
    invited_count: int
    response_count: int
    waiting_count: int  # anonymous answers counted as answered but not yet in the results (their batch)


class PendingOut(Schema):
    survey_id: int
    class_id: int
    class_name: str
    closes_at: datetime
    started: bool  # an unfinished answer is kept


class ChoiceOut(Schema):
    value: int  # what to submit: a scale point 1–5, or the option's index from 0
    label: str


class FormQuestionOut(Schema):
    field: str  # the key to answer it under in `answers`
    key: str
    kind: str
    text: str
    required: bool
    options: list[ChoiceOut]  # scale: the five points; text: none


class InstructorOut(Schema):
    id: int
    name: str


class FormBlockOut(Schema):
    heading: str
    section_kind: str
    instructor: InstructorOut | None
    questions: list[FormQuestionOut]


class FormOut(Schema):
    survey_id: int
    class_id: int
    class_name: str
    description: str
    anonymous: bool
    opens_at: datetime
    closes_at: datetime
    state: str
    state_label: str
    responded: bool
    draft_saved_at: datetime | None
    values: dict[str, list[str]]  # the caller's unfinished answer, by field
    blocks: list[FormBlockOut]


class AnswersIn(InSchema):
    answers: dict[str, list[AnswerValue]]


class DraftOut(Schema):
    survey_id: int
    draft_saved_at: datetime
    values: dict[str, list[str]]


class SubmittedOut(Schema):
    survey_id: int
    anonymous: bool
    response_id: UUID | None  # null for an anonymous survey
    # An anonymous answer reaches the results with a batch of others (at least `batch` answers, or
    # when the survey closes), shuffled: false until then. A named one is in the results at once.
    in_results: bool


# --- helpers ---------------------------------------------------------------------------------------


def _template(request: HttpRequest, template_id: int) -> SurveyTemplate:
    return selectors.template_for_user(request.user, template_id)


def _template_out(template: SurveyTemplate) -> TemplateOut:
    version = selectors.latest_version(template)
    return TemplateOut(
        id=template.pk,
        name=template.name,
        description=template.description,
        organizer_code=template.organizer.code,
        organizer_name=template.organizer.name,
        anonymous=template.anonymous,
        is_active=template.is_active,
        version=version.number,
        sections=[
            SectionOut(
                key=section.key,
                kind=section.kind,
                title=section.title,
                questions=[
                    QuestionOut(
                        key=q.key,
                        kind=q.kind,
                        text=q.text,
                        required=q.required,
                        options=list(q.options),
                        in_index=q.in_index,
                    )
                    for q in section.questions.all()
                ],
            )
            for section in selectors.version_sections(version)
        ],
    )


def _class(request: HttpRequest, class_id: int) -> CourseClass:
    return selectors.managed_class_for_user(request.user, class_id)


def _class_survey_out(course_class: CourseClass) -> ClassSurveyOut:
    survey = selectors.class_survey(course_class)
    if survey is None:
        raise NotFound(errors.SURVEY_NOT_ATTACHED, _("本班期尚未設定課後問卷。"))
    state = selectors.survey_state(survey)
    return ClassSurveyOut(
        class_id=course_class.pk,
        template_id=survey.version.template_id,
        template_name=survey.version.template.name,
        version=survey.version.number,
        anonymous=survey.anonymous,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        state=state.value,
        state_label=str(state.label),
        invited_count=survey.invited_count,
        response_count=survey.response_count,
        waiting_count=survey.waiting_count,
    )


def _person_id(request: HttpRequest) -> int:
    person_id = grants_for(request.user).person_id
    if person_id is None:
        raise PermissionDenied(errors.SURVEY_NO_PERSON, _("帳號未對應人員資料，無法填答問卷。"), status=403)
    return person_id


def _invitation(request: HttpRequest, survey_id: int) -> Invitation:
    """The caller's invitation to the survey. A survey that does not exist and one the caller is
    not asked to answer are refused alike, so ids tell nothing."""
    return selectors.invitation_for_user(request.user, survey_id)


def _data(answers: Mapping[str, Sequence[str | int]]) -> dict[str, list[str]]:
    """The services take what a form posts: each field's values as text."""
    return {name: [str(value) for value in values] for name, values in answers.items()}


def _choices(kind: str, options: Sequence[str]) -> list[ChoiceOut]:
    if kind == QuestionKind.SCALE:
        return [ChoiceOut(value=point.value, label=str(point.label)) for point in ScalePoint]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return [ChoiceOut(value=index, label=label) for index, label in enumerate(options)]
    return []


# --- templates -------------------------------------------------------------------------------------


@router.get("/templates", response=list[TemplateSummaryOut], summary="問卷範本一覽（承辦機關的範本）")
@api_requires("surveys.manage")
@paginate(PageNumberPagination, page_size=50)
def template_list(request: HttpRequest) -> QuerySet[SurveyTemplate]:
    # A queryset: the paginator slices it in SQL.
    return selectors.templates_for_user(request.user).annotate(latest_number=Max("versions__number"))


@router.get("/templates/{template_id}", response=TemplateOut, summary="問卷範本（最新版本的題組與題目）")
@api_requires("surveys.manage")
@api_errors(errors.SURVEY_TEMPLATE_NOT_FOUND)
def template_detail(request: HttpRequest, template_id: Id) -> TemplateOut:
    return _template_out(_template(request, template_id))


@router.post("/templates", response={201: TemplateOut}, summary="新增問卷範本（可一併建立題組與題目）")
@api_requires("surveys.manage")
@api_errors(
    errors.AGENCY_NOT_FOUND,
    errors.SURVEY_OPTIONS_REQUIRED,
    errors.SURVEY_OPTIONS_DUPLICATE,
    errors.SURVEY_TEMPLATE_EXISTS,
)
def template_create(request: HttpRequest, payload: TemplateIn) -> Status:
    """`organizer_code`: an organizing body the caller organizes for. Sections and questions are
    in order; single and multiple choice questions need at least two distinct options."""
    organizer = organizing_body_for_user(request.user, payload.organizer_code)
    template = services.template_create(
        organizer=organizer,
        name=payload.name,
        description=payload.description,
        anonymous=payload.anonymous,
        sections=[
            services.SectionSpec(
                kind=section.kind,
                title=section.title,
                questions=tuple(
                    services.QuestionSpec(
                        kind=q.kind,
                        text=q.text,
                        required=q.required,
                        options=tuple(q.options),
                        in_index=q.in_index,
                    )
                    for q in section.questions
                ),
            )
            for section in payload.sections
        ],
        actor=request.user,
    )
    return Status(201, _template_out(template))


# --- a class's survey ------------------------------------------------------------------------------


@router.get("/classes/{class_id}/survey", response=ClassSurveyOut, summary="班期的課後問卷（範本、期間、填答人數）")
@api_requires("surveys.manage")
@api_errors(errors.CLASS_NOT_FOUND, errors.SURVEY_NOT_ATTACHED)
def class_survey(request: HttpRequest, class_id: Id) -> ClassSurveyOut:
    return _class_survey_out(_class(request, class_id))


@router.put("/classes/{class_id}/survey", response=ClassSurveyOut, summary="設定班期的課後問卷（開放填答前可更換）")
@api_requires("surveys.manage")
@api_errors(
    errors.CLASS_NOT_FOUND,
    errors.SURVEY_TEMPLATE_NOT_FOUND,
    errors.SURVEY_TEMPLATE_FOREIGN,
    ErrorCode.TEMPLATE_EMPTY,
    ErrorCode.ALREADY_ATTACHED,
)
def class_survey_attach(request: HttpRequest, class_id: Id, payload: ClassSurveyIn) -> ClassSurveyOut:
    """Attaches the template's newest version; the survey opens when the class's last session ends
    and closes after the pack's open days. Refused once the survey has opened
    (`survey.already_opened`), for another body's template (`survey.template_foreign`) or an empty
    one (`survey.template_empty`)."""
    course_class = _class(request, class_id)
    template = selectors.own_template_for_user(request.user, payload.template_id)
    services.survey_attach(
        course_class=course_class, template=template, anonymous=payload.anonymous, actor=request.user
    )
    return _class_survey_out(course_class)


# --- answering -------------------------------------------------------------------------------------


@router.get("/mine", response=list[PendingOut], summary="我待填的課後問卷（最先截止者在前）")
@api_requires("surveys.answer")
@api_errors(errors.SURVEY_NO_PERSON)
def mine(request: HttpRequest) -> list[PendingOut]:
    return [
        PendingOut(
            survey_id=p.survey.pk,
            class_id=p.survey.course_class_id,
            class_name=str(p.survey.course_class),
            closes_at=p.survey.closes_at,
            started=p.started,
        )
        for p in selectors.pending_for_person(_person_id(request))
    ]


@router.get("/{survey_id}/form", response=FormOut, summary="問卷填答表（題目、選項與我的暫存作答）")
@api_requires("surveys.answer")
@api_errors(errors.SURVEY_NO_PERSON, ErrorCode.NOT_INVITED)
def form(request: HttpRequest, survey_id: Id) -> FormOut:
    """Each question is answered under its `field` (an instructor section repeats per instructor,
    so the same question appears once for each, under different fields)."""
    invitation = _invitation(request, survey_id)
    survey = invitation.survey
    state = selectors.survey_state(survey)
    return FormOut(
        survey_id=survey.pk,
        class_id=survey.course_class_id,
        class_name=str(survey.course_class),
        description=survey.version.template.description,
        anonymous=survey.anonymous,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        state=state.value,
        state_label=str(state.label),
        responded=invitation.responded_at is not None,
        draft_saved_at=invitation.draft_saved_at,
        values=selectors.draft_values(invitation),
        blocks=[
            FormBlockOut(
                heading=block.heading,
                section_kind=block.section.kind,
                instructor=InstructorOut(id=block.instructor.pk, name=block.instructor.name)
                if block.instructor is not None
                else None,
                questions=[
                    FormQuestionOut(
                        field=fq.field,
                        key=fq.question.key,
                        kind=fq.question.kind,
                        text=fq.question.text,
                        required=fq.question.required,
                        options=_choices(fq.question.kind, fq.question.options),
                    )
                    for fq in block.questions
                ],
            )
            for block in selectors.survey_form(survey)
        ],
    )


@router.put("/{survey_id}/draft", response=DraftOut, summary="暫存作答（送出前可隨時回來繼續）")
@api_requires("surveys.answer")
@api_errors(
    errors.SURVEY_NO_PERSON, ErrorCode.NOT_INVITED, ErrorCode.NOT_OPEN, ErrorCode.CLOSED, ErrorCode.ALREADY_ANSWERED
)
def draft(request: HttpRequest, survey_id: Id, payload: AnswersIn) -> DraftOut:
    """Keeps the form's own fields only (others are dropped); replaces any earlier draft."""
    invitation = _invitation(request, survey_id)
    saved = services.draft_save(invitation=invitation, data=_data(payload.answers), actor=request.user)
    assert saved.draft_saved_at is not None
    return DraftOut(survey_id=survey_id, draft_saved_at=saved.draft_saved_at, values=selectors.draft_values(saved))


@router.post("/{survey_id}/responses", response={201: SubmittedOut}, summary="送出問卷（每人限填一次）")
@api_requires("surveys.answer")
@api_errors(
    errors.SURVEY_NO_PERSON,
    ErrorCode.NOT_INVITED,
    ErrorCode.NOT_OPEN,
    ErrorCode.CLOSED,
    ErrorCode.ALREADY_ANSWERED,
    ErrorCode.INVALID_ANSWERS,
)
def submit(request: HttpRequest, survey_id: Id, payload: AnswersIn) -> Status:
    """`answers`: field → values (a scale point 1–5, an option's index, or text; several indexes
    for a multiple choice). An invalid submission writes nothing and answers 400
    `survey.invalid_answers` with `details.fields` (field → `required`, `invalid_choice` or
    `too_long`); a second submission is 409 `survey.already_answered`; outside the survey's
    window 409 `survey.not_open` or `survey.closed`."""
    invitation = _invitation(request, survey_id)
    response = services.response_submit(invitation=invitation, data=_data(payload.answers), actor=request.user)
    return Status(
        201,
        SubmittedOut(
            survey_id=survey_id,
            anonymous=invitation.survey.anonymous,
            response_id=response.pk if response is not None else None,
            in_results=response is not None,
        ),
    )
