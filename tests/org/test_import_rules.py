"""The pure validation of the staff-list import: every check, its code and its exact Chinese
message, without a database."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from peili.org.importing.columns import column_key, match_headers, rating_year
from peili.org.importing.reading import read_table
from peili.org.importing.rules import AgencyFact, Facts, Scope, validate
from tests.org.fixtures import AGENCY_A, AGENCY_B, HEADER, TODAY, nid, person_row, staff_csv, staff_xlsx

AGENCIES = {
    "376570000A": AgencyFact("376570000A", "新竹市政府", "376570000A/"),
    AGENCY_A: AgencyFact(AGENCY_A, "新竹市政府人事處", "376570000A/376570100A/"),
    AGENCY_B: AgencyFact(AGENCY_B, "新竹市政府教育處", "376570000A/376570200A/"),
    "376570300A": AgencyFact("376570300A", "新竹市舊機關", "376570000A/376570300A/", is_active=False),
}
UNITS = {(AGENCY_A, "U09"): "人事室"}
FULL = Scope(full=True)
OFFICER = Scope(paths=("376570000A/376570100A/",))


def check(rows, *, header=None, scope=FULL, units=None, data=None):
    table = read_table(data if data is not None else staff_csv(rows, header=header), "staff.csv")
    return validate(table, Facts(agencies=AGENCIES, units=UNITS if units is None else units, scope=scope, today=TODAY))


def found(validation):
    """(row, column, value, code, message) of each problem."""
    return [(p.row, p.column, p.value, p.code, p.message) for p in validation.problems]


def only(validation):
    assert len(validation.problems) == 1, found(validation)
    p = validation.problems[0]
    return (p.row, p.column, p.value, p.code, p.message)


# -- a clean file ----------------------------------------------------------------------------------


def test_a_clean_row_becomes_a_typed_record():
    result = check([person_row(1)])
    assert result.ok
    assert result.problems == []
    (record,) = result.records
    assert record.row == 2
    assert record.national_id == nid(1)
    assert record.employee_number == "E0001"
    assert record.name == "王小明1"
    assert record.gender == "M"
    assert record.birth_date == date(1985, 3, 1)
    assert record.agency == AGENCY_A
    assert record.unit == "U01"
    assert record.category == "senior"
    assert record.grade == 7
    assert record.is_supervisor is False
    assert record.is_confidential is False
    assert record.public_service_start == date(2011, 8, 1)
    assert record.agency_start == date(2019, 2, 11)
    assert record.education_level == 60
    assert record.email == "staff1@example.gov.tw"
    assert record.births_count is None
    assert record.is_active is True
    assert record.left_on is None
    assert record.ratings == ((2023, "甲"), (2024, "乙"))
    assert result.new_units == {(AGENCY_A, "U01"): "考訓科"}
    assert result.row_count == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("111/02/07", date(2022, 2, 7)),
        ("111年2月7日", date(2022, 2, 7)),
        ("1110207", date(2022, 2, 7)),
        ("111-02-07", date(2022, 2, 7)),
        ("2022-02-07", date(2022, 2, 7)),
        ("2022/2/7", date(2022, 2, 7)),
        ("２０２２／２／７", date(2022, 2, 7)),  # full-width digits
        ("2022-02-07 00:00:00", date(2022, 2, 7)),  # a date exported with its time
    ],
)
def test_roc_and_gregorian_dates_are_read(text, expected):
    result = check([person_row(1, 到職日期=text)])
    assert result.ok, found(result)
    assert result.records[0].agency_start == expected


def test_excel_date_cells_and_numbers_are_read():
    data = staff_xlsx([person_row(1, 出生日期=datetime(1985, 3, 1), 到職日期=1080211, 職等=7, 學歷代碼=60.0)])
    result = check([], data=data)
    assert result.ok, found(result)
    record = result.records[0]
    assert (record.birth_date, record.agency_start, record.grade, record.education_level) == (
        date(1985, 3, 1),
        date(2019, 2, 11),
        7,
        60,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("男", "M"), ("女", "F"), ("M", "M"), ("f", "F"), ("1", "M"), ("2", "F"), ("Ｍ", "M")],
)
def test_gender_spellings(value, expected):
    result = check([person_row(1, 性別=value)])
    assert result.records[0].gender == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("是", True), ("Y", True), ("1", True), ("否", False), ("N", False), ("", False)]
)
def test_yes_no_spellings(value, expected):
    result = check([person_row(1, 主管=value)])
    assert result.records[0].is_supervisor is expected


@pytest.mark.parametrize(("value", "expected"), [("60", 60), ("碩士", 60), ("20", 20), ("70", 70), ("", None)])
def test_education_codes_and_names(value, expected):
    assert check([person_row(1, 學歷代碼=value)]).records[0].education_level == expected


@pytest.mark.parametrize(("value", "expected"), [("7", 7), ("07", 7), ("第7職等", 7), ("七", 7)])
def test_grade_spellings(value, expected):
    assert check([person_row(1, 職等=value)]).records[0].grade == expected


def test_other_categories_take_no_grade():
    record = check([person_row(1, 人員類別="約聘", 職等="")]).records[0]
    assert (record.category, record.grade) == ("contract", None)


def test_leaving_date_without_status_means_left():
    record = check([person_row(1, 在職="", 離職日期="113/12/31")]).records[0]
    assert (record.is_active, record.left_on) == (False, date(2024, 12, 31))


# -- headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("身分證字號", "national_id"),
        (" 身分證字號 ＊", "national_id"),
        ("身份證字號", "national_id"),
        ("性別(男/女)*", "gender"),
        ("性別（男／女）", "gender"),
        ("生日", "birth_date"),
        ("E-mail", "email"),
        ("機 關 代 碼", "agency"),
        ("備註", None),
    ],
)
def test_headers_match_leniently(header, key):
    assert column_key(header) == key


@pytest.mark.parametrize(
    ("header", "year"),
    [
        ("考績111", 2022),
        ("考績 111", 2022),
        ("111年考績", 2022),
        ("考績(111)", 2022),
        ("考績2022", 2022),
        ("考績", None),
    ],
)
def test_rating_headers(header, year):
    assert rating_year(header) == year


def test_header_map_finds_known_unknown_and_duplicate_columns():
    headers = match_headers(["身分證字號", "姓名", "備註", "姓名", "考績112"])
    assert headers.index == {"national_id": 0, "name": 1}
    assert headers.unknown == [2]
    assert headers.duplicates == [(3, 1)]
    assert headers.ratings == {2023: 4}


def test_missing_required_column_is_reported_once_on_the_header_row():
    header = [h for h in HEADER if h != "出生日期*"]
    result = check([person_row(1), person_row(2), person_row(3)], header=header)
    assert found(result) == [(1, "出生日期", "", "column.missing", "缺少必要欄位「出生日期」。")]
    assert result.records == []


def test_unknown_column_is_a_warning_and_the_file_still_loads():
    result = check([person_row(1, 備註="x")], header=[*HEADER, "備註"])
    assert found(result) == [(1, "備註", "", "column.unknown", "無法辨識的欄位，此欄內容不會匯入。")]
    assert result.problems[0].severity == "warning"
    assert result.ok
    assert len(result.records) == 1


def test_duplicate_column():
    result = check([person_row(1)], header=[*HEADER, "姓名"])
    assert found(result) == [(1, "姓名", "", "column.duplicate", "欄位重複：「姓名」已出現在 C 欄。")]


def test_rating_column_for_a_future_year():
    result = check([person_row(1)], header=[*HEADER, "考績120"])
    assert found(result) == [(1, "考績120", "", "column.rating_year", "考績年度不合理：須為民國 1 至 114 年。")]


def test_no_grade_column_is_reported_once_for_ranked_staff():
    header = [h for h in HEADER if h != "職等"]
    result = check([person_row(1), person_row(2)], header=header)
    assert found(result) == [(1, "職等", "", "column.missing", "缺少必要欄位「職等」。")]


def test_header_row_below_a_title_keeps_the_sheet_row_numbers():
    data = staff_xlsx([person_row(1, 性別="?")], title="新竹市政府人事處 人員名冊")
    result = check([], data=data)
    assert found(result) == [(3, "性別*", "?", "gender.invalid", "性別請填「男」或「女」（也可填 M/F 或 1/2）。")]


# -- each check, its code and message ---------------------------------------------------------------

CASES = [
    # (overrides, column, value, code, message)
    (
        {"身分證字號": "A123456788"},
        "身分證字號*",
        "A123456788",
        "national_id.checksum",
        "身分證字號檢查碼不符，請核對是否輸入錯誤。",
    ),
    ({"身分證字號": "A12345678"}, "身分證字號*", "A12345678", "national_id.length", "身分證字號須為 10 碼。"),
    (
        {"身分證字號": "A323456789"},
        "身分證字號*",
        "A323456789",
        "national_id.format",
        "身分證字號格式不符：須為 1 個英文字母、數字 1 或 2，再加 8 位數字。",
    ),
    ({"姓名": ""}, "姓名*", "", "value.required", "必填欄位未填寫。"),
    (
        {"姓名": "王?明"},
        "姓名*",
        "王?明",
        "name.replacement_char",
        "姓名含有「?」或無法顯示的字元，可能是匯出時無法轉碼的難字。",
    ),
    ({"姓名": "王" * 61}, "姓名*", "王" * 61, "value.too_long", "內容過長：最多 60 個字。"),
    ({"性別": "男生"}, "性別*", "男生", "gender.invalid", "性別請填「男」或「女」（也可填 M/F 或 1/2）。"),
    ({"出生日期": "111/02/30"}, "出生日期*", "111/02/30", "date.invalid", "日期無法辨識：該月沒有第 30 日。"),
    (
        {"出生日期": "七十四年"},
        "出生日期*",
        "七十四年",
        "date.invalid",
        "日期無法辨識：請使用 111/02/07、111年2月7日、1110207 或 2022-02-07 的格式。",
    ),
    ({"出生日期": "115/01/01"}, "出生日期*", "115/01/01", "date.future", "日期晚於今天（114/06/30）。"),
    (
        {"出生日期": "101/01/01"},
        "出生日期*",
        "101/01/01",
        "birth_date.implausible",
        "出生日期不合理：年齡須在 15 至 100 歲之間。",
    ),
    (
        {"初任公職日期": "073/01/01"},
        "初任公職日期",
        "073/01/01",
        "date.before_birth",
        "日期早於出生日期（74/03/01）。",
    ),
    (
        {"初任公職日期": "085/01/01", "到職日期": "090/01/01"},
        "初任公職日期",
        "085/01/01",
        "date.too_young",
        "此日期時未滿 15 歲（出生日期 74/03/01）。",
    ),
    (
        {"到職日期": "099/01/01"},
        "到職日期",
        "099/01/01",
        "agency_start.before_service_start",
        "到職日期早於初任公職日期（100/08/01）。",
    ),
    (
        {"離職日期": "113/01/01"},
        "離職日期",
        "113/01/01",
        "left_on.while_active",
        "在職人員不應有離職日期；若已離職，「在職」請填「否」。",
    ),
    ({"在職": "否", "離職日期": "114/12/31"}, "離職日期", "114/12/31", "date.future", "日期晚於今天（114/06/30）。"),
    (
        {"在職": "否", "離職日期": "107/01/01"},
        "離職日期",
        "107/01/01",
        "left_on.before_start",
        "離職日期早於到職日期（108/02/11）。",
    ),
    (
        {"機關代碼": "37657"},
        "機關代碼*",
        "37657",
        "agency.format",
        "機關代碼須為 10 碼英文大寫字母或數字，例如 379570000A。",
    ),
    (
        {"機關代碼": "376579999A"},
        "機關代碼*",
        "376579999A",
        "agency.unknown",
        "查無此機關代碼，請先由系統管理者建立機關。",
    ),
    (
        {"機關代碼": "376570300A", "單位代碼": ""},
        "機關代碼*",
        "376570300A",
        "agency.inactive",
        "機關「新竹市舊機關」已停用。",
    ),
    (
        {"人員類別": "正式"},
        "人員類別*",
        "正式",
        "category.invalid",
        "人員類別須為：委任、薦任、簡任、約聘、約僱、臨時人員、技工工友、警消、教師、其他。",
    ),
    ({"職等": "十五"}, "職等", "十五", "grade.invalid", "職等須為 1 至 14 的數字。"),
    ({"職等": ""}, "職等", "", "grade.missing", "薦任人員須填寫職等。"),
    ({"職等": "5"}, "職等", "5", "grade.out_of_range", "薦任的職等須在第 6 至第 9 職等之間。"),
    ({"人員類別": "約聘", "職等": "3"}, "職等", "3", "grade.not_applicable", "約聘人員不適用職等，請留空。"),
    ({"主管": "可能"}, "主管", "可能", "boolean.invalid", "請填「是」或「否」（也可填 Y/N）。"),
    ({"學歷代碼": "55"}, "學歷代碼", "55", "education.invalid", "學歷代碼須為 20、30、40、50、60 或 70。"),
    ({"電子郵件": "wang@"}, "電子郵件", "wang@", "email.invalid", "電子郵件格式不正確。"),
    ({"生育子女數": "-1"}, "生育子女數", "-1", "births.invalid", "生育子女數須為 0 至 20 的整數。"),
    ({"生育子女數": "21"}, "生育子女數", "21", "births.invalid", "生育子女數須為 0 至 20 的整數。"),
    ({"考績113": "優"}, "考績113", "優", "rating.invalid", "考績等次須為甲、乙、丙或丁。"),
    (
        {"單位代碼": "U77", "單位名稱": ""},
        "單位代碼",
        "U77",
        "unit.name_missing",
        "「新竹市政府人事處」沒有單位代碼 U77，新單位須填寫單位名稱。",
    ),
    (
        {"單位代碼": "", "單位名稱": "臺" * 21},
        "單位名稱",
        "臺" * 21,
        "unit.code_missing",
        "「新竹市政府人事處」沒有此單位，單位名稱超過 20 字時須另填單位代碼。",
    ),
]


@pytest.mark.parametrize(("overrides", "column", "value", "code", "message"), CASES, ids=[c[3] for c in CASES])
def test_each_check_reports_row_column_value_code_and_message(overrides, column, value, code, message):
    result = check([person_row(1, **overrides)])
    assert only(result) == (2, column, value, code, message)
    assert not result.ok
    assert result.records == []


def test_a_row_reports_every_problem_not_just_the_first():
    row = person_row(1, 身分證字號="A123456788", 性別="?", 職等="5", 電子郵件="x@", 考績112="A")
    assert [p.code for p in check([row]).problems] == [
        "national_id.checksum",
        "gender.invalid",
        "grade.out_of_range",
        "email.invalid",
        "rating.invalid",
    ]


def test_out_of_scope_agency_for_an_officer():
    result = check([person_row(1, 機關代碼=AGENCY_B, 單位代碼="")], scope=OFFICER)
    assert only(result) == (
        2,
        "機關代碼*",
        AGENCY_B,
        "agency.out_of_scope",
        "機關「新竹市政府教育處」不在您的管理範圍內。",
    )


def test_officer_scope_covers_the_subtree():
    assert check([person_row(1)], scope=OFFICER).ok


# -- duplicates and units ------------------------------------------------------------------------------


def test_duplicate_national_id_reports_both_rows():
    rows = [person_row(1), person_row(2), person_row(3, 身分證字號=nid(1))]
    result = check(rows)
    assert found(result) == [
        (2, "身分證字號*", nid(1), "duplicate.national_id", "檔案內身分證字號重複：另見第 4 列。"),
        (4, "身分證字號*", nid(1), "duplicate.national_id", "檔案內身分證字號重複：另見第 2 列。"),
    ]
    assert [r.row for r in result.records] == [3]


def test_duplicate_employee_number_within_one_agency_only():
    rows = [
        person_row(1, 員工編號="E1"),
        person_row(2, 員工編號="E1"),
        person_row(3, 員工編號="E1", 機關代碼=AGENCY_B, 單位代碼=""),
    ]
    assert found(check(rows)) == [
        (2, "員工編號", "E1", "duplicate.employee_number", "同一機關的員工編號重複：另見第 3 列。"),
        (3, "員工編號", "E1", "duplicate.employee_number", "同一機關的員工編號重複：另見第 2 列。"),
    ]


def test_units_existing_new_by_name_and_conflicting():
    rows = [
        person_row(1, 單位代碼="U09", 單位名稱="別的名稱"),  # existing unit: matched by code, name ignored
        person_row(2, 單位代碼="", 單位名稱="人事室"),  # existing unit found by name
        person_row(3, 單位代碼="", 單位名稱="秘書室"),  # new unit, its name as its code
        person_row(4, 單位代碼="U01", 單位名稱="考訓科"),
        person_row(5, 單位代碼="U01", 單位名稱="考核科"),  # conflicts with row 5
    ]
    result = check(rows)
    assert [r.unit for r in result.records] == ["U09", "U09", "秘書室", "U01"]
    assert result.new_units == {(AGENCY_A, "秘書室"): "秘書室", (AGENCY_A, "U01"): "考訓科"}
    assert found(result) == [
        (6, "單位名稱", "考核科", "unit.name_conflict", "同一單位代碼在第 5 列的單位名稱是「考訓科」，兩列不一致。")
    ]


def test_undecodable_characters_are_reported_by_cell():
    text = staff_csv([person_row(1, 姓名="王碁明")], encoding="cp950")
    damaged = text.replace("碁".encode("cp950"), b"\xfa\x40")  # a Big5 user-defined character (造字)
    result = check([], data=damaged)
    assert found(result) == [
        (
            2,
            "姓名*",
            "王\ufffd明",
            "cell.undecodable",
            "含有無法辨識的字元（可能是造字或編碼錯誤），請改用 UTF-8 匯出或修正該字。",
        )
    ]


def test_every_problem_code_is_documented():
    from pathlib import Path

    from peili.imports.enums import BaseProblemCode
    from peili.org.importing.enums import ProblemCode

    doc = (Path(__file__).resolve().parents[2] / "docs" / "rules" / "hr-import.md").read_text(encoding="utf-8")
    for code in [*BaseProblemCode, *ProblemCode]:
        assert f"| `{code.value}` | {code.label} |" in doc, code.value


# -- characters in IDs and names (issue 11, item 12) -------------------------------------------------


@pytest.mark.parametrize(
    ("written", "char"),
    [
        # nid(1) is Q100000013: its check digit written as an Arabic-Indic 3 (int() and \d read it
        # as 3, so it passed as a second person) and as a circled 3 (NFKC would fold it to 3).
        ("Q10000001\u0663", "「\u0663」（U+0663）"),
        ("Q10000001③", "「③」（U+2462）"),
        (nid(1)[:5] + "\u200b" + nid(1)[5:], "U+200B"),
    ],
)
def test_a_national_id_with_other_digits_or_invisible_characters_is_refused(written, char):
    assert only(check([person_row(1, 身分證字號=written)])) == (
        2,
        "身分證字號*",
        written,
        "national_id.characters",
        f"身分證字號只能有英文字母與數字 0 至 9，不能有 {char}。",
    )


def test_a_full_width_national_id_is_folded_to_ascii():
    written = nid(1).translate({ord(c): ord(c) + 0xFEE0 for c in nid(1)})  # Ｑ１０…
    result = check([person_row(1, 身分證字號=written)])
    assert result.ok
    assert result.records[0].national_id == nid(1)


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("=cmd|' /C calc'!A0", "text.formula_start", "不能以「=」開頭：試算表會把它當成公式。"),
        ("@王小明", "text.formula_start", "不能以「@」開頭：試算表會把它當成公式。"),
        ("王\n小明", "text.character", "含有不可使用的字元 U+000A：控制字元（例如換行、定位字元）。"),
        ("王\x07小明", "text.character", "含有不可使用的字元 U+0007：控制字元（例如換行、定位字元）。"),
        (
            "王\u202e小明",
            "text.character",
            "含有不可使用的字元 U+202E：看不見的格式字元（例如文字方向控制、零寬字元）。",
        ),
        ("王小明😀", "text.character", "含有不可使用的字元 「😀」（U+1F600）：表情符號或其他符號。"),
    ],
)
def test_a_name_with_characters_no_name_has_is_refused(name, code, message):
    result = check([person_row(1, 姓名=name)])  # CSV, quoted: a cell can hold a line break
    assert only(result) == (2, "姓名*", name, code, message)
    assert result.records == []


def test_a_name_the_portal_file_cannot_carry_is_a_warning_and_still_loads():
    result = check([person_row(1, 姓名="王堃明"), person_row(2, 姓名="陳\ue000明"), person_row(3, 姓名="林美華")])
    assert result.ok
    assert [r.name for r in result.records] == ["王堃明", "陳\ue000明", "林美華"]
    assert [(p.row, p.code, p.severity, p.message) for p in result.problems] == [
        (
            2,
            "text.not_big5",
            "warning",
            "「堃」（U+5803） 無法寫入終身學習入口網站的 Big5 上傳檔：仍會匯入，上傳入口網前須改用通用字。",
        ),
        (
            3,
            "text.not_big5",
            "warning",
            "U+E000 無法寫入終身學習入口網站的 Big5 上傳檔：仍會匯入，上傳入口網前須改用通用字。",
        ),
    ]


def test_names_are_stored_in_nfc():
    result = check([person_row(1, 姓名="Jose\u0301")])
    assert result.records[0].name == "José"
