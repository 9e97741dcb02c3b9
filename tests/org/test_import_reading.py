"""Reading uploaded staff lists: .xlsx, CSV in UTF-8 (with or without BOM), Big5 and UTF-16, and the
files that cannot be read."""

from __future__ import annotations

import codecs
import unicodedata
from datetime import datetime

import pytest

from peili.org.importing.reading import decode, read_table
from tests import importing_corpus as corpus
from tests.org.fixtures import HEADER, person_row, staff_csv, staff_xlsx


def names(table):
    position = list(table.headers).index("姓名*")
    return [row.cells[position] for row in table.rows]


def test_utf8_csv():
    table = read_table(staff_csv([person_row(1, 姓名="王小明")]), "staff.csv")
    assert (table.kind, table.encoding, table.header_row, table.problems) == ("csv", "utf-8", 1, [])
    assert list(table.headers) == HEADER
    assert names(table) == ["王小明"]
    assert table.rows[0].number == 2


def test_utf8_csv_with_bom():
    data = codecs.BOM_UTF8 + staff_csv([person_row(1, 姓名="陳美玲")])
    table = read_table(data, "staff.csv")
    assert table.encoding == "utf-8-sig"
    assert table.headers[0] == "身分證字號*"  # the BOM is not part of the first header
    assert names(table) == ["陳美玲"]


@pytest.mark.parametrize("name", ["林碁峰", "張銹華"])
def test_big5_csv_with_characters_only_cp950_has(name):
    with pytest.raises(UnicodeEncodeError):
        name.encode("big5")  # strict Big5 lacks 碁 and 銹; cp950 has them
    table = read_table(staff_csv([person_row(1, 姓名=name)], encoding="cp950"), "staff.csv")
    assert (table.encoding, table.problems) == ("cp950", [])
    assert names(table) == [name]


def test_utf16_csv_from_excel_unicode_text():
    data = staff_csv([person_row(1, 姓名="王小明")], encoding="utf-16", delimiter="\t")
    table = read_table(data, "staff.txt")
    assert table.encoding == "utf-16"
    assert names(table) == ["王小明"]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_other_delimiters(delimiter):
    table = read_table(staff_csv([person_row(1)], delimiter=delimiter), "staff.csv")
    assert table.headers[2] == "姓名*"


def test_text_is_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "Zoë")
    table = read_table(staff_csv([person_row(1, 姓名=decomposed)]), "staff.csv")
    assert names(table) == ["Zoë"]


def test_xlsx_keeps_real_dates_and_numbers():
    data = staff_xlsx([person_row(1, 出生日期=datetime(1985, 3, 1), 職等=7)])
    table = read_table(data, "staff.xlsx")
    assert (table.kind, table.problems, table.header_row) == ("xlsx", [], 1)
    cells = dict(zip(table.headers, table.rows[0].cells, strict=False))
    assert cells["出生日期*"] == datetime(1985, 3, 1)
    assert cells["職等"] == 7


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_file():
    data = staff_csv([person_row(1), {}, person_row(3)])
    table = read_table(data, "staff.csv")
    assert [r.number for r in table.rows] == [2, 4]


def test_decode_prefers_utf8_then_cp950():
    assert decode("身分證字號".encode()) == ("身分證字號", "utf-8")
    assert decode("身分證字號".encode("cp950")) == ("身分證字號", "cp950")


def problem_codes(table):
    return [(p.row, p.code) for p in table.problems]


def test_neither_utf8_nor_big5_is_refused_with_a_clear_message():
    data = "身分證字號,姓名\n".encode("cp950") + bytes([0x81, 0x30]) * 50
    table = read_table(data, "staff.csv")
    assert problem_codes(table) == [(0, "file.encoding")]
    assert (
        table.problems[0].message
        == "無法辨識檔案的文字編碼：CSV 檔請以 UTF-8 或 Big5 儲存（Excel 可選「CSV UTF-8」）。"
    )


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "staff.csv", "file.empty"),
        (b"  \r\n", "staff.csv", "file.empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "staff.xls", "file.xls"),
        (b"PK\x03\x04not really a zip", "staff.xlsx", "file.xlsx_unreadable"),
        (b"%PDF-1.4 ...", "staff.pdf", "file.format"),
    ],
)
def test_unreadable_files(data, filename, code):
    assert problem_codes(read_table(data, filename)) == [(0, code)]


def test_no_header_row():
    table = read_table(b"a,b,c\n1,2,3\n", "staff.csv")
    assert problem_codes(table) == [(1, "file.no_header")]


def test_header_only():
    table = read_table(staff_csv([]), "staff.csv")
    assert problem_codes(table) == [(1, "file.no_rows")]
    assert table.problems[0].message == "檔案只有標題列，沒有人員資料。"


# -- malformed and hostile files (issue 11): refused with a code, never a traceback -------------


@pytest.mark.parametrize(
    ("build", "filename", "code"),
    [
        # openpyxl's ParseError escaped as a traceback
        (
            lambda: corpus.with_part("hr", corpus.WORKBOOK, lambda b: b[: len(b) // 2]),
            "staff.xlsx",
            "file.xlsx_unreadable",
        ),
        (lambda: corpus.with_part("hr", corpus.CONTENT_TYPES, lambda b: b[:40]), "staff.xlsx", "file.xlsx_unreadable"),
        # entities: expanded by expat until its amplification guard, or silently accepted
        (lambda: corpus.with_part("hr", corpus.SHEET, corpus.billion_laughs), "staff.xlsx", "file.xlsx_unsafe"),
        (lambda: corpus.with_part("hr", corpus.STRINGS, corpus.billion_laughs), "staff.xlsx", "file.xlsx_unsafe"),
        (lambda: corpus.with_part("hr", corpus.WORKBOOK, corpus.external_entity), "staff.xlsx", "file.xlsx_unsafe"),
        (lambda: corpus.with_part("hr", corpus.SHEET, corpus.external_entity), "staff.xlsx", "file.xlsx_unsafe"),
        # inflated before anything looked at its size
        (lambda: corpus.zip_bomb("hr", corpus.SHEET, 400 * corpus.MB), "staff.xlsx", "file.xlsx_too_large"),
        (lambda: corpus.zip_bomb("hr", corpus.SHEET, 40 * corpus.MB), "staff.xlsx", "file.xlsx_ratio"),
        # accepted after minutes
        (lambda: b"," * 1_000_000 + b"\r\n", "staff.csv", "file.too_many_columns"),
        (lambda: staff_csv([person_row(1, 姓名="王" * 40_000)]), "staff.csv", "file.cell_too_long"),
        (lambda: b"x\n" * 2_000_001, "staff.csv", "file.too_many_rows"),
    ],
)
def test_malformed_and_hostile_files_are_refused_with_a_code(build, filename, code):
    table = read_table(build(), filename)
    assert [p.code for p in table.problems] == [code]
    assert (table.rows, table.header_row) == ([], 0)


def test_a_sheet_claiming_every_cell_of_excel_reads_only_the_rows_it_has():
    """openpyxl's read-only sheet filled each row to 16,384 columns and read to row 1,048,576
    (about half an hour for a 5 KB file); only what the sheet holds is read."""
    data = corpus.workbook("hr", dimension="A1:XFD1048576")
    table = read_table(data, "staff.xlsx")
    assert (table.problems, [r.number for r in table.rows]) == ([], [2, 3, 4])
    assert len(table.headers) == len(HEADER)
