"""Registration pages. Each translates: parse the form, call a selector or service, render; refusals
(`PeiliError`) come back as the service's Chinese message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from peili.catalog import selectors as catalog_selectors
from peili.catalog.models import CourseClass
from peili.core import roc
from peili.core.errors import NotFound, PeiliError
from peili.core.pages import read_for_page
from peili.core.permissions import PUBLIC, allowed, requires
from peili.core.spreadsheets import workbook_bytes
from peili.enrolment import notifications as notices
from peili.enrolment import rules, selectors, services
from peili.enrolment.enums import Meal, RegistrationStatus
from peili.enrolment.forms import DecisionForm, NominateClassForm, RegisterForm, SubstituteForm
from peili.enrolment.models import Registration
from peili.org.models import Person
from peili.records import selectors as record_selectors


def _my_person(request: HttpRequest) -> Person:
    person = selectors.person_registering(request.user)
    if person is None:
        raise PermissionDenied("enrolment.register")
    return person


def _class(class_id: int) -> CourseClass:
    return read_for_page(selectors.enrolment_class, class_id)


def _fail(request: HttpRequest, error: PeiliError) -> None:
    messages.error(request, error.message)


@requires("enrolment.register")
def register(request: HttpRequest, class_id: int) -> HttpResponse:
    """Two clicks from the catalog: choose a meal and a deputy, confirm."""
    person = _my_person(request)
    course_class = _class(class_id)
    try:
        policy = selectors.policy_for_class(course_class)
    except PeiliError as error:
        return render(request, "enrolment/register.html", {"course_class": course_class, "problem": error.message})
    now = timezone.now()
    window = rules.window_refusal(
        rules.ClassFacts(
            status=course_class.status,
            capacity=course_class.capacity,
            waitlist_size=course_class.waitlist_size,
            opens_at=course_class.registration_opens_at,
            closes_at=course_class.registration_closes_at,
        ),
        now,
    )
    verdict = selectors.eligibility_of(person, course_class, policy)
    existing = selectors.active_registration(course_class, person)
    form = RegisterForm(
        request.POST or None,
        colleagues=selectors.colleagues_of(person),
        meals=course_class.meals_provided,
        deputy_required=policy.deputy_required,
    )
    if request.method == "POST" and form.is_valid():
        try:
            done = services.registration_create(
                person=person,
                course_class=course_class,
                meal=form.cleaned_data.get("meal") or Meal.NONE,
                deputy=form.cleaned_data["deputy"],
                deputy_name=form.cleaned_data["deputy_name"],
                actor=request.user,
            )
        except PeiliError as error:
            _fail(request, error)
        else:
            registration = done.registration
            text = {
                RegistrationStatus.CONFIRMED: _("報名成功，您已錄取「%(c)s」。"),
                RegistrationStatus.WAITLISTED: _("名額已滿，您已列入「%(c)s」的候補。"),
                RegistrationStatus.PENDING_CONSENT: _("已送出「%(c)s」的報名，待主管同意後才會錄取。"),
            }[RegistrationStatus(registration.status)]
            messages.success(request, text % {"c": course_class})
            for warning in done.warnings:
                messages.warning(request, warning.message)
            return redirect("enrolment:mine")
    return render(
        request,
        "enrolment/register.html",
        {
            "course_class": course_class,
            "form": form,
            "window": window,
            "verdict": verdict,
            "existing": existing,
            "policy": policy,
            "seats_left": catalog_selectors.seats_left(course_class),
        },
    )


@requires("enrolment.register")
def mine(request: HttpRequest) -> HttpResponse:
    person = _my_person(request)
    registrations = list(selectors.registrations_of_person(person.pk))
    now = timezone.now()
    rows = [
        {
            "registration": r,
            "can_cancel": r.is_active and rules.cancellation_refusal(r.course_class.cancellation_deadline, now) is None,
        }
        for r in registrations
    ]
    return render(request, "enrolment/mine.html", {"rows": rows})


@requires("enrolment.cancel")
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    back = request.POST.get("next") or ""
    target = back if back.startswith("/") and not back.startswith("//") else None
    try:
        registration = selectors.registration_for_user(request.user, pk, "enrolment.cancel")
    except NotFound:
        messages.error(request, _("找不到此報名，或您沒有權限取消。"))
        return redirect(target or "enrolment:mine")
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except PeiliError as error:
        _fail(request, error)
    else:
        messages.success(request, _("已取消「%(c)s」的報名。") % {"c": registration.course_class})
    return redirect(target or "enrolment:mine")


@requires("enrolment.consent")
def consents(request: HttpRequest) -> HttpResponse:
    pending = list(selectors.pending_consents_for_user(request.user))
    return render(request, "enrolment/consents.html", {"pending": pending, "form": DecisionForm()})


def _decide(request: HttpRequest, registration: Registration, actor: Any, decision: str, note: str) -> bool:
    try:
        if decision == "consent":
            done = services.registration_consent(registration=registration, actor=actor, note=note)
            text = {
                RegistrationStatus.CONFIRMED: _("已同意，%(name)s 已錄取。"),
                RegistrationStatus.WAITLISTED: _("已同意，名額已滿，%(name)s 已列入候補。"),
            }.get(RegistrationStatus(done.status), _("已同意。"))
        else:
            services.registration_decline(registration=registration, actor=actor, note=note)
            text = _("已回覆不同意 %(name)s 參訓。")
    except PeiliError as error:
        _fail(request, error)
        return False
    messages.success(request, text % {"name": registration.person.name})
    return True


@requires("enrolment.consent")
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        registration: Registration | None = selectors.registration_for_user(request.user, pk, "enrolment.consent")
    except NotFound:
        registration = None
    decision = request.POST.get("decision", "")
    if registration is None:
        messages.error(request, _("找不到此報名，或您沒有權限決定。"))
    elif decision not in {"consent", "decline"}:
        messages.error(request, _("請選擇同意或不同意。"))
    else:
        form = DecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        _decide(request, registration, request.user, decision, note)
    return redirect("enrolment:consents")


@requires(PUBLIC)
def consent_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link in the supervisor's email. GET only shows the request (mail scanners and
    link prefetchers follow links); the decision is a POST from the button on this page. The signed
    token names the supervisor it was sent to; they must still hold the right to decide."""
    read = notices.consent_token_read(token)
    found = selectors.registration_for_approver(read[0], read[1]) if read is not None else None
    if found is None:
        return render(request, "enrolment/consent_link.html", {"invalid": True}, status=400 if read is None else 200)
    registration, approver = found
    decision = request.GET.get("decision", "")
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision in {"consent", "decline"} and _decide(
            request, registration, approver, decision, request.POST.get("note", "")[:200]
        ):
            registration.refresh_from_db()
    return render(
        request,
        "enrolment/consent_link.html",
        {"registration": registration, "approver": approver, "decision": decision, "form": DecisionForm()},
    )


@requires("enrolment.nominate")
def nominate(request: HttpRequest) -> HttpResponse:
    """薦送／調訓: pick a class, then staff in scope one by one or many at once; each nominee's hours
    so far this year are shown so training is spread over many, not concentrated on a few."""
    classes = selectors.classes_open_for_nomination()
    form = NominateClassForm(request.GET or None, classes=classes)
    course_class = form.cleaned_data["course_class"] if form.is_valid() else None
    results = None
    staff: list[dict[str, Any]] = []
    registered: dict[int, Registration] = {}
    if course_class is not None:
        people_list = selectors.nominees_for_user(request.user, request.GET.get("q", "").strip())
        if request.method == "POST":
            ids = {int(v) for v in request.POST.getlist("person") if v.isdigit()}
            chosen = list(selectors.people_for_user_by_id(request.user, ids).values())
            if not chosen:
                messages.error(request, _("請勾選至少一位同仁。"))
            else:
                results = services.registrations_nominate(course_class=course_class, people=chosen, actor=request.user)
                ok = sum(1 for r in results if r.ok)
                messages.info(
                    request, _("薦送完成：成功 %(ok)d 人，未成功 %(bad)d 人。") % {"ok": ok, "bad": len(results) - ok}
                )
        hours = record_selectors.hours_this_year([p.pk for p in people_list], selectors.class_year(course_class))
        registered = selectors.active_registrations_by_person(course_class, people_list)
        staff = [{"person": p, "hours": hours[p.pk], "registration": registered.get(p.pk)} for p in people_list]
        staff.sort(key=lambda row: (row["hours"], row["person"].name))
    return render(
        request,
        "enrolment/nominate.html",
        {
            "form": form,
            "course_class": course_class,
            "staff": staff,
            "results": results,
            "year": selectors.class_year(course_class) if course_class else None,
        },
    )


@requires("enrolment.substitute")
def substitute(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        registration = selectors.registration_for_user(request.user, pk, "enrolment.substitute")
    except NotFound:
        raise PermissionDenied("enrolment.substitute") from None
    colleagues = selectors.substitutes_for_user(request.user, registration)
    try:
        deputy_required = selectors.policy_for_class(registration.course_class).deputy_required
    except PeiliError as error:
        return render(request, "enrolment/substitute.html", {"registration": registration, "problem": error.message})
    form = SubstituteForm(
        request.POST or None,
        colleagues=colleagues,
        deputies=selectors.agency_people(registration.person.agency_id),
        deputy_required=deputy_required,
    )
    if request.method == "POST" and form.is_valid():
        try:
            replacement = services.registration_substitute(
                registration=registration,
                substitute=form.cleaned_data["substitute"],
                deputy=form.cleaned_data["deputy"],
                deputy_name=form.cleaned_data["deputy_name"],
                actor=request.user,
            )
        except PeiliError as error:
            _fail(request, error)
        else:
            messages.success(
                request,
                _("已由 %(new)s 遞補 %(old)s 的名額。")
                % {"new": replacement.person.name, "old": registration.person.name},
            )
            if allowed(request.user, "enrolment.view_roster", registration.course_class):
                return redirect("enrolment:roster", class_id=registration.course_class_id)
            return redirect(f"{_nominate_url()}?course_class={registration.course_class_id}")
    return render(request, "enrolment/substitute.html", {"registration": registration, "form": form})


def _nominate_url() -> str:
    return reverse("enrolment:nominate")


def _roster_class(request: HttpRequest, class_id: int) -> CourseClass:
    return read_for_page(selectors.roster_class_for_user, request.user, class_id)


@requires("enrolment.view_roster")
def roster(request: HttpRequest, class_id: int) -> HttpResponse:
    course_class = _roster_class(request, class_id)
    registrations = list(selectors.roster(course_class))
    order = [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.PENDING_CONSENT,
        RegistrationStatus.DECLINED,
        RegistrationStatus.SUBSTITUTED,
        RegistrationStatus.CANCELLED,
    ]
    groups = [
        {"status": s, "label": s.label, "rows": [r for r in registrations if r.status == s]}
        for s in order
        if any(r.status == s for r in registrations)
    ]
    return render(
        request,
        "enrolment/roster.html",
        {
            "course_class": course_class,
            "groups": groups,
            "meals": selectors.meal_counts(course_class),
            "can_substitute": allowed(request.user, "enrolment.substitute"),
        },
    )


@requires("enrolment.view_roster")
def roster_xlsx(request: HttpRequest, class_id: int) -> HttpResponse:
    course_class = _roster_class(request, class_id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("名冊")
    sheet.append(
        [
            _("序號"),
            _("狀態"),
            _("姓名"),
            _("機關"),
            _("單位"),
            _("職稱"),
            _("用餐"),
            _("職務代理人"),
            _("報名方式"),
            _("報名時間"),
        ]
    )
    for n, r in enumerate(selectors.roster(course_class), start=1):
        local = timezone.localtime(r.registered_at)
        sheet.append(
            [
                n,
                r.get_status_display(),
                r.person.name,
                r.person.agency.name,
                r.person.unit.name if r.person.unit else "",
                r.person.job_title,
                r.get_meal_display(),
                r.deputy_display,
                r.source_label,
                f"{roc.format_short(local.date())} {local:%H:%M:%S}",
            ]
        )
    response = HttpResponse(
        workbook_bytes(book),  # names, titles and deputies as text, never formulas
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="roster-{course_class.pk}.xlsx"'
    return response


@requires("enrolment.view_roster")
def signin_sheet(request: HttpRequest, class_id: int) -> HttpResponse:
    course_class = _roster_class(request, class_id)
    confirmed = [r for r in selectors.roster(course_class) if r.status == RegistrationStatus.CONFIRMED]
    sessions = list(course_class.sessions.all())
    return render(
        request, "enrolment/signin_sheet.html", {"course_class": course_class, "rows": confirmed, "sessions": sessions}
    )
