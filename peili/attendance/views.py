"""Pages of attendance, completion and certification.

Organizers: the certification dashboard (what to close, what is due or overdue, the upload file),
a class's attendance and completion, a session's roster and its sign-in screen. Learners: the page a
scanned QR code opens, and the typed-code page.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections import Counter
from typing import Any

import segno
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peili.attendance import rules, selectors, services
from peili.attendance.enums import Kind, Reason
from peili.attendance.forms import PAGE_SIZE, CloseForm, CodeForm, CorrectForm, RosterForm, UploadedForm, row_ids
from peili.attendance.services import Correction
from peili.catalog.models import ClassSession, CourseClass
from peili.core.errors import PeiliError
from peili.core.pages import perform, read_for_page, submit
from peili.core.permissions import PUBLIC, requires
from peili.core.selectors import working_calendar
from peili.org.models import Person
from peili.policy.selectors import effective_pack
from peili.records import portal

CRLF = b"\r\n"


def _class(request: HttpRequest, pk: int) -> CourseClass:
    return read_for_page(selectors.managed_class_for_user, request.user, pk)


def _session(request: HttpRequest, session_id: int) -> ClassSession:
    return read_for_page(selectors.managed_session_for_user, request.user, session_id)


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise Http404(kind)
    return kind


# --- organizer: dashboard ---------------------------------------------------------------------------


STATUS_FILTERS = [
    ("", _("全部")),
    ("to_close", _("待結訓")),
    ("due", _("待上傳")),
    ("overdue", _("逾期未上傳")),
    ("done", _("已上傳認證")),
]


@requires("attendance.manage")
def certification(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    status = request.GET.get("status", "")
    if status not in {key for key, _label in STATUS_FILTERS}:
        status = ""
    every = selectors.certification_lines(request.user, today)
    counts = Counter(line.status for line in every)
    return render(
        request,
        "attendance/certification.html",
        {
            "lines": [line for line in every if line.status == status] if status else every,
            "status": status,
            "filters": [
                (key, label, counts.get(key, 0) if key else sum(counts.values())) for key, label in STATUS_FILTERS
            ],
            "sessions": selectors.today_sessions_for_manager(request.user, today)[:50],
            "uploaded_form": UploadedForm(initial={"uploaded_on": today}),
            "today": today,
        },
    )


def _closings(request: HttpRequest) -> list[Any]:
    ids = [int(value) for value in request.POST.getlist("class") + request.GET.getlist("class") if value.isdigit()]
    return selectors.closings_for_manager(request.user, ids)


@requires("attendance.manage")
def portal_file(request: HttpRequest) -> HttpResponse:
    """The national portal's upload file(s) for the chosen closed classes — or, with
    `file=environment`, the separate environmental-education file: one CSV, or a ZIP when the rows
    need several files. Problems (characters Big5 cannot write …) are listed instead of a file."""
    closings = _closings(request)
    if not closings:
        messages.error(request, _("請先勾選已結訓的班期。"))
        return redirect("attendance:certification")
    environment = (request.POST.get("file") or request.GET.get("file")) == "environment"
    pack = effective_pack(closings[0].course_class.course.organizer.jurisdiction, timezone.localdate().year)
    fmt = pack.portal
    if fmt is None:
        messages.error(request, _("政策參數沒有入口網上傳檔的設定（portal），請洽系統管理者。"))
        return redirect("attendance:certification")
    rows = selectors.portal_rows(closings, fmt)
    categories = portal.environment_categories(fmt, pack.hours) if environment else frozenset()
    if environment and not categories:
        messages.error(request, _("政策參數沒有指定環境教育時數檔的學習類別（portal.environment），請洽系統管理者。"))
        return redirect("attendance:certification")
    try:
        files = portal.environment_files(rows, fmt, categories) if environment else portal.upload_files(rows, fmt)
    except PeiliError as error:
        return render(
            request,
            "attendance/portal_problems.html",
            {
                "error": error,
                "problems": error.details or [],
                "closings": closings,
                "missing_codes": any(p.get("code") == "portal.category_code_missing" for p in error.details or []),
                "jurisdiction_code": closings[0].course_class.course.organizer.jurisdiction.code,
            },
            status=400,
        )
    if not files:
        messages.error(request, _("勾選的班期沒有可上傳的完訓時數。"))
        return redirect("attendance:certification")
    name = f"{'env' if environment else 'portal'}-{timezone.localdate():%Y-%m-%d}"
    if len(files) == 1:
        response = HttpResponse(files[0], content_type="text/csv; charset=big5")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, content in enumerate(files):
            first = number * fmt.max_rows_per_file + 1
            last = first + content.count(CRLF) - 2  # less the header and the last line's end
            archive.writestr(f"{name}_({first}~{last}).csv", content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response


@requires("attendance.manage")
@require_POST
def mark_uploaded(request: HttpRequest) -> HttpResponse:
    closings = _closings(request)
    form = UploadedForm(request.POST)
    if not closings:
        messages.error(request, _("請先勾選已結訓的班期。"))
    elif not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        on = form.cleaned_data["uploaded_on"]
        perform(
            request,
            lambda: services.certification_mark_uploaded(closings=closings, on=on, actor=request.user),
            _("已將 %(n)d 個班期標示為已上傳入口網。") % {"n": len(closings)},
        )
    return redirect("attendance:certification")


# --- organizer: a class -----------------------------------------------------------------------------


@requires("attendance.manage")
def class_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    course_class = _class(request, pk)
    closing = getattr(course_class, "closing", None) if hasattr(course_class, "closing") else None
    sessions = list(course_class.sessions.all())
    counts = selectors.signed_counts(course_class.pk, Kind.SIGN_IN)
    listed = selectors.completions(course_class, closed=closing is not None)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/class.html",
        {
            "course_class": course_class,
            "closing": closing,
            "sessions": [(session, counts.get(session.pk, 0)) for session in sessions],
            "completions": page.object_list if closing else [],
            "page": page,
            "confirmed": selectors.confirmed(course_class).count(),
            "certification": selectors.certification_of(
                course_class, closing, today=timezone.localdate(), calendar=working_calendar()
            ),
        },
    )


def _page_url(name: str, page: int, shown: dict[str, str], **kwargs: Any) -> str:
    """A page of the roster or closing page, with what it was filtered by."""
    query: dict[str, str | int] = {"page": page}
    query.update({key: value for key, value in shown.items() if value})
    return f"{reverse(name, kwargs=kwargs)}?{urlencode(query)}"


def _filters(request: HttpRequest) -> dict[str, str]:
    """What a roster or closing page is filtered by: a name (printable characters, at most 60) and,
    on the closing page, only those the rule does not let complete."""
    name = "".join(char for char in request.GET.get("q", "")[:200] if char.isprintable()).strip()[:60]
    only = "not_complete" if request.GET.get("only") == "not_complete" else ""
    return {"q": name, "only": only}


def _goto(request: HttpRequest, page: Page[Any]) -> int:
    """The page a pager button asks for (the current one for the save button), within the pages."""
    asked = request.POST.get("goto", "")
    return min(int(asked), page.paginator.num_pages) if asked.isdigit() and int(asked) > 0 else page.number


@requires("attendance.manage")
def roster(request: HttpRequest, session_id: int) -> HttpResponse:
    """A session's roster, PAGE_SIZE people a page: each page posts its own rows (a class of 2,000
    is saved page by page; the pager's buttons save the page they leave)."""
    session = _session(request, session_id)
    course_class = session.course_class
    shown = {"q": _filters(request)["q"]}
    page = Paginator(selectors.confirmed(course_class, name=shown["q"]), PAGE_SIZE).get_page(request.GET.get("page"))
    bounds = {
        "length_minutes": services.session_length(session),
        "leave_minutes": services.session_leave_limit(session),
    }
    if request.method == "POST":
        ids = row_ids(request.POST.get("rows"))
        registrations = selectors.confirmed_among(course_class, ids) if ids is not None else []
        if ids is None or len(registrations) != len(ids):
            messages.error(request, _("名單中有未錄取本班期的人員，請重新整理後再試。"))
            return redirect(_page_url("attendance:roster", page.number, shown, session_id=session.pk))
        form = RosterForm(request.POST, lines=selectors.roster_lines(session, registrations), **bounds)
        if form.is_valid():
            changed = submit(
                request,
                form,
                lambda: services.roster_save(session=session, entries=form.entries(), actor=request.user),
                _("已儲存出勤紀錄。"),
            )
            if changed is not None:
                return redirect(_page_url("attendance:roster", _goto(request, page), shown, session_id=session.pk))
    else:
        form = RosterForm(lines=selectors.roster_lines(session, list(page.object_list)), **bounds)
    return render(
        request,
        "attendance/roster.html",
        {
            "session": session,
            "course_class": course_class,
            "form": form,
            "page": page,
            "shown": shown,
            "form_limits": {"length": bounds["length_minutes"], "leave": bounds["leave_minutes"]},
            "wrong_codes": selectors.wrong_codes(session),
            "code_paused_until": services.code_paused_until(session),
        },
    )


def _screen_context(request: HttpRequest, session: ClassSession, kind: str) -> dict[str, Any]:
    now = time.time()
    opens_at = services.opens_at(session)
    window = rules.window_at(now, services.qr_period())
    key = services.token_key()
    token = rules.token(key, session.pk, kind, window)
    url = request.build_absolute_uri(reverse("attendance:scan", kwargs={"token": token}))
    label = _("%(kind)s QR code：%(title)s") % {"kind": Kind(kind).label, "title": session.course_class.course.title}
    svg = segno.make(url, error="m").svg_inline(
        scale=1, svgclass="qr-code", lineclass=None, title=label, omitsize=True, light="#fff"
    )
    return {
        "session": session,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "svg": svg,
        "scan_url": url,
        "code": rules.short_code(key, session.pk, kind, window),
        "signed": selectors.signed_count(session, kind),
        "confirmed": selectors.confirmed(session.course_class).count(),
        "period": services.qr_period(),
        "opens_at": timezone.localtime(opens_at),
        "not_open_yet": timezone.now() < opens_at,
    }


@requires("attendance.manage")
def screen(request: HttpRequest, session_id: int, kind: str) -> HttpResponse:
    """The sign-in (or sign-out) screen for a projector or tablet: the QR code and the typed code
    change every period (htmx swaps the panel); the count of people signed so far."""
    session = _session(request, session_id)
    context = _screen_context(request, session, _kind(kind))
    template = "attendance/_screen_panel.html" if request.htmx else "attendance/screen.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- organizer: closing and corrections -------------------------------------------------------------


def _pending_key(course_class: CourseClass) -> str:
    return f"attendance.close.{course_class.pk}"


def _pending(request: HttpRequest, course_class: CourseClass, known: set[int]) -> dict[int, Correction]:
    """The corrections made on the closing page's other pages, kept in the organizer's session until
    the class closes (only people still in the class)."""
    kept = request.session.get(_pending_key(course_class)) or {}
    out = {}
    for key, value in kept.items():
        if str(key).isdigit() and int(key) in known and isinstance(value, list) and len(value) == 2:
            out[int(key)] = Correction(bool(value[0]), str(value[1])[:300])
    return out


def _keep(request: HttpRequest, course_class: CourseClass, corrections: dict[int, Correction]) -> None:
    request.session[_pending_key(course_class)] = {
        str(pk): [correction.completes, correction.reason] for pk, correction in corrections.items()
    }


@requires("attendance.manage")
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing a class, PAGE_SIZE people a page. Each page posts its own corrections; those of the
    other pages are kept in the session (the pager's buttons keep the page they leave) and all go
    to the closing at once."""
    course_class = _class(request, pk)
    if hasattr(course_class, "closing"):
        return redirect("attendance:class", pk=course_class.pk)
    preview = selectors.completion_preview(course_class)
    by_pk = {line.registration.pk: line for line in preview.rows}
    pending = _pending(request, course_class, set(by_pk))
    shown = _filters(request)
    rows = [
        line
        for line in preview.rows
        if shown["q"] in line.registration.person.name and not (shown["only"] and line.outcome.completes)
    ]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    lines = list(page.object_list)
    if request.method == "POST":
        ids = row_ids(request.POST.get("rows"))
        if ids is None or any(pk not in by_pk for pk in ids):
            messages.error(request, _("名單中有未錄取本班期的人員，請重新整理後再試。"))
            return redirect(_page_url("attendance:close", page.number, shown, pk=course_class.pk))
        lines = [by_pk[pk] for pk in ids]
    form = CloseForm(request.POST or None, lines=lines, pending=pending)
    if request.method == "POST" and form.is_valid():
        corrections = form.corrections()
        _keep(request, course_class, corrections)
        if "close" not in request.POST:
            return redirect(_page_url("attendance:close", _goto(request, page), shown, pk=course_class.pk))
        closing = submit(
            request,
            form,
            lambda: services.class_close(course_class=course_class, corrections=corrections, actor=request.user),
            _("已結訓，完訓人員的時數已登錄。"),
        )
        if closing is not None:
            request.session.pop(_pending_key(course_class), None)
            return redirect("attendance:class", pk=course_class.pk)
        pending = corrections
    reasons = Counter(line.outcome.reason for line in preview.rows if not line.outcome.completes)
    return render(
        request,
        "attendance/close.html",
        {
            "course_class": course_class,
            "preview": preview,
            "form": form,
            "page": page,
            "shown": shown,
            "reasons": [(Reason(code).label, n) for code, n in sorted(reasons.items())],
            "pending": [(by_pk[pk], correction) for pk, correction in pending.items()],
        },
    )


@requires("attendance.manage")
def correct(request: HttpRequest, completion_id: int) -> HttpResponse:
    completion = read_for_page(selectors.completion_for_user, request.user, completion_id)
    course_class = completion.closing.course_class
    form = CorrectForm(request.POST or None, initial={"completes": "0" if completion.completes else "1"})
    if request.method == "POST" and form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.completion_correct(
                completion=completion,
                completes=form.cleaned_data["completes"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            ),
            _("已更正完訓結果。"),
        )
        if done is not None:
            return redirect("attendance:class", pk=course_class.pk)
    return render(
        request, "attendance/correct.html", {"completion": completion, "course_class": course_class, "form": form}
    )


# --- learners: scanning and typing a code ------------------------------------------------------------


def _my_person(request: HttpRequest) -> Person:
    person = selectors.person_signing(request.user)
    if person is None:
        raise Http404("no person")
    return person


# The nonces of the tickets this browser scanned before anyone signed in on it (the last few).
HELD_TICKETS = "attendance.held_tickets"
HELD_TICKETS_KEPT = 5


@requires(PUBLIC)
def scan(request: HttpRequest, token: str) -> HttpResponse:
    """What a scanned QR code opens. The code must be fresh now; the scan is then held for a few
    minutes in a ticket for this account — or, not signed in yet, for this browser — so that
    signing in to Peili first does not make it expire, and so that its link signs in nobody else."""
    try:
        held = services.ticket_issue(token=token, user=request.user, at=timezone.now())
    except PeiliError as refusal:
        return _scan_error(request, refusal)
    if not request.user.is_authenticated:
        request.session[HELD_TICKETS] = [*request.session.get(HELD_TICKETS, [])[-(HELD_TICKETS_KEPT - 1) :], held.nonce]
    return redirect("attendance:check", ticket=held.text)


def _scan_error(request: HttpRequest, refusal: PeiliError) -> HttpResponse:
    return render(
        request,
        "attendance/scan_error.html",
        {"message": refusal.message, "code": refusal.code},
        status=refusal.status,
    )


@requires("attendance.sign_in")
def check(request: HttpRequest, ticket: str) -> HttpResponse:
    try:
        held = services.ticket_read(
            ticket=ticket, user=request.user, held=request.session.get(HELD_TICKETS, []), at=timezone.now()
        )
    except PeiliError as refusal:
        return _scan_error(request, refusal)
    session = read_for_page(selectors.ticket_session, held.session_id)
    signed = None
    if request.method == "POST":
        person = _my_person(request)
        try:
            signed = services.sign_by_ticket(person=person, ticket=held, actor=request.user)
        except PeiliError as error:
            messages.error(request, error.message)
    return render(
        request,
        "attendance/check.html",
        {"session": session, "kind": held.kind, "kind_label": Kind(held.kind).label, "signed": signed},
    )


@requires("attendance.sign_in")
def code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    signed = None
    if request.method == "POST" and form.is_valid():
        person = _my_person(request)
        signed = submit(
            request,
            form,
            lambda: services.sign_by_code(
                person=person,
                code=form.cleaned_data["code"],
                kind=form.cleaned_data["kind"],
                at=timezone.now(),
                actor=request.user,
            ),
            _("完成。"),
            field="code",
        )
    return render(request, "attendance/code.html", {"form": form, "signed": signed})
