"""Written reflections (心得寫作): the learner writes (draft, then submit), the organizer reads each
one and accepts it or returns it with comments.

Every check of substance — who may write, the deadline, the minimum length, the states — is the
service's; these pages translate its refusals into the form's errors.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peili.catalog.enums import ClassStatus
from peili.catalog.models import CourseClass
from peili.core.errors import PeiliError
from peili.core.pages import read_for_page, submit
from peili.core.permissions import check_page, requires
from peili.org.scopes import grants_for
from peili.policy.schema import SurveyRule
from peili.surveys import rules, selectors, services
from peili.surveys.enums import ErrorCode, ReflectionStatus
from peili.surveys.forms.reflections import ReflectionForm, ReviewForm

EDITABLE = (ReflectionStatus.DRAFT, ReflectionStatus.RETURNED)
NOT_STARTED = "none"  # the filter's key for those who have not started a reflection
# The organizer's status filters, what waits for them first.
STATUS_FILTERS = (
    ReflectionStatus.SUBMITTED,
    ReflectionStatus.RETURNED,
    ReflectionStatus.ACCEPTED,
    ReflectionStatus.DRAFT,
    NOT_STARTED,
)


def _survey_rule(course_class: CourseClass) -> SurveyRule | None:
    """The pack's survey section (None when neither the body's pack nor the national default has one)."""
    try:
        return selectors.survey_rule(course_class)
    except PeiliError:
        return None


# --- the learner ------------------------------------------------------------------------------------


@requires("surveys.answer")
def write(request: HttpRequest, class_id: int) -> HttpResponse:
    """Write, keep (暫存) and submit (送出) one's reflection on a class; read-only once it is
    submitted or accepted, or when the deadline has passed."""
    course_class = read_for_page(selectors.reflection_class_for_user, request.user, class_id)
    person = grants_for(request.user).person
    if person is None:  # the read above already refused a user without a person record
        raise DjangoPermissionDenied("surveys.answer_object")
    assignment = selectors.reflection_assignment(course_class)
    if assignment is None:
        raise Http404("no reflection required")
    reflection = selectors.reflection_of(assignment, person.pk)
    if reflection is not None:
        check_page(request.user, "surveys.answer_object", reflection)
    is_open = selectors.is_due(assignment)
    editable = is_open and (reflection is None or reflection.status in EDITABLE)
    form = ReflectionForm(
        request.POST or None, min_chars=assignment.min_chars, initial={"text": reflection.text if reflection else ""}
    )
    if request.method == "POST" and form.is_valid():
        submitting = form.submitting
        text = form.cleaned_data["text"]
        try:
            services.reflection_save(
                assignment=assignment, person=person, text=text, submit=submitting, actor=request.user
            )
        except PeiliError as error:
            # Too short: on the text, which is kept as typed; anything else (deadline, state) on the form.
            form.add_error("text" if error.code == ErrorCode.REFLECTION_TOO_SHORT else None, error.message)
        else:
            messages.success(request, _("心得已送出，待承辦人審閱。") if submitting else _("心得已暫存。"))
            return redirect("surveys:reflection", class_id=course_class.pk)
    text = form.data.get("text", "") if form.is_bound else form.initial["text"]
    return render(
        request,
        "surveys/reflections/write.html",
        {
            "course_class": course_class,
            "assignment": assignment,
            "reflection": reflection,
            "status": reflection.status if reflection else "",
            "status_label": selectors.status_label(reflection.status if reflection else ""),
            "form": form,
            "editable": editable,
            "is_open": is_open,
            "length": rules.reflection_length(text),
            "saved_length": rules.reflection_length(reflection.text) if reflection else 0,
        },
    )


# --- the organizer ----------------------------------------------------------------------------------


@requires("surveys.manage")
def review_list(request: HttpRequest, class_id: int) -> HttpResponse:
    """A class's confirmed people with their reflection's status, length and time of submission."""
    course_class = read_for_page(selectors.managed_class_for_user, request.user, class_id)
    assignment = selectors.reflection_assignment(course_class)
    lines = selectors.reflection_roster(assignment) if assignment is not None else []
    counts = Counter(line.status or NOT_STARTED for line in lines)
    filters = [("", _("全部"), len(lines))] + [
        (str(key), selectors.status_label("" if key == NOT_STARTED else key), counts.get(key, 0))
        for key in STATUS_FILTERS
    ]
    status = request.GET.get("status", "")
    if status not in {key for key, _label, _n in filters}:
        status = ""
    shown = [line for line in lines if (line.status or NOT_STARTED) == status] if status else lines
    return render(
        request,
        "surveys/reflections/review_list.html",
        {
            "course_class": course_class,
            "assignment": assignment,
            "lines": shown,
            "total": len(lines),
            "status": status,
            "filters": filters,
            "waiting": counts.get(ReflectionStatus.SUBMITTED, 0),
            "rule": _survey_rule(course_class),
            "closed": course_class.status == ClassStatus.CLOSED,
        },
    )


@requires("surveys.manage")
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Read one reflection; accept it, or return it with a comment for the writer to revise."""
    reflection = read_for_page(selectors.reflection_for_user, request.user, pk)
    assignment = reflection.assignment
    course_class = assignment.course_class
    closed = course_class.status == ClassStatus.CLOSED
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepting = form.accepting
        done = submit(
            request,
            form,
            lambda: services.reflection_review(
                reflection=reflection, accept=accepting, comment=form.cleaned_data["comment"], actor=request.user
            ),
            _("已通過 %(name)s 的心得。") % {"name": reflection.person.name}
            if accepting
            else _("已退回 %(name)s 的心得，並通知修改。") % {"name": reflection.person.name},
        )
        if done is not None:
            if accepting and closed and selectors.reflection_completion_refused(done) is not None:
                messages.warning(
                    request,
                    _("%(name)s 結訓時因心得未通過而列為未完訓；請至「出勤與結訓」頁更正其完訓結果。")
                    % {"name": reflection.person.name},
                )
            return redirect("surveys:reflections", class_id=course_class.pk)
    return render(
        request,
        "surveys/reflections/review.html",
        {
            "course_class": course_class,
            "assignment": assignment,
            "reflection": reflection,
            "form": form,
            # A draft is the writer's own until they submit it.
            "readable": reflection.status != ReflectionStatus.DRAFT,
            "reviewable": reflection.status == ReflectionStatus.SUBMITTED,
            "length": rules.reflection_length(reflection.text),
            "closed": closed,
            "refused": selectors.reflection_completion_refused(reflection) if closed else None,
        },
    )
