"""The learning-records import's pure checks, without a database: the two layouts, rows of one
course gathered into one record, every problem code with its row, column and Chinese message, and
the matching to people, scope and records imported before."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peili.imports.enums import BaseProblemCode
from peili.org.importing.rules import Scope
from peili.records.importing import rules
from peili.records.importing.enums import Layout, ProblemCode
from peili.records.importing.reading import read_table
from tests.records.importing_files import (
    PORTAL_HEADER,
    TEMPLATE_HEADER,
    TODAY,
    csv_bytes,
    nid,
    portal_csv,
    portal_row,
    template_csv,
    template_row,
    xlsx_bytes,
)

D = Decimal
MODE_CODES = {"digital": "1", "classroom": "2", "blended": "3"}
A = nid(1)
B = nid(2)


def parse(data: bytes, *, name: str = "records.csv", source_system: str = "", today: date = TODAY) -> rules.Parsed:
    options = rules.Options(today=today, mode_codes=MODE_CODES, hours_unit_code="1", source_system=source_system)
    return rules.parse(read_table(data, name), options)


def found(parsed: rules.Parsed) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.code) for p in parsed.problems.sorted()]


def only(parsed: rules.Parsed) -> rules.Entry:
    assert found(parsed) == []
    (entry,) = parsed.entries
    return entry


# -- the portal's layout ----------------------------------------------------------------------------


def test_a_course_split_across_codes_is_one_record_with_its_split():
    parsed = parse(
        portal_csv(
            [
                portal_row(A, code="201", hours="2", digital="1", mode="3"),
                portal_row(B, code="201", hours="3"),
                portal_row(A, code="303", hours="1.5", digital="0.5", mode="3"),  # not next to its first row
            ]
        )
    )
    assert found(parsed) == []
    assert parsed.layout == Layout.PORTAL
    assert (parsed.row_count, len(parsed.entries)) == (3, 2)
    first = parsed.entries[0]
    assert (first.row, first.national_id, first.title, first.term) == (2, A, "環境教育：淨零轉型", "1")
    assert (first.start, first.end, first.mode) == (date(2026, 3, 2), date(2026, 3, 2), "blended")
    assert first.split == {"201": D("2"), "303": D("1.5")}
    assert (first.certified, first.digital, first.classroom) == (D("3.5"), D("1.5"), D("2"))
    assert first.key == rules.content_key(A, "環境教育：淨零轉型", date(2026, 3, 2), date(2026, 3, 2), "1")


def test_terms_and_dates_make_different_records():
    parsed = parse(
        portal_csv(
            [
                portal_row(A, term="1"),
                portal_row(A, term="2"),
                portal_row(A, term="1", start="115-04-01", end="115-04-01"),
            ]
        )
    )
    assert found(parsed) == []
    assert len(parsed.entries) == 3
    assert len({e.key for e in parsed.entries}) == 3


def test_the_header_without_stars_in_utf8_and_a_title_line_above_it_in_xlsx():
    bare = [h.lstrip("*") for h in PORTAL_HEADER]
    entry = only(parse(portal_csv([portal_row(A)], encoding="utf-8", header=bare)))
    assert entry.split == {"201": D(3)}
    workbook = xlsx_bytes(PORTAL_HEADER, [portal_row(A)], title_line="115 年 3 月學習紀錄")
    parsed = parse(workbook, name="records.xlsx")
    assert only(parsed).row == 3


@pytest.mark.parametrize(
    ("mode", "expected"), [("1", "digital"), ("2", "classroom"), ("3", "blended"), ("數位", "digital")]
)
def test_learning_modes_are_mapped_back_from_the_packs_codes(mode, expected):
    digital = "3" if expected == "digital" else "1" if expected == "blended" else "0"
    assert only(parse(portal_csv([portal_row(A, mode=mode, digital=digital)]))).mode == expected


def test_digital_and_classroom_hours_must_add_up_to_each_rows_hours():
    parsed = parse(portal_csv([portal_row(A, hours="3", digital="1", classroom="1")]))
    assert found(parsed) == [(2, "訓練總數", "hours.mode_mismatch")]
    assert parsed.problems.errors[0].message == "數位時數 1 加實體時數 1 不等於訓練總數 3。"
    assert parsed.entries[0].bad


def test_hours_in_another_unit_are_refused():
    parsed = parse(portal_csv([portal_row(A, unit="2")]))
    assert found(parsed) == [(2, "訓練總數單位", "hours.unit")]


def test_the_same_code_twice_for_one_course_is_a_duplicate_row():
    parsed = parse(portal_csv([portal_row(A, code="201"), portal_row(A, code="303"), portal_row(A, code="201")]))
    assert found(parsed) == [(4, "課程類別代碼", "row.duplicate")]
    assert "與第 2 列重複" in parsed.problems.errors[0].message


def test_rows_of_one_course_must_agree_on_name_and_mode():
    parsed = parse(portal_csv([portal_row(A), portal_row(A, code="303", name="王大明")]))
    assert found(parsed) == [(3, "姓名", "group.inconsistent")]
    assert parsed.problems.errors[0].message == "與第 2 列屬同一筆學習紀錄，但此欄不一致（第 2 列為「王小明」）。"


def test_the_same_course_written_twice_is_reported():
    parsed = parse(portal_csv([portal_row(A, title="環境教育"), portal_row(A, title="環境 教育", code="303")]))
    assert {(row, code) for row, _column, code in found(parsed)} == set()  # two records so far
    plan = rules.resolve(parsed, {A: rules.PersonFact(1, "王小明", "X/")}, Scope(full=True), set())
    assert [(p.row, p.code) for p in parsed.problems.sorted()] == [(3, "record.duplicate")]
    assert (len(plan.new), plan.bad) == (1, 1)


# -- Peili's template -------------------------------------------------------------------------------


def test_a_split_written_in_one_cell():
    entry = only(parse(template_csv([template_row(A, codes="201:2;303:1")])))
    assert entry.split == {"201": D(2), "303": D(1)}
    assert (entry.certified, entry.digital, entry.classroom, entry.mode) == (D(3), D(0), D(3), "classroom")
    assert entry.provider == "國家文官學院"


def test_a_split_written_one_row_per_code():
    parsed = parse(
        template_csv(
            [
                template_row(A, codes="201", code_hours="2"),
                template_row(A, codes="303", code_hours="1"),
            ]
        )
    )
    assert only(parsed).split == {"201": D(2), "303": D(1)}


def test_a_single_code_takes_the_certified_hours_and_the_mode_gives_digital_or_classroom():
    entry = only(parse(template_csv([template_row(A, mode="數位", certified_hours="2.5")])))
    assert (entry.split, entry.digital, entry.classroom) == ({"201": D("2.5")}, D("2.5"), D(0))


@pytest.mark.parametrize("written", ["111-02-07", "111/02/07", "1110207", "2022-02-07", "111年2月7日"])
def test_roc_and_gregorian_dates(written):
    entry = only(parse(template_csv([template_row(A, start_date=written, end_date=written)])))
    assert entry.start == entry.end == date(2022, 2, 7)


def test_xlsx_date_and_number_cells():
    from datetime import datetime

    values = template_row(A)
    row: list[object] = list(values)
    row[TEMPLATE_HEADER.index("開始日期*")] = datetime(2026, 3, 2)
    row[TEMPLATE_HEADER.index("結束日期*")] = date(2026, 3, 3)
    row[TEMPLATE_HEADER.index("認證時數*")] = 3.5
    row[TEMPLATE_HEADER.index("類別代碼*")] = 201
    entry = only(parse(xlsx_bytes(TEMPLATE_HEADER, [row]), name="records.xlsx"))
    assert (entry.start, entry.end, entry.certified, entry.split) == (
        date(2026, 3, 2),
        date(2026, 3, 3),
        D("3.5"),
        {"201": D("3.5")},
    )


def test_record_ids_make_the_key_only_with_a_source_system():
    row = template_row(A, record_id="R-0001")
    assert only(parse(template_csv([row]), source_system="e等公務園")).key == "e等公務園:R-0001"
    assert only(parse(template_csv([row]))).key.startswith(rules.HASH_PREFIX)


def test_rows_with_one_record_id_must_describe_one_record():
    parsed = parse(
        template_csv(
            [
                template_row(A, record_id="R1", codes="201", code_hours="2"),
                template_row(A, record_id="R1", codes="303", code_hours="1", title="別的課"),
            ]
        ),
        source_system="平臺",
    )
    assert found(parsed) == [(3, "課程名稱", "group.inconsistent")]


# -- every problem ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (template_row("A12345678"), (2, "身分證字號", "national_id.length")),
        (template_row("A323456789"), (2, "身分證字號", "national_id.format")),
        (template_row("A123456788"), (2, "身分證字號", "national_id.checksum")),
        (template_row(""), (2, "身分證字號", "value.required")),
        (template_row(A, name=""), (2, "姓名", "value.required")),
        (template_row(A, title="課" * 201), (2, "課程名稱", "value.too_long")),
        (template_row(A, start_date="115/13/01"), (2, "開始日期", "date.invalid")),
        (template_row(A, start_date="115/03/05"), (2, "結束日期", "date.order")),
        (template_row(A, start_date="115/12/01", end_date="115/12/02"), (2, "結束日期", "date.future")),
        (template_row(A, certified_hours="三"), (2, "認證時數", "hours.invalid")),
        (template_row(A, certified_hours="1.25"), (2, "認證時數", "hours.invalid")),
        (template_row(A, certified_hours="-1"), (2, "認證時數", "hours.negative")),
        (template_row(A, certified_hours="100000"), (2, "認證時數", "hours.too_large")),
        (template_row(A, certified_hours="0"), (2, "認證時數", "hours.zero")),
        (template_row(A, digital_hours="1", classroom_hours="1"), (2, "認證時數", "hours.mode_mismatch")),
        (template_row(A, mode="線上"), (2, "學習性質", "mode.invalid")),
        (template_row(A, mode="混成"), (2, "數位時數", "mode.hours_required")),
        (template_row(A, codes="2O1!"), (2, "類別代碼", "code.invalid")),
        (template_row(A, codes="201:2;303"), (2, "類別代碼", "split.format")),
        (template_row(A, codes="201;303"), (2, "類別代碼", "split.hours_missing")),
        (template_row(A, codes="201:2;303:2"), (2, "類別時數", "split.mismatch")),
        (template_row(A, codes="201", code_hours="2"), (2, "類別時數", "split.mismatch")),
    ],
)
def test_each_problem_names_its_row_column_and_code(row, expected):
    parsed = parse(template_csv([row]))
    assert found(parsed) == [expected]
    problem = parsed.problems.errors[0]
    assert problem.severity == "error"
    assert problem.message == str(_code(expected[2]).label) % _params(problem.message, expected[2])
    assert parsed.entries == [] or parsed.entries[0].bad or parsed.bad_rows


@pytest.mark.parametrize("written", ["1e308", "1E+30", "9" * 40, "-1e308"])
def test_hours_too_large_for_any_number_are_refused_with_a_code(written):
    """Beyond 28 digits a Decimal cannot be rounded to tenths: bounded first, never a crash."""
    parsed = parse(template_csv([template_row(A, certified_hours=written)]))
    expected = "hours.negative" if written.startswith("-") else "hours.too_large"
    assert found(parsed) == [(2, "認證時數", expected)]


def test_an_xlsx_number_cell_of_1e308_is_too_large():
    assert rules.hours_value(1e308).code == ProblemCode.HOURS_TOO_LARGE


def _code(code: str) -> BaseProblemCode | ProblemCode:
    """A code of this import: its own or a base one (`peili.imports.enums`)."""
    return BaseProblemCode(code) if code in BaseProblemCode.values else ProblemCode(code)


def _params(message: str, code: str) -> dict[str, object]:
    """Enough to rebuild the message from its code's label (the placeholders vary)."""
    label = str(_code(code).label)
    names = re.findall(r"%\((\w+)\)s", label)
    if not names:
        return {}
    pattern = re.escape(label)
    for name in names:
        pattern = pattern.replace(re.escape(f"%({name})s"), f"(?P<{name}>.+?)", 1)
    match = re.fullmatch(pattern, message)
    assert match is not None, message
    return match.groupdict()


def test_a_split_that_does_not_add_up_says_by_how_much():
    parsed = parse(template_csv([template_row(A, codes="201:2;303:2")]))
    assert parsed.problems.errors[0].message == "各類別時數合計 4 小時，不等於認證時數 3 小時。"


def test_the_value_is_shown_as_written():
    parsed = parse(template_csv([template_row(A, start_date="115/13/01")]))
    problem = parsed.problems.errors[0]
    assert (problem.value, problem.message) == ("115/13/01", "日期無法辨識：月份須為 1 至 12。")


def test_a_record_id_too_long_for_the_key():
    parsed = parse(template_csv([template_row(A, record_id="R" * 70)]), source_system="平臺")
    assert found(parsed) == [(2, "外部紀錄編號", "record_id.too_long")]


def test_missing_and_duplicate_columns_stop_the_file():
    header = [h for h in TEMPLATE_HEADER if h != "認證時數*"] + ["認證時數", "姓名"]
    parsed = parse(csv_bytes(header, [template_row(A)[:-1]]))
    assert found(parsed) == [(1, "姓名", "column.duplicate")]
    assert not parsed.file_ok
    missing = [h for h in PORTAL_HEADER if h != "*訓練總數單位"]
    parsed = parse(csv_bytes(missing, [portal_row(A)[:12] + portal_row(A)[13:]]))
    assert found(parsed) == [(1, "訓練總數單位", "column.missing")]
    assert parsed.problems.errors[0].message == "缺少必要欄位「訓練總數單位」。"
    assert (parsed.file_ok, parsed.entries) == (False, [])


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "a.csv", "file.empty"),
        (b"%PDF-1.4 ...", "a.pdf", "file.format"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls", "file.xls"),
        (b"PK\x03\x04 not really a workbook", "a.xlsx", "file.xlsx_unreadable"),
        (bytes(range(128, 256)) * 20, "a.csv", "file.encoding"),
        ("姓名,電話\r\n王小明,1234\r\n".encode(), "a.csv", "file.no_header"),
        (csv_bytes(PORTAL_HEADER, []), "a.csv", "file.no_rows"),
    ],
)
def test_files_that_cannot_be_read(data, name, code):
    parsed = parse(data, name=name)
    assert [p.code for p in parsed.problems.sorted()] == [code]
    assert not parsed.file_ok


def test_an_undecodable_big5_character_in_a_title():
    data = portal_csv([portal_row(A, title="環境教育")], encoding="cp950").replace(
        "環境教育".encode("cp950"), "環境".encode("cp950") + b"\xfa\x40" + "育".encode("cp950")
    )
    parsed = parse(data)
    assert found(parsed) == [(2, "課程名稱", "cell.undecodable")]


def test_every_problem_of_every_row_is_reported_in_row_order():
    parsed = parse(
        template_csv(
            [
                template_row(A),
                template_row("A123456788", certified_hours="x"),
                template_row(B, mode="?", codes="201;303"),
            ]
        )
    )
    assert found(parsed) == [
        (3, "身分證字號", "national_id.checksum"),
        (3, "認證時數", "hours.invalid"),
        (4, "學習性質", "mode.invalid"),
        (4, "類別代碼", "split.hours_missing"),
    ]
    assert (parsed.bad_rows, [e.bad for e in parsed.entries]) == (1, [False, True])


def test_every_code_is_documented():
    doc = (Path(__file__).parents[2] / "docs/rules/records-import.md").read_text()
    for code in [*BaseProblemCode, *ProblemCode]:
        assert f"`{code.value}`" in doc, code.value
        assert str(code.label).split("%")[0].rstrip("「（") in doc, code.value


# -- people, scope, records imported before -----------------------------------------------------------

PEOPLE = {
    A: rules.PersonFact(1, "王小明", "379000000A/379010000A/"),
    B: rules.PersonFact(2, "林美玲", "379000000A/379020000A/"),
}


def test_records_are_matched_to_people_and_new_ones_told_from_those_imported_before():
    parsed = parse(template_csv([template_row(A), template_row(B, name="林美玲", title="人權教育")]))
    known = parsed.entries[0].key
    plan = rules.resolve(parsed, PEOPLE, Scope(full=True), {known})
    assert [e.person_id for e in plan.new] == [2]
    assert [e.person_id for e in plan.duplicates] == [1]
    assert (plan.bad, plan.pairs()) == (0, {(2, 2026)})
    assert parsed.problems.total == 0


def test_unknown_people_and_people_outside_the_scope_are_errors():
    parsed = parse(template_csv([template_row(A), template_row(B, name="林美玲"), template_row(nid(3))]))
    plan = rules.resolve(parsed, PEOPLE, Scope(paths=("379000000A/379010000A/",)), set())
    assert [(p.row, p.column, p.code) for p in parsed.problems.sorted()] == [
        (3, "身分證字號", "person.outside_scope"),
        (4, "身分證字號", "person.unknown"),
    ]
    assert "第二局" not in parsed.problems.errors[0].message  # another agency's staff are not described
    assert ([e.person_id for e in plan.new], plan.bad) == ([1], 2)


def test_a_name_that_differs_is_a_warning_only():
    parsed = parse(template_csv([template_row(A, name="王曉明"), template_row(B, name="林 美玲")]))
    plan = rules.resolve(parsed, PEOPLE, Scope(full=True), set())
    (warning,) = parsed.problems.sorted()
    assert (warning.row, warning.code, warning.severity) == (2, "person.name_differs", "warning")
    assert warning.message == "姓名與系統資料「王小明」不同；仍以身分證字號比對，請確認是否為同一人。"
    assert len(plan.new) == 2  # "林 美玲" is 林美玲: spaces do not count
    assert parsed.problems.error_count == 0


def test_the_content_key_is_stable():
    # Records already imported carry this key: changing how it is made would import them again.
    assert (
        rules.content_key(A, "環境教育：淨零轉型", date(2026, 3, 2), date(2026, 3, 2), "1")
        == rules.content_key(A, " 環境教育:淨零轉型 ", date(2026, 3, 2), date(2026, 3, 2), "1")
        == "h:9c5c2393014ebe0615ed635cadedb0a2af4293ea"
    )


# -- property: however a split is written out, it comes back whole --------------------------------------

CODES = ["101", "201", "301", "303", "522", "523"]


@settings(max_examples=60, deadline=None)
@given(
    parts=st.dictionaries(st.sampled_from(CODES), st.integers(min_value=1, max_value=80), min_size=1, max_size=5),
    order=st.randoms(use_true_random=False),
    digital_share=st.integers(min_value=0, max_value=10),
)
def test_any_split_over_rows_in_any_order_is_one_record_with_the_same_hours(parts, order, digital_share):
    split = {code: D(tenths) / 10 for code, tenths in parts.items()}
    rows = []
    for code, hours in split.items():
        digital = (hours * digital_share / 10).quantize(D("0.1"), rounding="ROUND_DOWN")
        rows.append(
            portal_row(A, code=code, hours=str(hours), digital=str(digital), classroom=str(hours - digital), mode="3")
        )
    others = [portal_row(B, code="201", hours="1")]
    shuffled = rows + others
    order.shuffle(shuffled)
    parsed = parse(portal_csv(shuffled))
    assert found(parsed) == []
    (entry,) = [e for e in parsed.entries if e.national_id == A]
    assert entry.split == split
    assert entry.certified == sum(split.values()) == entry.digital + entry.classroom


# -- characters in IDs, names and titles (issue 11, item 12) ------------------------------------------


def _quoted_csv(rows) -> bytes:
    """The template as CSV written by the csv module: a cell may hold a line break."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize(
    ("row", "expected", "message"),
    [
        (
            template_row(A[:-1] + "٩"),
            (2, "身分證字號", "national_id.characters"),
            "身分證字號只能有英文字母與數字 0 至 9，不能有 「٩」（U+0669）。",
        ),
        (
            template_row(A[:-1] + "𝟗"),
            (2, "身分證字號", "national_id.characters"),
            "身分證字號只能有英文字母與數字 0 至 9，不能有 「𝟗」（U+1D7D7）。",
        ),
        (
            template_row(A, title="=cmd|' /C calc'!A0"),
            (2, "課程名稱", "text.formula_start"),
            "不能以「=」開頭：試算表會把它當成公式。",
        ),
        (
            template_row(A, name="+王小明"),
            (2, "姓名", "text.formula_start"),
            "不能以「+」開頭：試算表會把它當成公式。",
        ),
        (
            template_row(A, name="王\n小明"),
            (2, "姓名", "text.character"),
            "含有不可使用的字元 U+000A：控制字元（例如換行、定位字元）。",
        ),
        (
            template_row(A, name="王小明🙂"),
            (2, "姓名", "text.character"),
            "含有不可使用的字元 「🙂」（U+1F642）：表情符號或其他符號。",
        ),
        (
            template_row(A, title="環境\u202e教育"),
            (2, "課程名稱", "text.character"),
            "含有不可使用的字元 U+202E：看不見的格式字元（例如文字方向控制、零寬字元）。",
        ),
        (
            template_row(A, provider="文官\x07學院"),
            (2, "辦理機關", "text.character"),
            "含有不可使用的字元 U+0007：控制字元（例如換行、定位字元）。",
        ),
    ],
)
def test_ids_names_and_titles_with_characters_they_cannot_have_are_refused(row, expected, message):
    parsed = parse(_quoted_csv([row]))
    assert found(parsed) == [expected]
    assert parsed.problems.errors[0].message == message


def test_a_full_width_id_is_the_same_id_and_a_term_or_provider_of_a_dash_is_a_blank():
    written = A.translate({ord(c): ord(c) + 0xFEE0 for c in A})
    entry = only(parse(_quoted_csv([template_row(written, provider="-", term="-")])))
    assert entry.national_id == A
    assert (entry.provider, entry.term) == ("-", "-")


def test_names_and_titles_are_nfc():
    entry = only(parse(_quoted_csv([template_row(A, name="Jose\u0301", title="Cafe\u0301 課程")])))
    assert (entry.name, entry.title) == ("José", "Café 課程")


def test_an_undecodable_character_in_a_name_is_still_no_error():
    """Only the match by national ID counts: the name then differs from the stored one (a warning)."""
    entry = only(parse(_quoted_csv([template_row(A, name="王\ufffd明")])))
    assert entry.name == "王\ufffd明"
