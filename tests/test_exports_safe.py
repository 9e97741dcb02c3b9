"""Formula injection: every spreadsheet Peili writes, opened as a user would get it, holds no
formula and no text cell a spreadsheet would read as one — whatever people typed or imported.

A person whose name, job title and deputy look like formulas, a course whose title does, a
learning record whose title and provider do and a survey answer that does are written the way
data that predates the importers' checks would sit in the database; then each export is downloaded
through its page: the roster, the compliance list (CSV and Excel), the transcript, the survey
results, both importers' problem lists and both templates. The national portal's Big5 upload is
not a spreadsheet but an exchange file (see peili.core.spreadsheets) and is not listed here.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peili.imports.enums import ImportStatus
from peili.org.models import ImportJob
from peili.records import services as records
from peili.records.models import RecordImportJob
from peili.surveys import services as surveys
from tests.enrolment.conftest import body, organizer_user, packs  # noqa: F401
from tests.factories import PersonFactory, UserFactory, grant
from tests.surveys.conftest import attend, attendees, ended_class, survey, template  # noqa: F401
from tests.surveys.test_results import submit

# Written out here (not imported from the code under test): what a spreadsheet takes for a formula.
LIVE = ("=", "+", "-", "@", "\t", "\r")
NAME = "=cmd|' /C calc'!A0"
JOB_TITLE = "+SUM(1,2)"
DEPUTY = "@SUM(A1:A2)"
COURSE = '=HYPERLINK("http://example.com","公務倫理")'
RECORD = "-2+3+cmd|' /C calc'!A0"
PROVIDER = "\t=1+1"
ANSWER = "=1+1 這堂課很好"


def _live_xlsx(content: bytes) -> tuple[list[str], set[str]]:
    """(every formula or live-looking text cell as 'sheet!A1: value', every text value)."""
    book = load_workbook(io.BytesIO(content))  # formulas kept as formulas (not data_only)
    live: list[str] = []
    texts: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or (isinstance(value, str) and value.startswith(LIVE)):
                    live.append(f"{sheet.title}!{cell.coordinate}: {value!r}")
                if isinstance(value, str):
                    texts.add(value)
    return live, texts


def _live_csv(text: str) -> tuple[list[str], set[str]]:
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    return [cell for cell in cells if cell.startswith(LIVE)], set(cells)


@pytest.fixture
def world(survey, ended_class, tree, organizer_user):  # noqa: F811
    """The hostile values, in every place an export reads them from; an administrator to download."""
    admin = UserFactory(username="export-admin")
    grant(admin, "admin")
    course = ended_class.course
    course.title = COURSE
    course.save(update_fields=["title"])
    person = PersonFactory(agency=tree["b"], name=NAME, job_title=JOB_TITLE, user=UserFactory(username="hostile"))
    registration = attend(ended_class, person)
    registration.deputy_name = DEPUTY
    registration.save(update_fields=["deputy_name"])
    surveys.survey_invite(survey=survey)
    submit(survey, person, 其他意見=[ANSWER])
    year = timezone.localdate().year
    records.record_create(
        person=person,
        data=records.RecordData(
            title=RECORD,
            provider=PROVIDER,
            start_date=date(year, 1, 5),
            end_date=date(year, 1, 5),
            certified_hours=Decimal(3),
            classroom_hours=Decimal(3),
            mode="classroom",
            split={"201": Decimal(3)},
        ),
        actor=None,
    )
    problem = {"row": 2, "column": "姓名*", "value": NAME, "code": "x", "message": JOB_TITLE, "severity": "error"}
    report = {"problems": [problem]}
    org_job = ImportJob.objects.create(created_by=admin, filename="a.csv", status=ImportStatus.INVALID, report=report)
    records_job = RecordImportJob.objects.create(
        created_by=admin, filename="b.csv", status=ImportStatus.INVALID, report=report
    )
    return {
        "admin": admin,
        "person": person,
        "agency": tree["b"],
        "class": ended_class,
        "year": year,
        "org_job": org_job,
        "records_job": records_job,
    }


XLSX_EXPORTS = {
    "roster": (
        lambda w: reverse("enrolment:roster_xlsx", kwargs={"class_id": w["class"].pk}),
        (NAME, JOB_TITLE, DEPUTY),
    ),
    "compliance": (
        lambda w: reverse("records:compliance_export") + f"?agency={w['agency'].code}&year={w['year']}&format=xlsx",
        (NAME,),
    ),
    "transcript": (
        lambda w: reverse("records:person_transcript_xlsx", kwargs={"person_id": w["person"].pk}),
        (NAME, RECORD, PROVIDER),
    ),
    "survey results": (
        lambda w: reverse("surveys:class_results", args=[w["class"].pk]) + "?format=xlsx",
        (COURSE, ANSWER),
    ),
    "staff-list template": (lambda _w: reverse("org:import_template"), ()),
    "records template": (lambda _w: reverse("records:import_template"), ()),
}
CSV_EXPORTS = {
    "compliance": (
        lambda w: reverse("records:compliance_export") + f"?agency={w['agency'].code}&year={w['year']}&format=csv",
        (NAME,),
    ),
    "staff-list problems": (lambda w: reverse("org:import_problems") + f"?job={w['org_job'].pk}", (NAME, JOB_TITLE)),
    "records problems": (
        lambda w: reverse("records:import_problems") + f"?job={w['records_job'].pk}",
        (NAME, JOB_TITLE),
    ),
}


@pytest.mark.parametrize("export", XLSX_EXPORTS)
def test_no_excel_export_holds_a_formula(client, world, export):
    url, hostile = XLSX_EXPORTS[export]
    client.force_login(world["admin"])
    reply = client.get(url(world))
    assert reply.status_code == 200, reply.content[:300]
    live, texts = _live_xlsx(b"".join(reply.streaming_content) if reply.streaming else reply.content)
    assert live == []
    for value in hostile:  # the values are there, as text with the quote in front
        assert any(text.startswith("'" + value) for text in texts), (value, sorted(texts)[:40])


@pytest.mark.parametrize("export", CSV_EXPORTS)
def test_no_csv_export_holds_a_formula(client, world, export):
    url, hostile = CSV_EXPORTS[export]
    client.force_login(world["admin"])
    reply = client.get(url(world))
    assert reply.status_code == 200, reply.content[:300]
    live, cells = _live_csv(reply.content.decode("utf-8-sig"))
    assert live == []
    for value in hostile:
        assert "'" + value in cells, (value, sorted(cells))
