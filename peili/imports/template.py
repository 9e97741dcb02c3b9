"""The downloadable .xlsx template of an import: the headers (required ones marked * and shaded),
example rows, and a second sheet describing each column. Every cell is formatted as text so Excel
keeps leading zeros (員工編號 00123, codes such as 0101) and does not turn 111/02/07 into a
Gregorian date."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from peili.core.spreadsheets import workbook_bytes
from peili.imports.columns import Column


def template_xlsx(
    *,
    title: str,
    columns: Sequence[Column],
    examples: Sequence[Sequence[str]],
    width: int,
    extra_headers: Sequence[str] = (),
    extra_notes: Sequence[Sequence[str]] = (),
) -> bytes:
    """The workbook: `columns` then `extra_headers` (columns with a header of their own making, such
    as 考績111) on the first sheet, `examples` (whole rows) below them; the notes sheet describes each
    column, then `extra_notes` (rows of header, required, accepted, example)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one
    sheet.title = title
    headers = [c.template_header for c in columns] + list(extra_headers)
    sheet.append(headers)
    for example in examples:
        sheet.append(list(example))
    bold = Font(bold=True)
    required = PatternFill("solid", fgColor="FFF4D6")
    for position in range(1, len(headers) + 1):
        cell = sheet.cell(row=1, column=position)
        cell.font = bold
        if position <= len(columns) and columns[position - 1].required:
            cell.fill = required
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = width
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, len(examples) + 2):
            sheet.cell(row=row, column=position).number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("欄位說明"))
    notes.append([_("欄位"), _("必填"), _("可填內容"), _("範例")])
    for column in columns:
        notes.append([column.header, _("是") if column.required else "", str(column.accepted), column.example])
    for note in extra_notes:
        notes.append(list(note))
    for cell in notes[1]:
        cell.font = bold
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 6
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 20
    return workbook_bytes(workbook)
