"""Files made from the hours ledger: the compliance list (CSV, Excel, JSON — for the dashboard's
export and `peili compliance`) and a person's transcript (Excel, and a PDF with Traditional Chinese
fonts embedded). Writers only: they take what the selectors read and return bytes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from peili.core import roc
from peili.core.spreadsheets import csv_writer, workbook_bytes
from peili.org.rules import mask_national_id
from peili.records import rules
from peili.records.enums import LearningMode, RecordSource
from peili.records.selectors import ComplianceRow, SplitLine, Transcript

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"
JSON = "application/json; charset=utf-8"
# The transcript's print stylesheet (fonts: Noto Sans CJK TC from Debian's fonts-noto-cjk).
PDF_STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "peili" / "records" / "transcript-pdf.css"


def _number(value: Any) -> Any:
    """Decimals as numbers a spreadsheet can add up."""
    return float(value) if isinstance(value, Decimal) else value


# --- the compliance list --------------------------------------------------------------------------


def compliance_headers() -> list[str]:
    return [
        _("身分證字號"),
        _("員工編號"),
        _("姓名"),
        _("機關代碼"),
        _("機關"),
        _("年度"),
        _("總時數"),
        _("尚缺時數"),
        _("達成"),
        _("紀錄筆數"),
        _("未達項目"),
    ]


def compliance_cells(row: ComplianceRow) -> list[Any]:
    return [
        row.national_id_masked,
        row.employee_number,
        row.name,
        row.agency_code,
        row.agency_name,
        row.year - roc.ROC_OFFSET,
        row.total,
        row.missing,
        _("是") if row.meets else _("否"),
        row.records,
        "；".join(row.short_of),
    ]


def compliance_csv(rows: Iterable[ComplianceRow]) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Chinese), CRLF line ends, ROC years, masked IDs; text
    that a spreadsheet would take for a formula gets a quote in front (`peili.core.spreadsheets`)."""
    text = io.StringIO()
    writer = csv_writer(text, lineterminator="\r\n")
    writer.writerow(compliance_headers())
    writer.writerows(compliance_cells(row) for row in rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def compliance_xlsx(rows: Iterable[ComplianceRow], *, title: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("達成情形")
    if title:
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(compliance_headers())
    for row in rows:
        sheet.append([_number(v) for v in compliance_cells(row)])
    _widths(sheet, {"A": 14, "B": 12, "C": 12, "D": 13, "E": 24, "K": 60})
    return _save(book)


def compliance_json(rows: Iterable[ComplianceRow]) -> bytes:
    items = [asdict(row) for row in rows]
    return (json.dumps(items, ensure_ascii=False, default=str, indent=2) + "\n").encode("utf-8")


# --- a transcript ---------------------------------------------------------------------------------


def _split_text(split: Sequence[SplitLine]) -> str:
    """「環境教育 3；資通安全通識 2」: each learning category and its hours."""
    return "；".join(f"{s.name} {rules.hours_text(s.hours)}" for s in split)


def transcript_xlsx(transcript: Transcript) -> bytes:
    """Two sheets: every record (one row each, its category split in one cell) and each year's
    standing per requirement."""
    person = transcript.person
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("學習紀錄")
    sheet.append([_("學習時數紀錄")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("姓名"), person.name, _("身分證字號"), mask_national_id(person.national_id)])
    sheet.append([_("服務機關"), person.agency.name, _("列印日期"), roc.format_short(transcript.today)])
    sheet.append([])
    sheet.append(
        [
            _("學習年度"),
            _("課程名稱"),
            _("辦理機關"),
            _("開始日期"),
            _("結束日期"),
            _("來源"),
            _("學習性質"),
            _("認證時數"),
            _("數位時數"),
            _("實體時數"),
            _("學習類別"),
        ]
    )
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for year in transcript.years:
        for line in year.lines:
            record = line.record
            sheet.append(
                [
                    year.year - roc.ROC_OFFSET,
                    record.title,
                    record.provider,
                    roc.format_short(record.start_date),
                    roc.format_short(record.end_date),
                    str(RecordSource(record.source).label) if record.source in RecordSource.values else record.source,
                    str(LearningMode(record.mode).label) if record.mode in LearningMode.values else record.mode,
                    _number(record.certified_hours),
                    _number(record.digital_hours),
                    _number(record.classroom_hours),
                    _split_text(line.split),
                ]
            )
    _widths(sheet, {"A": 10, "B": 36, "C": 22, "D": 11, "E": 11, "F": 14, "G": 9, "K": 40})
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)

    standing = book.create_sheet(_("年度達成情形"))
    standing.append([_("學習年度"), _("項目"), _("應修時數"), _("已修時數"), _("尚缺時數"), _("達成")])
    for cell in standing[1]:
        cell.font = Font(bold=True)
    for year in transcript.years:
        for item in (*year.requirements, *year.floors):
            standing.append(
                [
                    year.year - roc.ROC_OFFSET,
                    item.name,
                    _number(item.required),
                    _number(item.counted),
                    _number(item.missing),
                    _("是") if item.met else _("否"),
                ]
            )
    _widths(standing, {"A": 10, "B": 30})
    for row in standing.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True)
    return _save(book)


def transcript_pdf(transcript: Transcript) -> bytes:
    """The transcript as an official-looking A4 document: name, masked national ID, agency, the
    printed date in ROC, each year's records with totals and its standing against the rule. Fonts
    are embedded (subset) by WeasyPrint; always in Chinese, whatever language the page was in."""
    from weasyprint import CSS, HTML  # noqa: PLC0415 -- WeasyPrint takes about a second to import; only the PDF needs it

    with translation.override("zh-hant"):
        html = render_to_string(
            "records/transcript_pdf.html",
            {
                "transcript": transcript,
                "person": transcript.person,
                "masked_id": mask_national_id(transcript.person.national_id),
            },
        )
    return bytes(HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_STYLESHEET))]))


def _widths(sheet: Worksheet, widths: dict[str, int]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width


def _save(book: Workbook) -> bytes:
    return workbook_bytes(book)  # no cell a formula (peili.core.spreadsheets)
