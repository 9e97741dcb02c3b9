"""Results pages: the organizer's classes with a survey, and the results of a class, a course across
its classes and years, an instructor across the classes the user organizes, and an organizing body
(with the bodies under it) over a range of years — each with its Excel export (`?format=xlsx`).

The numbers are read by `peili.surveys.results`; here they become charts (SVG drawn on the server:
a stacked bar per question, a line for the index over years or classes) with their data tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog.selectors import organizing_bodies_for_user
from peili.core import roc
from peili.core.pages import read_for_page
from peili.core.permissions import requires
from peili.surveys import exports, selectors, services
from peili.surveys import results as res
from peili.surveys.enums import QuestionKind

PAGE_SIZE = 50
FIRST_YEAR = 1912  # ROC 1
BODY_YEARS = 5  # the body page's default span, ending this year
MAX_SPAN = 30


def _year(value: str | None) -> int | None:
    """A Gregorian year from the query string, or None when absent or not plausible."""
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= timezone.localdate().year + 1 else None


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- charts ---------------------------------------------------------------------------------------

BAR_WIDTH, BAR_HEIGHT = 600, 36


@dataclass(frozen=True)
class Segment:
    bucket: res.Bucket
    x: float
    width: float
    text_x: float
    tone: str  # a CSS class: the scale point, or the option's place
    text: str  # its share, "45%"
    show_text: bool


def _segments(question: res.QuestionResult) -> list[Segment]:
    """The question's answers as one stacked bar, value by value (scale: 非常不滿意 on the left)."""
    segments, x = [], 0.0
    for position, bucket in enumerate(question.buckets):
        if not bucket.count or bucket.share is None:
            continue
        width = float(bucket.share) * BAR_WIDTH
        tone = f"s{bucket.value}" if question.kind == QuestionKind.SCALE else f"c{position % 6}"
        label = f"{res.percent(bucket.share, 0)}%"
        middle = round(x + width / 2, 1)
        segments.append(Segment(bucket, round(x, 1), round(width, 1), middle, tone, label, width >= 44))
        x += width
    return segments


@dataclass(frozen=True)
class BucketView:
    label: str
    count: int
    percent: str  # "33.3%", or "—"


@dataclass(frozen=True)
class LineView:
    name: str
    count: int
    mean: str
    index: str


@dataclass(frozen=True)
class QuestionView:
    """A question's figures written out for the page (twelve questions with their charts and
    tables are most of the page's rendering)."""

    question: res.QuestionResult
    segments: list[Segment]
    buckets: list[BucketView]
    desc: str
    mean: str
    index: str
    lines: list[LineView]


def _question_view(question: res.QuestionResult) -> QuestionView:
    buckets = [
        BucketView(b.label, b.count, f"{b.percent}%" if b.percent is not None else "—") for b in question.buckets
    ]
    return QuestionView(
        question=question,
        segments=_segments(question),
        buckets=buckets,
        desc="；".join(f"{b.label} {b.count}（{b.percent}）" for b in buckets),
        mean=_num(res.as_decimal(question.mean, 2)),
        index=_num(res.as_decimal(question.index, 1)),
        lines=[
            LineView(
                line.name,
                line.count,
                _num(res.as_decimal(line.mean, 2)),
                _num(res.as_decimal(line.index, 1)),
            )
            for line in question.instructors
        ],
    )


LINE_WIDTH, LINE_HEIGHT = 640, 260
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 44, 620, 20, 210
MAX_LABELS = 6


@dataclass(frozen=True)
class Dot:
    point: res.TrendPoint
    x: float
    y: float | None
    value: str
    labelled: bool  # its x-axis label is drawn (at most MAX_LABELS are)
    axis: str  # that label: the year, or the class's first day (111/03/07)


@dataclass(frozen=True)
class Line:
    dots: list[Dot]
    paths: list[str]  # polyline point lists, broken where a point has no index
    grid: list[tuple[int, float]]  # (index value, y)
    width: int = LINE_WIDTH
    height: int = LINE_HEIGHT
    left: int = PLOT_LEFT
    right: int = PLOT_RIGHT
    bottom: int = PLOT_BOTTOM


def _line(trend: Sequence[res.TrendPoint]) -> Line | None:
    if not trend:
        return None
    span = PLOT_RIGHT - PLOT_LEFT
    step = span / (len(trend) - 1) if len(trend) > 1 else 0
    every = max(1, math.ceil(len(trend) / MAX_LABELS))
    dots: list[Dot] = []
    paths: list[str] = []
    current: list[str] = []
    for n, point in enumerate(trend):
        x = PLOT_LEFT + step * n if len(trend) > 1 else PLOT_LEFT + span / 2
        index = res.as_decimal(point.index, 1)
        y = None if index is None else PLOT_BOTTOM - float(index) / 100 * (PLOT_BOTTOM - PLOT_TOP)
        axis = point.label if point.class_id is None else (roc.format_short(point.day) if point.day else "")
        labelled = n % every == 0
        dots.append(Dot(point, round(x, 1), None if y is None else round(y, 1), str(index or "—"), labelled, axis))
        if y is None:
            if current:
                paths.append(" ".join(current))
            current = []
        else:
            current.append(f"{x:.1f},{y:.1f}")
    if current:
        paths.append(" ".join(current))
    grid = [(v, round(PLOT_BOTTOM - v / 100 * (PLOT_BOTTOM - PLOT_TOP), 1)) for v in range(0, 101, 20)]
    return Line(dots, paths, grid)


# --- tables ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowView:
    """A row of a results table, its figures already written out (a course's table has hundreds of
    rows: formatting them here costs a fraction of doing it in the template)."""

    url: str
    label: str
    dates: str
    rate: str
    counts: str
    index: str
    classes: str = ""
    state: str = ""
    course_url: str = ""
    course_title: str = ""


def _num(value: Any) -> str:
    return "—" if value is None else str(value)


def _dates(start: Any, end: Any) -> str:
    if not start:
        return ""
    text = roc.format_short(start)
    return text + "–" + roc.format_short(end) if end and end != start else text


def _url_maker(name: str) -> Any:
    """reverse() once; each row then fills in its id."""
    marker = 987654321
    pattern = reverse(name, args=[marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


def class_views(rows: Sequence[res.ClassRow]) -> list[RowView]:
    url, course_url = _url_maker("surveys:class_results"), _url_maker("surveys:course_results")
    return [
        RowView(
            url=url(row.class_id),
            label=_("%(course)s 第%(term)s期") % {"course": row.course_title, "term": row.term},
            dates=_dates(row.start_date, row.end_date),
            rate=_num(row.rate_percent) + ("%" if row.rate_percent is not None else ""),
            counts=f"{row.responded}/{row.invited}",
            index=_num(res.as_decimal(row.index, 1)),
            state=str(row.state.label),
            course_url=course_url(row.course_id),
            course_title=row.course_title,
        )
        for row in rows
    ]


def course_views(rows: Sequence[res.CourseRow]) -> list[RowView]:
    url = _url_maker("surveys:course_results")
    return [
        RowView(
            url=url(row.course_id),
            label=row.title,
            dates="",
            rate=_num(row.rate_percent) + ("%" if row.rate_percent is not None else ""),
            counts=f"{row.responded}/{row.invited}",
            index=_num(res.as_decimal(row.index, 1)),
            classes=str(row.classes),
        )
        for row in rows
    ]


def _about(answer: res.TextAnswer, kind: str) -> str:
    """What a free-text answer is about: the instructor, and the class on pages of many classes."""
    parts = []
    if answer.instructor:
        parts.append(_("講座：%(name)s") % {"name": answer.instructor})
    if kind != "class":
        parts.append(_("%(course)s 第%(term)s期") % {"course": answer.course_title, "term": answer.term})
    return " ".join(parts)


# --- the pages ------------------------------------------------------------------------------------


def _page(
    request: HttpRequest,
    results: res.Results,
    *,
    kind: str,
    title: str,
    lead: str,
    filename: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.GET.get("format") == "xlsx":
        return _attachment(exports.results_xlsx(results, title=title), f"{filename}.xlsx")
    texts = results.text_questions
    chosen = results.question(request.GET.get("text", "")) if texts else None
    if chosen is None or not chosen.is_text:
        chosen = texts[0] if texts else None
    text_page = res.text_page(results, chosen, request.GET.get("page")) if chosen is not None else None
    texts_shown = [(answer.text, _about(answer, kind)) for answer in text_page] if text_page is not None else []
    query = {k: v for k, v in request.GET.items() if k not in ("format", "page", "text", "classes", "courses")}
    context = {
        "kind": kind,
        "title": title,
        "lead": lead,
        "results": results,
        "summary": results.summary,
        "index_value": res.as_decimal(results.summary.index, 1),
        "formulas": [(f, exports.formula_text(f)) for f in results.formulas],
        "bars": [_question_view(q) for q in results.chart_questions],
        "line": _line(results.trend),
        "chosen_text": chosen,
        "text_page": text_page,
        "texts_shown": texts_shown,
        "text_links": [(q, "?" + urlencode({**query, "text": q.key}) + "#survey-texts") for q in texts],
        "xlsx_url": "?" + urlencode({**query, "format": "xlsx"}),
        "many_classes": kind != "class",
        "batch": services.batch_size(),
    }
    if kind != "class":
        classes = Paginator(list(results.classes), PAGE_SIZE).get_page(request.GET.get("classes"))
        context["class_page"] = classes
        context["class_table"] = class_views(list(classes.object_list))
        context["class_links"] = _pages(request, classes, "classes", "survey-class-rows")
    context.update(extra or {})
    return render(request, "surveys/results/detail.html", context)


@requires("surveys.manage")
def index(request: HttpRequest) -> HttpResponse:
    """The classes with a survey that the user organizes, newest first, with their response rate
    and index; filtered by the year the class ended."""
    year = _year(request.GET.get("year"))
    classes = selectors.surveyed_classes_for_user(request.user, year)
    page = Paginator(classes, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "surveys/results/index.html",
        {
            "page": page,
            "rows": class_views(res.class_rows(page.object_list)),
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "bodies": list(organizing_bodies_for_user(request.user)[:20]),
        },
    )


@requires("surveys.manage")
def class_results(request: HttpRequest, class_id: int) -> HttpResponse:
    course_class = read_for_page(selectors.managed_class_for_user, request.user, class_id)
    if not selectors.has_survey(course_class):
        raise Http404(_("本班期沒有問卷。"))
    results = res.class_results(course_class)
    course = course_class.course
    title = _("%(course)s 第%(term)s期 問卷結果") % {"course": course.title, "term": course_class.term}
    dates = ""
    if course_class.start_date:
        dates = roc.format_short(course_class.start_date)
        if course_class.end_date and course_class.end_date != course_class.start_date:
            dates += "–" + roc.format_short(course_class.end_date)
    return _page(
        request,
        results,
        kind="class",
        title=title,
        lead=_("%(body)s；上課日期 %(dates)s") % {"body": course.organizer.name, "dates": dates or "—"},
        filename=f"survey-class-{course_class.pk}",
        extra={"course_class": course_class, "course": course},
    )


@requires("surveys.manage")
def course_results(request: HttpRequest, course_id: int) -> HttpResponse:
    course = read_for_page(selectors.managed_course_for_user, request.user, course_id)
    results = res.course_results(course)
    return _page(
        request,
        results,
        kind="course",
        title=_("%(course)s 問卷結果（各班期、各年度）") % {"course": course.title},
        lead=course.organizer.name,
        filename=f"survey-course-{course.pk}",
        extra={"course": course},
    )


@requires("surveys.manage")
def instructor_results(request: HttpRequest, instructor_id: int) -> HttpResponse:
    """An instructor's results in the classes the user organizes (all, for an administrator); 404
    when the user organizes none of the classes with a survey that the instructor taught."""
    instructor, results = read_for_page(res.instructor_results_for_user, request.user, instructor_id)
    return _page(
        request,
        results,
        kind="instructor",
        title=_("講座 %(name)s 問卷結果") % {"name": instructor.name},
        lead=_("您主辦的班期中，本講座講授部分的評量。"),
        filename=f"survey-instructor-{instructor.pk}",
        extra={"instructor": instructor},
    )


@requires("surveys.manage")
def body_results(request: HttpRequest, code: str) -> HttpResponse:
    agency = read_for_page(selectors.results_body_for_user, request.user, code)
    today = timezone.localdate()
    last = _year(request.GET.get("to")) or today.year
    first = _year(request.GET.get("from")) or last - BODY_YEARS + 1
    first, last = min(first, last), max(first, last)
    first = max(first, last - MAX_SPAN + 1)
    results = res.body_results(agency, first, last)
    span = {"from": first - roc.ROC_OFFSET, "to": last - roc.ROC_OFFSET}
    courses = Paginator(list(results.courses), PAGE_SIZE).get_page(request.GET.get("courses"))
    return _page(
        request,
        results,
        kind="body",
        title=_("%(body)s 問卷結果") % {"body": agency.name},
        lead=_("%(body)s 及所屬機關主辦的班期，%(from)s 年至 %(to)s 年") % {"body": agency.name, **span},
        filename=f"survey-body-{agency.code}-{span['from']}-{span['to']}",
        extra={
            "agency": agency,
            "first": first,
            "last": last,
            "years": list(range(today.year, today.year - MAX_SPAN, -1)),
            "course_page": courses,
            "course_table": course_views(list(courses.object_list)),
            "course_links": _pages(request, courses, "courses", "survey-courses"),
        },
    )


def _pages(request: HttpRequest, page: Any, name: str, anchor: str) -> dict[str, str]:
    """Links to the previous and next page of a table paged by the query parameter `name`."""
    query = {k: v for k, v in request.GET.items() if k != name}
    links = {}
    if page.has_previous():
        links["previous"] = "?" + urlencode({**query, name: page.previous_page_number()}) + f"#{anchor}"
    if page.has_next():
        links["next"] = "?" + urlencode({**query, name: page.next_page_number()}) + f"#{anchor}"
    return links
