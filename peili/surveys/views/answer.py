"""The learner's side: their open surveys and reflections, and answering a survey on any screen.

An answer can be kept unfinished (暫存, also saved as the person types when scripts run) and
submitted later; an invalid submission shows the form again with what was typed and each
problem by its question, and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core.errors import PeiliError
from peili.core.pages import read_for_page
from peili.core.permissions import requires
from peili.org.scopes import grants_for
from peili.surveys import rules, selectors, services
from peili.surveys.enums import ErrorCode, QuestionKind, ScalePoint, SurveyState


def _person_id(request: HttpRequest) -> int:
    person_id = grants_for(request.user).person_id
    if person_id is None:
        raise Http404
    return person_id


@requires("surveys.answer")
def mine(request: HttpRequest) -> HttpResponse:
    person_id = _person_id(request)
    now = timezone.now()
    answered = selectors.answered_by(person_id)
    reflections = selectors.reflections_for_person(person_id)
    return render(
        request,
        "surveys/answer/mine.html",
        {
            "pending": selectors.pending_for_person(person_id, now),
            "answered": answered,
            "reflections": reflections,
        },
    )


def _error_text(code: str) -> str:
    if code == rules.TOO_LONG:
        return _("文字請勿超過 %(n)s 字。") % {"n": f"{rules.TEXT_LIMIT:,}"}
    if code == rules.INVALID:
        return _("請從選項中選擇。")
    return _("此題必答。")


def _rows(blocks: list[selectors.FormBlock], data: dict[str, list[str]], errors: dict[str, str]) -> list[Any]:
    """What the template draws: per block, per question its field, choices (value, label, checked),
    the typed text, and the error in words."""
    scale = [(str(point.value), str(point.label)) for point in reversed(ScalePoint)]
    drawn = []
    for block in blocks:
        questions = []
        for fq in block.questions:
            question, name = fq.question, fq.field
            given = data.get(name, [])
            if question.kind == QuestionKind.SCALE:
                choices = scale
            elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                choices = [(str(i), label) for i, label in enumerate(question.options)]
            else:
                choices = []
            questions.append(
                {
                    "field": name,
                    "question": question,
                    "choices": [(value, label, value in given) for value, label in choices],
                    "text": given[0] if given and question.kind == QuestionKind.TEXT else "",
                    "multiple": question.kind == QuestionKind.MULTIPLE,
                    "error": _error_text(errors[name]) if name in errors else "",
                }
            )
        drawn.append({"heading": block.heading, "kind": block.section.kind, "questions": questions})
    return drawn


def _posted(request: HttpRequest) -> dict[str, list[str]]:
    return {name: request.POST.getlist(name) for name in request.POST if name.startswith("q-")}


@requires("surveys.answer")
def answer(request: HttpRequest, survey_id: int) -> HttpResponse:
    _person_id(request)  # a page answers "not found" to a user without a person record, too
    invitation = read_for_page(selectors.invitation_for_user, request.user, survey_id)
    survey = invitation.survey
    state = selectors.survey_state(survey)
    data: dict[str, list[str]] = selectors.draft_values(invitation)
    errors: dict[str, str] = {}
    htmx = bool(getattr(request, "htmx", False))  # autosave from django-htmx: answer with a line, not a page
    if request.method == "POST" and invitation.responded_at is None:
        data = _posted(request)
        saving = request.POST.get("action") == "save"
        try:
            if saving:
                invitation = services.draft_save(invitation=invitation, data=data, actor=request.user)
            else:
                services.response_submit(invitation=invitation, data=data, actor=request.user)
        except PeiliError as error:
            if error.code == ErrorCode.INVALID_ANSWERS:
                errors = dict((error.details or {}).get("fields", {}))
                messages.error(request, error.message)
            elif htmx:
                return HttpResponse(error.message)
            else:
                messages.error(request, error.message)
                return redirect("surveys:answer", survey_id=survey.pk)
        else:
            if saving:
                saved = timezone.localtime(invitation.draft_saved_at).strftime("%H:%M")
                if htmx:
                    return HttpResponse(_("已暫存（%(t)s）") % {"t": saved})
                messages.success(request, _("已暫存作答，可隨時回來繼續填寫。"))
                return redirect("surveys:answer", survey_id=survey.pk)
            if survey.anonymous:
                messages.success(
                    request,
                    _("已送出問卷，感謝您的填答！為保護匿名，您的答案會與其他人的答案一起、以打散的順序計入統計。"),
                )
            else:
                messages.success(request, _("已送出問卷，感謝您的填答！"))
            return redirect("surveys:mine")
    blocks = selectors.survey_form(survey)
    return render(
        request,
        "surveys/answer/form.html",
        {
            "survey": survey,
            "invitation": invitation,
            "state": state,
            "open": state == SurveyState.OPEN and survey.invited_at is not None,
            "blocks": _rows(blocks, data, errors),
            "errors": errors,
            "question_count": sum(len(b.questions) for b in blocks),
        },
        status=400 if errors else 200,
    )
