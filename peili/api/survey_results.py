"""Survey results: a class, a course across its classes and years, an instructor across the classes
you organize, an organizing body's subtree over years. Means (1–5) and the satisfaction index
(0–100) are rounded to 2 decimals, response rates are percentages (2 decimals). Nothing here
names a respondent or carries a time of answering."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from peili.api import errors
from peili.api.errors import api_errors
from peili.api.schemas import Id, Year
from peili.core.errors import NotFound, PeiliError
from peili.core.permissions import api_requires
from peili.surveys import results as res
from peili.surveys import selectors
from peili.surveys.codes import Error as SurveysError

router = Router(tags=["問卷結果"])

MAX_SPAN = 30


class FormulaOut(Schema):
    points: list[int]  # scores of 非常不滿意, 不滿意, 普通, 滿意, 非常滿意 (in that order)
    years: list[int]  # the (Gregorian) years of the classes scored with these points


class BucketOut(Schema):
    value: int  # a scale point (1–5) or an option's index (from 0)
    label: str
    count: int
    percent: Decimal | None


class InstructorLineOut(Schema):
    instructor_id: int
    name: str
    count: int
    mean: Decimal | None
    index: Decimal | None


class QuestionResultOut(Schema):
    key: str  # stable across template versions
    text: str  # the newest version's
    kind: str  # scale / single / multiple / text
    section: str
    section_kind: str
    in_index: bool
    count: int
    mean: Decimal | None
    index: Decimal | None
    distribution: list[BucketOut]
    instructors: list[InstructorLineOut]


class InstructorResultOut(Schema):
    instructor_id: int
    name: str
    answers: int
    mean: Decimal | None
    index: Decimal | None


class ClassRowOut(Schema):
    class_id: int
    course_id: int
    course_title: str
    term: int
    start_date: date | None
    end_date: date | None
    invited: int
    responded: int
    response_rate: Decimal | None
    index: Decimal | None


class CourseRowOut(Schema):
    course_id: int
    title: str
    classes: int
    invited: int
    responded: int
    response_rate: Decimal | None
    index: Decimal | None


class TrendOut(Schema):
    label: str
    year: int | None
    class_id: int | None
    invited: int
    responded: int
    response_rate: Decimal | None
    index: Decimal | None


class ResultsOut(Schema):
    classes: int
    invited: int
    responded: int
    response_rate: Decimal | None
    index: Decimal | None
    index_answers: int
    anonymous: bool
    # Anonymous answers counted in `responded` but not yet in these results: they are added in
    # shuffled batches (`PEILI_SURVEY_ANONYMOUS_BATCH` at least, or when the survey closes).
    waiting: int
    formula: str
    points: list[FormulaOut]
    questions: list[QuestionResultOut]
    instructors: list[InstructorResultOut]
    class_rows: list[ClassRowOut]
    course_rows: list[CourseRowOut]
    trend: list[TrendOut]


def _d(value: Any, places: int = 2) -> Decimal | None:
    return res.as_decimal(value, places)


def _rate(responded: int, invited: int) -> Decimal | None:
    return res.percent(res.rules.rate(responded, invited), 2)


def _out(results: res.Results) -> dict[str, Any]:
    summary = results.summary
    return {
        "classes": summary.classes,
        "invited": summary.invited,
        "responded": summary.responded,
        "response_rate": _rate(summary.responded, summary.invited),
        "index": _d(summary.index),
        "index_answers": summary.answers,
        "anonymous": summary.anonymous,
        "waiting": summary.waiting,
        "formula": _("滿意度指數 = Σ(各選項人次 × 換算分數) ÷ 總人次"),
        "points": [{"points": list(f.points), "years": list(f.years)} for f in results.formulas],
        "questions": [
            {
                "key": q.key,
                "text": q.text,
                "kind": q.kind,
                "section": q.section_title,
                "section_kind": q.section_kind,
                "in_index": q.in_index,
                "count": q.count,
                "mean": _d(q.mean),
                "index": _d(q.index),
                "distribution": [
                    {"value": b.value, "label": b.label, "count": b.count, "percent": res.percent(b.share, 2)}
                    for b in q.buckets
                ],
                "instructors": [
                    {
                        "instructor_id": line.instructor_id,
                        "name": line.name,
                        "count": line.count,
                        "mean": _d(line.mean),
                        "index": _d(line.index),
                    }
                    for line in q.instructors
                ],
            }
            for q in results.questions
        ],
        "instructors": [
            {
                "instructor_id": r.instructor_id,
                "name": r.name,
                "answers": r.answers,
                "mean": _d(r.mean),
                "index": _d(r.index),
            }
            for r in results.instructors
        ],
        "class_rows": [
            {
                "class_id": r.class_id,
                "course_id": r.course_id,
                "course_title": r.course_title,
                "term": r.term,
                "start_date": r.start_date,
                "end_date": r.end_date,
                "invited": r.invited,
                "responded": r.responded,
                "response_rate": _rate(r.responded, r.invited),
                "index": _d(r.index),
            }
            for r in results.classes
        ],
        "course_rows": [
            {
                "course_id": r.course_id,
                "title": r.title,
                "classes": r.classes,
                "invited": r.invited,
                "responded": r.responded,
                "response_rate": _rate(r.responded, r.invited),
                "index": _d(r.index),
            }
            for r in results.courses
        ],
        "trend": [
            {
                "label": p.label,
                "year": p.year,
                "class_id": p.class_id,
                "invited": p.invited,
                "responded": p.responded,
                "response_rate": _rate(p.responded, p.invited),
                "index": _d(p.index),
            }
            for p in results.trend
        ],
    }


@router.get("/classes/{class_id}", response=ResultsOut, summary="班期問卷結果")
@api_requires("surveys.manage")
@api_errors(errors.CLASS_NOT_FOUND, errors.SURVEY_NOT_FOUND)
def class_results(request: HttpRequest, class_id: Id) -> dict[str, Any]:
    """A class you organize: response rate, satisfaction index, each question (per instructor in
    instructor sections) and each instructor."""
    course_class = selectors.managed_class_for_user(request.user, class_id)
    if not selectors.has_survey(course_class):
        raise NotFound(SurveysError.SURVEY_NOT_FOUND, _("本班期沒有問卷。"))
    return _out(res.class_results(course_class))


@router.get("/courses/{course_id}", response=ResultsOut, summary="課程問卷結果（各班期、各年度）")
@api_requires("surveys.manage")
@api_errors(errors.COURSE_NOT_FOUND)
def course_results(request: HttpRequest, course_id: Id) -> dict[str, Any]:
    """A course you organize across all its classes and years: questions grouped by their stable
    key across template versions, each class, each instructor, and the trend by year."""
    course = selectors.managed_course_for_user(request.user, course_id)
    return _out(res.course_results(course))


@router.get("/instructors/{instructor_id}", response=ResultsOut, summary="講座問卷結果")
@api_requires("surveys.manage")
@api_errors(errors.INSTRUCTOR_NOT_FOUND)
def instructor_results(request: HttpRequest, instructor_id: Id) -> dict[str, Any]:
    """An instructor's answers in the classes you organize (all classes, for an administrator):
    the instructor sections' questions, each class and the index class by class (`trend`)."""
    _instructor, results = res.instructor_results_for_user(request.user, instructor_id)
    return _out(results)


@router.get("/bodies/{agency_code}", response=ResultsOut, summary="主辦機關（含所屬）問卷結果")
@api_requires("surveys.manage")
@api_errors(errors.AGENCY_NOT_FOUND, errors.SURVEY_YEAR_RANGE)
def body_results(
    request: HttpRequest, agency_code: str, year_from: Year | None = None, year_to: Year | None = None
) -> dict[str, Any]:
    """An organizing body and the bodies under it: the classes that ended from `year_from` to
    `year_to` (Gregorian; default the last five years to this one), per question, per course and
    the trend by year."""
    agency = selectors.results_body_for_user(request.user, agency_code)
    last = year_to or timezone.localdate().year
    first = year_from or last - 4
    if first > last or last - first >= MAX_SPAN:
        raise PeiliError(
            errors.SURVEY_YEAR_RANGE, _("年度範圍不正確（起年不可晚於迄年，最多 %(n)s 年）。") % {"n": MAX_SPAN}
        )
    return _out(res.body_results(agency, first, last))
