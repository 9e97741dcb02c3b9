"""The upload page end to end with Django's test client: upload, report, load, downloads, and who
may do it."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from peili.core.models import AuditEntry
from peili.imports.enums import ImportStatus
from peili.org.importing.reading import read_table
from peili.org.importing.rules import validate
from peili.org.importing.services import import_scope, load_facts
from peili.org.models import Agency, ImportJob, Person
from tests import importing_corpus as corpus
from tests.factories import AgencyFactory, UserFactory, grant
from tests.org.fixtures import AGENCY_B, TODAY, nid, person_row, staff_csv, staff_xlsx

URL = "/org/import/"


def upload(client, data, *, name="staff.csv", validate_only=True, htmx=False, **extra):
    payload = {"file": SimpleUploadedFile(name, data), **extra}
    if validate_only:
        payload["validate_only"] = "on"
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(URL, payload, **headers)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def test_the_page_has_the_form_and_the_template_link(signed_in):
    response = signed_in.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "只檢查不匯入" in html
    checkbox = re.search(r'<input type="checkbox" name="validate_only"[^>]*>', html).group(0)
    assert checkbox.endswith(" checked>")  # checking first is the default
    assert 'aria-describedby="id_validate_only_helptext"' in checkbox
    assert "/org/import/template.xlsx" in html
    assert "peili/import.js" in html
    assert "<progress" in html


def test_preview_then_load(signed_in, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(signed_in, staff_csv([person_row(1), person_row(2)]))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/org/import/job/?job={job.pk}"
    assert job.status == ImportStatus.PREVIEW
    assert Person.objects.count() == 0

    report = signed_in.get(response["Location"]).content.decode()
    assert "檢查通過，尚未匯入任何資料" in report
    assert "預計變更" in report
    assert "Q10****" in report  # masked national IDs in the change list
    assert 'action="/org/import/job/load/"' in report

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/org/import/job/load/", {"job": job.pk})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Person.objects.count() == 2
    done = signed_in.get(f"/org/import/job/?job={job.pk}").content.decode()
    assert "匯入完成" in done
    assert "匯入結果" in done


def test_reimport_shows_each_change(signed_in, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, staff_csv([person_row(1)]), validate_only=False)
        upload(signed_in, staff_csv([person_row(1, 職稱="專員", 出生日期="074/03/02")]), validate_only=False)
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == ImportStatus.DONE
    html = signed_in.get(f"/org/import/job/?job={job.pk}").content.decode()
    assert '職稱：<span class="import-old">科員</span>' in html
    assert '<span class="import-new">專員</span>' in html
    assert '<span class="import-old">74/03/01</span>' in html


def test_a_bad_file_shows_the_problem_table_and_writes_nothing(signed_in, tree, django_capture_on_commit_callbacks):
    rows = [person_row(1), person_row(2, 身分證字號="A123456788"), person_row(3, 機關代碼=AGENCY_B, 單位代碼="")]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(signed_in, staff_csv(rows), validate_only=False)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID
    assert Person.objects.count() == 0
    html = signed_in.get(response["Location"]).content.decode()
    assert 'role="alert"' in html
    assert "發現 2 項錯誤，未匯入任何資料" in html
    assert '<th scope="col">列</th>' in html
    assert "身分證字號檢查碼不符，請核對是否輸入錯誤。" in html
    assert "機關「新竹市政府教育處」不在您的管理範圍內。" in html
    assert "<code>A123456788</code>" in html

    csv_response = signed_in.get(f"/org/import/job/problems.csv?job={job.pk}")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines() == [
        "列,欄位,內容,代碼,說明,類別",
        "3,身分證字號*,A123456788,national_id.checksum,身分證字號檢查碼不符，請核對是否輸入錯誤。,錯誤",
        f"4,機關代碼*,{AGENCY_B},agency.out_of_scope,機關「新竹市政府教育處」不在您的管理範圍內。,錯誤",
    ]


def test_an_xlsx_upload(signed_in, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, staff_xlsx([person_row(1)]), name="名冊.xlsx", validate_only=False)
    assert Person.objects.get().national_id == nid(1)


def test_htmx_upload_redirects_the_page(signed_in, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(signed_in, staff_csv([person_row(1)]), htmx=True)
    job = ImportJob.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/org/import/job/?job={job.pk}"


def test_htmx_upload_of_a_wrong_kind_of_file_returns_the_form_with_the_error(signed_in, tree):
    response = upload(signed_in, b"hello", name="staff.pdf", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<form")
    assert "請上傳 .xlsx 或 .csv 檔。" in html
    assert 'id="id_file_error"' in html
    assert 'aria-describedby="id_file_helptext id_file_error"' in html
    assert ImportJob.objects.count() == 0


def test_status_fragment_polls_while_running_and_refreshes_when_done(signed_in, officer, tree):
    job = ImportJob.objects.create(
        created_by=officer, filename="staff.csv", status=ImportStatus.RUNNING, stage="validating", progress=52
    )
    html = signed_in.get(f"/org/import/job/?job={job.pk}").content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert '<progress aria-labelledby="import-status-text" max="100" value="52">' in html
    fragment = signed_in.get(f"/org/import/job/status/?job={job.pk}", HTTP_HX_REQUEST="true")
    assert "處理中：逐列檢查（52%）" in fragment.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, report={})
    done = signed_in.get(f"/org/import/job/status/?job={job.pk}", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_someone_elses_job_is_not_found(client, tree, officer):
    job = ImportJob.objects.create(created_by=officer, filename="staff.csv", status=ImportStatus.INVALID)
    other = UserFactory(username="other-officer")
    grant(other, "personnel_officer", tree["a"])
    client.force_login(other)
    assert client.get(f"/org/import/job/?job={job.pk}").status_code == 404
    assert client.get(f"/org/import/job/problems.csv?job={job.pk}").status_code == 404
    assert client.post("/org/import/job/load/", {"job": job.pk}).status_code == 404


def test_template_download_is_an_xlsx_whose_example_row_passes(signed_in, tree, jurisdiction):
    AgencyFactory(code="379570000A", name="範例機關", jurisdiction=jurisdiction)
    response = signed_in.get("/org/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    headers = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert headers[:3] == ("身分證字號*", "員工編號", "姓名*")
    assert workbook.sheetnames == ["人員名冊", "欄位說明"]
    facts, _ids = load_facts(import_scope(None), TODAY)
    validation = validate(read_table(data, "template.xlsx"), facts)
    assert validation.ok, validation.problems
    assert validation.records[0].name == "王小明"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", URL),
        ("post", URL),
        ("get", "/org/import/template.xlsx"),
        ("get", "/org/import/job/"),
        ("get", "/org/import/job/status/"),
        ("post", "/org/import/job/load/"),
        ("get", "/org/import/job/problems.csv"),
    ],
)
def test_a_learner_is_refused_and_nothing_changes(client, tree, learner, officer, method, path):
    job = ImportJob.objects.create(
        created_by=officer, filename="staff.csv", status=ImportStatus.PREVIEW, content=staff_csv([person_row(1)])
    )
    client.force_login(learner)
    people, jobs, audit = Person.objects.count(), ImportJob.objects.count(), AuditEntry.objects.count()
    data = {"job": job.pk, "file": SimpleUploadedFile("staff.csv", staff_csv([person_row(1)]))}
    response = getattr(client, method)(
        path if method == "post" else f"{path}?job={job.pk}", data if method == "post" else None
    )
    assert response.status_code == 403
    assert (Person.objects.count(), ImportJob.objects.count(), AuditEntry.objects.count()) == (people, jobs, audit)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW


def test_anonymous_goes_to_sign_in(client, tree):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Agency.objects.count() == 4


# -- files refused before they are kept (issue 11): the page answers with the reason ---------------


@pytest.mark.parametrize(
    ("build", "name", "message"),
    [
        (
            lambda: corpus.zip_bomb("hr", corpus.SHEET, 400 * corpus.MB),
            "名冊.xlsx",
            "這個 Excel 檔解壓縮後超過 300 MB，無法讀取：請分檔，或另存為 CSV 後再上傳。",
        ),
        (
            lambda: corpus.zip_bomb("hr", corpus.SHEET, 40 * corpus.MB),
            "名冊.xlsx",
            "這個 Excel 檔解壓縮後是原檔的 100 倍以上，不像一般的試算表，基於安全不予讀取。",
        ),
        (
            lambda: corpus.with_part("hr", corpus.SHEET, corpus.billion_laughs),
            "名冊.xlsx",
            "這個 Excel 檔含有文件類型定義（DTD）或實體宣告，基於安全不予讀取：請在 Excel 中另存新檔後再上傳。",
        ),
        (lambda: b"," * 1_000_000, "名冊.csv", "第 1 列超過 256 欄：請刪除多餘的欄位後再上傳。"),
        (lambda: b"PK\x03\x04broken", "名冊.xlsx", "無法開啟這個 Excel 檔：檔案可能已損毀或有密碼保護。"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_file_refused_before_it_is_kept_is_answered_on_the_page(signed_in, tree, build, name, message, htmx):
    response = upload(signed_in, build(), name=name, htmx=htmx)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert message in html
    assert ImportJob.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_the_upload_limit_is_the_setting(signed_in, tree, settings):
    settings.PEILI_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    assert "最大 2 MB" in signed_in.get(URL).content.decode()
    response = upload(signed_in, b"a," * (1024 * 1024 + 1), name="名冊.csv")
    assert "檔案超過 2 MB，請分檔上傳。" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_sheet_claiming_every_cell_is_checked_in_moments(signed_in, tree, django_capture_on_commit_callbacks):
    """A 5 KB workbook whose dimension claims A1:XFD1048576 kept a worker busy for half an hour."""
    data = corpus.with_part(
        "hr", corpus.SHEET, lambda b: b.replace(b'<dimension ref="A1:V4"/>', b'<dimension ref="A1:XFD1048576"/>')
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read(corpus.SHEET)
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, data, name="名冊.xlsx")
    job = ImportJob.objects.get()
    assert (job.status, job.report["rows"]) == (ImportStatus.PREVIEW, 3)
