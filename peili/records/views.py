"""The hours ledger's pages: one's own transcript (with PDF and Excel), a person's transcript for the
personnel officer of their agency, the agency compliance dashboard with its export, and the reminder
to everyone short of hours."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core import roc
from peili.core.pages import read_for_page
from peili.core.permissions import requires
from peili.org.enums import Role
from peili.org.models import Agency, Person
from peili.org.rules import mask_national_id
from peili.org.scopes import grants_for
from peili.policy.schema import HoursRule
from peili.records import exports, rules, selectors, tasks

PAGE_SIZE = 50
FIRST_YEAR = 1912  # ROC 1


def _year(value: str | None, default: int | None) -> int | None:
    """A Gregorian year from the query string; the default when absent or not a plausible year."""
    try:
        year = int(value or "")
    except ValueError:
        return default
    return year if FIRST_YEAR <= year <= timezone.localdate().year + 1 else default


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- transcripts ----------------------------------------------------------------------------------


def _own_person(request: HttpRequest) -> Person:
    person = grants_for(request.user).person  # loaded with its agency by the sign-in backend
    if person is None:
        raise PermissionDenied("records.view_own")
    return person


def _scoped_person(request: HttpRequest, person_id: int) -> Person:
    return read_for_page(selectors.transcript_person_for_user, request.user, person_id)


def _transcript_page(request: HttpRequest, person: Person, *, own: bool) -> HttpResponse:
    year = _year(request.GET.get("year"), None)
    transcript = selectors.person_transcript(person, year=year)
    query = f"?{urlencode({'year': year})}" if year else ""
    if own:
        pdf, xlsx = reverse("records:transcript_pdf"), reverse("records:transcript_xlsx")
    else:
        pdf = reverse("records:person_transcript_pdf", kwargs={"person_id": person.pk})
        xlsx = reverse("records:person_transcript_xlsx", kwargs={"person_id": person.pk})
    back = ""
    if not own:
        back = reverse("records:compliance") + "?" + urlencode({"agency": person.agency.code, "year": year or ""})
    return render(
        request,
        "records/transcript.html",
        {
            "transcript": transcript,
            "person": person,
            "masked_id": mask_national_id(person.national_id),
            "own": own,
            "pdf_url": pdf + query,
            "xlsx_url": xlsx + query,
            "back_url": back,
        },
    )


def _transcript_file(request: HttpRequest, person: Person, kind: str) -> HttpResponse:
    year = _year(request.GET.get("year"), None)
    transcript = selectors.person_transcript(person, year=year)
    which = str(year - roc.ROC_OFFSET) if year else "all"
    name = f"transcript-{person.pk}-{which}"
    if kind == "pdf":
        return _attachment(exports.transcript_pdf(transcript), exports.PDF, f"{name}.pdf")
    return _attachment(exports.transcript_xlsx(transcript), exports.XLSX, f"{name}.xlsx")


@requires("records.view_own")
def transcript(request: HttpRequest) -> HttpResponse:
    return _transcript_page(request, _own_person(request), own=True)


@requires("records.view_own")
def transcript_pdf(request: HttpRequest) -> HttpResponse:
    return _transcript_file(request, _own_person(request), "pdf")


@requires("records.view_own")
def transcript_xlsx(request: HttpRequest) -> HttpResponse:
    return _transcript_file(request, _own_person(request), "xlsx")


@requires("records.view_compliance")
def person_transcript(request: HttpRequest, person_id: int) -> HttpResponse:
    return _transcript_page(request, _scoped_person(request, person_id), own=False)


@requires("records.view_compliance")
def person_transcript_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    return _transcript_file(request, _scoped_person(request, person_id), "pdf")


@requires("records.view_compliance")
def person_transcript_xlsx(request: HttpRequest, person_id: int) -> HttpResponse:
    return _transcript_file(request, _scoped_person(request, person_id), "xlsx")


# --- the agency dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What the dashboard shows: an agency subtree in a year, with the filters of its list."""

    agency: Agency
    year: int
    rule: HoursRule | None
    status: str
    short_of: str

    def query(self, **changes: Any) -> str:
        params = {"agency": self.agency.code, "year": self.year, "status": self.status, "short_of": self.short_of}
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v not in ("", None, selectors.ALL)})


def _scope(request: HttpRequest, params: Any) -> Scope:
    code = params.get("agency", "").strip()
    agency = read_for_page(selectors.dashboard_agency_for_user, request.user, code)
    year = _year(params.get("year"), timezone.localdate().year) or timezone.localdate().year
    rule = selectors.hours_rule(agency.jurisdiction, year)
    status = params.get("status", selectors.ALL)
    if status not in selectors.STATUSES:
        status = selectors.ALL
    short_of = params.get("short_of", "")
    if rule is None or short_of not in rules.requirement_hours(rule):
        short_of = ""
    return Scope(agency=agency, year=year, rule=rule, status=status, short_of=short_of)


def _people(scope: Scope) -> Any:
    return selectors.compliance_people(
        scope.agency, scope.year, status=scope.status, short_of=scope.short_of, rule=scope.rule
    )


@dataclass(frozen=True)
class Bar:
    band: rules.HoursBand
    x: float
    y: float
    width: float
    height: float
    label_x: float
    count_y: float
    tone: str  # none / short / meets — a CSS class, the words say the same


# The chart's drawing area (SVG user units; it scales to the page's width).
CHART_WIDTH, CHART_HEIGHT = 640, 240
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT = 24, 200, 8


def _bars(bands: tuple[rules.HoursBand, ...], minimum: Decimal) -> list[Bar]:
    if not bands:
        return []
    tallest = max(band.people for band in bands) or 1
    slot = (CHART_WIDTH - 2 * PLOT_LEFT) / len(bands)
    width = slot * 0.7
    bars = []
    for index, band in enumerate(bands):
        height = (PLOT_BOTTOM - PLOT_TOP) * band.people / tallest
        x = PLOT_LEFT + slot * index + (slot - width) / 2
        tone = "none" if band.upper == band.lower == 0 else ("meets" if band.lower >= minimum > 0 else "short")
        bars.append(
            Bar(
                band=band,
                x=round(x, 1),
                y=round(PLOT_BOTTOM - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label_x=round(x + width / 2, 1),
                count_y=round(PLOT_BOTTOM - height - 6, 1),
                tone=tone,
            )
        )
    return bars


def _agency_choices(request: HttpRequest, agency: Agency) -> list[Agency]:
    scope_paths = grants_for(request.user).scopes.get(Role.PERSONNEL_OFFICER, ())
    return [
        a for a in selectors.agency_choices(agency, scope_paths=scope_paths) if selectors.in_scope(request.user, a.path)
    ]


class KnownCount(Paginator):
    """A paginator told how many there are (the summary has just counted them) — no COUNT query."""

    def __init__(self, object_list: Any, per_page: int, *, known: int | None) -> None:
        super().__init__(object_list, per_page)
        if known is not None:
            self.__dict__["count"] = known  # `count` is a cached_property: set, it is not computed


@requires("records.view_compliance")
def compliance(request: HttpRequest) -> HttpResponse:
    scope = _scope(request, request.GET)
    summary = selectors.compliance_summary(scope.agency, scope.year, rule=scope.rule)
    paginator = KnownCount(_people(scope), PAGE_SIZE, known=summary.listed(scope.status, scope.short_of))
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.compliance_list(page.object_list, scope.year, known=(scope.agency.jurisdiction_id, scope.rule))
    minimum = Decimal(scope.rule.yearly_minimum) if scope.rule is not None else Decimal(0)
    today = timezone.localdate()
    return render(
        request,
        "records/compliance.html",
        {
            "scope": scope,
            "agency": scope.agency,
            "year": scope.year,
            "summary": summary,
            "page": page,
            "rows": rows,
            "bars": _bars(summary.bands, minimum),
            "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT, "baseline": PLOT_BOTTOM},
            "agencies": _agency_choices(request, scope.agency),
            "years": list(range(today.year, today.year - 6, -1)),
            "statuses": [
                (selectors.ALL, _("全部")),
                (selectors.SHORT, _("未達成")),
                (selectors.MEETS, _("已達成")),
                (selectors.NONE, _("全無學習紀錄")),
            ],
            "requirements": list(rules.requirement_names(scope.rule).items()) if scope.rule else [],
            "export_csv": reverse("records:compliance_export") + "?" + scope.query(format="csv"),
            "export_xlsx": reverse("records:compliance_export") + "?" + scope.query(format="xlsx"),
            "remind_url": reverse("records:remind") + "?" + scope.query(status="", short_of=""),
            "short_of_links": [
                (item, "?" + scope.query(status=selectors.SHORT, short_of=item.key)) for item in summary.short_of
            ],
        },
    )


@requires("records.view_compliance")
def compliance_export(request: HttpRequest) -> HttpResponse:
    """The dashboard's list as filtered (every page) as CSV or Excel."""
    scope = _scope(request, request.GET)
    rows = selectors.compliance_export(_people(scope), scope.year)
    name = f"compliance-{scope.agency.code}-{scope.year - roc.ROC_OFFSET}"
    if request.GET.get("format") == "xlsx":
        title = _("%(agency)s 及所屬機關 %(year)s 年度學習時數達成情形") % {
            "agency": scope.agency.name,
            "year": scope.year - roc.ROC_OFFSET,
        }
        return _attachment(exports.compliance_xlsx(rows, title=title), exports.XLSX, f"{name}.xlsx")
    return _attachment(exports.compliance_csv(rows), exports.CSV, f"{name}.csv")


@requires("records.view_compliance")
def remind(request: HttpRequest) -> HttpResponse:
    """Confirm (GET), then send (POST) a reminder to everyone short of hours in the subtree and year."""
    scope = _scope(request, request.POST if request.method == "POST" else request.GET)
    back = reverse("records:compliance") + "?" + scope.query(status=selectors.SHORT, short_of="")
    if request.method == "POST":
        result = tasks.send_hours_reminders.delay(scope.agency.pk, scope.year, request.user.pk)
        if result.ready():  # run in process (no broker)
            counts = result.get()
            messages.success(
                request,
                _("已寄出 %(sent)s 封提醒；%(without)s 人沒有電子郵件無法寄送；%(already)s 人今天已提醒過，未再寄。")
                % {"sent": counts["sent"], "without": counts["without_email"], "already": counts["already"]},
            )
            if counts["failed"]:
                messages.error(request, _("%(n)s 封提醒寄送失敗，請稍後再試。") % {"n": counts["failed"]})
        else:
            messages.success(request, _("提醒已排入寄送；寄送結果記錄於稽核紀錄。"))
        return redirect(back)
    return render(
        request,
        "records/remind.html",
        {
            "scope": scope,
            "agency": scope.agency,
            "year": scope.year,
            "reach": selectors.reminder_reach(scope.agency, scope.year),
            "back_url": back,
        },
    )
