"""Pages for the catalog (learners) and for class setup and annual plans (organizers). Thin: forms in,
selectors and services out; each page has exactly one named permission, object checks inside."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peili.catalog import rules, selectors, services
from peili.catalog.enums import ClassStatus, PlanStatus, RegistrationWindow
from peili.catalog.forms import (
    CancelForm,
    CatalogFilterForm,
    ClassForm,
    CourseForm,
    DecisionForm,
    HoursSplitForm,
    MaterialForm,
    PlanForm,
    PlanItemForm,
    SessionForm,
)
from peili.catalog.models import Course, CourseClass, PlanItem, TrainingPlan
from peili.core import roc, versions
from peili.core.errors import PeiliError
from peili.core.pages import perform, read_for_page, submit
from peili.core.permissions import allowed, check_page, requires

# --- the catalog ----------------------------------------------------------------------------------


def _register_url(course_class: CourseClass) -> str | None:
    """The enrolment app's registration page, once it exists."""
    try:
        return reverse("enrolment:register", kwargs={"class_id": course_class.pk})
    except NoReverseMatch:
        return None


def _viewer_tracks(request: HttpRequest, token: str | None = None) -> list[tuple[str, str]]:
    person = selectors.person_for_user(request.user)
    year = timezone.localdate().year
    if person is not None:
        return selectors.track_choices(person.agency.jurisdiction_id, year, token=token)
    bodies = selectors.organizing_bodies_for_user(request.user)
    return list(selectors.track_names(bodies.values_list("jurisdiction_id", flat=True), year).items())


_filter_forms = versions.ProcessCache[str](*selectors.CATALOG_STAMPS, max_keys=256)


def _filter_form_html(form: CatalogFilterForm, request: HttpRequest, tracks: list[tuple[str, str]], token: str) -> str:
    """The filter form's fields as HTML. The same for everyone with the same query, language and
    tracks, and Django renders each <option> through a template: a valid form's HTML is kept per
    process (bounded) until the catalog, the agencies or the packs change."""
    if form.is_bound and not form.is_valid():
        return render_to_string("_form.html", {"form": form})
    query = tuple(sorted((k, v) for k, v in request.GET.items() if k != "page"))
    key = (get_language(), query, tuple(tracks), timezone.localdate())
    return _filter_forms.get(key, lambda: render_to_string("_form.html", {"form": form}), token=token)


_rows = versions.ProcessCache[str](*selectors.CATALOG_STAMPS, max_keys=8192)


def _row_html(entry: selectors.CatalogEntry, track_names: dict[str, str], token: str) -> str:
    """One catalog row. Everything it shows is in the key — the class (its setup is under the
    stamp), the reasons the viewer fails, the seats left, the track's name and the language — so a
    row is rendered once and reused by every viewer it looks the same for, until the catalog changes."""
    card = entry.card
    key = (
        card.id,
        entry.eligibility.codes,
        entry.seats_left,
        track_names.get(card.track, ""),
        get_language(),
        entry.window,
        entry.mine.label if entry.mine else None,
    )
    context = {"entry": entry, "track_names": track_names}
    return _rows.get(key, lambda: render_to_string("catalog/_browse_row.html", context), token=token)


@requires("catalog.browse")
def browse(request: HttpRequest) -> HttpResponse:
    token = versions.stamp(*selectors.CATALOG_STAMPS)
    tracks = _viewer_tracks(request, token)
    index = selectors.catalog_index(token=token)
    form = CatalogFilterForm(request.GET or None, tracks=tracks, categories=index.categories, agencies=index.agencies)
    filters = selectors.CatalogFilters()
    if form.is_valid():
        filters = selectors.CatalogFilters(
            q=form.cleaned_data["q"],
            track=form.cleaned_data["track"],
            category=form.cleaned_data["category"],
            month=form.month_date(),
            mode=form.cleaned_data["mode"],
            agency_path=form.agency_path(),
        )
    entries = selectors.catalog_entries(request.user, filters, index=index)
    page = Paginator(entries, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/browse.html",
        {
            "form_html": _filter_form_html(form, request, tracks, token),
            "page": page,
            "rows": [mark_safe(_row_html(entry, dict(tracks), token)) for entry in page],  # noqa: S308 (rendered by a template)
            "track_names": dict(tracks),
            "count": len(entries),
        },
    )


@requires("catalog.browse")
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = selectors.class_for_user(request.user, pk)
    if course_class is None:
        raise Http404
    person = selectors.person_for_user(request.user)
    eligibility = selectors.class_eligibility(person, course_class)
    window, mine = selectors.registration_state(course_class, person)
    organizer = course_class.course.organizer
    tracks = dict(
        selectors.track_choices(organizer.jurisdiction_id, (course_class.start_date or timezone.localdate()).year)
    )
    return render(
        request,
        "catalog/class_detail.html",
        {
            "course_class": course_class,
            "course": course_class.course,
            "track_name": tracks.get(course_class.course.track, course_class.course.track),
            "split": selectors.class_split(course_class),
            "eligibility": eligibility,
            "window": window,
            "window_message": rules.window_message(
                window, course_class.registration_opens_at, course_class.registration_closes_at
            ),
            "mine": mine,
            "seats_left": selectors.seats_left(course_class),
            "register_url": _register_url(course_class)
            if window == RegistrationWindow.OPEN and eligibility.eligible and mine is None
            else None,
            "can_manage": allowed(request.user, "catalog.manage_object", course_class),
        },
    )


@requires("catalog.browse")
def material_download(request: HttpRequest, pk: int, material_id: int) -> FileResponse:
    course_class = selectors.class_for_user(request.user, pk)
    if course_class is None:
        raise Http404
    material = read_for_page(selectors.class_material, course_class, material_id)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = (material.file.name or "").rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename)


# --- class setup ----------------------------------------------------------------------------------


@requires("catalog.manage")
def manage(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    classes = selectors.classes_for_manager(request.user, status if status in ClassStatus.values else "")
    page = Paginator(classes, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/manage.html",
        {
            "page": page,
            "statuses": ClassStatus.choices,
            "status": status,
            "courses": selectors.courses_for_manager(request.user).order_by("-pk")[:20],
        },
    )


def _course_tracks(request: HttpRequest) -> list[tuple[str, str]]:
    bodies = selectors.organizing_bodies_for_user(request.user)
    return list(
        selectors.track_names(bodies.values_list("jurisdiction_id", flat=True), timezone.localdate().year).items()
    )


@requires("catalog.manage")
def course_create(request: HttpRequest) -> HttpResponse:
    bodies = selectors.organizing_bodies_for_user(request.user)
    plan_item: PlanItem | None = None
    if item_id := request.GET.get("plan_item") or request.POST.get("plan_item"):
        plan_item = selectors.plan_item_for_publishing(request.user, str(item_id))
    initial: dict[str, Any] = {}
    if plan_item is not None:
        initial = {"organizer": plan_item.plan.organizer, "title": plan_item.title, "track": plan_item.track}
    form = CourseForm(request.POST or None, initial=initial, bodies=bodies, tracks=_course_tracks(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        course = submit(
            request,
            form,
            lambda: services.course_create(
                organizer=data["organizer"],
                title=data["title"],
                track=data["track"],
                code=data["code"],
                summary=data["summary"],
                plan_item=plan_item,
                actor=request.user,
            ),
            _("已建立課程，請接著設定班期。"),
        )
        if course is not None:
            return redirect("catalog:class_create", course_id=course.pk)
    return render(request, "catalog/course_form.html", {"form": form, "plan_item": plan_item})


def _managed_course(request: HttpRequest, course_id: int) -> Course:
    return read_for_page(selectors.managed_course_for_user, request.user, course_id)


def _managed_class(request: HttpRequest, pk: int) -> CourseClass:
    return read_for_page(selectors.managed_class_for_user, request.user, pk)


@requires("catalog.manage")
def class_create(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _managed_course(request, course_id)
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course_class = submit(
            request,
            form,
            lambda: services.class_create(
                course=course,
                eligible_agencies=form.cleaned_data["eligible_agencies"],
                eligible_people=form.cleaned_data["named_list"],
                actor=request.user,
                **form.class_values(),
            ),
            _("已建立班期草稿，請安排節次與時數。"),
        )
        if course_class is not None:
            return redirect("catalog:class_setup", pk=course_class.pk)
    return render(request, "catalog/class_form.html", {"form": form, "course": course, "course_class": None})


@requires("catalog.manage")
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    initial = {name: getattr(course_class, name) for name in services.CLASS_FIELDS}
    initial["eligible_agencies"] = list(course_class.eligible_agencies.all())
    initial["named_list"] = "\n".join(course_class.eligible_people.values_list("national_id", flat=True))
    form = ClassForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.class_update(
                course_class=course_class,
                eligible_agencies=form.cleaned_data["eligible_agencies"],
                eligible_people=form.cleaned_data["named_list"],
                actor=request.user,
                **form.class_values(),
            ),
            _("已更新班期。"),
        )
        if done is not None:
            return redirect("catalog:class_setup", pk=course_class.pk)
    return render(
        request, "catalog/class_form.html", {"form": form, "course": course_class.course, "course_class": course_class}
    )


def _session_form(request: HttpRequest, data: Any = None) -> SessionForm:
    return SessionForm(data, venues=selectors.venues_active(), instructors=selectors.instructors_active())


def _hours_form(course_class: CourseClass, data: Any = None) -> HoursSplitForm:
    initial = [(row.category, row.hours) for row in course_class.category_hours.all()]
    return HoursSplitForm(data, categories=selectors.class_category_choices(course_class), initial_split=initial)


def _setup_page(
    request: HttpRequest,
    course_class: CourseClass,
    *,
    session_form: SessionForm | None = None,
    hours_form: HoursSplitForm | None = None,
    material_form: MaterialForm | None = None,
    cancel_form: CancelForm | None = None,
) -> HttpResponse:
    fresh = selectors.class_for_user(request.user, course_class.pk)
    assert fresh is not None
    return render(
        request,
        "catalog/class_setup.html",
        {
            "course_class": fresh,
            "course": fresh.course,
            "session_form": session_form or _session_form(request),
            "hours_form": hours_form or _hours_form(fresh),
            "material_form": material_form or MaterialForm(),
            "cancel_form": cancel_form or CancelForm(),
            "problems": services.publish_problems(fresh) if fresh.status == ClassStatus.DRAFT else [],
            "hours_total": selectors.hours_total(fresh),
            "editable": fresh.status in (ClassStatus.DRAFT, ClassStatus.PUBLISHED),
        },
    )


@requires("catalog.manage")
def class_setup(request: HttpRequest, pk: int) -> HttpResponse:
    return _setup_page(request, _managed_class(request, pk))


@requires("catalog.manage")
@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    form = _session_form(request, request.POST)
    if form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.session_add(course_class=course_class, actor=request.user, **form.session_values()),
            _("已新增節次。"),
        )
        if done is not None:
            return redirect("catalog:class_setup", pk=pk)
    return _setup_page(request, course_class, session_form=form)


@requires("catalog.manage")
def session_edit(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    """Change one session's date, times, venue, instructors, topic or hours (clashes refused, naming
    the other session; the class's dates follow its sessions)."""
    course_class = _managed_class(request, pk)
    session = read_for_page(selectors.class_session, course_class, session_id, with_instructors=True)
    if request.method == "POST":
        form = _session_form(request, request.POST)
        if form.is_valid():
            done = submit(
                request,
                form,
                lambda: services.session_update(session=session, actor=request.user, **form.session_values()),
                _("已更新節次。"),
            )
            if done is not None:
                return redirect("catalog:class_setup", pk=pk)
    else:
        form = _session_form(request)
        form.initial = SessionForm.initial_from(session)
    return render(
        request,
        "catalog/session_form.html",
        {"form": form, "course_class": course_class, "session": session},
    )


@requires("catalog.manage")
@require_POST
def session_delete(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    session = read_for_page(selectors.class_session, course_class, session_id)
    perform(request, lambda: services.session_delete(session=session, actor=request.user), _("已刪除節次。"))
    return redirect("catalog:class_setup", pk=pk)


@requires("catalog.manage")
@require_POST
def hours_set(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    form = _hours_form(course_class, request.POST)
    if form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.class_hours_set(
                course_class=course_class, split=form.cleaned_data["split"], actor=request.user
            ),
            _("已儲存學習類別時數。"),
        )
        if done is not None:
            return redirect("catalog:class_setup", pk=pk)
    return _setup_page(request, course_class, hours_form=form)


@requires("catalog.manage")
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.material_add(
                course_class=course_class,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                actor=request.user,
            ),
            _("已上傳課程資料。"),
            field="file",
        )
        if done is not None:
            return redirect("catalog:class_setup", pk=pk)
    return _setup_page(request, course_class, material_form=form)


@requires("catalog.manage")
@require_POST
def material_delete(request: HttpRequest, pk: int, material_id: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    material = read_for_page(selectors.class_material, course_class, material_id)
    services.material_delete(material=material, actor=request.user)
    messages.success(request, _("已刪除課程資料。"))
    return redirect("catalog:class_setup", pk=pk)


@requires("catalog.manage")
@require_POST
def class_publish(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    perform(
        request,
        lambda: services.class_publish(course_class=course_class, actor=request.user),
        _("班期已發布，學員可在課程報名頁看到。"),
    )
    return redirect("catalog:class_setup", pk=pk)


@requires("catalog.manage")
@require_POST
def class_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _managed_class(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.class_cancel(
                course_class=course_class, reason=form.cleaned_data["reason"], actor=request.user
            ),
            _("班期已停辦。"),
        )
        return redirect("catalog:class_setup", pk=pk)
    return _setup_page(request, course_class, cancel_form=form)


# --- annual plans ---------------------------------------------------------------------------------


@requires("catalog.view_plans")
def plans(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/plans.html",
        {
            "plans": selectors.plans_for_user(request.user),
            "can_create": selectors.organizing_bodies_for_user(request.user).exists(),
        },
    )


@requires("catalog.manage")
def plan_create(request: HttpRequest) -> HttpResponse:
    bodies = selectors.organizing_bodies_for_user(request.user)
    initial = {"year": roc.roc_year(timezone.localdate())}
    form = PlanForm(request.POST or None, initial=initial, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        year = data["year"] + roc.ROC_OFFSET
        plan = submit(
            request,
            form,
            lambda: services.plan_create(
                organizer=data["organizer"], year=year, title=data["title"], note=data["note"], actor=request.user
            ),
            _("已建立年度計畫草稿，請新增計畫項目。"),
        )
        if plan is not None:
            return redirect("catalog:plan_detail", pk=plan.pk)
    return render(request, "catalog/plan_form.html", {"form": form})


def _plan(request: HttpRequest, pk: int) -> TrainingPlan:
    return read_for_page(selectors.plan_for_user, request.user, pk)


def _plan_page(
    request: HttpRequest, plan: TrainingPlan, *, item_form: PlanItemForm | None = None, decision_form: Any = None
) -> HttpResponse:
    tracks = selectors.track_choices(plan.organizer.jurisdiction_id, plan.year)
    totals, grand = selectors.plan_totals(plan)
    can_edit = plan.status in services.EDITABLE_PLAN_STATUSES and allowed(request.user, "catalog.manage_object", plan)
    return render(
        request,
        "catalog/plan_detail.html",
        {
            "plan": plan,
            "items": plan.items.prefetch_related("courses"),
            "track_names": dict(tracks),
            "totals": totals,
            "grand": grand,
            "item_form": item_form or PlanItemForm(tracks=tracks),
            "decision_form": decision_form or DecisionForm(),
            "can_edit": can_edit,
            "can_decide": plan.status == PlanStatus.SUBMITTED and allowed(request.user, "catalog.approve_plans"),
            "can_publish": plan.status == PlanStatus.APPROVED and allowed(request.user, "catalog.manage_object", plan),
        },
    )


@requires("catalog.view_plans")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if request.method != "POST":
        return _plan_page(request, plan)
    check_page(request.user, "catalog.manage_object", plan)
    tracks = selectors.track_choices(plan.organizer.jurisdiction_id, plan.year)
    form = PlanItemForm(request.POST, tracks=tracks)
    if form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.plan_item_add(
                plan=plan, allowed_tracks=[k for k, _name in tracks], actor=request.user, **form.cleaned_data
            ),
            _("已新增計畫項目。"),
        )
        if done is not None:
            return redirect("catalog:plan_detail", pk=pk)
    return _plan_page(request, plan, item_form=form)


@requires("catalog.manage")
@require_POST
def plan_item_delete(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    plan = _plan(request, pk)
    check_page(request.user, "catalog.manage_object", plan)
    item = read_for_page(selectors.plan_item, plan, item_id)
    perform(request, lambda: services.plan_item_delete(item=item, actor=request.user), _("已刪除計畫項目。"))
    return redirect("catalog:plan_detail", pk=pk)


@requires("catalog.manage")
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    check_page(request.user, "catalog.manage_object", plan)
    perform(request, lambda: services.plan_submit(plan=plan, actor=request.user), _("已送核。"))
    return redirect("catalog:plan_detail", pk=pk)


@requires("catalog.approve_plans")
@require_POST
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == "approve":
                services.plan_approve(plan=plan, note=note, actor=request.user)
                messages.success(request, _("已核定計畫。"))
            else:
                services.plan_return(plan=plan, note=note, actor=request.user)
                messages.success(request, _("已退回計畫。"))
        except PeiliError as error:
            form.add_error(None, error.message)
        else:
            return redirect("catalog:plan_detail", pk=pk)
    return _plan_page(request, plan, decision_form=form)
