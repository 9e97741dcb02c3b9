"""The learning-records upload page end to end with Django's test client: upload, progress,
preview with its problems, confirm, result, the downloads, and who may see which job."""

from __future__ import annotations

import io
import re

import pytest
from billiard.exceptions import WorkerLostError
from celery.signals import task_failure
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from config.celery import app as celery_app
from peili.imports.enums import ImportStatus
from peili.records.importing.reading import read_table
from peili.records.importing.rules import Options, parse
from peili.records.models import LearningRecord, RecordImportJob, YearStanding
from tests import importing_corpus as corpus
from tests.factories import PersonFactory, UserFactory, grant
from tests.records.importing_files import TODAY, portal_csv, portal_row

URL = "/records/import/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(person, tree):
    return {"a": PersonFactory(agency=tree["a"], name="王小明"), "b": PersonFactory(agency=tree["b"], name="陳志明")}


@pytest.fixture
def signed_in(client, tree):
    user = UserFactory(username="records-officer")
    grant(user, "personnel_officer", tree["a"])
    client.force_login(user)
    client.user = user
    return client


def upload(client, data, *, name="portal.csv", htmx=False, **extra):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **extra}, **headers)


def good_file(staff) -> bytes:
    a = staff["a"]
    return portal_csv(
        [
            portal_row(a.national_id, name=a.name, code="201", hours="2"),
            portal_row(a.national_id, name=a.name, code="303", hours="1"),
        ]
    )


def test_the_page_has_the_form_the_template_link_and_the_layouts(signed_in):
    response = signed_in.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="source_system"' in html
    checkbox = re.search(r'<input type="checkbox" name="skip_bad"[^>]*>', html).group(0)
    assert "checked" not in checkbox  # all-or-nothing is the default
    assert "只匯入正確的列" in html
    assert "/records/import/template.xlsx" in html
    assert "peili/import.js" in html
    assert "<progress" in html
    assert "課程類別代碼" in html  # the portal's columns are described
    assert "style=" not in html
    assert "<script>" not in html


def test_upload_preview_confirm_result(signed_in, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(signed_in, good_file(staff))
    job = RecordImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/records/import/job/?job={job.pk}"
    assert job.status == ImportStatus.PREVIEW
    assert LearningRecord.objects.count() == 0

    preview = signed_in.get(response["Location"]).content.decode()
    assert "檢查通過，尚未匯入任何資料" in preview
    assert "預計匯入" in preview
    assert "1 筆" in preview
    assert "3 小時" in preview
    assert "115 年度 1 筆" in preview
    assert "Big5（cp950）" in preview
    assert 'action="/records/import/job/load/"' in preview

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/records/import/job/load/", {"job": job.pk})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.loaded_by) == (ImportStatus.DONE, signed_in.user)
    assert LearningRecord.objects.get().certified_hours == 3
    assert YearStanding.objects.get(person=staff["a"], year=2026).total == 3
    done = signed_in.get(f"/records/import/job/?job={job.pk}").content.decode()
    assert "匯入完成" in done
    assert "匯入結果" in done
    assert 'action="/records/import/job/load/"' not in done

    # The same file again: everything is skipped, and listed masked.
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, good_file(staff))
    again = RecordImportJob.objects.order_by("-pk").first()
    page = signed_in.get(f"/records/import/job/?job={again.pk}").content.decode()
    assert "已匯入過而略過：1 筆" in page
    assert staff["a"].national_id not in page
    assert staff["a"].national_id[:3] + "****" in page


def test_problems_are_listed_and_downloadable(signed_in, staff, django_capture_on_commit_callbacks):
    a, b = staff["a"], staff["b"]
    bad = portal_csv(
        [
            portal_row(a.national_id, name=a.name, hours="x", classroom="3"),
            portal_row(b.national_id, name=b.name, title="人權教育"),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(signed_in, bad)
    job = RecordImportJob.objects.get()
    assert job.status == ImportStatus.INVALID
    page = signed_in.get(response["Location"]).content.decode()
    assert "發現 2 項錯誤，未匯入任何資料" in page
    assert "時數須為數字" in page
    assert "不在您的管理範圍內" in page
    assert 'action="/records/import/job/load/"' not in page
    csv_response = signed_in.get(f"/records/import/job/problems.csv?job={job.pk}")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "列,欄位,內容,代碼,說明,類別"
    assert "hours.invalid" in text
    assert "person.outside_scope" in text
    assert LearningRecord.objects.count() == 0


def test_only_the_good_records_when_the_box_is_ticked(signed_in, staff, django_capture_on_commit_callbacks):
    a, b = staff["a"], staff["b"]
    mixed = portal_csv(
        [portal_row(a.national_id, name=a.name), portal_row(b.national_id, name=b.name, title="人權教育")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, mixed, skip_bad="on", source_system="入口網站")
    job = RecordImportJob.objects.get()
    assert (job.status, job.skip_bad, job.source_system) == (ImportStatus.PREVIEW, True, "入口網站")
    page = signed_in.get(f"/records/import/job/?job={job.pk}").content.decode()
    assert "有錯誤的紀錄不匯入，其餘紀錄可以匯入" in page
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/records/import/job/load/", {"job": job.pk})
    assert list(LearningRecord.objects.values_list("person", flat=True)) == [a.pk]


def test_the_htmx_upload_redirects_the_client_and_a_bad_form_comes_back(
    signed_in, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(signed_in, good_file(staff), htmx=True)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/records/import/job/?job=")
    refused = upload(signed_in, b"x", name="notes.pdf", htmx=True)
    assert refused.status_code == 200
    assert "請上傳 .xlsx 或 .csv 檔" in refused.content.decode()
    assert 'id="import-form"' in refused.content.decode()
    bad_system = upload(signed_in, good_file(staff), source_system="a:b", htmx=True)
    assert "不含冒號" in bad_system.content.decode()
    assert RecordImportJob.objects.count() == 1


def test_progress_while_running_and_a_refresh_when_done(signed_in, staff):
    job = RecordImportJob.objects.create(
        created_by=signed_in.user, filename="x.csv", status=ImportStatus.RUNNING, stage="validating", progress=30
    )
    fragment = signed_in.get(f"/records/import/job/status/?job={job.pk}").content.decode()
    assert 'value="30"' in fragment
    assert "逐列檢查" in fragment
    page = signed_in.get(f"/records/import/job/?job={job.pk}").content.decode()
    assert 'hx-trigger="every 1s"' in page
    RecordImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    done = signed_in.get(f"/records/import/job/status/?job={job.pk}", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_jobs_are_seen_by_their_uploader_and_administrators_only(client, signed_in, staff, admin_user):
    job = RecordImportJob.objects.create(created_by=signed_in.user, filename="x.csv", status=ImportStatus.DONE)
    other = UserFactory()
    grant(other, "personnel_officer", staff["a"].agency)
    client.force_login(other)
    assert client.get(f"/records/import/job/?job={job.pk}").status_code == 404
    assert client.get(f"/records/import/job/problems.csv?job={job.pk}").status_code == 404
    assert client.post("/records/import/job/load/", {"job": job.pk}).status_code == 404
    assert client.get("/records/import/job/?job=x").status_code == 404
    client.force_login(admin_user)
    assert client.get(f"/records/import/job/?job={job.pk}").status_code == 200


def test_loading_a_job_that_is_not_a_preview_is_refused(signed_in):
    job = RecordImportJob.objects.create(created_by=signed_in.user, filename="x.csv", status=ImportStatus.INVALID)
    response = signed_in.post("/records/import/job/load/", {"job": job.pk}, follow=True)
    assert "這份檔案目前無法匯入" in response.content.decode()


def test_the_template_downloads_and_reads_back_clean(signed_in, staff):
    response = signed_in.get("/records/import/template.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["學習紀錄", "欄位說明"]
    header = [c.value for c in workbook["學習紀錄"][1]]
    assert header[:3] == ["身分證字號*", "姓名*", "課程名稱*"]
    # The examples read clean: a split in one cell, and one over two rows.
    parsed = parse(read_table(data, "範本.xlsx"), Options(today=TODAY, mode_codes={}))
    assert parsed.problems.sorted() == []
    assert [e.split for e in parsed.entries] == [{"201": 2, "303": 1}, {"101": 1, "522": 1}]


# -- files refused before they are kept (issue 11): the page answers with the reason ---------------


@pytest.mark.parametrize(
    ("build", "name", "message"),
    [
        (
            lambda: corpus.zip_bomb("records", corpus.SHEET, 400 * corpus.MB),
            "portal.xlsx",
            "這個 Excel 檔解壓縮後超過 300 MB，無法讀取：請分檔，或另存為 CSV 後再上傳。",
        ),
        (
            lambda: corpus.with_part("records", corpus.STRINGS, corpus.external_entity),
            "portal.xlsx",
            "這個 Excel 檔含有文件類型定義（DTD）或實體宣告，基於安全不予讀取：請在 Excel 中另存新檔後再上傳。",
        ),
        (
            lambda: corpus.records_csv("utf-8") + b"1," * 1_000_000 + b"\r\n",
            "portal.csv",
            "第 6 列超過 256 欄：請刪除多餘的欄位後再上傳。",
        ),
        (lambda: b"x\n" * 2_000_001, "portal.csv", "資料超過 2,000,000 列，請分檔匯入。"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_file_refused_before_it_is_kept_is_answered_on_the_page(signed_in, build, name, message, htmx):
    response = upload(signed_in, build(), name=name, htmx=htmx)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert message in html
    assert RecordImportJob.objects.count() == 0


def test_the_upload_limit_is_the_setting(signed_in, settings):
    settings.PEILI_IMPORT_MAX_BYTES = 3 * 1024 * 1024
    assert "最大 3 MB" in signed_in.get(URL).content.decode()
    response = upload(signed_in, b"a," * (2 * 1024 * 1024))
    assert "檔案超過 3 MB，請分檔上傳，或請系統管理者以指令匯入。" in response.content.decode()
    assert RecordImportJob.objects.count() == 0


def test_a_job_whose_worker_was_lost_is_failed_at_once(signed_in, staff):
    job = RecordImportJob.objects.create(
        created_by=signed_in.user, filename="x.csv", status=ImportStatus.RUNNING, stage="validating", progress=0
    )
    task_failure.send(
        sender=celery_app.tasks["records.run_import_job"], exception=WorkerLostError(), args=[job.pk], kwargs={}
    )
    page = signed_in.get(f"/records/import/job/?job={job.pk}").content.decode()
    assert "處理程序意外中止，未匯入任何資料；請重新上傳，若再發生請分檔或洽系統管理者。" in page
    assert RecordImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED
