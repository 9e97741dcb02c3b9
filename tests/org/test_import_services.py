"""The staff-list import against the database: all-or-nothing, re-import changes and their audit
trail, scope, "not in file", ratings, jobs, the command, and a query count independent of the rows."""

from __future__ import annotations

from datetime import date

import pytest
from billiard.exceptions import WorkerLostError
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from peili.core.errors import Conflict
from peili.core.models import AuditEntry
from peili.core.tabular import Refusal
from peili.imports.enums import ImportStage, ImportStatus
from peili.org.importing import services
from peili.org.models import AnnualRating, ImportJob, Person, Unit
from tests.factories import PersonFactory, UnitFactory
from tests.org.fixtures import AGENCY_A, AGENCY_A1, AGENCY_B, HEADER, TODAY, nid, person_row, staff_csv


def run(rows, *, actor=None, dry_run=False, header=None, **options):
    return services.people_import(
        data=staff_csv(rows, header=header),
        filename="staff.csv",
        actor=actor,
        dry_run=dry_run,
        today=TODAY,
        **options,
    )


def state():
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "units": Unit.objects.count(),
        "ratings": list(AnnualRating.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


def problems(outcome):
    return [(p.row, p.column, p.value, p.code, p.message) for p in outcome.problems]


BAD_ROWS = [
    person_row(1),
    person_row(2, 身分證字號="A123456788"),
    person_row(3, 職等="10"),
    person_row(4, 出生日期="111/02/30"),
]


def test_a_file_with_bad_rows_writes_nothing_and_reports_each_problem(tree):
    before = state()
    outcome = run(BAD_ROWS)
    assert not outcome.ok
    assert not outcome.written
    assert problems(outcome) == [
        (3, "身分證字號*", "A123456788", "national_id.checksum", "身分證字號檢查碼不符，請核對是否輸入錯誤。"),
        (4, "職等", "10", "grade.out_of_range", "薦任的職等須在第 6 至第 9 職等之間。"),
        (5, "出生日期*", "111/02/30", "date.invalid", "日期無法辨識：該月沒有第 30 日。"),
    ]
    assert state() == before


def test_the_corrected_file_loads(tree):
    fixed = [
        person_row(1),
        person_row(2),
        person_row(3),
        person_row(4, 出生日期="080/02/28", 單位代碼="U02", 單位名稱="秘書室"),
    ]
    outcome = run(fixed)
    assert outcome.ok
    assert outcome.written
    assert outcome.counts.as_dict() == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "not_in_file": 0,
        "marked_left": 0,
        "units_created": 2,
        "ratings_written": 8,
    }
    person = Person.objects.select_related("agency", "unit").get(national_id=nid(4))
    assert (person.name, person.gender, person.birth_date) == ("王小明4", "M", date(1991, 2, 28))
    assert (person.agency.code, person.unit.code, person.unit.name) == (AGENCY_A, "U02", "秘書室")
    assert (person.category, person.grade, person.job_title, person.education_level) == ("senior", 7, "科員", 60)
    assert (person.public_service_start, person.agency_start) == (date(2011, 8, 1), date(2019, 2, 11))
    assert list(person.ratings.order_by("year").values_list("year", "rating", "kind")) == [
        (2023, "甲", "year_end"),
        (2024, "乙", "year_end"),
    ]
    assert AuditEntry.objects.filter(action="org.person_import_create").count() == 4
    assert AuditEntry.objects.filter(action="org.unit_import_create").count() == 2
    summary = AuditEntry.objects.get(action="org.person_import")
    assert summary.after == {"rows": 4, **outcome.counts.as_dict()}
    created = AuditEntry.objects.get(action="org.person_import_create", object_id=str(person.pk))
    assert created.before is None
    assert created.after["national_id"] == f"{nid(4)[:3]}****{nid(4)[-3:]}"  # never in full in the audit log
    assert created.after["birth_date"] == "1991-02-28"
    assert created.after["rating_2024"] == "乙"
    assert created.note == "staff.csv 第 5 列"


def test_a_big5_file_loads_names_only_cp950_has(tree):
    rows = [person_row(1, 姓名="林碁峰"), person_row(2, 姓名="張銹華", 出生日期="1990-05-06")]
    outcome = services.people_import(
        data=staff_csv(rows, encoding="cp950"), filename="staff.csv", actor=None, dry_run=False, today=TODAY
    )
    assert outcome.written
    assert outcome.encoding == "cp950"
    assert sorted(Person.objects.values_list("name", flat=True)) == ["張銹華", "林碁峰"]


def test_reimport_reports_updated_and_unchanged_with_before_and_after(tree, admin_user):
    run([person_row(1), person_row(2), person_row(3)])
    audit_before = AuditEntry.objects.count()
    changed = person_row(2, 職稱="專員", 職等="8", 主管="是", 考績113="甲")
    outcome = run([person_row(1), changed, person_row(3)], actor=admin_user)
    assert outcome.written
    assert (outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (0, 1, 2)
    assert outcome.counts.ratings_written == 1
    (change,) = outcome.changes
    assert [(c.field, c.old, c.new) for c in change.changes] == [
        ("job_title", "科員", "專員"),
        ("grade", 7, 8),
        ("is_supervisor", False, True),
        ("rating_2024", "乙", "甲"),
    ]
    person = Person.objects.get(national_id=nid(2))
    assert (person.job_title, person.grade, person.is_supervisor) == ("專員", 8, True)
    assert person.ratings.get(year=2024).rating == "甲"
    assert AnnualRating.objects.filter(person=person).count() == 2  # upserted, not added
    entries = AuditEntry.objects.filter(pk__gt=0).order_by("pk")[audit_before:]
    assert [e.action for e in entries] == ["org.person_import_update", "org.person_import"]
    update = entries[0]
    assert update.actor == admin_user
    assert update.object_id == str(person.pk)
    assert update.before == {"job_title": "科員", "grade": 7, "is_supervisor": False, "rating_2024": "乙"}
    assert update.after == {"job_title": "專員", "grade": 8, "is_supervisor": True, "rating_2024": "甲"}


def test_an_unchanged_reimport_writes_only_the_summary(tree):
    rows = [person_row(1), person_row(2)]
    run(rows)
    before = state()
    outcome = run(rows)
    assert (outcome.counts.updated, outcome.counts.unchanged) == (0, 2)
    after = state()
    assert after["audit"] == before["audit"] + 1
    assert after["people"] == before["people"]


def test_a_column_missing_from_the_file_keeps_what_is_stored(tree):
    run([person_row(1)])
    header = [h for h in HEADER if h not in {"電子郵件", "考績112", "考績113"}]
    outcome = run([person_row(1)], header=header)
    assert (outcome.counts.updated, outcome.counts.unchanged) == (0, 1)
    person = Person.objects.get(national_id=nid(1))
    assert person.email == "staff1@example.gov.tw"
    assert person.ratings.count() == 2


def test_people_missing_from_the_file_are_reported_not_deactivated(tree):
    missing = PersonFactory(agency=tree["a"], name="林不在")
    elsewhere = PersonFactory(agency=tree["b"], name="陳他處")
    outcome = run([person_row(1)])
    assert [(a.name, a.agency) for a in outcome.not_in_file] == [("林不在", AGENCY_A)]
    assert outcome.counts.not_in_file == 1
    missing.refresh_from_db()
    elsewhere.refresh_from_db()
    assert missing.is_active
    assert elsewhere.is_active


def test_marking_the_missing_as_left_is_explicit_and_audited(tree):
    missing = PersonFactory(agency=tree["a"], name="林不在")
    outcome = run([person_row(1)], mark_missing_left=True)
    assert outcome.counts.marked_left == 1
    missing.refresh_from_db()
    assert missing.is_active is False
    entry = AuditEntry.objects.get(action="org.person_import_mark_left")
    assert (entry.object_id, entry.before, entry.after) == (str(missing.pk), {"is_active": True}, {"is_active": False})
    assert missing.left_on == timezone.localdate()


def test_dry_run_reports_what_would_change_and_writes_nothing(tree):
    run([person_row(1)])
    before = state()
    outcome = run([person_row(1, 職稱="專員"), person_row(2)], dry_run=True)
    assert outcome.ok
    assert not outcome.written
    assert (outcome.counts.created, outcome.counts.updated) == (1, 1)
    assert state() == before


def test_officer_cannot_import_into_an_agency_outside_the_subtree(tree, officer):
    before = state()
    outcome = run([person_row(1), person_row(2, 機關代碼=AGENCY_B, 單位代碼="")], actor=officer)
    assert problems(outcome) == [
        (3, "機關代碼*", AGENCY_B, "agency.out_of_scope", "機關「新竹市政府教育處」不在您的管理範圍內。")
    ]
    assert state() == before


def test_officer_imports_into_the_subtree(tree, officer):
    outcome = run([person_row(1), person_row(2, 機關代碼=AGENCY_A1, 單位代碼="")], actor=officer)
    assert outcome.written
    assert Person.objects.filter(agency__code__in=[AGENCY_A, AGENCY_A1]).count() == 2


def test_officer_cannot_take_over_someone_from_an_agency_outside_the_subtree(tree, officer):
    PersonFactory(agency=tree["b"], national_id=nid(1), name="王小明1")
    before = state()
    outcome = run([person_row(1)], actor=officer)
    assert problems(outcome) == [
        (
            2,
            "身分證字號*",
            nid(1),
            "person.outside_scope",
            "此身分證字號已屬其他機關人員，不在您的管理範圍內；跨機關調任請洽原機關或系統管理者處理。",
        )
    ]
    assert state() == before


def test_admin_moves_someone_between_agencies(tree, admin_user):
    person = PersonFactory(agency=tree["b"], national_id=nid(1), name="王小明1")
    outcome = run([person_row(1)], actor=admin_user)
    assert outcome.written
    person.refresh_from_db()
    assert person.agency_id == tree["a"].pk


def test_a_move_by_a_file_without_unit_columns_does_not_keep_the_old_agencys_unit(tree, admin_user):
    old_unit = UnitFactory(agency=tree["b"], code="U09", name="學務科")
    person = PersonFactory(agency=tree["b"], unit=old_unit, national_id=nid(1), name="王小明1")
    header = [h for h in HEADER if not h.startswith("單位")]
    outcome = run([person_row(1)], actor=admin_user, header=header)
    assert outcome.written
    person.refresh_from_db()
    assert (person.agency_id, person.unit_id) == (tree["a"].pk, None)


def test_existing_units_are_reused(tree):
    unit = UnitFactory(agency=tree["a"], code="U01", name="考訓科")
    outcome = run([person_row(1)])
    assert outcome.counts.units_created == 0
    assert Person.objects.get().unit_id == unit.pk


def _queries(rows) -> int:
    with CaptureQueriesContext(connection) as captured:
        outcome = run(rows)
    assert outcome.written, outcome.problems
    # The import's own SQL: moving the identity stamp writes Django's cache, which is Redis in
    # production and the database cache table (in its own savepoint) only in the embedded default.
    sql = [q["sql"] for q in captured.captured_queries]
    cache = {i for i, text in enumerate(sql) if "peili_cache" in text}
    for i, text in enumerate(sql):
        if text.startswith("SAVEPOINT ") and i + 1 in cache:
            name = text.split()[1]
            cache.add(i)
            cache.update(j for j in range(i, len(sql)) if sql[j] == f"RELEASE SAVEPOINT {name}")
    return len(sql) - len(cache)


def _first_and_again(first: range, second: range) -> tuple[int, int, int, int]:
    """Queries for a first import and a re-import changing every row, for two sets of people."""
    first_a = _queries([person_row(n, 單位代碼="UA", 單位名稱="甲科") for n in first])
    first_b = _queries([person_row(n, 單位代碼="UB", 單位名稱="乙科") for n in second])
    again_a = _queries([person_row(n, 單位代碼="UA", 職稱="專員", 考績113="甲") for n in first])
    again_b = _queries([person_row(n, 單位代碼="UB", 職稱="專員", 考績113="甲") for n in second])
    return first_a, first_b, again_a, again_b


def test_query_count_does_not_grow_with_the_rows(tree):
    # 10 rows and 40 rows: both fit one INSERT even on SQLite, whose 999-parameter limit Django
    # honours (47 people per INSERT); each import loads people in one query, whatever their number.
    PersonFactory(agency=tree["a"], national_id=nid(999), name="已在職")
    first_10, first_40, again_10, again_40 = _first_and_again(range(1, 11), range(101, 141))
    assert first_10 == first_40
    assert again_10 == again_40
    assert first_10 <= 12


def test_query_count_is_constant_on_postgresql(on_postgres, tree):
    # COPY and single-parameter lookups: 10 rows or 500, the same statements.
    PersonFactory(agency=tree["a"], national_id=nid(999), name="已在職")
    first_10, first_500, again_10, again_500 = _first_and_again(range(1, 11), range(1001, 1501))
    assert first_10 == first_500
    assert again_10 == again_500


# -- jobs (the upload page's background work) -----------------------------------------------------


def make_job(rows, *, actor, validate_only, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(
            data=staff_csv(rows), filename="staff.csv", actor=actor, validate_only=validate_only
        )
    job.refresh_from_db()
    return job


def test_job_previews_then_loads(tree, officer, django_capture_on_commit_callbacks):
    job = make_job(
        [person_row(1)],
        actor=officer,
        validate_only=True,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert (job.status, job.progress) == (ImportStatus.PREVIEW, 100)
    assert job.report["counts"]["created"] == 1
    assert bytes(job.content) == staff_csv([person_row(1)])  # kept until loaded
    assert Person.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_load(job=job, actor=officer)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.report["written"] is True
    assert bytes(job.content) == b""  # the file is not kept once loaded
    assert Person.objects.count() == 1
    summary = AuditEntry.objects.get(action="org.person_import")
    assert (summary.object_type, summary.object_id, summary.actor) == ("org.importjob", str(job.pk), officer)


def test_an_admin_loading_an_officers_preview_is_the_recorded_actor(
    tree, officer, admin_user, django_capture_on_commit_callbacks
):
    job = make_job(
        [person_row(1)],
        actor=officer,
        validate_only=True,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_load(job=job, actor=admin_user)
    job.refresh_from_db()
    assert (job.status, job.loaded_by) == (ImportStatus.DONE, admin_user)
    assert AuditEntry.objects.get(action="org.import_upload").actor == officer
    assert AuditEntry.objects.get(action="org.import_load_requested").actor == admin_user
    assert set(AuditEntry.objects.filter(action__startswith="org.person_import").values_list("actor", flat=True)) == {
        admin_user.pk
    }


def test_a_job_whose_uploader_is_gone_is_not_run_with_full_scope(tree, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_job_create(
            data=staff_csv([person_row(1)]), filename="staff.csv", actor=officer, validate_only=False
        )
    officer.delete()
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert Person.objects.count() == 0


def test_job_with_problems_is_invalid_and_cannot_be_loaded(tree, officer, django_capture_on_commit_callbacks):
    job = make_job(
        BAD_ROWS,
        actor=officer,
        validate_only=False,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert job.status == ImportStatus.INVALID
    assert job.report["error_count"] == 3
    assert bytes(job.content) == b""  # nothing to load: the file is not kept
    with pytest.raises(Conflict):
        services.import_job_load(job=job, actor=officer)
    assert Person.objects.count() == 0


def test_a_job_runs_once(tree, officer, django_capture_on_commit_callbacks):
    job = make_job(
        [person_row(1)],
        actor=officer,
        validate_only=False,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert job.status == ImportStatus.DONE
    services.import_job_run(job_id=job.pk)  # a redelivered task does nothing
    assert Person.objects.count() == 1
    assert AuditEntry.objects.filter(action="org.person_import").count() == 1


def test_job_failure_is_reported_and_nothing_is_written(tree, officer, monkeypatch, django_capture_on_commit_callbacks):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_write", boom)
    job = make_job(
        [person_row(1)],
        actor=officer,
        validate_only=False,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert job.status == ImportStatus.FAILED
    assert job.report == {"error": "處理時發生錯誤，未匯入任何資料；請稍後再試或洽系統管理者。"}
    assert Person.objects.count() == 0
    assert ImportJob.objects.count() == 1


# -- the command --------------------------------------------------------------------------------------


def test_command_dry_run_prints_the_plan(tree, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv([person_row(1)]))
    call_command("import_people", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "檢查通過（試算，未寫入任何資料）" in out
    assert "新增 1 人、更新 0 人、未變更 0 人" in out
    assert Person.objects.count() == 0


def test_command_loads_and_shows_changes(tree, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv([person_row(1)]))
    call_command("import_people", str(path))
    path.write_bytes(staff_csv([person_row(1, 職稱="專員")]))
    call_command("import_people", str(path))
    out = capsys.readouterr().out
    assert "匯入完成。" in out
    assert "職稱：科員 → 專員" in out
    assert Person.objects.get().job_title == "專員"


def test_command_fails_with_the_problems(tree, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv(BAD_ROWS))
    with pytest.raises(CommandError) as caught:
        call_command("import_people", str(path))
    assert caught.value.returncode == 1
    out = capsys.readouterr().out
    assert "發現 3 項錯誤，未匯入任何資料" in out
    assert "第 3 列　身分證字號*「A123456788」：身分證字號檢查碼不符" in out
    assert Person.objects.count() == 0


def test_command_as_an_officer_uses_their_scope(tree, officer, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv([person_row(1, 機關代碼=AGENCY_B, 單位代碼="")]))
    with pytest.raises(CommandError):
        call_command("import_people", str(path), "--as", "officer")
    assert "不在您的管理範圍內" in capsys.readouterr().out
    call_command("import_people", str(path))  # the system import has every agency
    assert Person.objects.get().agency.code == AGENCY_B


def test_command_refuses_an_account_without_the_permission(tree, learner, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv([person_row(1)]))
    with pytest.raises(CommandError, match="沒有匯入人員的權限"):
        call_command("import_people", str(path), "--as", "learner")


def test_tidy_fails_jobs_whose_worker_died_and_deletes_old_files(tree, officer, django_capture_on_commit_callbacks):
    from datetime import timedelta

    preview = make_job(
        [person_row(1)],
        actor=officer,
        validate_only=True,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=False):
        dead = services.import_job_create(
            data=staff_csv([person_row(2)]), filename="b.csv", actor=officer, validate_only=True
        )
    long_ago = timezone.now() - timedelta(days=8)
    ImportJob.objects.filter(pk=dead.pk).update(status=ImportStatus.RUNNING, updated_at=long_ago)
    ImportJob.objects.filter(pk=preview.pk).update(created_at=long_ago)
    assert services.import_jobs_tidy() == {"failed": 1, "cleared": 1}
    dead.refresh_from_db()
    preview.refresh_from_db()
    assert (dead.status, bytes(dead.content)) == (ImportStatus.FAILED, b"")
    assert (preview.status, bytes(preview.content)) == (ImportStatus.FAILED, b"")


def test_a_redelivered_job_whose_worker_died_is_claimed_again(tree, officer, django_capture_on_commit_callbacks):
    from datetime import timedelta

    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_job_create(
            data=staff_csv([person_row(1)]), filename="a.csv", actor=officer, validate_only=False
        )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, updated_at=timezone.now() - timedelta(hours=1)
    )
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Person.objects.count() == 1


def test_an_id_with_an_arabic_indic_digit_is_not_a_second_person(tree):
    """Issue 11: `A12345678٩` was imported as a second person beside `A123456789`."""
    assert run([person_row(1)]).written
    before = state()
    same = nid(1)[:-1] + chr(0x0660 + int(nid(1)[-1]))  # the check digit in Arabic-Indic
    outcome = run([person_row(1), person_row(2, 身分證字號=same)])
    assert not outcome.written
    assert [(p.row, p.code) for p in outcome.problems] == [(3, "national_id.characters")]
    assert state() == before
    assert Person.objects.count() == 1


# -- jobs whose work stops without finishing (issue 11): failed at once, with a reason -------------


@pytest.mark.parametrize(
    ("stop", "reason"),
    [
        (
            SoftTimeLimitExceeded(),
            "處理超過時間上限（15 分鐘），已停止，未匯入任何資料；請分檔，或另存為 CSV 後重新上傳。",
        ),
        (MemoryError(), "檔案過大，處理時記憶體不足，未匯入任何資料；請分檔後重新上傳。"),
    ],
)
def test_a_job_stopped_by_its_time_limit_or_memory_is_failed_with_the_reason(
    tree, officer, monkeypatch, django_capture_on_commit_callbacks, stop, reason
):
    def stopped(*args, **kwargs):
        raise stop

    monkeypatch.setattr(services, "_write", stopped)
    job = make_job(
        [person_row(1)],
        actor=officer,
        validate_only=False,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert (job.status, job.stage, job.progress, job.report) == (
        ImportStatus.FAILED,
        ImportStage.FINISHED,
        100,
        {"error": reason},
    )
    assert (bytes(job.content), Person.objects.count()) == (b"", 0)


def test_a_job_whose_process_is_being_stopped_is_failed_before_it_stops(tree, officer, monkeypatch):
    """A web server's worker timeout (gunicorn's SystemExit) while tasks run in the request left the
    job 「處理中 0%」 for half an hour."""

    def killed(*args, **kwargs):
        raise SystemExit(1)

    monkeypatch.setattr(services, "read_table", killed)
    job = services.import_job_create(
        data=staff_csv([person_row(1)]), filename="a.csv", actor=officer, validate_only=True
    )
    with pytest.raises(SystemExit):
        services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.report) == (
        ImportStatus.FAILED,
        {"error": "處理程序意外中止，未匯入任何資料；請重新上傳，若再發生請分檔或洽系統管理者。"},
    )


@pytest.mark.parametrize(
    ("exception", "reason"),
    [
        (
            WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL)."),
            "處理程序意外中止，未匯入任何資料；請重新上傳，若再發生請分檔或洽系統管理者。",
        ),
        (
            TimeLimitExceeded(960),
            "處理超過時間上限（15 分鐘），已停止，未匯入任何資料；請分檔，或另存為 CSV 後重新上傳。",
        ),
    ],
)
def test_a_job_whose_worker_was_killed_is_failed_by_the_failure_signal(tree, officer, exception, reason):
    """Celery's worker (main process) signals a task whose process was killed at the hard time limit
    or lost: the job is failed then, not by the stale-job sweep 30 minutes later."""
    job = services.import_job_create(
        data=staff_csv([person_row(1)]), filename="a.csv", actor=officer, validate_only=True
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, stage="validating", progress=40)
    task = celery_app.tasks["org.run_import_job"]
    task_failure.send(
        sender=task, task_id="t1", exception=exception, args=[job.pk], kwargs={}, traceback=None, einfo=None
    )
    job.refresh_from_db()
    assert (job.status, job.stage, job.report, bytes(job.content)) == (
        ImportStatus.FAILED,
        ImportStage.FINISHED,
        {"error": reason},
        b"",
    )


def test_the_failure_signal_leaves_finished_jobs_and_other_tasks_alone(
    tree, officer, django_capture_on_commit_callbacks
):
    done = make_job(
        [person_row(1)],
        actor=officer,
        validate_only=True,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=False):
        queued = services.import_job_create(
            data=staff_csv([person_row(2)]), filename="b.csv", actor=officer, validate_only=True
        )
    lost = WorkerLostError()
    task_failure.send(sender=celery_app.tasks["org.run_import_job"], exception=lost, args=[done.pk], kwargs={})
    task_failure.send(sender=celery_app.tasks["org.tidy_import_jobs"], exception=lost, args=[queued.pk], kwargs={})
    assert ImportJob.objects.get(pk=done.pk).status == ImportStatus.PREVIEW
    assert ImportJob.objects.get(pk=queued.pk).status == ImportStatus.QUEUED


def test_a_refused_file_is_not_kept(tree, officer):
    with pytest.raises(Refusal) as caught:
        services.import_job_create(data=b"," * 1_000_000, filename="a.csv", actor=officer, validate_only=True)
    assert caught.value.code == "file.too_many_columns"
    assert (ImportJob.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_the_command_reads_no_more_than_its_bound(tree, tmp_path, capsys, settings):
    settings.PEILI_IMPORT_COMMAND_MAX_BYTES = 1024 * 1024
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv([person_row(1)]) + b"#" * (2 * 1024 * 1024))
    with pytest.raises(CommandError):
        call_command("import_people", str(path))
    assert "檔案超過 1 MB，請分檔上傳。" in capsys.readouterr().out
