"""The downloadable staff-list template: the headers (required ones marked *), one example row,
and a second sheet describing each column. Text columns are formatted as text so Excel keeps
leading zeros (員工編號 00123) and does not turn 111/02/07 into a Gregorian date."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from peili.core.spreadsheets import workbook_bytes
from peili.org.importing.columns import COLUMNS, RATING_EXAMPLE_YEARS, RATING_HINT

_RATING_EXAMPLES = ("甲", "乙")


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one
    sheet.title = _("人員名冊")
    headers = [c.template_header for c in COLUMNS] + [f"考績{year}" for year in RATING_EXAMPLE_YEARS]
    examples = [c.example for c in COLUMNS] + list(_RATING_EXAMPLES)
    sheet.append(headers)
    sheet.append(examples)
    bold = Font(bold=True)
    required = PatternFill("solid", fgColor="FFF4D6")
    for position, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = bold
        if column.required:
            cell.fill = required
    for position in range(len(COLUMNS) + 1, len(headers) + 1):
        sheet.cell(row=1, column=position).font = bold
    for position in range(1, len(headers) + 1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 14
        sheet.column_dimensions[letter].number_format = "@"
        sheet.cell(row=2, column=position).number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("欄位說明"))
    notes.append([_("欄位"), _("必填"), _("可填內容"), _("範例")])
    for column in COLUMNS:
        notes.append([column.header, _("是") if column.required else "", str(column.accepted), column.example])
    notes.append([f"考績{RATING_EXAMPLE_YEARS[0]}", "", str(RATING_HINT), _RATING_EXAMPLES[0]])
    for cell in notes[1]:
        cell.font = bold
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 6
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 20
    return workbook_bytes(workbook)
