"""The one rule every spreadsheet Peili writes follows: no text cell is ever read as a formula."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from peili.core.spreadsheets import csv_writer, safe_cell, workbook_bytes


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+SUM(1,2)", "'+SUM(1,2)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("王小明", "王小明"),
        ("a=1", "a=1"),  # only the first character matters
        (" =1", " =1"),
        ("", ""),
        (-3, -3),  # a negative number is a number, not text
        (-1.5, -1.5),
        (Decimal("-2.5"), Decimal("-2.5")),
        (None, None),
        (date(2026, 1, 5), date(2026, 1, 5)),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written
    assert type(safe_cell(value)) is type(written)


def test_the_csv_writer_neutralises_every_cell_and_keeps_the_options():
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(["=1+1", -3, "王,小明"])
    writer.writerows([["@A1", None], ["ok"]])
    assert out.getvalue() == "'=1+1,-3,\"王,小明\"\r\n'@A1,\r\nok\r\n"


def test_a_saved_workbook_holds_no_formula_and_numbers_stay_numbers():
    book = Workbook()
    sheet = book.active
    sheet.append(["=SUM(A2:A3)", "-x", -3, Decimal("-2.5"), "名字"])
    second = book.create_sheet("二")
    second["B7"] = "+1"
    assert sheet["A1"].data_type == "f"  # what openpyxl does on its own
    opened = load_workbook(io.BytesIO(workbook_bytes(book)))
    first = opened.worksheets[0]
    assert [c.value for c in first[1]] == ["'=SUM(A2:A3)", "'-x", -3, -2.5, "名字"]
    assert [c.data_type for c in first[1]] == ["s", "s", "n", "n", "s"]
    assert opened["二"]["B7"].value == "'+1"
