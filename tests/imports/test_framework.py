"""The import framework itself: who is registered, the floor it stands on, and what it shares."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from peili.imports import registry
from peili.imports.columns import Column, Headers, normalise_header
from peili.imports.enums import BaseProblemCode, ImportStatus
from peili.imports.problems import problem_maker
from peili.imports.report import problems_csv
from peili.org.importing.enums import ProblemCode as PeopleCode
from peili.org.models import ImportJob
from peili.records.importing.enums import ProblemCode as RecordsCode
from peili.records.models import RecordImportJob

IMPORTS = Path(__file__).resolve().parents[2] / "peili" / "imports"
# The apps above `imports` (policy and every app over it): it may import none of them.
ABOVE = (
    "peili.org",
    "peili.records",
    "peili.policy",
    "peili.accounts",
    "peili.catalog",
    "peili.enrolment",
    "peili.attendance",
    "peili.surveys",
    "peili.reports",
    "peili.demo",
    "peili.api",
    "peili.notifications",
)


def test_both_importers_are_registered_with_their_jobs_tasks_and_pages():
    people, records = registry.get("people"), registry.get("records")
    assert (people.job_model, people.task.name, people.namespace, people.permission) == (
        ImportJob,
        "org.run_import_job",
        "org",
        "org.import_people",
    )
    assert (records.job_model, records.task.name, records.namespace, records.permission) == (
        RecordImportJob,
        "records.run_import_job",
        "records",
        "records.import_records",
    )
    assert registry.by_task("org.run_import_job") is people
    assert registry.by_task("org.tidy_import_jobs") is None
    assert registry.by_model(RecordImportJob) is records


def test_registering_another_importer_under_a_taken_key_is_refused():
    people = registry.get("people")
    assert registry.register(people) is people  # the same declaration again (a reloaded app) is fine
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.Importer(**{**people.__dict__, "title": "x"}))


def test_the_framework_imports_no_app_above_it():
    found = []
    for path in IMPORTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            found += [f"{path.name}: {n}" for n in names if n.startswith(ABOVE)]
    assert found == []


def test_the_importers_codes_do_not_repeat_the_base_codes():
    base = set(BaseProblemCode.values)
    assert base & set(PeopleCode.values) == set()
    assert base & set(RecordsCode.values) == set()
    assert registry.get("people").code_label("value.required") == str(BaseProblemCode.VALUE_REQUIRED.label)
    assert registry.get("records").code_label("hours.zero") == str(RecordsCode.HOURS_ZERO.label)


def test_a_problem_is_a_warning_only_where_its_importer_says_so():
    problem = problem_maker({PeopleCode.COLUMN_UNKNOWN})
    warned = problem(1, "備註", "x", PeopleCode.COLUMN_UNKNOWN)
    wrong = problem(3, "姓名", 1.0, BaseProblemCode.VALUE_TOO_LONG, max=60)
    assert (warned.severity, warned.code) == ("warning", "column.unknown")
    assert (wrong.severity, wrong.value, wrong.message) == ("error", "1", "內容過長：最多 60 個字。")


def test_headers_are_matched_by_any_spelling_and_without_a_hint():
    headers = Headers(
        [Column("gender", "性別", True, aliases=("性別代碼",)), Column("name", "姓名", True)],
        strip_hint=lambda value: value.split("(")[0],
    )
    assert [headers.key(h) for h in ("性別(男/女)*", " 性 別 ", "性別代碼", "姓名＊", "", None, "其他")] == [
        "gender",
        "gender",
        "gender",
        "name",
        None,
        None,
        None,
    ]
    assert normalise_header("Ｅ－ＭＡＩＬ *") == "e-mail"


def test_the_problems_csv_names_the_whole_file_and_guards_formulas():
    report = {
        "problems": [
            {"row": 0, "column": "", "value": "", "code": "file.empty", "message": "空檔", "severity": "error"},
            {"row": 2, "column": "姓名", "value": "=1+1", "code": "x", "message": "m", "severity": "warning"},
        ]
    }
    lines = problems_csv(report).splitlines()
    assert lines[1].startswith("整個檔案,")
    assert lines[2] == "2,姓名,'=1+1,x,m,提醒"


def test_job_states_are_shared():
    assert ImportJob._meta.get_field("status").choices == RecordImportJob._meta.get_field("status").choices
    assert ImportJob._meta.get_field("status").default == ImportStatus.QUEUED
    assert (ImportJob._meta.db_table, RecordImportJob._meta.db_table) == ("org_importjob", "records_recordimportjob")
