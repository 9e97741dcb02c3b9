"""Spreadsheets Peili writes (.xlsx and .csv), safe to open: no cell is ever read as a formula.

A name, a course title or a free-text answer typed as `=cmd|' /C calc'!A0` is data, and must reach
the person who opens the file as that text — never as a formula Excel or LibreOffice evaluates
(formula or "CSV" injection). The rule is OWASP's: a text cell beginning with `=`, `+`, `-`, `@`,
a tab or a carriage return gets a single quote in front, so a spreadsheet shows it as text (the
quote visible) and evaluates nothing. Numbers stay numbers: a negative number is a number, not
text. In an .xlsx, openpyxl would store a string beginning with `=` as a formula (data type "f");
a neutralised cell is always a string.

Every writer goes through here: `csv_writer(...)` for CSV and `workbook_bytes(book)` to save an
openpyxl workbook; both apply the rule to every cell, so a new export is safe by default. The one
file not written this way is the national portal's Big5 upload (`peili.records.portal`): an
exchange file read by a government system, not a spreadsheet. Names and titles beginning with
these characters are refused where they come in instead (`peili.core.text`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, TypeVar

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet may take for the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

T = TypeVar("T")


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def safe_cell(value: T) -> T | str:
    """`value` as it may be written to a cell: text a spreadsheet would read as a formula gets a
    single quote in front; everything else (numbers, dates, None, other text) is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


class SafeCsvWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Any, **options: Any) -> SafeCsvWriter:
    """A CSV writer (the options are `csv.writer`'s) that neutralises formula-like text cells."""
    return SafeCsvWriter(stream, **options)


def neutralise(book: Workbook) -> None:
    """Make every cell of every worksheet safe: a formula (however it got there) or text starting
    like one becomes text with a single quote in front."""
    for sheet in book.worksheets:
        if not isinstance(sheet, Worksheet):  # write-only sheets cannot be read back; Peili makes none
            raise TypeError("write-only worksheets cannot be neutralised")
        # The cells that exist (openpyxl's own store): `iter_rows` would also make every empty cell
        # of the sheet's bounding box, three times slower on a 100,000-row compliance list.
        for cell in sheet._cells.values():
            value = cell.value
            if isinstance(value, str) and (cell.data_type == "f" or value.startswith(FORMULA_STARTS)):
                cell.value = QUOTE + value


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as .xlsx bytes, every cell neutralised first (`neutralise`)."""
    neutralise(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
