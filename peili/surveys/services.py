"""Every write of surveys and reflections, each audited.

Templates are versioned: an edit goes to the template's newest version while nobody has answered
it, and otherwise to a copy (`editable_version`), so answers stay tied to the questions they
answered. Surveys that nobody has answered yet follow the template to the new version.

Answering locks the survey row: one answer per person (the invitation's `responded_at`, and for a
named survey a unique constraint too), and an invalid submission writes nothing. A named survey's
answer, its tallies and counters are written together. An anonymous survey's answer is not: it
waits, sealed, in the survey's pool (`PendingResponse`, written in a transaction of its own), the
invitation is marked in another, and `pool_flush` writes the waiting answers as responses in
shuffled batches — see `docs/rules/surveys.md`, "Anonymity".
"""

from __future__ import annotations

import logging
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog.enums import ClassStatus
from peili.catalog.models import CourseClass
from peili.core import audit, locking, roc
from peili.core.errors import Conflict, NotFound, PeiliError
from peili.enrolment.enums import RegistrationStatus
from peili.enrolment.models import Registration
from peili.org.models import Agency, Person
from peili.policy.schema import SURVEY_MAX_OPEN_DAYS
from peili.surveys import rules, sealing, selectors, tasks
from peili.surveys.codes import Action, Error
from peili.surveys.enums import ErrorCode, QuestionKind, ReflectionStatus, SurveyState
from peili.surveys.models import (
    Answer,
    Invitation,
    PendingResponse,
    Question,
    Reflection,
    ReflectionAssignment,
    Response,
    Survey,
    SurveyTemplate,
    Tally,
    TemplateDefault,
    TemplateSection,
    TemplateVersion,
)

logger = logging.getLogger(__name__)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- templates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    required: bool = True
    options: tuple[str, ...] = ()
    in_index: bool = True


@dataclass(frozen=True)
class SectionSpec:
    kind: str
    title: str
    questions: tuple[QuestionSpec, ...] = ()


def _check_question(spec: QuestionSpec) -> None:
    if spec.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = [o.strip() for o in spec.options if o.strip()]
        if len(options) < 2:
            raise PeiliError(Error.SURVEY_OPTIONS_REQUIRED, _("單選或複選題至少須有兩個選項。"))
        if len(set(options)) != len(options):
            raise PeiliError(Error.SURVEY_OPTIONS_DUPLICATE, _("選項不可重複。"))


def _question_fields(spec: QuestionSpec) -> dict[str, Any]:
    _check_question(spec)
    choice = spec.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    return {
        "kind": spec.kind,
        "text": spec.text.strip(),
        "required": spec.required,
        "options": [o.strip() for o in spec.options if o.strip()] if choice else [],
        "in_index": spec.in_index and spec.kind == QuestionKind.SCALE,
    }


@transaction.atomic
def template_create(
    *,
    organizer: Agency,
    name: str,
    description: str = "",
    anonymous: bool = True,
    sections: Sequence[SectionSpec] = (),
    actor: Any,
) -> SurveyTemplate:
    """A new template (version 1), optionally with its sections and questions."""
    if SurveyTemplate.objects.filter(organizer=organizer, name=name.strip()).exists():
        raise Conflict(Error.SURVEY_TEMPLATE_EXISTS, _("「%(name)s」已有同名的問卷範本。") % {"name": name.strip()})
    template = SurveyTemplate.objects.create(
        organizer=organizer,
        name=name.strip(),
        description=description.strip(),
        anonymous=anonymous,
        created_by=_user(actor),
    )
    version = TemplateVersion.objects.create(template=template, number=1, created_by=_user(actor))
    for position, spec in enumerate(sections, start=1):
        section = TemplateSection.objects.create(version=version, position=position, kind=spec.kind, title=spec.title)
        for q_position, question in enumerate(spec.questions, start=1):
            Question.objects.create(section=section, position=q_position, **_question_fields(question))
    audit.record(actor=actor, action=Action.TEMPLATE_CREATE, target=template, after={"name": template.name})
    return template


@transaction.atomic
def template_update(
    *, template: SurveyTemplate, name: str, description: str, anonymous: bool, is_active: bool, actor: Any
) -> SurveyTemplate:
    """The template's name and settings (not versioned: they do not change what was answered;
    anonymity applies to surveys attached from now on)."""
    locked = locking.lock_row(SurveyTemplate, pk=template.pk)
    if SurveyTemplate.objects.filter(organizer=locked.organizer, name=name.strip()).exclude(pk=locked.pk).exists():
        raise Conflict(Error.SURVEY_TEMPLATE_EXISTS, _("「%(name)s」已有同名的問卷範本。") % {"name": name.strip()})
    fields = ("name", "description", "anonymous", "is_active")
    before = audit.snapshot(locked, fields)
    locked.name, locked.description = name.strip(), description.strip()
    locked.anonymous, locked.is_active = anonymous, is_active
    locked.save(update_fields=list(fields))
    old, new = audit.diff(before, audit.snapshot(locked, fields))
    if new:
        audit.record(actor=actor, action=Action.TEMPLATE_UPDATE, target=locked, before=old, after=new)
    return locked


def version_answered(version: TemplateVersion) -> bool:
    """Whether anyone answered the version: a response, or an anonymous answer still in a pool."""
    return (
        Response.objects.filter(version=version).exists()
        or PendingResponse.objects.filter(survey__version=version).exists()
    )


def editable_version(template: SurveyTemplate, actor: Any) -> TemplateVersion:
    """The version an edit goes to: the newest, unless someone has answered it — then a copy of it
    as the next version (same section and question keys), to which the surveys nobody has answered
    yet are moved. Call inside a transaction holding the template's row lock."""
    latest = selectors.latest_version(template)
    if not version_answered(latest):
        return latest
    copy = TemplateVersion.objects.create(template=template, number=latest.number + 1, created_by=_user(actor))
    for section in selectors.version_sections(latest):
        new_section = TemplateSection.objects.create(
            version=copy, key=section.key, position=section.position, kind=section.kind, title=section.title
        )
        Question.objects.bulk_create(
            Question(
                section=new_section,
                key=q.key,
                position=q.position,
                kind=q.kind,
                text=q.text,
                required=q.required,
                options=q.options,
                in_index=q.in_index,
            )
            for q in section.questions.all()
        )
    # Locked first, then checked for answers waiting in a pool: an anonymous answer is pooled (with
    # the survey's lock) before its invitation is counted, so `response_count` alone could miss it.
    unanswered = locking.locked(
        Survey.objects.filter(version__template=template, response_count=0).order_by("pk").values_list("pk", flat=True)
    )
    waiting = set(PendingResponse.objects.filter(survey_id__in=unanswered).values_list("survey_id", flat=True))
    moved = Survey.objects.filter(pk__in=[pk for pk in unanswered if pk not in waiting]).update(version=copy)
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_NEW_VERSION,
        target=template,
        after={"version": copy.number, "surveys_moved": moved},
        note=_("已有填答，修改時另立新版本"),
    )
    return copy


def _locked_template(template: SurveyTemplate) -> SurveyTemplate:
    return locking.lock_row(SurveyTemplate, pk=template.pk)


def _section(version: TemplateVersion, key: str) -> TemplateSection:
    section = version.sections.filter(key=key).first()
    if section is None:
        raise NotFound(Error.SURVEY_SECTION_NOT_FOUND, _("找不到這個題組，可能已被刪除。"))
    return section


def _question(version: TemplateVersion, key: str) -> Question:
    question = Question.objects.filter(section__version=version, key=key).select_related("section").first()
    if question is None:
        raise NotFound(Error.SURVEY_QUESTION_NOT_FOUND, _("找不到這個題目，可能已被刪除。"))
    return question


def _renumber(items: Sequence[Any]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def section_add(*, template: SurveyTemplate, kind: str, title: str, actor: Any) -> TemplateSection:
    locked = _locked_template(template)
    version = editable_version(locked, actor)
    last = version.sections.aggregate(m=Max("position"))["m"] or 0
    section = TemplateSection.objects.create(version=version, position=last + 1, kind=kind, title=title.strip())
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_SECTION_ADD,
        target=locked,
        after={"version": version.number, "section": section.key, "kind": kind, "title": section.title},
    )
    return section


@transaction.atomic
def section_update(*, template: SurveyTemplate, key: str, kind: str, title: str, actor: Any) -> TemplateSection:
    locked = _locked_template(template)
    version = editable_version(locked, actor)
    section = _section(version, key)
    before = audit.snapshot(section, ("kind", "title"))
    section.kind, section.title = kind, title.strip()
    section.save(update_fields=["kind", "title"])
    old, new = audit.diff(before, audit.snapshot(section, ("kind", "title")))
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_SECTION_UPDATE,
        target=locked,
        before=old,
        after={**new, "version": version.number, "section": key},
    )
    return section


@transaction.atomic
def section_delete(*, template: SurveyTemplate, key: str, actor: Any) -> None:
    locked = _locked_template(template)
    version = editable_version(locked, actor)
    section = _section(version, key)
    title = section.title
    section.delete()
    _renumber(list(version.sections.order_by("position")))
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_SECTION_DELETE,
        target=locked,
        before={"section": key, "title": title},
        after={"version": version.number},
    )


@transaction.atomic
def section_move(*, template: SurveyTemplate, key: str, offset: int, actor: Any) -> None:
    locked = _locked_template(template)
    version = editable_version(locked, actor)
    sections = list(version.sections.order_by("position"))
    _move(sections, key, offset)
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_SECTION_MOVE,
        target=locked,
        after={"version": version.number, "section": key, "offset": offset},
    )


def _move(items: list[Any], key: str, offset: int) -> None:
    index = next((i for i, item in enumerate(items) if item.key == key), None)
    if index is None:
        raise NotFound(Error.SURVEY_ITEM_NOT_FOUND, _("找不到要移動的項目，可能已被刪除。"))
    target = max(0, min(len(items) - 1, index + offset))
    items.insert(target, items.pop(index))
    _renumber(items)


@transaction.atomic
def question_add(*, template: SurveyTemplate, section_key: str, spec: QuestionSpec, actor: Any) -> Question:
    locked = _locked_template(template)
    version = editable_version(locked, actor)
    section = _section(version, section_key)
    last = section.questions.aggregate(m=Max("position"))["m"] or 0
    question = Question.objects.create(section=section, position=last + 1, **_question_fields(spec))
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_QUESTION_ADD,
        target=locked,
        after={"version": version.number, "question": question.key, "text": question.text, "kind": question.kind},
    )
    return question


QUESTION_FIELDS = ("kind", "text", "required", "options", "in_index")


@transaction.atomic
def question_update(*, template: SurveyTemplate, key: str, spec: QuestionSpec, actor: Any) -> Question:
    locked = _locked_template(template)
    version = editable_version(locked, actor)
    question = _question(version, key)
    before = audit.snapshot(question, QUESTION_FIELDS)
    for name, value in _question_fields(spec).items():
        setattr(question, name, value)
    question.save(update_fields=list(QUESTION_FIELDS))
    old, new = audit.diff(before, audit.snapshot(question, QUESTION_FIELDS))
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_QUESTION_UPDATE,
        target=locked,
        before=old,
        after={**new, "version": version.number, "question": key},
    )
    return question


@transaction.atomic
def question_delete(*, template: SurveyTemplate, key: str, actor: Any) -> None:
    locked = _locked_template(template)
    version = editable_version(locked, actor)
    question = _question(version, key)
    section, text = question.section, question.text
    question.delete()
    _renumber(list(section.questions.order_by("position")))
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_QUESTION_DELETE,
        target=locked,
        before={"question": key, "text": text},
        after={"version": version.number},
    )


@transaction.atomic
def question_move(*, template: SurveyTemplate, key: str, offset: int, actor: Any) -> None:
    locked = _locked_template(template)
    version = editable_version(locked, actor)
    question = _question(version, key)
    _move(list(question.section.questions.order_by("position")), key, offset)
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_QUESTION_MOVE,
        target=locked,
        after={"version": version.number, "question": key, "offset": offset},
    )


@transaction.atomic
def template_default_set(*, organizer: Agency, track: str, template: SurveyTemplate | None, actor: Any) -> None:
    """The template a body's classes get (for one track, or with `track` "" for all its classes);
    None removes the default."""
    if template is not None and template.organizer_id != organizer.pk:
        raise PeiliError(Error.SURVEY_TEMPLATE_FOREIGN, _("只能使用本機關的問卷範本。"))
    current = locking.lock_first(TemplateDefault.objects.filter(organizer=organizer, track=track))
    before = {"template": current.template_id} if current else None
    if template is None:
        if current is not None:
            current.delete()
    elif current is None:
        TemplateDefault.objects.create(organizer=organizer, track=track, template=template)
    else:
        current.template = template
        current.save(update_fields=["template"])
    audit.record(
        actor=actor,
        action=Action.TEMPLATE_DEFAULT,
        target=organizer,
        before=before,
        after={"track": track, "template": template.pk if template else None},
    )


def default_template(course_class: CourseClass) -> SurveyTemplate | None:
    """The class's body's default for its course's track, else the body's default for all."""
    organizer = course_class.course.organizer
    track = course_class.course.track
    defaults = {
        d.track: d.template
        for d in TemplateDefault.objects.filter(
            organizer=organizer, track__in={track, ""}, template__is_active=True
        ).select_related("template")
    }
    return defaults.get(track) or defaults.get("")


# --- a class's survey ------------------------------------------------------------------------------


@transaction.atomic
def survey_attach(
    *, course_class: CourseClass, template: SurveyTemplate, anonymous: bool | None = None, actor: Any
) -> Survey:
    """Attach a template's newest version to a class (or change it, until the survey has opened),
    with its window from the class's end and the pack."""
    locked = locking.lock_row(CourseClass.objects.select_related("course__organizer"), pk=course_class.pk)
    if template.organizer_id != locked.course.organizer_id:
        raise PeiliError(Error.SURVEY_TEMPLATE_FOREIGN, _("只能使用本機關的問卷範本。"))
    version = selectors.latest_version(template)
    if not version.sections.filter(questions__isnull=False).exists():
        raise PeiliError(ErrorCode.TEMPLATE_EMPTY, _("「%(name)s」還沒有題目。") % {"name": template.name})
    opens_at, closes_at = selectors.window(locked, selectors.survey_rule(locked))
    anonymous = template.anonymous if anonymous is None else anonymous
    survey = locking.lock_first(Survey.objects.filter(course_class=locked))
    if survey is not None and survey.invited_at is not None:
        raise Conflict(ErrorCode.ALREADY_ATTACHED, _("問卷已開放填答，不能更換範本或匿名設定。"))
    before = audit.snapshot(survey, ("version", "anonymous")) if survey else None
    if survey is None:
        survey = Survey.objects.create(
            course_class=locked,
            version=version,
            anonymous=anonymous,
            opens_at=opens_at,
            closes_at=closes_at,
            attached_by=_user(actor),
        )
    else:
        survey.version, survey.anonymous, survey.opens_at, survey.closes_at = version, anonymous, opens_at, closes_at
        survey.attached_by = _user(actor)
        survey.save(update_fields=["version", "anonymous", "opens_at", "closes_at", "attached_by"])
    audit.record(
        actor=actor,
        action=Action.SURVEY_ATTACH,
        target=locked,
        before=before,
        after={"template": template.pk, "version": version.number, "anonymous": anonymous},
    )
    return survey


@transaction.atomic
def survey_detach(*, course_class: CourseClass, actor: Any) -> None:
    survey = locking.lock_first(Survey.objects.filter(course_class=course_class))
    if survey is None:
        return
    if survey.invited_at is not None:
        raise Conflict(ErrorCode.ALREADY_ATTACHED, _("問卷已開放填答，不能取消。"))
    survey.delete()
    audit.record(actor=actor, action=Action.SURVEY_DETACH, target=course_class)


def survey_invite(*, survey: Survey, now: datetime | None = None) -> list[int]:
    """Ask those who attended (idempotent: adds anyone newly marked present). Returns the ids of
    the invitations created, for the notices."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = locking.lock_row(Survey.objects.select_related("course_class"), pk=survey.pk)
        have = set(locked.invitations.values_list("person_id", flat=True))
        new = [pid for pid in selectors.attendees(locked.course_class) if pid not in have]
        created = Invitation.objects.bulk_create(Invitation(survey=locked, person_id=pid) for pid in new)
        locked.invited_count = len(have) + len(created)
        if locked.invited_at is None:
            locked.invited_at = now
        locked.save(update_fields=["invited_count", "invited_at"])
        if created:
            audit.record(
                actor=None, action=Action.SURVEY_INVITE, target=locked.course_class, after={"invited": len(created)}
            )
    ids = [inv.pk for inv in created if inv.pk is not None]
    if len(ids) != len(created):  # backends that do not return ids from bulk_create
        ids = list(Invitation.objects.filter(survey=survey, person_id__in=new).values_list("pk", flat=True))
    return ids


def surveys_open_due(*, now: datetime | None = None) -> list[int]:
    """Attach default templates to classes that have ended without a survey, and ask the attendees
    of every survey whose time has come. Returns the new invitation ids (for the notices)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Only classes whose survey could still be open: no pack keeps one open longer than the bound.
    ended = CourseClass.objects.filter(
        end_date__lte=today,
        end_date__gte=today - timedelta(days=SURVEY_MAX_OPEN_DAYS),
        survey__isnull=True,
        status__in=[ClassStatus.PUBLISHED, ClassStatus.CLOSED],
    ).select_related("course__organizer")
    for course_class in ended:
        template = default_template(course_class)
        if template is None:
            continue
        _opens_at, closes_at = selectors.window(course_class, selectors.survey_rule(course_class))
        if closes_at < now:
            continue  # ended before it could have been asked: no survey after the fact
        try:
            survey_attach(course_class=course_class, template=template, actor=None)
        except PeiliError:
            continue  # an empty default template: nothing to ask
    created: list[int] = []
    due = Survey.objects.filter(invited_at__isnull=True, opens_at__lte=now, closes_at__gte=now)
    for survey in due:
        created += survey_invite(survey=survey, now=now)
    return created


# --- answering -------------------------------------------------------------------------------------


def _open_or_refuse(survey: Survey, now: datetime) -> None:
    state = selectors.survey_state(survey, now)
    if state == SurveyState.SCHEDULED or survey.invited_at is None:
        raise PeiliError(ErrorCode.NOT_OPEN, _("問卷尚未開放填答。"), status=409)
    if state == SurveyState.CLOSED:
        raise PeiliError(
            ErrorCode.CLOSED,
            _("問卷已於 %(when)s 截止，不再受理填答。")
            % {"when": roc.format_long(timezone.localdate(survey.closes_at))},
            status=409,
        )


@transaction.atomic
def draft_save(
    *, invitation: Invitation, data: Mapping[str, Sequence[str]], actor: Any, now: datetime | None = None
) -> Invitation:
    """Keep an unfinished answer (only the form's own fields) so the person can come back to it. An
    anonymous survey's draft is sealed (`selectors.draft_values` reads it): it is the person's by
    nature, and must not be readable in the database or a backup to be matched later against the
    answers written. Submitting deletes it."""
    now = now or timezone.now()
    locked = locking.lock_row(Invitation.objects.select_related("survey__course_class"), pk=invitation.pk)
    _open_or_refuse(locked.survey, now)
    if locked.responded_at is not None:
        raise Conflict(ErrorCode.ALREADY_ANSWERED, _("您已填答過本問卷，不需再填。"))
    items = selectors.form_items(selectors.survey_form(locked.survey))
    kept = rules.drafted(items, data)
    if locked.survey.anonymous:
        sealed = sealing.seal_text(
            kept, purpose=selectors.DRAFT, survey_id=locked.survey_id, size=rules.sealed_size(items)
        )
        locked.draft = {selectors.SEALED: sealed}
    else:
        locked.draft = kept
    locked.draft_saved_at = now
    locked.save(update_fields=["draft", "draft_saved_at"])
    return locked


def _tallies_add(survey: Survey, values: Sequence[rules.Value], keys: Mapping[int, str]) -> None:
    counts = Counter((v.question_id, v.instructor_id, v.value) for v in values)
    existing = {
        (t.question_id, t.instructor_id, t.value): t
        for t in Tally.objects.filter(survey=survey, question_id__in={q for q, _i, _v in counts})
    }
    changed, created = [], []
    for (question_id, instructor_id, value), n in counts.items():
        tally = existing.get((question_id, instructor_id, value))
        if tally is None:
            created.append(
                Tally(
                    survey=survey,
                    question_id=question_id,
                    question_key=keys[question_id],
                    instructor_id=instructor_id,
                    value=value,
                    count=n,
                )
            )
        else:
            tally.count += n
            changed.append(tally)
    Tally.objects.bulk_update(changed, ["count"])
    Tally.objects.bulk_create(created)


def response_submit(
    *, invitation: Invitation, data: Mapping[str, Sequence[str]], actor: Any, now: datetime | None = None
) -> Response | None:
    """Submit an invitation's answers. Refused (nothing written) when the survey is not open, the
    person has answered already, or an answer is missing or invalid — `details["fields"]` then maps
    each form field to its error code.

    A named survey's response (with the person and the time), its tallies and the counters are
    written in one transaction, and returned. An anonymous survey's answer is not written as a
    response here (None is returned): it goes, sealed, into the survey's pool in one transaction,
    and the invitation is marked answered, counted and audited (naming the survey only) in the
    next — so the two never share a transaction id, and the answer is written as a response only
    by `pool_flush`, in a shuffled batch. Call it outside a transaction (as a request does), or the
    two would be one. Should the mark fail after the answer was pooled, the pooled answer is never
    written (the flush writes only answers of marked invitations, one per invitation)."""
    now = now or timezone.now()
    with transaction.atomic():
        survey = locking.lock_row(Survey.objects.select_related("course_class", "version"), pk=invitation.survey_id)
        # An anonymous answer leaves no lock mark on the invitation row either (a row lock is
        # recorded in the row): the survey's lock is what serialises the steps.
        found = Invitation.objects.filter(pk=invitation.pk)
        locked = found.get() if survey.anonymous else locking.lock_row(found)
        _open_or_refuse(survey, now)
        if locked.responded_at is not None:
            raise Conflict(ErrorCode.ALREADY_ANSWERED, _("您已填答過本問卷，每人限填一次。"))
        blocks = selectors.survey_form(survey)
        items = selectors.form_items(blocks)
        checked = rules.check_answers(items, data)
        if not checked.ok:
            raise PeiliError(
                ErrorCode.INVALID_ANSWERS,
                _("有 %(n)d 題未填或填答有誤，請檢查標示的題目。") % {"n": len(checked.errors)},
                details={"fields": dict(checked.errors)},
            )
        if not survey.anonymous:
            return _named_response(survey, locked, checked.values, items, actor=actor, now=now)
        payload = {
            "i": locked.pk,
            "t": now.timestamp(),
            "v": survey.version_id,
            "a": [[v.question_id, v.instructor_id, v.value, v.text] for v in checked.values],
        }
        PendingResponse.objects.create(
            survey=survey,
            sealed=sealing.seal(payload, purpose=POOL, survey_id=survey.pk, size=rules.sealed_size(items)),
        )
    with transaction.atomic():
        survey = locking.lock_row(Survey.objects.select_related("course_class"), pk=invitation.survey_id)
        locked = locking.lock_row(Invitation, pk=invitation.pk)
        if locked.responded_at is not None:  # a second submission that raced the first
            raise Conflict(ErrorCode.ALREADY_ANSWERED, _("您已填答過本問卷，每人限填一次。"))
        locked.responded_at, locked.draft, locked.draft_saved_at = now, {}, None
        locked.save(update_fields=["responded_at", "draft", "draft_saved_at"])
        Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
        audit.record(actor=actor, action=Action.SURVEY_ANSWER, target=survey.course_class, after={"anonymous": True})
    return None


def _named_response(
    survey: Survey,
    invitation: Invitation,
    values: Sequence[rules.Value],
    items: Sequence[rules.Item],
    *,
    actor: Any,
    now: datetime,
) -> Response:
    """A named survey's response, tallies and counters (inside the caller's transaction)."""
    response = Response.objects.create(
        survey=survey, version=survey.version, person_id=invitation.person_id, submitted_at=now
    )
    Answer.objects.bulk_create(
        Answer(response=response, question_id=v.question_id, instructor_id=v.instructor_id, value=v.value, text=v.text)
        for v in values
    )
    _tallies_add(survey, values, {item.question_id: item.key for item in items})
    invitation.responded_at, invitation.draft, invitation.draft_saved_at = now, {}, None
    invitation.save(update_fields=["responded_at", "draft", "draft_saved_at"])
    Survey.objects.filter(pk=survey.pk).update(
        response_count=F("response_count") + 1, tallied_count=F("tallied_count") + 1
    )
    audit.record(
        actor=actor, action=Action.SURVEY_ANSWER, target=survey.course_class, after={"response": str(response.pk)}
    )
    return response


# --- anonymous pools ---------------------------------------------------------------------------------

POOL = "pool"
# The last batch waits until the survey has been closed this long, so that an answer pooled just
# before closing has had its invitation marked (a moment later) before the last batch is chosen.
LAST_BATCH_AFTER = timedelta(minutes=10)


def batch_size() -> int:
    """The fewest anonymous answers written as one batch (`PEILI_SURVEY_ANONYMOUS_BATCH`, at least 2)."""
    return max(2, int(settings.PEILI_SURVEY_ANONYMOUS_BATCH))


@dataclass(frozen=True)
class _Pooled:
    pk: Any
    invitation_id: int
    at: float
    version_id: int
    values: tuple[rules.Value, ...]


def _opened(survey: Survey, rows: Sequence[PendingResponse]) -> list[_Pooled]:
    opened = []
    for row in rows:
        try:
            payload = sealing.unseal(bytes(row.sealed), purpose=POOL, survey_id=survey.pk)
        except sealing.Unreadable:
            # Sealed under a key this installation no longer has: kept until the key is back
            # (SECRET_KEY_FALLBACKS), never dropped silently.
            logger.error("survey %s: a pooled anonymous answer cannot be opened with the configured keys", survey.pk)
            continue
        values = tuple(rules.Value(q, i, value, text) for q, i, value, text in payload["a"])
        opened.append(_Pooled(row.pk, int(payload["i"]), float(payload["t"]), int(payload["v"]), values))
    return opened


def pool_flush(
    *, survey: Survey, last: bool | None = None, now: datetime | None = None, rng: random.Random | None = None
) -> int:
    """Write an anonymous survey's waiting answers as responses, when a batch is due
    (`rules.batch_ready`): at least `batch_size()` answers of marked invitations, or whatever waits
    at the survey's last batch (`last`; by default once it has been closed `LAST_BATCH_AFTER`).

    In one transaction under the survey's lock: one answer per marked invitation (the latest, should
    a double submission have pooled two), shuffled, written as responses and answers with random
    keys and no person or time, the tallies and `tallied_count` moved, and the batch's pool rows
    deleted; at the last batch also the answers whose invitations were never marked (their mark
    failed, so they were never counted). A last batch smaller than a batch is written together
    with every earlier response of the survey, all rewritten under new keys, so it does not stand
    apart (`rules.merge_with_earlier`). Returns how many answers went into the results."""
    now = now or timezone.now()
    shuffler = rng or random.SystemRandom()
    with transaction.atomic():
        locked = locking.lock_row(Survey.objects.select_related("course_class"), pk=survey.pk)
        if not locked.anonymous:
            return 0
        last = now >= locked.closes_at + LAST_BATCH_AFTER if last is None else last
        pooled = _opened(locked, list(PendingResponse.objects.filter(survey=locked)))
        if not pooled:
            return 0
        marked = set(
            Invitation.objects.filter(
                pk__in={p.invitation_id for p in pooled}, survey=locked, responded_at__isnull=False
            ).values_list("pk", flat=True)
        )
        latest: dict[int, _Pooled] = {}
        for p in pooled:
            if p.invitation_id in marked and (p.invitation_id not in latest or p.at > latest[p.invitation_id].at):
                latest[p.invitation_id] = p
        batch = list(latest.values())
        size = batch_size()
        if not rules.batch_ready(len(batch), size, last=last):
            if last:  # nothing to write, but answers whose invitations were never marked are dropped
                PendingResponse.objects.filter(pk__in=[p.pk for p in pooled if p.invitation_id not in marked]).delete()
            return 0
        written: list[tuple[int, tuple[rules.Value, ...]]] = [(p.version_id, p.values) for p in batch]
        if rules.merge_with_earlier(len(batch), size, last=last):
            written += _earlier_responses(locked)
        shuffler.shuffle(written)
        responses = [Response(survey=locked, version_id=version_id) for version_id, _values in written]
        Response.objects.bulk_create(responses)
        Answer.objects.bulk_create(
            Answer(
                response=response, question_id=v.question_id, instructor_id=v.instructor_id, value=v.value, text=v.text
            )
            for response, (_version, values) in zip(responses, written, strict=True)
            for v in values
        )
        new_values = [v for p in batch for v in p.values]
        keys = dict(Question.objects.filter(pk__in={v.question_id for v in new_values}).values_list("pk", "key"))
        _tallies_add(locked, new_values, keys)
        Survey.objects.filter(pk=locked.pk).update(tallied_count=F("tallied_count") + len(batch))
        gone = [p.pk for p in pooled if p.invitation_id in marked or last]
        PendingResponse.objects.filter(pk__in=gone).delete()
        audit.record(
            actor=None,
            action=Action.SURVEY_POOL_FLUSH,
            target=locked.course_class,
            after={"responses": len(batch), "rewritten": len(written) - len(batch)},
        )
    return len(batch)


def _earlier_responses(survey: Survey) -> list[tuple[int, tuple[rules.Value, ...]]]:
    """The survey's responses as (version, answers), deleted, to be written again with the last batch."""
    answers: dict[Any, list[rules.Value]] = defaultdict(list)
    versions = dict(Response.objects.filter(survey=survey).values_list("pk", "version_id"))
    for response_id, question_id, instructor_id, value, text in Answer.objects.filter(
        response__survey=survey
    ).values_list("response_id", "question_id", "instructor_id", "value", "text"):
        answers[response_id].append(rules.Value(question_id, instructor_id, value, text))
    Response.objects.filter(survey=survey).delete()
    return [(version_id, tuple(answers[pk])) for pk, version_id in versions.items()]


def pools_flush(*, now: datetime | None = None) -> int:
    """`pool_flush` every anonymous survey with answers waiting (the periodic task)."""
    waiting = Survey.objects.filter(anonymous=True, pending__isnull=False).distinct().order_by("pk")
    return sum(pool_flush(survey=survey, now=now) for survey in waiting)


def tallies_rebuild(*, survey: Survey) -> None:
    """Recount a survey's tallies from its answers (a repair; the answers are the truth)."""
    with transaction.atomic():
        locked = locking.lock_row(Survey, pk=survey.pk)
        Tally.objects.filter(survey=locked).delete()
        values = [
            rules.Value(a.question_id, a.instructor_id, a.value)
            for a in Answer.objects.filter(response__survey=locked).only("question_id", "instructor_id", "value")
        ]
        keys = dict(Question.objects.filter(answers__response__survey=locked).values_list("pk", "key").distinct())
        _tallies_add(locked, values, keys)


def reminders_due(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(invitation id, reminder number) for every unanswered invitation owed a reminder by the
    pack's reminder days, counted as sent. One reminder per run even if several are owed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    owed: list[tuple[int, int]] = []
    open_surveys = Survey.objects.filter(invited_at__isnull=False, opens_at__lte=now, closes_at__gte=now)
    for survey in open_surveys.select_related("course_class__course__organizer"):
        rule = selectors.survey_rule(survey.course_class)
        target = rules.reminders_owed(
            timezone.localdate(survey.opens_at), today, rule.reminder_days, timezone.localdate(survey.closes_at)
        )
        if not target:
            continue
        with transaction.atomic():
            due = locking.locked(
                Invitation.objects.filter(
                    survey=survey, responded_at__isnull=True, reminders_sent__lt=target
                ).values_list("pk", flat=True)
            )
            Invitation.objects.filter(pk__in=due).update(reminders_sent=target)
        owed += [(pk, target) for pk in due]
    return owed


# --- reflections -----------------------------------------------------------------------------------


@transaction.atomic
def reflection_require(
    *, course_class: CourseClass, prompt: str, min_chars: int, due_on: date, actor: Any
) -> ReflectionAssignment:
    """Require (or change the requirement of) a written reflection for a class."""
    if min_chars < 1:
        raise PeiliError(Error.REFLECTION_MIN_CHARS, _("最少字數須至少 1 字。"))
    current = locking.lock_first(ReflectionAssignment.objects.filter(course_class=course_class))
    fields = ("prompt", "min_chars", "due_on")
    before = audit.snapshot(current, fields) if current else None
    if current is None:
        current = ReflectionAssignment.objects.create(
            course_class=course_class,
            prompt=prompt.strip(),
            min_chars=min_chars,
            due_on=due_on,
            created_by=_user(actor),
        )
    else:
        current.prompt, current.min_chars, current.due_on = prompt.strip(), min_chars, due_on
        current.save(update_fields=list(fields))
    audit.record(
        actor=actor,
        action=Action.REFLECTION_REQUIRE,
        target=course_class,
        before=before,
        after=audit.snapshot(current, fields),
    )
    return current


def _reflection_writer(assignment: ReflectionAssignment, person: Person) -> None:
    if not Registration.objects.filter(
        course_class_id=assignment.course_class_id, person=person, status=RegistrationStatus.CONFIRMED
    ).exists():
        raise PeiliError(ErrorCode.REFLECTION_NOT_REQUIRED, _("您未參加本班期，不需繳交心得。"), status=403)


@transaction.atomic
def reflection_save(
    *, assignment: ReflectionAssignment, person: Person, text: str, submit: bool, actor: Any, today: date | None = None
) -> Reflection:
    """Save a reflection (a draft), or submit it for review. Submitting checks the deadline and
    the minimum length; an accepted or waiting reflection cannot be changed."""
    today = today or timezone.localdate()
    _reflection_writer(assignment, person)
    locking.bound_wait()
    with locking.translated():
        reflection, _created = Reflection.objects.select_for_update().get_or_create(
            assignment=assignment, person=person
        )
    if reflection.status in (ReflectionStatus.SUBMITTED, ReflectionStatus.ACCEPTED):
        raise Conflict(ErrorCode.REFLECTION_STATE, _("心得已繳交，審閱中或已通過，不能再修改。"))
    if today > assignment.due_on:
        raise PeiliError(
            ErrorCode.REFLECTION_CLOSED,
            _("心得繳交期限為 %(d)s，已經截止。") % {"d": roc.format_long(assignment.due_on)},
            status=409,
        )
    reflection.text = text.strip()
    if submit:
        length = rules.reflection_length(reflection.text)
        if not rules.reflection_long_enough(reflection.text, assignment.min_chars):
            raise PeiliError(
                ErrorCode.REFLECTION_TOO_SHORT,
                _("心得至少須 %(min)d 字，目前 %(n)d 字。") % {"min": assignment.min_chars, "n": length},
                details={"min_chars": assignment.min_chars, "chars": length},
            )
        reflection.status = ReflectionStatus.SUBMITTED
        reflection.submitted_at = timezone.now()
    reflection.save()
    if submit:
        audit.record(actor=actor, action=Action.REFLECTION_SUBMIT, target=reflection, after={"chars": length})
    return reflection


@transaction.atomic
def reflection_review(*, reflection: Reflection, accept: bool, comment: str, actor: Any) -> Reflection:
    """Accept a submitted reflection, or return it with comments (required) for the writer to revise."""
    locked = locking.lock_row(Reflection, pk=reflection.pk)
    if locked.status != ReflectionStatus.SUBMITTED:
        raise Conflict(ErrorCode.REFLECTION_STATE, _("只有待審閱的心得可以通過或退回。"))
    if not accept and not comment.strip():
        raise PeiliError(Error.REFLECTION_COMMENT_REQUIRED, _("退回心得須填寫審閱意見。"))
    before = {"status": locked.status}
    locked.status = ReflectionStatus.ACCEPTED if accept else ReflectionStatus.RETURNED
    locked.comment, locked.reviewed_at, locked.reviewed_by = comment.strip(), timezone.now(), _user(actor)
    locked.save(update_fields=["status", "comment", "reviewed_at", "reviewed_by", "updated_at"])
    audit.record(
        actor=actor,
        action=Action.REFLECTION_ACCEPT if accept else Action.REFLECTION_RETURN,
        target=locked,
        before=before,
        after={"status": locked.status},
        note=locked.comment,
    )
    pk = locked.pk
    transaction.on_commit(lambda: tasks.notify_reflection.delay(pk))
    return locked
