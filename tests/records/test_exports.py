"""The files: the transcript as PDF (Traditional Chinese fonts embedded) and Excel, and the
compliance list as CSV, Excel and JSON (the same writers as `peili compliance`)."""

from __future__ import annotations

import io
import json
import re
import zlib
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from peili.records import exports, selectors
from peili.records.selectors import ComplianceRow
from tests.records.office import YEAR, build

D = Decimal


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects with every compressed stream inflated (fonts sit in object streams)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.fixture
def office(person):
    return build(person)


@pytest.mark.django_db
def test_the_transcript_pdf_embeds_a_traditional_chinese_font(office):
    transcript = selectors.person_transcript(office.learner, today=date(2026, 11, 20))
    pdf = exports.transcript_pdf(transcript)
    assert pdf.startswith(b"%PDF-")
    objects = _pdf_objects(pdf)
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Z]{6}\+[^\s/>\]]+)", objects))
    assert fonts, "no embedded (subset) font"
    assert all(b"Noto-Sans-CJK-TC" in name for name in fonts), fonts
    assert re.search(rb"/FontFile[23]?\s", objects)  # the glyphs themselves, not a reference
    assert b"/Title" in objects  # the document's title (the person's name) is in its metadata


@pytest.mark.django_db
def test_the_pdf_is_in_chinese_even_from_an_english_page(office, settings):
    from django.utils import translation

    transcript = selectors.person_transcript(office.learner, year=YEAR)
    with translation.override("en"):
        pdf = exports.transcript_pdf(transcript)
    assert pdf.startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_transcript_excel_has_every_record_and_each_years_standing(office):
    transcript = selectors.person_transcript(office.learner, today=date(2026, 11, 20))
    book = load_workbook(io.BytesIO(exports.transcript_xlsx(transcript)))
    records = book["學習紀錄"]
    assert records["A1"].value == "學習時數紀錄"
    assert (records["B2"].value, records["D2"].value) == (
        "陳學員",
        office.learner.national_id[:3] + "****" + office.learner.national_id[-3:],
    )
    assert records["D3"].value == "115/11/20"
    rows = list(records.iter_rows(min_row=6, values_only=True))
    assert rows[0][:5] == (115, "環境教育：淨零轉型", None, "115/05/04", "115/05/04")  # no provider: empty
    assert rows[0][7] == 3
    assert rows[0][10] == "環境教育 3"
    assert rows[1][0] == 114
    # named by the pack's categories, in its order; an imported part known only by its code is named by it
    assert rows[1][10] == "當前政府重大政策 1；環境教育 4；民主治理價值 4；性別主流化 1；資通安全通識 10"
    standing = list(book["年度達成情形"].iter_rows(min_row=2, values_only=True))
    environment = next(r for r in standing if r[0] == 115 and r[1] == "環境教育")
    assert environment[2:] == (4, 3, 1, "否")
    assert any(r[1] == "民主治理價值（性別主流化）" for r in standing)


ROWS = [
    ComplianceRow(
        national_id_masked="A12****789",
        employee_number="E001",
        name="陳學員",
        agency_code="379500000A",
        agency_name="測試局",
        year=2026,
        total=D("3.0"),
        missing=D("17.0"),
        meets=False,
        records=1,
        short_of=("尚缺 全年學習時數 17 小時", "尚缺 環境教育 1 小時"),
        person_id=7,
    ),
    ComplianceRow(
        national_id_masked="B23****890",
        employee_number="",
        name="張老師",
        agency_code="379500001A",
        agency_name="測試國小",
        year=2026,
        total=D("20.0"),
        missing=D("0"),
        meets=True,
        records=1,
        short_of=(),
        person_id=8,
    ),
]


def test_the_compliance_csv_byte_for_byte():
    expected = (
        "\ufeff身分證字號,員工編號,姓名,機關代碼,機關,年度,總時數,尚缺時數,達成,紀錄筆數,未達項目\r\n"
        "A12****789,E001,陳學員,379500000A,測試局,115,3.0,17.0,否,1,尚缺 全年學習時數 17 小時；尚缺 環境教育 1 小時\r\n"
        "B23****890,,張老師,379500001A,測試國小,115,20.0,0,是,1,\r\n"
    ).encode()
    assert exports.compliance_csv(ROWS) == expected


def test_the_compliance_excel_and_json():
    sheet = load_workbook(io.BytesIO(exports.compliance_xlsx(ROWS, title="測試局 115 年度"))).active
    assert sheet["A1"].value == "測試局 115 年度"
    assert [c.value for c in sheet[2]][:3] == ["身分證字號", "員工編號", "姓名"]
    assert [c.value for c in sheet[3]][5:9] == [115, 3, 17, "否"]
    assert sheet.max_row == 4
    items = json.loads(exports.compliance_json(ROWS))
    assert items[1] == {
        "national_id_masked": "B23****890",
        "employee_number": "",
        "name": "張老師",
        "agency_code": "379500001A",
        "agency_name": "測試國小",
        "year": 2026,
        "total": "20.0",
        "missing": "0",
        "meets": True,
        "records": 1,
        "short_of": [],
        "person_id": 8,
    }
