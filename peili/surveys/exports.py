"""Survey results as an Excel workbook: a summary with the index's formula, every question with its
distribution, each instructor, the classes (or courses) and the trend, and the free-text answers.

No sheet names a respondent or carries a time: free-text answers are listed question by question
in the order of their random keys, with the instructor and the class they were written about — for
named surveys too (results are about the class, not the people). Writers only: they take what
`results` read and return bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from peili.core import roc
from peili.core.spreadsheets import workbook_bytes
from peili.surveys import results as res
from peili.surveys.enums import QuestionKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _heading(sheet: Worksheet, cells: Sequence[Any]) -> None:
    sheet.append(list(cells))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _widths(sheet: Worksheet, widths: dict[str, int]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width


def formula_text(formula: res.Formula) -> str:
    """「非常滿意 100、滿意 80、普通 60、不滿意 40、非常不滿意 20」"""
    return "、".join(f"{label} {points}" for label, points in formula.labelled)


def _date(value: Any) -> str:
    return roc.format_short(value) if value else ""


def results_xlsx(results: res.Results, *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    summary = results.summary
    sheet.title = _("摘要")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    rows: list[list[Any]] = [
        [_("班期數"), summary.classes],
        [_("應填答人數"), summary.invited],
        [_("已填答人數"), summary.responded],
        [_("填答率（%）"), _number(summary.rate_percent)],
        [_("滿意度指數"), _number(res.as_decimal(summary.index, 1))],
        [_("計入指數的量表答案數"), summary.answers],
        [_("匿名問卷"), _("是") if summary.anonymous else _("否")],
        [_("尚未計入統計的匿名填答"), summary.waiting],
        [],
        [_("滿意度指數 = Σ(各選項人次 × 換算分數) ÷ 總人次；僅計入標示「納入滿意度指數」的量表題。")],
    ]
    for formula in results.formulas:
        years = "、".join(str(y) for y in formula.roc_years)
        rows.append([_("%(years)s 年：%(points)s") % {"years": years, "points": formula_text(formula)}])
    for cells_of_row in rows:
        sheet.append(cells_of_row)
    _widths(sheet, {"A": 28, "B": 14})

    questions = book.create_sheet(_("各題統計"))
    values = max((len(q.buckets) for q in results.questions), default=5)
    _heading(
        questions,
        [_("題組"), _("題目"), _("題型"), _("納入指數"), _("答案數"), _("平均"), _("滿意度指數")]
        + [_("選項%(n)s") % {"n": n + 1} for n in range(values)],
    )
    for q in results.questions:
        cells: list[Any] = [
            q.section_title,
            q.text,
            str(QuestionKind(q.kind).label),
            _("是") if q.in_index else "",
            q.count,
            _number(res.as_decimal(q.mean, 2)),
            _number(res.as_decimal(q.index, 1)),
        ]
        cells += [f"{b.label}：{b.count}" for b in q.buckets]
        questions.append(cells)
    _widths(questions, {"A": 14, "B": 40})

    if any(q.instructors for q in results.questions) or results.instructors:
        teachers = book.create_sheet(_("講座"))
        _heading(teachers, [_("講座"), _("題目"), _("答案數"), _("平均"), _("滿意度指數")])
        for result in results.instructors:
            teachers.append(
                [
                    result.name,
                    _("（計入指數的題目合計）"),
                    result.answers,
                    _number(res.as_decimal(result.mean, 2)),
                    _number(res.as_decimal(result.index, 1)),
                ]
            )
        for q in results.questions:
            for line in q.instructors:
                if q.kind == QuestionKind.SCALE:
                    teachers.append(
                        [
                            line.name,
                            q.text,
                            line.count,
                            _number(res.as_decimal(line.mean, 2)),
                            _number(res.as_decimal(line.index, 1)),
                        ]
                    )
        _widths(teachers, {"A": 14, "B": 40})

    if results.classes:
        classes = book.create_sheet(_("班期"))
        headings = [_("課程"), _("期別"), _("開課日期"), _("結訓日期"), _("應填答"), _("已填答")]
        _heading(classes, [*headings, _("填答率（%）"), _("滿意度指數")])
        for row in results.classes:
            classes.append(
                [
                    row.course_title,
                    row.term,
                    _date(row.start_date),
                    _date(row.end_date),
                    row.invited,
                    row.responded,
                    _number(row.rate_percent),
                    _number(res.as_decimal(row.index, 1)),
                ]
            )
        _widths(classes, {"A": 30})
    if results.courses:
        courses = book.create_sheet(_("課程"))
        _heading(courses, [_("課程"), _("班期數"), _("應填答"), _("已填答"), _("填答率（%）"), _("滿意度指數")])
        for course in results.courses:
            courses.append(
                [
                    course.title,
                    course.classes,
                    course.invited,
                    course.responded,
                    _number(course.rate_percent),
                    _number(res.as_decimal(course.index, 1)),
                ]
            )
        _widths(courses, {"A": 30})
    if results.trend:
        trend = book.create_sheet(_("趨勢"))
        _heading(trend, [_("年度或班期"), _("應填答"), _("已填答"), _("填答率（%）"), _("滿意度指數")])
        for point in results.trend:
            trend.append(
                [
                    point.label,
                    point.invited,
                    point.responded,
                    _number(point.rate_percent),
                    _number(res.as_decimal(point.index, 1)),
                ]
            )
        _widths(trend, {"A": 30})

    texts = book.create_sheet(_("文字意見"))
    _heading(texts, [_("題目"), _("講座"), _("課程"), _("期別"), _("意見")])
    for question, answer in res.text_answers(results):
        written = ILLEGAL_CHARACTERS_RE.sub("", answer.text)  # control characters a spreadsheet refuses
        texts.append([question.text, answer.instructor, answer.course_title, answer.term, written])
    _widths(texts, {"A": 24, "B": 12, "C": 24, "E": 80})

    return workbook_bytes(book)  # no cell a formula, whatever was answered (peili.core.spreadsheets)
