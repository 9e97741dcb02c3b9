"""The organizer's pages for questionnaires: the templates, the builder of one template (settings,
sections, questions, a preview), the body's default templates, and a class's survey and reflection
setup.

Every builder action is a plain POST that redirects back to the builder (or shows it again with the
form's errors). Asked by htmx, it answers with the builder's fragment instead, so the page changes in
place. An edit after someone has answered goes to a new version (`services.editable_version`); the
page says so before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peili.catalog.models import CourseClass
from peili.catalog.selectors import organizing_bodies_for_user, track_choices
from peili.core.errors import PeiliError
from peili.core.pages import perform, read_for_page, submit
from peili.core.permissions import check_page, requires
from peili.org.models import Agency
from peili.surveys import selectors, services
from peili.surveys.enums import QuestionKind, ScalePoint, SectionKind
from peili.surveys.forms.builder import (
    ClassSurveyForm,
    DefaultForm,
    QuestionAddForm,
    QuestionForm,
    ReflectionForm,
    SectionForm,
    TemplateCreateForm,
    TemplateSettingsForm,
)
from peili.surveys.models import (
    Question,
    SurveyTemplate,
    TemplateSection,
)

MOVES = {"up": -1, "down": 1}
ACTIONS = {"update", "delete", *MOVES}
SECTION_ADD_ID = "section-new-%s"


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _template(request: HttpRequest, pk: int) -> SurveyTemplate:
    return read_for_page(selectors.template_for_user, request.user, pk)


def _section_id(key: str) -> str:
    return f"section-{key}-%s"


def _question_add_id(key: str) -> str:
    return f"question-new-{key}-%s"


def _question_id(key: str) -> str:
    return f"question-{key}-%s"


# --- templates -------------------------------------------------------------------------------------


@requires("surveys.manage")
def template_list(request: HttpRequest) -> HttpResponse:
    templates = selectors.templates_for_user(request.user).annotate(
        version_number=Max("versions__number"), class_count=Count("versions__surveys", distinct=True)
    )
    return render(request, "surveys/builder/template_list.html", {"templates": templates})


@requires("surveys.manage")
def template_create(request: HttpRequest) -> HttpResponse:
    bodies = organizing_bodies_for_user(request.user)
    form = TemplateCreateForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = submit(
            request,
            form,
            lambda: services.template_create(
                organizer=data["organizer"],
                name=data["name"],
                description=data["description"],
                anonymous=data["anonymous"],
                sections=form.sections(),
                actor=request.user,
            ),
            _("已建立問卷範本「%(name)s」。") % {"name": data["name"].strip()},
            field="name",
        )
        if created is not None:
            return redirect("surveys:template", pk=created.pk)
    return render(request, "surveys/builder/template_create.html", {"form": form, "has_bodies": bodies.exists()})


# --- the builder -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """A form posted with errors, to show again in its place: `target` is which form
    (section_add, section, question_add, question) and `key` whose."""

    target: str
    key: str
    form: Form


@dataclass
class QuestionRow:
    question: Question
    form: QuestionForm
    open: bool = False


@dataclass
class SectionRow:
    section: TemplateSection
    form: SectionForm
    question_form: QuestionAddForm
    questions: list[QuestionRow] = field(default_factory=list)
    open: bool = False
    adding: bool = False

    @property
    def repeats(self) -> bool:
        return self.section.kind == SectionKind.INSTRUCTOR


def _bound(bound: Bound | None, target: str, key: str) -> Form | None:
    if bound is not None and bound.target == target and bound.key == key:
        return bound.form
    return None


def _builder(template: SurveyTemplate, bound: Bound | None = None) -> dict[str, Any]:
    """What the builder fragment shows: the newest version's sections and questions, each with its
    edit form (the posted one, with its errors, where there is one)."""
    version = selectors.latest_version(template)
    rows = []
    for section in selectors.version_sections(version):
        key = section.key
        section_form = _bound(bound, "section", key) or SectionForm(
            initial={"kind": section.kind, "title": section.title}, auto_id=_section_id(key)
        )
        question_form = _bound(bound, "question_add", key) or QuestionAddForm(
            initial={"section": key}, auto_id=_question_add_id(key)
        )
        questions = []
        for question in section.questions.all():
            posted = _bound(bound, "question", question.key)
            form = posted or QuestionForm.of(question, auto_id=_question_id(question.key))
            questions.append(QuestionRow(question, form, open=posted is not None))  # type: ignore[arg-type]
        rows.append(
            SectionRow(
                section,
                section_form,  # type: ignore[arg-type]
                question_form,  # type: ignore[arg-type]
                questions,
                open=_bound(bound, "section", key) is not None,
                adding=_bound(bound, "question_add", key) is not None,
            )
        )
    return {
        "template": template,
        "version": version,
        "answered": services.version_answered(version),
        "next_number": version.number + 1,
        "rows": rows,
        "question_count": sum(len(row.questions) for row in rows),
        "section_form": _bound(bound, "section_add", "") or SectionForm(auto_id=SECTION_ADD_ID),
        "section_adding": _bound(bound, "section_add", "") is not None,
        "scale_points": list(reversed(ScalePoint.choices)),
        "kinds": QuestionKind,
    }


def _builder_page(
    request: HttpRequest, template: SurveyTemplate, *, settings_form: TemplateSettingsForm | None = None, **kw: Any
) -> HttpResponse:
    context = _builder(template, **kw)
    context["settings_form"] = settings_form or TemplateSettingsForm.of(template)
    return render(request, "surveys/builder/template_detail.html", context)


def _after(
    request: HttpRequest, template: SurveyTemplate, *, bound: Bound | None = None, anchor: str = ""
) -> HttpResponse:
    """The answer to a builder action: the fragment for htmx; otherwise back to the builder, or the
    builder again with the posted form's errors."""
    if _is_htmx(request):
        return render(request, "surveys/builder/_builder.html", {**_builder(template, bound), "partial": True})
    if bound is not None:
        return _builder_page(request, template, bound=bound)
    url = reverse("surveys:template", kwargs={"pk": template.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _version_number(template: SurveyTemplate) -> int:
    return selectors.latest_version(template).number


def _note_new_version(request: HttpRequest, template: SurveyTemplate, before: int) -> None:
    after = _version_number(template)
    if after != before:
        messages.info(
            request,
            _("第 %(old)d 版已有人填答，這次修改另存為第 %(new)d 版；已收到的填答仍屬於第 %(old)d 版。")
            % {"old": before, "new": after},
        )


@requires("surveys.manage")
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The builder: the template's settings (POST here), its sections and questions, a preview."""
    template = _template(request, pk)
    form = TemplateSettingsForm.of(template, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = submit(
            request,
            form,
            lambda: services.template_update(
                template=template,
                name=data["name"],
                description=data["description"],
                anonymous=data["anonymous"],
                is_active=data["is_active"],
                actor=request.user,
            ),
            _("已儲存範本設定。"),
            field="name",
        )
        if done is not None:
            return redirect("surveys:template", pk=template.pk)
    return _builder_page(request, template, settings_form=form)


@requires("surveys.manage")
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    form = SectionForm(request.POST, auto_id=SECTION_ADD_ID)
    if form.is_valid():
        before = _version_number(template)
        data = form.cleaned_data
        section = submit(
            request,
            form,
            lambda: services.section_add(template=template, kind=data["kind"], title=data["title"], actor=request.user),
            _("已新增題組「%(title)s」。") % {"title": data["title"].strip()},
        )
        if section is not None:
            _note_new_version(request, template, before)
            return _after(request, template, anchor=f"section-{section.key}")
    return _after(request, template, bound=Bound("section_add", "", form))


@requires("surveys.manage")
@require_POST
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """action=update (kind and title), delete, up or down."""
    template = _template(request, pk)
    action = request.POST.get("action", "update")
    if action not in ACTIONS:
        return HttpResponseBadRequest(_("不明的操作。"))
    if not selectors.has_section(template, key):
        messages.error(request, _("找不到這個題組，可能已被刪除。"))
        return _after(request, template)
    before = _version_number(template)
    anchor = f"section-{key}"
    if action == "update":
        form = SectionForm(request.POST, auto_id=_section_id(key))
        saved = None
        if form.is_valid():
            kind, title = form.cleaned_data["kind"], form.cleaned_data["title"]
            saved = submit(
                request,
                form,
                lambda: services.section_update(template=template, key=key, kind=kind, title=title, actor=request.user),
                _("已儲存題組「%(title)s」。") % {"title": title.strip()},
            )
        if saved is None:
            return _after(request, template, bound=Bound("section", key, form))
    elif action == "delete":
        perform(
            request,
            lambda: services.section_delete(template=template, key=key, actor=request.user),
            _("已刪除題組及其題目。"),
        )
        anchor = "builder"
    else:
        perform(
            request,
            lambda: services.section_move(template=template, key=key, offset=MOVES[action], actor=request.user),
            _("已調整題組順序。"),
        )
    _note_new_version(request, template, before)
    return _after(request, template, anchor=anchor)


@requires("surveys.manage")
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    section_key = request.POST.get("section", "")[:32]
    if not selectors.has_section(template, section_key):
        messages.error(request, _("找不到這個題組，可能已被刪除。"))
        return _after(request, template)
    form = QuestionAddForm(request.POST, auto_id=_question_add_id(section_key))
    if form.is_valid():
        before = _version_number(template)
        question = submit(
            request,
            form,
            lambda: services.question_add(
                template=template, section_key=section_key, spec=form.spec(), actor=request.user
            ),
            _("已新增題目。"),
        )
        if question is not None:
            _note_new_version(request, template, before)
            return _after(request, template, anchor=f"question-{question.key}")
    return _after(request, template, bound=Bound("question_add", section_key, form))


@requires("surveys.manage")
@require_POST
def question_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """action=update (kind, text, required, options, in_index), delete, up or down."""
    template = _template(request, pk)
    action = request.POST.get("action", "update")
    if action not in ACTIONS:
        return HttpResponseBadRequest(_("不明的操作。"))
    if not selectors.has_question(template, key):
        messages.error(request, _("找不到這個題目，可能已被刪除。"))
        return _after(request, template)
    before = _version_number(template)
    anchor = f"question-{key}"
    if action == "update":
        form = QuestionForm(request.POST, auto_id=_question_id(key))
        updated = None
        if form.is_valid():
            updated = submit(
                request,
                form,
                lambda: services.question_update(template=template, key=key, spec=form.spec(), actor=request.user),
                _("已儲存題目。"),
            )
        if updated is None:
            return _after(request, template, bound=Bound("question", key, form))
    elif action == "delete":
        perform(
            request,
            lambda: services.question_delete(template=template, key=key, actor=request.user),
            _("已刪除題目。"),
        )
        anchor = "builder"
    else:
        perform(
            request,
            lambda: services.question_move(template=template, key=key, offset=MOVES[action], actor=request.user),
            _("已調整題目順序。"),
        )
    _note_new_version(request, template, before)
    return _after(request, template, anchor=anchor)


# --- defaults --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefaultRow:
    track: str
    name: str
    current: SurveyTemplate | None


@dataclass(frozen=True)
class BodyDefaults:
    body: Agency
    templates: list[SurveyTemplate]
    rows: list[DefaultRow]

    @property
    def tracks(self) -> set[str]:
        return {row.track for row in self.rows}


def _body_defaults(bodies: list[Agency]) -> list[BodyDefaults]:
    """For each body: its templates, and a row for all its classes then one per track — the tracks
    of its policy pack's categories, then any other its courses use or a default names."""
    facts = selectors.defaults_facts([body.pk for body in bodies])
    current = facts.current
    year = timezone.localdate().year
    out = []
    for body in bodies:
        pack = track_choices(body.jurisdiction_id, year)
        names = dict(pack)
        named = {track for organizer_id, track in current if organizer_id == body.pk and track}
        keys = [key for key, _name in pack] + sorted((facts.used_tracks.get(body.pk, set()) | named) - names.keys())
        rows = [DefaultRow("", _("所有班期（未指定類別者）"), current.get((body.pk, "")))]
        rows += [DefaultRow(key, names.get(key, key), current.get((body.pk, key))) for key in keys]
        out.append(BodyDefaults(body, facts.templates.get(body.pk, []), rows))
    return out


@requires("surveys.manage")
def defaults(request: HttpRequest) -> HttpResponse:
    """Each body's default template for all its classes and per track. POST sets one (action=set)
    or clears it (action=clear)."""
    bodies = list(organizing_bodies_for_user(request.user))
    if request.method == "POST":
        form = DefaultForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("請選擇問卷範本。"))
            return redirect("surveys:defaults")
        data = form.cleaned_data
        body = next((b for b in bodies if b.pk == data["body"]), None)
        if body is None:
            raise PermissionDenied("surveys.manage_object")
        template = None
        if request.POST.get("action") != "clear" and data["template"]:
            template = read_for_page(selectors.template_for_user, request.user, data["template"])
        track = data["track"] or ""
        listed = _body_defaults([body])[0]
        if track not in listed.tracks:
            messages.error(request, _("這個類別不在本機關的訓練類別中。"))
        elif template is not None and not template.is_active:
            messages.error(request, _("停用的問卷範本不能設為預設問卷。"))
        else:
            row = next(r for r in listed.rows if r.track == track)
            done = (
                _("「%(body)s」%(track)s的預設問卷已設為「%(name)s」。")
                % {"body": body.name, "track": row.name, "name": template.name}
                if template is not None
                else _("已取消「%(body)s」%(track)s的預設問卷。") % {"body": body.name, "track": row.name}
            )
            perform(
                request,
                lambda: services.template_default_set(
                    organizer=body, track=track, template=template, actor=request.user
                ),
                done,
            )
        return redirect(f"{reverse('surveys:defaults')}#body-{body.pk}")
    return render(request, "surveys/builder/defaults.html", {"bodies": _body_defaults(bodies)})


# --- a class's survey ------------------------------------------------------------------------------


def _class(request: HttpRequest, class_id: int) -> CourseClass:
    return read_for_page(selectors.managed_class_for_user, request.user, class_id)


@dataclass(frozen=True)
class Window:
    opens_at: datetime | None
    closes_at: datetime | None
    problem: str = ""  # the pack has no survey rule


def _window(course_class: CourseClass) -> Window:
    try:
        rule = selectors.survey_rule(course_class)
    except PeiliError as error:
        return Window(None, None, error.message)
    opens_at, closes_at = selectors.window(course_class, rule)
    return Window(opens_at, closes_at)


@requires("surveys.manage")
def class_setup(request: HttpRequest, class_id: int) -> HttpResponse:
    """A class's survey (which template, anonymous or not — until it has opened) and its written
    reflection requirement. POST with action=attach, detach or reflection."""
    course_class = _class(request, class_id)
    survey = selectors.class_survey(course_class)
    assignment = selectors.reflection_assignment(course_class)
    templates = selectors.active_templates_of(course_class.course.organizer_id)
    survey_form = ClassSurveyForm(
        initial=(
            {"template": survey.version.template_id, "anonymous": "1" if survey.anonymous else "0"} if survey else {}
        ),
        templates=templates,
        auto_id="survey-%s",
    )
    reflection_form = ReflectionForm(
        initial=(
            {"prompt": assignment.prompt, "min_chars": assignment.min_chars, "due_on": assignment.due_on}
            if assignment
            else {}
        ),
        auto_id="reflection-%s",
        earliest=course_class.end_date,
    )
    here = reverse("surveys:class_setup", kwargs={"class_id": course_class.pk})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "attach":
            survey_form = ClassSurveyForm(request.POST, templates=templates, auto_id="survey-%s")
            if survey_form.is_valid():
                chosen = survey_form.cleaned_data["template"]
                check_page(request.user, "surveys.manage_object", chosen)
                attached = submit(
                    request,
                    survey_form,
                    lambda: services.survey_attach(
                        course_class=course_class,
                        template=chosen,
                        anonymous=survey_form.cleaned_data["anonymous"],
                        actor=request.user,
                    ),
                    _("已設定本班期的問卷：「%(name)s」。") % {"name": chosen.name},
                )
                if attached is not None:
                    return redirect(f"{here}#survey")
        elif action == "detach":
            if survey is None:
                messages.info(request, _("本班期沒有設定問卷。"))
            else:
                perform(
                    request,
                    lambda: services.survey_detach(course_class=course_class, actor=request.user),
                    _("已取消本班期的問卷。"),
                )
            return redirect(f"{here}#survey")
        elif action == "reflection":
            reflection_form = ReflectionForm(request.POST, auto_id="reflection-%s", earliest=course_class.end_date)
            if reflection_form.is_valid():
                data = reflection_form.cleaned_data
                required = submit(
                    request,
                    reflection_form,
                    lambda: services.reflection_require(
                        course_class=course_class,
                        prompt=data["prompt"],
                        min_chars=data["min_chars"],
                        due_on=data["due_on"],
                        actor=request.user,
                    ),
                    _("已儲存心得寫作要求。"),
                )
                if required is not None:
                    return redirect(f"{here}#reflection")
        else:
            return HttpResponseBadRequest(_("不明的操作。"))
    return render(
        request,
        "surveys/builder/class_setup.html",
        {
            "course_class": course_class,
            "survey": survey,
            "opened": survey is not None and survey.invited_at is not None,
            "state": selectors.survey_state(survey) if survey else None,
            "window": _window(course_class),
            "default": services.default_template(course_class) if survey is None else None,
            "instructors": selectors.class_instructors(course_class),
            "has_templates": templates.exists(),
            "survey_form": survey_form,
            "assignment": assignment,
            "reflection_form": reflection_form,
        },
    )
