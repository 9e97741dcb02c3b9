"""The downloadable learning-records template: the headers (required ones marked *), two example
records (one split written 201:2;303:1, one split over two rows), and a sheet describing each
column. Cells are formatted as text so Excel keeps 111-02-07 and codes such as 0101 as written."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from peili.core.spreadsheets import workbook_bytes
from peili.records.importing.columns import TEMPLATE_COLUMNS

# Two example records: one with its split in one cell, one split over two rows.
_EXAMPLES = (
    {"codes": "201:2;303:1", "certified_hours": "3", "classroom_hours": "3", "title": "環境教育與性別主流化"},
    {
        "codes": "101",
        "code_hours": "1",
        "certified_hours": "2",
        "mode": "數位",
        "digital_hours": "2",
        "classroom_hours": "0",
        "title": "當前政府重大政策",
        "provider": "e等公務園+學習平臺",
    },
    {
        "codes": "522",
        "code_hours": "1",
        "certified_hours": "2",
        "mode": "數位",
        "digital_hours": "2",
        "classroom_hours": "0",
        "title": "當前政府重大政策",
        "provider": "e等公務園+學習平臺",
    },
)


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one
    sheet.title = _("學習紀錄")
    sheet.append([c.template_header for c in TEMPLATE_COLUMNS])
    for example in _EXAMPLES:
        sheet.append([example.get(c.key, c.example) for c in TEMPLATE_COLUMNS])
    bold = Font(bold=True)
    required = PatternFill("solid", fgColor="FFF4D6")
    for position, column in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = bold
        if column.required:
            cell.fill = required
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = 16
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, len(_EXAMPLES) + 2):
            sheet.cell(row=row, column=position).number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("欄位說明"))
    notes.append([_("欄位"), _("必填"), _("可填內容"), _("範例")])
    for column in TEMPLATE_COLUMNS:
        notes.append([column.header, _("是") if column.required else "", str(column.accepted), column.example])
    for cell in notes[1]:
        cell.font = bold
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 6
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 20
    return workbook_bytes(workbook)
