"""Reading untrusted table files within bounds (`peili.core.tabular`): every bound refused with its
code, row and message; the sheet's dimension never trusted; XML never expanded; time bounded."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from defusedxml import EntitiesForbidden

from peili.core import tabular
from peili.core.tabular import FileProblem, Limits, Refusal
from tests import importing_corpus as corpus

LIMITS = Limits(
    max_bytes=1_000_000,
    max_uncompressed_bytes=5_000_000,
    max_ratio=50,
    max_rows=100,
    max_columns=10,
    max_cell_chars=20,
    seconds=60,
)


def rows(data: bytes, name: str = "x.csv", limits: Limits = LIMITS) -> list[tuple[int, tuple]]:
    return list(tabular.open_rows(data, name, limits).rows)


def refusal(data: bytes, name: str = "x.csv", limits: Limits = LIMITS) -> Refusal:
    with pytest.raises(Refusal) as caught:
        rows(data, name, limits)
    return caught.value


def sheet(rows_xml: str, dimension: str = "") -> bytes:
    parts = corpus.workbook_parts([["a"]])
    parts[corpus.SHEET] = corpus.sheet_of(rows_xml, dimension).encode()
    return corpus.zipped(parts)


def test_the_upload_limits_come_from_the_settings(settings):
    settings.PEILI_IMPORT_MAX_BYTES = 123
    settings.PEILI_IMPORT_COMMAND_MAX_BYTES = 456
    settings.PEILI_IMPORT_MAX_COLUMNS = 7
    settings.PEILI_IMPORT_READ_SECONDS = 9.5
    assert (Limits.for_uploads().max_bytes, Limits.for_uploads().max_columns) == (123, 7)
    assert (Limits.for_commands().max_bytes, Limits.for_commands().seconds) == (456, 9.5)


def test_the_default_limits():
    assert Limits.for_uploads() == Limits(
        max_bytes=30 * 1024 * 1024,
        max_uncompressed_bytes=300 * 1024 * 1024,
        max_ratio=100,
        max_rows=2_000_000,
        max_columns=256,
        max_cell_chars=32_767,
        seconds=180,
    )
    assert Limits.for_commands().max_bytes == 512 * 1024 * 1024


def test_csv_rows_are_numbered_and_their_cells_kept():
    assert rows("身分證字號,姓名\r\n\r\nA123456789,王小明\r\n".encode()) == [
        (1, ["身分證字號", "姓名"]),
        (2, []),
        (3, ["A123456789", "王小明"]),
    ]


def test_a_file_over_the_size_limit():
    found = refusal(b"a,b\n" * 300_000)
    assert (found.code, found.message, found.status) == ("file.too_large", "檔案超過 1 MB，請分檔上傳。", 413)


def test_csv_with_too_many_columns_names_the_row():
    found = refusal(b"a,b\n" + b"x," * 10 + b"x\n")
    assert (found.code, found.row) == ("file.too_many_columns", 2)
    assert found.message == "第 2 列超過 10 欄：請刪除多餘的欄位後再上傳。"


def test_a_million_columns_are_refused_at_the_first_row():
    found = refusal(b"," * 1_000_000, limits=Limits.for_uploads())
    assert (found.code, found.row, found.message) == (
        "file.too_many_columns",
        1,
        "第 1 列超過 256 欄：請刪除多餘的欄位後再上傳。",
    )


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_too_long_names_its_row_and_column(quoted):
    cell = '"' + "長" * 21 + '"' if quoted else "長" * 21
    found = refusal(f"a,b,c\n1,2,{cell}\n".encode())
    assert (found.code, found.row, found.column) == ("file.cell_too_long", 2, "C")
    assert found.message == "第 2 列有儲存格的內容超過 20 個字。"


def test_a_quoted_cell_past_the_csv_modules_own_bound_is_a_cell_too_long():
    found = refusal(b'a\n"' + b"x" * 200_000 + b'"\n', limits=LIMITS.replace(max_bytes=10**6))
    assert (found.code, found.row) == ("file.cell_too_long", 2)


def test_too_many_lines_are_refused_before_any_is_read():
    opened_rows = tabular.open_rows  # the refusal comes from opening, not from iterating
    with pytest.raises(Refusal) as caught:
        opened_rows(b"x\n" * 101, "x.csv", LIMITS)
    assert (caught.value.code, caught.value.message) == ("file.too_many_rows", "資料超過 100 列，請分檔匯入。")


def test_too_many_quoted_records_are_refused_as_they_are_read():
    assert refusal(b'"x"\n' * 101).code == "file.too_many_rows"


def test_reading_stops_at_the_time_bound():
    assert refusal(b"x\n" * 5000, limits=LIMITS.replace(max_rows=10_000, seconds=0)).code == "file.too_slow"
    found = refusal(corpus.workbook("hr"), "x.xlsx", limits=Limits.for_uploads(seconds=0))
    assert (found.code, found.message) == (
        "file.too_slow",
        "讀取檔案超過 0 秒仍未完成，已停止，未匯入任何資料：請分檔，或另存為 CSV 後再上傳。",
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file.empty"),
        (b"\xef\xbb\xbf", "file.empty"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "file.xls"),
        (b"%PDF-1.4", "file.format"),
        (b"a,b\n\x00", "file.format"),
    ],
)
def test_files_that_are_not_a_table(data, code):
    assert refusal(data, "x.pdf" if data.startswith(b"%PDF") else "x.csv").code == code


def test_xlsx_rows_are_read_with_their_numbers_and_real_types():
    table = [["姓名", "生日", "職等", "主管"], ["王小明", corpus.date(1985, 3, 1), 7, True]]
    data = corpus.zipped(corpus.workbook_parts([table[0], [], *table[1:]]))
    assert rows(data, "x.xlsx") == [
        (1, ("姓名", "生日", "職等", "主管")),
        (3, ("王小明", corpus.datetime(1985, 3, 1), 7, True)),
    ]


def test_a_dimension_claiming_every_cell_is_not_trusted():
    data = corpus.workbook("hr", dimension="A1:XFD1048576")
    read = rows(data, "x.xlsx", Limits.for_uploads())
    assert [number for number, _cells in read] == [1, 2, 3, 4]
    assert {len(cells) for _number, cells in read} == {len(corpus.hr.HEADER)}
    opened = tabular.open_rows(data, "x.xlsx", Limits.for_uploads())
    next(opened.rows)
    assert opened.size_hint == 1_048_576  # the claim serves the progress bar only


def test_xlsx_too_many_columns_is_refused_at_the_first_cell_past_the_limit():
    found = refusal(sheet('<row r="1"><c><v>1</v></c></row><row r="2">' + "<c><v>1</v></c>" * 11 + "</row>"), "x.xlsx")
    assert (found.code, found.row) == ("file.too_many_columns", 2)
    assert refusal(sheet('<row r="3"><c r="K3"><v>1</v></c></row>'), "x.xlsx").code == "file.too_many_columns"


def test_xlsx_rows_must_ascend():
    assert refusal(sheet('<row r="2"/><row r="2"/>'), "x.xlsx").code == "file.xlsx_unreadable"
    assert refusal(sheet('<row r="5"/><row r="3"/>'), "x.xlsx").code == "file.xlsx_unreadable"
    assert refusal(sheet('<row r="x"/>'), "x.xlsx").code == "file.xlsx_unreadable"
    assert rows(sheet('<row r="2"><c><v>1</v></c></row><row><c><v>2</v></c></row>'), "x.xlsx") == [(2, (1,)), (3, (2,))]


def test_xlsx_rows_past_the_limit_by_number_or_by_count():
    assert refusal(sheet('<row r="101"><c><v>1</v></c></row>'), "x.xlsx").code == "file.too_many_rows"
    assert refusal(sheet("<row/>" * 101), "x.xlsx").code == "file.too_many_rows"
    assert rows(sheet('<row r="100"><c><v>1</v></c></row>'), "x.xlsx") == [(100, (1,))]


def test_xlsx_cell_too_long():
    found = refusal(sheet('<row r="4"><c r="B4" t="inlineStr"><is><t>' + "x" * 21 + "</t></is></c></row>"), "x.xlsx")
    assert (found.code, found.row, found.column) == ("file.cell_too_long", 4, "B")


@pytest.mark.parametrize(
    "change",
    [corpus.billion_laughs, corpus.external_entity, corpus.harmless_doctype, corpus.external_dtd],
)
@pytest.mark.parametrize("part", corpus.XML_PARTS)
def test_no_xml_part_may_declare_a_doctype(part, change):
    data = corpus.with_part("hr", part, change)
    found = refusal(data, "x.xlsx", Limits.for_uploads())
    assert found.code == "file.xlsx_unsafe"
    assert (
        found.message
        == "這個 Excel 檔含有文件類型定義（DTD）或實體宣告，基於安全不予讀取：請在 Excel 中另存新檔後再上傳。"
    )


def test_openpyxl_parses_with_defusedxml():
    """The second line of defence: even past the prologue check, openpyxl refuses entities."""
    assert openpyxl.DEFUSEDXML is True
    data = corpus.with_part("hr", corpus.STRINGS, corpus.billion_laughs)
    with pytest.raises(ValueError, match="could not read strings") as caught:
        openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert isinstance(caught.value.__cause__, EntitiesForbidden)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (
            lambda: corpus.zip_bomb("hr", corpus.SHEET, 6_000_000),
            "file.xlsx_too_large",
            "這個 Excel 檔解壓縮後超過 5 MB，無法讀取：請分檔，或另存為 CSV 後再上傳。",
        ),
        (
            lambda: corpus.zip_bomb("hr", corpus.SHEET, 4_000_000),
            "file.xlsx_ratio",
            "這個 Excel 檔解壓縮後是原檔的 50 倍以上，不像一般的試算表，基於安全不予讀取。",
        ),
        (
            lambda: corpus.lying_sizes("hr"),
            "file.xlsx_unreadable",
            "無法開啟這個 Excel 檔：檔案可能已損毀或有密碼保護。",
        ),
    ],
)
def test_zip_bombs_are_refused_from_the_directory(data, code, message):
    found = refusal(data(), "x.xlsx", LIMITS.replace(max_columns=100))
    assert (found.code, found.message) == (code, message)


def test_a_small_part_may_compress_well():
    """Styles or a theme of whitespace compress a thousandfold and are harmless: only parts over
    1 MiB are held to the ratio."""
    parts = corpus.workbook_parts([["a"], ["b"]])
    parts["xl/theme/theme1.xml"] = b"<a:theme xmlns:a='x'>" + b" " * 900_000 + b"</a:theme>"
    assert rows(corpus.zipped(parts), "x.xlsx") == [(1, ("a",)), (2, ("b",))]


def test_the_check_before_queuing_reads_csv_whole_and_xlsx_directory_only():
    with pytest.raises(Refusal) as caught:
        tabular.check(b"a\n" + b"x" * 30 + b"\n", "x.csv", LIMITS)
    assert caught.value.code == "file.cell_too_long"
    with pytest.raises(Refusal) as caught:
        tabular.check(corpus.zip_bomb("hr", corpus.SHEET, 6_000_000), "x.xlsx", LIMITS)
    assert caught.value.code == "file.xlsx_too_large"
    # A sheet too wide shows only when it is read, in the job.
    tabular.check(sheet('<row r="1">' + "<c><v>1</v></c>" * 11 + "</row>"), "x.xlsx", LIMITS)


def test_every_file_problem_has_a_distinct_code():
    assert len({p.value for p in FileProblem}) == len(FileProblem)
    assert all(p.value.startswith("file.") for p in FileProblem)


def test_a_zip_whose_directory_cannot_be_read():
    data = corpus.workbook("hr")
    broken = data[: data.rindex(b"PK\x05\x06")]
    assert refusal(broken, "x.xlsx").code == "file.xlsx_unreadable"
    assert zipfile.is_zipfile(io.BytesIO(data))
