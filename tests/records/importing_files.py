"""Files for the learning-records import tests: portal-layout rows (the 25 columns of
`portal.HEADER`), Peili-template rows, and writers for CSV (UTF-8, Big5) and .xlsx."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook

from peili.org.rules import make_national_id
from peili.records import portal
from peili.records.importing.columns import TEMPLATE_COLUMNS

TODAY = date(2026, 11, 30)
PORTAL_HEADER = list(portal.HEADER)
TEMPLATE_HEADER = [c.template_header for c in TEMPLATE_COLUMNS]


def nid(n: int, letter: str = "A") -> str:
    """A valid national ID (distinct per n)."""
    return make_national_id(letter, f"1{n:07d}")


def portal_row(
    national_id: str,
    *,
    name: str = "王小明",
    title: str = "環境教育：淨零轉型",
    code: str = "201",
    hours: str = "3",
    digital: str = "0",
    classroom: str | None = None,
    mode: str = "2",
    term: str = "1",
    start: str = "115-03-02",
    end: str = "115-03-02",
    unit: str = "1",
) -> list[str]:
    """One row of the portal's 25 columns (classroom hours default to the row's hours less digital)."""
    if classroom is None:
        try:
            classroom = str(float(hours) - float(digital)).removesuffix(".0")
        except ValueError:
            classroom = hours
    return [
        national_id,
        title,
        start,
        "09:00:00",
        end,
        "12:00:00",
        name,
        "6",
        code,
        "10",
        term,
        hours,
        unit,
        "",
        "",
        "",
        "",
        mode,
        digital,
        classroom,
        "",
        start,
        "09:00:00",
        end,
        "12:00:00",
    ]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]], *, encoding: str = "utf-8") -> bytes:
    """Comma-separated, CRLF, no quoting needed (test values hold no comma)."""
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def portal_csv(
    rows: Iterable[Sequence[str]], *, encoding: str = "cp950", header: Sequence[str] = PORTAL_HEADER
) -> bytes:
    return csv_bytes(header, rows, encoding=encoding)


TEMPLATE_DEFAULTS = {
    "national_id": "",
    "name": "王小明",
    "title": "環境教育：淨零轉型",
    "provider": "國家文官學院",
    "start_date": "115/03/02",
    "end_date": "115/03/02",
    "certified_hours": "3",
    "digital_hours": "",
    "classroom_hours": "",
    "mode": "實體",
    "codes": "201",
    "code_hours": "",
    "term": "",
    "record_id": "",
}


def template_row(national_id: str, **values: str) -> list[str]:
    row = {**TEMPLATE_DEFAULTS, "national_id": national_id, **values}
    return [row[c.key] for c in TEMPLATE_COLUMNS]


def template_csv(rows: Iterable[Sequence[str]], *, encoding: str = "utf-8-sig") -> bytes:
    return csv_bytes(TEMPLATE_HEADER, rows, encoding=encoding)


def xlsx_bytes(header: Sequence[object], rows: Iterable[Sequence[object]], *, title_line: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title_line:
        sheet.append([title_line])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
