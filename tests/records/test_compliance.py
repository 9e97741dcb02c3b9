"""A whole year's standings recomputed in bulk, and `peili compliance`: who meets the yearly rule,
who is short and of what, for an agency subtree, as CSV, Excel and JSON."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from peili.records import services
from peili.records.models import YearStanding
from tests.factories import AgencyFactory, PersonFactory
from tests.records.conftest import data

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def office(person):
    """`person` in a bureau with a school below it; a colleague with no learning; one at the school."""
    bureau = person.agency
    school = AgencyFactory(jurisdiction=bureau.jurisdiction, parent=bureau)
    idle = PersonFactory(agency=bureau, name="林無時")
    pupil_teacher = PersonFactory(agency=school, name="張老師")
    elsewhere = PersonFactory(agency=AgencyFactory(jurisdiction=bureau.jurisdiction), name="外機關")
    services.record_create(person=person, data=data(), actor=None)
    full = {
        "major_policy": D(1),
        "environmental_education": D(4),
        "democratic_governance": D(4),
        "gender_mainstreaming": D(1),
        "information_security_general": D(10),
    }
    services.record_create(
        person=pupil_teacher, data=data(certified_hours=D(20), classroom_hours=D(20), split=full), actor=None
    )
    return {"bureau": bureau, "person": person, "idle": idle, "teacher": pupil_teacher, "elsewhere": elsewhere}


def test_a_year_is_recomputed_for_everyone_including_people_with_no_learning(office):
    YearStanding.objects.all().delete()
    assert services.standings_recompute(year=2026) == 4
    by_name = {s.person.name: s for s in YearStanding.objects.filter(year=2026).select_related("person")}
    assert (by_name["林無時"].total, by_name["林無時"].records, by_name["林無時"].missing) == (D(0), 0, D(20))
    assert by_name["張老師"].meets
    assert by_name[office["person"].name].total == D(3)


def test_recompute_agrees_with_what_each_write_kept(office):
    kept = {(s.person_id, s.total, tuple(s.shortfall_keys), s.meets) for s in YearStanding.objects.all()}
    services.standings_recompute(year=2026)
    again = {(s.person_id, s.total, tuple(s.shortfall_keys), s.meets) for s in YearStanding.objects.all()}
    assert kept <= again  # the two with records agree; the others were added


def _run(*args: str) -> str:
    out = io.StringIO()
    err = io.StringIO()
    call_command("compliance", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_command_lists_an_agency_subtree_as_csv(office):
    text = _run("--year", "2026", "--agency", office["bureau"].code, "--recompute")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("身分證字號,員工編號,姓名,機關代碼")
    names = [line.split(",")[2] for line in lines[1:]]
    assert sorted(names) == sorted([office["person"].name, "林無時", "張老師"])  # not 外機關
    idle = next(line for line in lines if "林無時" in line)
    assert "尚缺 全年學習時數 20 小時" in idle
    assert "*" in idle.split(",")[0]  # national IDs are masked


def test_the_command_writes_json_and_excel(office, tmp_path):
    items = json.loads(_run("--year", "2026", "--agency", office["bureau"].code, "--format", "json", "--recompute"))
    teacher = next(item for item in items if item["name"] == "張老師")
    assert (teacher["meets"], teacher["short_of"]) == (True, [])
    target = tmp_path / "compliance.xlsx"
    _run("--year", "2026", "--format", "xlsx", "--output", str(target), "--recompute")  # everyone
    sheet = load_workbook(target).active
    assert sheet["C1"].value == "姓名"
    assert sheet.max_row == 1 + 4


def test_the_command_refuses_an_unknown_agency_and_excel_without_a_file(office):
    with pytest.raises(CommandError, match="找不到機關"):
        _run("--year", "2026", "--agency", "nope")
    with pytest.raises(CommandError, match="--output"):
        _run("--year", "2026", "--format", "xlsx")


def test_hours_of_another_year_do_not_count(office):
    services.record_create(
        person=office["idle"], data=data(start_date=date(2025, 6, 1), end_date=date(2025, 6, 1)), actor=None
    )
    services.standings_recompute(year=2026)
    assert YearStanding.objects.get(person=office["idle"], year=2026).total == D(0)
    assert YearStanding.objects.get(person=office["idle"], year=2025).total == D(3)
