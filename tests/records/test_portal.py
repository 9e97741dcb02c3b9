"""The national portal's upload file, byte by byte against a file made by hand: the rows typed in
UTF-8 and converted with `iconv -f UTF-8 -t CP950` (tests/records/fixtures/portal-upload.expected.csv),
so neither the encoding nor the layout is checked against Peili's own code."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from peili.core.errors import PeiliError
from peili.policy.schema import PortalFormat
from peili.records import portal

D = Decimal
EXPECTED = Path(__file__).parent / "fixtures" / "portal-upload.expected.csv"
FORMAT = PortalFormat.model_validate(
    {
        "max_rows_per_file": 3000,
        "degree_credit_code": "6",
        "hours_unit_code": "1",
        "mode_codes": {"digital": "1", "classroom": "2", "blended": "3"},
        "city_codes": {"新竹市": "30"},
    }
)

# 王小明: a two-day classroom class in 新竹市 whose 6.5 hours split across two category codes (two rows);
# the course name has a comma. 陳碁銹 (碁 and 銹 are in cp950, not in strict Big5): a digital course
# with a score, a certificate number, full attendance, a birthday, and quotes in the course name.
SPLIT = portal.PortalRow(
    national_id="A123456789",
    name="王小明",
    course_title="資通安全通識教育,進階班",
    starts=datetime(2026, 3, 2, 9, 0),
    ends=datetime(2026, 3, 3, 16, 0),
    category="information_security_general",
    category_name="資通安全通識",
    category_code="522",
    city_code="30",
    term=2,
    hours=D("4.0"),
    mode="classroom",
    digital_hours=D(0),
    classroom_hours=D("4.0"),
    attended_from=datetime(2026, 3, 2, 9, 0),
    attended_to=datetime(2026, 3, 3, 16, 0),
)
ROWS = [
    SPLIT,
    replace(
        SPLIT,
        category="environmental_education",
        category_name="環境教育",
        category_code="201",
        hours=D("2.5"),
        classroom_hours=D("2.5"),
        attended_to=datetime(2026, 3, 3, 12),
    ),
    portal.PortalRow(
        national_id="B287654321",
        name="陳碁銹",
        course_title='性別主流化"線上"課程\n第一單元',
        starts=datetime(2026, 4, 1, 0, 0),
        ends=datetime(2026, 4, 30, 23, 59),
        category="gender_mainstreaming",
        category_name="性別主流化",
        category_code="303",
        city_code="10",
        term=1,
        hours=D(3),
        mode="digital",
        digital_hours=D(3),
        classroom_hours=D(0),
        attended_from=datetime(2026, 4, 8, 19, 30),
        attended_to=datetime(2026, 4, 8, 22, 30),
        course_code="P115-0042",
        score="85",
        certificate_no="北市人訓字第1150001號",
        attendance="全勤",
        birth_date=date(1985, 7, 6),
    ),
]


def test_the_file_is_exactly_the_hand_made_one():
    (made,) = portal.upload_files(ROWS, FORMAT)
    expected = EXPECTED.read_bytes()
    assert made == expected
    # and, to read a failure: the same as text
    assert made.decode("cp950").splitlines() == expected.decode("cp950").splitlines()


def test_rows_beyond_the_limit_go_to_further_files_each_with_the_header():
    small = FORMAT.model_copy(update={"max_rows_per_file": 2})
    files = portal.upload_files(ROWS, small)
    assert len(files) == 2
    header = EXPECTED.read_bytes().split(b"\r\n")[0]
    assert [f.split(b"\r\n")[0] for f in files] == [header, header]
    assert [f.count(b"\r\n") - 1 for f in files] == [2, 1]
    assert b"".join(f.split(b"\r\n", 1)[1] for f in files) == EXPECTED.read_bytes().split(b"\r\n", 1)[1]


def test_three_thousand_and_one_rows_make_two_files():
    rows = [replace(SPLIT, national_id=f"A1{n:08d}") for n in range(3001)]
    files = portal.upload_files(rows, FORMAT)
    assert [f.count(b"\r\n") - 1 for f in files] == [3000, 1]


def test_no_rows_no_file():
    assert portal.upload_files([], FORMAT) == []


def test_a_character_big5_cannot_write_is_reported_before_any_file_is_made():
    rows = [*ROWS, replace(SPLIT, name="林堃", national_id="C123456780")]
    found = portal.problems(rows, FORMAT)
    assert [(p.row, p.column, p.code) for p in found] == [(4, "姓名", "portal.not_big5")]
    assert found[0].message == "第 4 筆「姓名」的「堃」（U+5803）無法以 Big5 上傳，請先更正或改用通用字。"
    with pytest.raises(PeiliError) as caught:
        portal.upload_files(rows, FORMAT)
    assert caught.value.code == "portal.problems"
    assert caught.value.details[0]["code"] == "portal.not_big5"


def test_text_is_normalised_before_it_is_checked():
    assert portal.clean("cafe\u0301") == "café"  # e + combining accent → é
    found = portal.problems([replace(SPLIT, name="王小明e\u0301")], FORMAT)
    assert [p.message for p in found] == [  # é is not in Big5 either: reported once, composed
        "第 1 筆「姓名」的「é」（U+00E9）無法以 Big5 上傳，請先更正或改用通用字。"
    ]


def test_hours_that_do_not_add_up_are_reported():
    found = portal.problems([replace(SPLIT, digital_hours=D(1))], FORMAT)
    assert [(p.code, p.message) for p in found] == [
        ("portal.hours_mismatch", "第 1 筆數位時數 1 加實體時數 4 不等於訓練總數 4。")
    ]


def test_a_learning_mode_without_a_portal_code_is_reported():
    without_blended = FORMAT.model_copy(update={"mode_codes": {"digital": "1", "classroom": "2"}})
    found = portal.problems([replace(SPLIT, mode="blended")], without_blended)
    assert [(p.code, p.message) for p in found] == [
        ("portal.unknown_mode", "第 1 筆的學習性質「blended」在政策參數中沒有入口網代碼。")
    ]


# --- the environmental-education file -----------------------------------------------------------------

ENV_EXPECTED = Path(__file__).parent / "fixtures" / "environment-upload.expected.csv"
ENV_FORMAT = PortalFormat.model_validate(
    {**FORMAT.model_dump(), "environment": {"requirement": "environmental_education", "method_code": "1"}}
)


def test_the_environment_file_matches_the_hand_made_file_byte_for_byte():
    """Only the rows of the environmental-education categories, in that file's 18 columns (made by hand
    with iconv: tests/records/fixtures/environment-upload.expected.csv)."""
    env_row = replace(
        ROWS[1], agency_code="376570100A", summary="淨零轉型與氣候變遷調適", place="301 研習教室", course_code="ENV-01"
    )
    (content,) = portal.environment_files([ROWS[0], env_row], ENV_FORMAT, frozenset({"environmental_education"}))
    assert content == ENV_EXPECTED.read_bytes()


def test_the_environment_file_refuses_what_big5_cannot_write():
    env_row = replace(ROWS[1], place="堃園教室")
    with pytest.raises(PeiliError) as error:
        portal.environment_files([env_row], ENV_FORMAT, frozenset({"environmental_education"}))
    assert error.value.details[0]["column"] == "實施地點"


def test_a_category_without_a_portal_code_is_named_once_and_no_file_is_made():
    uncoded = [replace(row, category_code="") for row in ROWS[:2]] + [replace(ROWS[1], national_id="B123456780")]
    uncoded[2] = replace(uncoded[2], category_code="")
    with pytest.raises(PeiliError) as error:
        portal.upload_files(uncoded, FORMAT)
    assert [(p["code"], p["row"], p["message"]) for p in error.value.details] == [
        (
            "portal.category_code_missing",
            1,
            "學習類別「資通安全通識」尚未設定入口網課程類別代碼，請系統管理者於「學習類別」頁填入後再產生上傳檔。",
        ),
        (
            "portal.category_code_missing",
            2,
            "學習類別「環境教育」尚未設定入口網課程類別代碼，請系統管理者於「學習類別」頁填入後再產生上傳檔。",
        ),
    ]


def test_no_environment_categories_no_environment_file():
    assert portal.environment_files(ROWS, ENV_FORMAT, frozenset()) == []
