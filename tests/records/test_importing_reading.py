"""Reading a learning-records file: each encoding and format gives the same rows, the header is found
below a title line, blank rows keep their numbers, rows come in chunks."""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal

import pytest

from peili.records.importing import reading
from peili.records.importing.enums import Layout
from peili.records.importing.rules import Options, parse
from tests import importing_corpus as corpus
from tests.records.importing_files import (
    PORTAL_HEADER,
    TEMPLATE_HEADER,
    TODAY,
    csv_bytes,
    nid,
    portal_row,
    template_row,
    xlsx_bytes,
)

A = nid(7)
NAME = "陳碁銹"  # 碁 and 銹 are in cp950, not in strict big5
TITLE = "廉政與服務倫理，案例研討"


def entries(data: bytes, name: str = "records.csv"):
    table = reading.read_table(data, name)
    parsed = parse(table, Options(today=TODAY, mode_codes={"digital": "1", "classroom": "2", "blended": "3"}))
    assert [p.code for p in parsed.problems.sorted()] == []
    return table, parsed.entries


def portal_rows():
    return [
        portal_row(A, name=NAME, title="環境教育", code="201", hours="2"),
        portal_row(A, name=NAME, title="環境教育", code="303", hours="1"),
    ]


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda text: text.encode("utf-8"), "utf-8"),
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
        (lambda text: text.encode("cp950"), "cp950"),
        (lambda text: text.encode("utf-16"), "utf-16"),
    ],
)
def test_each_csv_encoding_reads_the_same(encode, encoding):
    text = csv_bytes(PORTAL_HEADER, portal_rows()).decode()
    table, (entry,) = entries(encode(text))
    assert (table.kind, table.encoding, table.layout, table.header_row) == ("csv", encoding, Layout.PORTAL, 1)
    assert (entry.name, entry.title, entry.split) == (NAME, "環境教育", {"201": Decimal(2), "303": Decimal(1)})


def test_xlsx_reads_the_same():
    table, (entry,) = entries(xlsx_bytes(PORTAL_HEADER, portal_rows()), "records.xlsx")
    assert (table.kind, table.encoding, table.layout) == ("xlsx", "", Layout.PORTAL)
    assert (entry.name, entry.split) == (NAME, {"201": Decimal(2), "303": Decimal(1)})


def test_a_quoted_comma_a_tab_delimiter_and_a_title_line():
    quoted = csv_bytes(TEMPLATE_HEADER, []) + f'{A},王小明,"{TITLE}",,115/03/02,115/03/02,3,,,實體,201\r\n'.encode()
    _table, (entry,) = entries(quoted)
    assert entry.title == TITLE
    tabbed = "\r\n".join(
        ["115 年度學習紀錄", "\t".join(TEMPLATE_HEADER), "\t".join(template_row(A, title=TITLE))]
    ).encode("cp950")
    table, (entry,) = entries(tabbed)
    assert (table.header_row, entry.row, entry.title) == (2, 3, TITLE)


def test_blank_rows_are_skipped_and_keep_their_numbers():
    data = csv_bytes(PORTAL_HEADER, [portal_row(A), [""] * 25, [], portal_row(nid(8))])
    _table, found = entries(data)
    assert [e.row for e in found] == [2, 5]


def test_rows_come_in_chunks(monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_ROWS", 2)
    table = reading.read_table(csv_bytes(PORTAL_HEADER, [portal_row(nid(n)) for n in range(5)]), "a.csv")
    chunks = list(table.chunks)
    assert [numbers for numbers, _rows in chunks] == [[2, 3], [4, 5], [6]]


def test_short_rows_are_read_as_blank_cells():
    short = template_row(A)[:11]  # up to 類別代碼: 類別時數, 期別 and 外部紀錄編號 left off
    _table, (entry,) = entries(csv_bytes(TEMPLATE_HEADER, [short]))
    assert (entry.term, entry.record_id, entry.split) == ("", "", {"201": Decimal(3)})


def test_the_header_is_looked_for_in_the_first_ten_rows_only():
    data = "\r\n".join(["標題"] * 10 + [",".join(PORTAL_HEADER), ",".join(portal_row(A))]).encode()
    table = reading.read_table(data, "a.csv")
    assert [p.code for p in table.problems] == ["file.no_header"]


def test_dates_in_the_portals_exchange_form():
    _table, (entry,) = entries(csv_bytes(PORTAL_HEADER, [portal_row(A, start="074-07-06", end="074-07-06")]))
    assert entry.start == date(1985, 7, 6)


# -- malformed and hostile files (issue 11): refused with a code, never a traceback -------------


def problem_codes(data: bytes, name: str) -> list[str]:
    table = reading.read_table(data, name)
    for _chunk in table.chunks:
        pass
    return [p.code for p in table.problems]


@pytest.mark.parametrize(
    ("build", "filename", "code"),
    [
        (
            lambda: corpus.with_part("records", corpus.WORKBOOK, lambda b: b[: len(b) // 2]),
            "r.xlsx",
            "file.xlsx_unreadable",
        ),
        (lambda: corpus.with_part("records", corpus.SHEET, corpus.billion_laughs), "r.xlsx", "file.xlsx_unsafe"),
        (lambda: corpus.with_part("records", corpus.STRINGS, corpus.external_entity), "r.xlsx", "file.xlsx_unsafe"),
        (lambda: corpus.zip_bomb("records", corpus.SHEET, 400 * corpus.MB), "r.xlsx", "file.xlsx_too_large"),
        (lambda: corpus.zip_bomb("records", corpus.SHEET, 40 * corpus.MB), "r.xlsx", "file.xlsx_ratio"),
        (lambda: corpus.records_csv("utf-8") + b"1," * 1_000_000 + b"\r\n", "r.csv", "file.too_many_columns"),
        (lambda: corpus.workbook_with_cell("records", "名" * 40_000), "r.xlsx", "file.cell_too_long"),
        (
            lambda: corpus.with_sheet(
                "records",
                corpus.sheet_of(corpus.header_row_xml("records") + '<row r="2000000000"><c><v>1</v></c></row>'),
            ),
            "r.xlsx",
            "file.too_many_rows",
        ),
    ],
)
def test_malformed_and_hostile_files_are_refused_with_a_code(build, filename, code):
    assert problem_codes(build(), filename) == [code]


def test_a_sheet_claiming_every_cell_of_excel_reads_only_the_rows_it_has():
    table = reading.read_table(corpus.workbook("records", dimension="A1:XFD1048576"), "r.xlsx")
    chunks = list(table.chunks)
    assert (table.problems, [numbers for numbers, _rows in chunks]) == ([], [[2, 3, 4, 5]])
    assert table.size_hint == 1_048_576  # the claim serves the progress bar only
