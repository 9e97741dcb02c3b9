"""The learning-records import against the database: records and splits written (COPY on
PostgreSQL), standings brought up to date, all-or-nothing, de-duplication and an idempotent
re-import, the importer's scope, one audit entry, jobs, the command, and a query count that does
not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peili.core import locking
from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from peili.imports.enums import ImportStatus
from peili.records import services as ledger
from peili.records.enums import RecordSource
from peili.records.importing import services
from peili.records.importing.services import records_import
from peili.records.models import LearningRecord, RecordHours, RecordImportJob, YearStanding
from tests.factories import PersonFactory, UserFactory, grant
from tests.records.conftest import data
from tests.records.importing_files import TODAY, portal_csv, portal_row, template_csv, template_row

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def staff(person, tree):
    """People in the officer's subtree (a, a1) and outside it (b); `person` loads the packs."""
    return {
        "a": PersonFactory(agency=tree["a"], name="王小明"),
        "a1": PersonFactory(agency=tree["a1"], name="林美玲"),
        "b": PersonFactory(agency=tree["b"], name="陳志明"),
    }


@pytest.fixture
def subtree_officer(tree):
    user = UserFactory(username="records-officer")
    grant(user, "personnel_officer", tree["a"])
    return user


def run(file: bytes, *, actor=None, **options):
    return services.records_import(file, actor=actor, filename="records.csv", today=TODAY, **options)


def ledger_state():
    return {
        "records": list(LearningRecord.objects.order_by("pk").values()),
        "hours": list(RecordHours.objects.order_by("pk").values()),
        "standings": list(YearStanding.objects.order_by("pk").values("person_id", "year", "total", "records")),
        "audit": AuditEntry.objects.count(),
    }


def portal_file(staff, *, extra=()):
    a, a1 = staff["a"], staff["a1"]
    return portal_csv(
        [
            portal_row(a.national_id, name=a.name, code="201", hours="2", digital="2", mode="1"),
            portal_row(a.national_id, name=a.name, code="303", hours="1", digital="1", mode="1"),
            portal_row(a1.national_id, name=a1.name, title="人權教育", code="301", hours="3"),
            portal_row(a.national_id, name=a.name, title="行政中立", code="301", hours="2", end="115-03-03"),
            *extra,
        ]
    )


def test_a_portal_file_is_loaded_with_its_splits_standings_and_one_audit_entry(staff, admin_user):
    outcome = run(portal_file(staff), actor=admin_user, source_system="portal")
    assert (outcome.ok, outcome.written, outcome.layout) == (True, True, "portal")
    assert outcome.counts.as_dict() | {"standings": 0} == {
        "rows": 4,
        "records": 3,
        "new": 3,
        "duplicates": 0,
        "bad": 0,
        "people": 2,
        "hours": "8",
        "standings": 0,
    }
    assert outcome.counts.standings == 2
    assert outcome.years == {2026: 3}
    record = LearningRecord.objects.get(person=staff["a"], title="環境教育：淨零轉型")
    assert (record.source, record.year, record.start_date, record.end_date) == (
        RecordSource.IMPORT,
        2026,
        date(2026, 3, 2),
        date(2026, 3, 2),
    )
    assert (record.certified_hours, record.digital_hours, record.classroom_hours, record.mode) == (
        D(3),
        D(3),
        D(0),
        "digital",
    )
    assert (record.created_by, record.external_key.startswith("h:"), record.superseded_by) == (admin_user, True, None)
    assert sorted(record.hours.values_list("code", "hours")) == [("201", D(2)), ("303", D(1))]
    assert LearningRecord.objects.get(title="行政中立").end_date == date(2026, 3, 3)
    standing = YearStanding.objects.get(person=staff["a"], year=2026)
    assert (standing.total, standing.records) == (D(5), 2)
    assert YearStanding.objects.get(person=staff["a1"], year=2026).total == D(3)
    entry = AuditEntry.objects.get(action="records.import")
    assert entry.actor == admin_user
    assert entry.after["new"] == 3
    assert entry.after["years"] == {"2026": 3}
    assert set(outcome.timings) >= {"read_and_check", "lookups", "match", "standings", "commit", "total"}


def test_a_dry_run_counts_and_writes_nothing(staff):
    before = ledger_state()
    outcome = run(portal_file(staff), dry_run=True)
    assert (outcome.ok, outcome.written, outcome.counts.new, outcome.counts.people) == (True, False, 3, 2)
    assert ledger_state() == before


def test_the_template_loads_too_and_the_same_learning_is_the_same_record(staff):
    a = staff["a"]
    template = template_csv(
        [template_row(a.national_id, name=a.name, codes="201:2;303:1", mode="數位", term="1", provider="")]
    )
    assert run(template).counts.new == 1
    # The portal's export of the same course (same ID, name, dates, term) is recognised as imported.
    outcome = run(portal_file(staff))
    assert (outcome.counts.new, outcome.counts.duplicates) == (2, 1)
    assert LearningRecord.objects.filter(person=a, title="環境教育：淨零轉型").count() == 1


def test_re_importing_the_same_file_is_idempotent(staff):
    run(portal_file(staff))
    before = ledger_state()
    again = run(portal_file(staff))
    assert (again.ok, again.counts.new, again.counts.duplicates) == (True, 0, 3)
    assert [e.row for e in again.duplicates] == [2, 4, 5]
    after = ledger_state()
    assert after["records"] == before["records"]
    assert after["hours"] == before["hours"]
    assert after["standings"] == before["standings"]
    assert AuditEntry.objects.filter(action="records.import").count() == 2  # the import itself is recorded
    # A later export that overlaps writes only what is new.
    a1 = staff["a1"]
    bigger = portal_file(staff, extra=[portal_row(a1.national_id, name=a1.name, title="多元族群文化", code="301")])
    overlap = run(bigger)
    assert (overlap.counts.new, overlap.counts.duplicates) == (1, 3)
    assert LearningRecord.objects.count() == 4


def test_record_ids_of_a_named_source_system_are_the_key(staff):
    a = staff["a"]
    first = template_csv([template_row(a.national_id, name=a.name, record_id="E-001")])
    run(first, source_system="e等公務園")
    assert LearningRecord.objects.get().external_key == "e等公務園:E-001"
    corrected = template_csv([template_row(a.national_id, name=a.name, record_id="E-001", certified_hours="4")])
    assert run(corrected, source_system="e等公務園").counts.duplicates == 1  # the same record: not again
    assert run(corrected, source_system="另一平臺").counts.new == 1  # another system's E-001


def test_one_bad_row_and_nothing_is_written(staff, officer):
    ledger.record_create(person=staff["a"], data=data(), actor=officer)
    before = ledger_state()
    a = staff["a"]
    bad = portal_file(
        staff, extra=[portal_row(a.national_id, name=a.name, title="新課", hours="2", digital="1", classroom="0")]
    )
    outcome = run(bad)
    assert (outcome.ok, outcome.loadable, outcome.written) == (False, False, False)
    assert [(p.row, p.code) for p in outcome.errors] == [(6, "hours.mode_mismatch")]
    assert ledger_state() == before
    assert YearStanding.objects.get(person=a, year=2026).total == D(3)


def test_only_the_good_records_when_asked(staff):
    a = staff["a"]
    bad = portal_file(
        staff, extra=[portal_row(a.national_id, name=a.name, title="新課", hours="2", digital="1", classroom="0")]
    )
    outcome = run(bad, skip_bad=True)
    assert (outcome.ok, outcome.loadable, outcome.written) == (False, True, True)
    assert (outcome.counts.new, outcome.counts.bad, outcome.error_count) == (3, 1, 1)
    assert not LearningRecord.objects.filter(title="新課").exists()
    assert LearningRecord.objects.count() == 3


def test_a_file_with_a_missing_column_loads_nothing_even_when_asked(staff):
    header = [h for h in portal_csv([]).decode("cp950").splitlines()[0].split(",") if h != "*期別"]
    outcome = run(",".join(header).encode("cp950") + b"\r\n", skip_bad=True)
    assert (outcome.loadable, outcome.written, [p.code for p in outcome.problems]) == (
        False,
        False,
        ["column.missing"],
    )


def test_an_officer_imports_only_within_their_subtree(staff, subtree_officer):
    b = staff["b"]
    outside = portal_file(staff, extra=[portal_row(b.national_id, name=b.name, title="人權教育", code="301")])
    outcome = run(outside, actor=subtree_officer)
    assert [(p.row, p.code) for p in outcome.errors] == [(6, "person.outside_scope")]
    assert "新竹市政府教育處" not in outcome.errors[0].message
    assert LearningRecord.objects.count() == 0
    inside = run(portal_file(staff), actor=subtree_officer)
    assert (inside.written, inside.counts.new) == (True, 3)
    assert set(LearningRecord.objects.values_list("person__agency__code", flat=True)) == {
        staff["a"].agency.code,
        staff["a1"].agency.code,
    }


def test_unknown_people_are_errors_and_names_that_differ_warnings(staff):
    a = staff["a"]
    file = portal_csv(
        [portal_row(a.national_id, name="王曉明"), portal_row("A100000002", name="無此人", title="人權教育")]
    )
    outcome = run(file)
    assert [(p.row, p.code, p.severity) for p in outcome.problems] == [
        (2, "person.name_differs", "warning"),
        (3, "national_id.checksum", "error"),
    ]
    from peili.org.rules import make_national_id

    unknown = make_national_id("Z", "19999999")
    outcome = run(portal_csv([portal_row(a.national_id, name="王曉明"), portal_row(unknown, title="人權教育")]))
    assert [(p.row, p.code) for p in outcome.problems] == [(2, "person.name_differs"), (3, "person.unknown")]
    assert outcome.written is False
    warned = run(portal_csv([portal_row(a.national_id, name="王曉明")]))
    assert (warned.ok, warned.written, warned.warning_count) == (True, True, 1)


def test_the_standing_of_every_touched_year_is_recomputed(person, officer):
    a = person  # in the national jurisdiction, whose yearly rule has its portal codes
    ledger.record_create(person=a, data=data(), actor=officer)  # 3 h of 201 in 2026
    file = portal_csv(
        [
            portal_row(
                a.national_id, name=a.name, title="跨年課程", code="101", hours="1", start="114-12-30", end="115-01-02"
            ),
            portal_row(
                a.national_id, name=a.name, title="去年的課", code="301", hours="4", start="114-06-01", end="114-06-01"
            ),
        ]
    )
    outcome = run(file)
    assert outcome.years == {2026: 1, 2025: 1}
    assert (
        YearStanding.objects.get(person=a, year=2026).total,
        YearStanding.objects.get(person=a, year=2025).total,
    ) == (
        D(4),
        D(4),
    )
    standing = YearStanding.objects.get(person=a, year=2026)
    assert standing.counted["major_policy"] == "1"


def test_a_path_a_bad_source_system_and_a_file_of_nothing_new(staff, tmp_path):
    path = tmp_path / "匯出.csv"
    path.write_bytes(portal_file(staff))
    outcome = records_import(path, actor=None, today=TODAY)
    assert (outcome.filename, outcome.counts.new) == ("匯出.csv", 3)
    with pytest.raises(PeiliError) as refused:
        records_import(path, actor=None, source_system="a:b", today=TODAY)
    assert refused.value.code == "records_import.source_system"
    again = records_import(path, actor=None, today=TODAY)
    assert (again.written, again.counts.new) == (True, 0)


def test_the_queries_do_not_grow_with_the_rows(staff, person):
    def queries(count: int) -> int:
        people = [PersonFactory(agency=staff["a"].agency) for _ in range(count)]
        rows = [portal_row(p.national_id, name=p.name, title=f"課程{count}-{n}") for n, p in enumerate(people)]
        rows += [
            portal_row(p.national_id, name=p.name, title=f"課程{count}-{n}", code="303", hours="1")
            for n, p in enumerate(people)
        ]
        with CaptureQueriesContext(connection) as captured:
            outcome = run(portal_csv(rows))
        assert outcome.counts.new == count
        return len(captured.captured_queries)

    queries(2)  # the packs and the policy stamp are read once per process
    assert queries(3) == queries(40)


def test_postgresql_writes_with_copy(staff, on_postgres):
    with CaptureQueriesContext(connection) as captured:
        run(portal_file(staff))
    copies = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("COPY")]
    assert any("records_learningrecord" in sql for sql in copies)
    assert any("records_recordhours" in sql for sql in copies)
    ids = list(LearningRecord.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 3
    # The sequence moved past the ids the import drew: the next record gets a fresh one.
    later = ledger.record_create(person=staff["b"], data=data(), actor=None)
    assert later.pk > max(ids)


@pytest.mark.django_db(transaction=True)
def test_postgresql_looks_up_on_a_second_connection_while_the_file_is_read(staff, on_postgres, monkeypatch):
    """Outside a caller's transaction the look-ups go to a second connection in pipeline mode (here
    one look-up per two records, to have several in flight), the load holding the import lock."""
    from django.db import transaction

    assert not transaction.get_connection().in_atomic_block
    monkeypatch.setattr(services, "CHUNK", 2)
    with CaptureQueriesContext(connection) as captured:
        first = run(portal_file(staff))
    assert (first.written, first.counts.new) == (True, 3)
    sql = [q["sql"] for q in captured.captured_queries]
    assert any("pg_advisory_lock" in q for q in sql)
    assert any("pg_advisory_unlock" in q for q in sql)
    assert any("in parallel" in q for q in sql)
    again = run(portal_file(staff))
    assert (again.written, again.counts.new, again.counts.duplicates) == (True, 0, 3)
    preview = run(
        portal_file(staff, extra=[portal_row(staff["b"].national_id, name="陳志明", title="新課")]), dry_run=True
    )
    assert (preview.written, preview.counts.new, preview.counts.duplicates) == (False, 1, 3)
    key = locking.advisory_key(services._IMPORT_LOCK)
    with connection.cursor() as cursor:  # the lock was given back
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
            " WHERE l.locktype = 'advisory' AND d.datname = current_database()"
            " AND l.classid::bigint = %s AND l.objid::bigint = %s",
            [(key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF],
        )
        assert cursor.fetchone()[0] == 0


# -- jobs -------------------------------------------------------------------------------------------


def test_a_job_previews_then_loads(staff, subtree_officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(data=portal_file(staff), filename="匯出.csv", actor=subtree_officer)
    job.refresh_from_db()
    assert (job.status, job.validate_only, job.report["counts"]["new"]) == (ImportStatus.PREVIEW, True, 3)
    assert LearningRecord.objects.count() == 0
    assert bytes(job.content)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_load(job=job, actor=subtree_officer)
    job.refresh_from_db()
    assert (job.status, job.report["written"], bytes(job.content)) == (ImportStatus.DONE, True, b"")
    assert LearningRecord.objects.count() == 3
    assert AuditEntry.objects.get(action="records.import").object_id == str(job.pk)
    with pytest.raises(PeiliError):
        services.import_job_load(job=job, actor=subtree_officer)


def test_a_job_with_errors_is_invalid_and_forgets_the_file(staff, subtree_officer, django_capture_on_commit_callbacks):
    b = staff["b"]
    file = portal_csv([portal_row(b.national_id, name=b.name)])
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(data=file, filename="x.csv", actor=subtree_officer)
    job.refresh_from_db()
    assert (job.status, bytes(job.content), job.report["error_count"]) == (ImportStatus.INVALID, b"", 1)


def test_a_job_whose_uploader_is_gone_fails(staff, django_capture_on_commit_callbacks):
    job = RecordImportJob.objects.create(filename="x.csv", content=portal_file(staff), created_by=None)
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "帳號已不存在" in job.report["error"]


def test_tidy_fails_stale_jobs_and_forgets_old_files(staff, settings):
    stale = RecordImportJob.objects.create(filename="a.csv", content=b"x", status=ImportStatus.RUNNING)
    old = RecordImportJob.objects.create(filename="b.csv", content=b"x", status=ImportStatus.PREVIEW)
    RecordImportJob.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - timedelta(minutes=settings.PEILI_IMPORT_STALE_MINUTES + 1)
    )
    RecordImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.PEILI_IMPORT_KEEP_DAYS + 1)
    )
    assert services.import_jobs_tidy() == {"failed": 1, "cleared": 1}
    assert set(RecordImportJob.objects.values_list("status", flat=True)) == {ImportStatus.FAILED}


# -- the command ---------------------------------------------------------------------------------------


def test_the_command_checks_then_loads(staff, tmp_path, capsys, admin_user):
    path = tmp_path / "portal.csv"
    path.write_bytes(portal_file(staff))
    call_command("import_records", str(path), "--dry-run", "--as", admin_user.username)
    out = capsys.readouterr().out
    assert "檢查通過（試算，未寫入任何資料）" in out
    assert "新增學習紀錄 3 筆（2 人，共 8 小時）" in out
    assert LearningRecord.objects.count() == 0
    call_command("import_records", str(path), "--source-system", "portal", "--timings")
    out = capsys.readouterr().out
    assert "匯入完成" in out
    assert "read_and_check" in out
    assert LearningRecord.objects.count() == 3
    call_command("import_records", str(path))
    assert "已匯入過而略過 3 筆" in capsys.readouterr().out


def test_the_command_refuses_a_bad_file_and_an_account_without_the_permission(staff, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    a = staff["a"]
    path.write_bytes(portal_csv([portal_row(a.national_id, name=a.name, hours="x", classroom="3")]))
    with pytest.raises(CommandError) as failed:
        call_command("import_records", str(path))
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert "第 2 列　訓練總數「x」：時數須為數字" in out
    assert "hours.invalid" in out
    UserFactory(username="nobody")
    with pytest.raises(CommandError, match="沒有匯入學習紀錄的權限"):
        call_command("import_records", str(path), "--as", "nobody")
    with pytest.raises(CommandError, match="無法讀取檔案"):
        call_command("import_records", str(tmp_path / "missing.csv"))
