"""The transcript and the agency compliance dashboard through the Django test client: each role,
the officer's scope, the filters, the exports, the reminder, and how many queries a page costs."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from peili.core.models import AuditEntry
from peili.notifications.models import Notification
from peili.records.models import YearStanding
from tests.factories import PersonFactory, UserFactory, grant
from tests.records.office import YEAR, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(person):
    return build(person)


def _dashboard(client, **params):
    return client.get(reverse("records:compliance"), {"year": YEAR, **params})


def _names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


# --- the transcript -------------------------------------------------------------------------------


def test_a_learner_sees_every_year_with_its_standing(client, office):
    client.force_login(office.learner.user)
    response = client.get(reverse("records:transcript"))
    assert response.status_code == 200
    html = response.content.decode()
    years = [y.year for y in response.context["transcript"].years]
    assert years == [2026, 2025]
    assert "115 年度" in html
    assert "114 年度" in html
    assert "115/05/04" in html  # ROC dates
    assert "1 筆學習紀錄，認證 3 小時" in html
    assert "114/03/01–114/03/02" in html
    assert "環境教育" in html  # the category's name from the catalog
    assert "尚缺 環境教育 1 小時" in html
    assert "尚缺 全年學習時數 17 小時" in html
    assert "已達成年度學習時數規定" in html  # 2025
    assert "類別內的下限規定" in html  # the gender-mainstreaming floor, apart
    assert "民主治理價值（性別主流化）" in html
    assert '<progress max="4" value="3' in html  # environmental education: 3 of 4
    assert office.learner.national_id not in html
    assert office.learner.national_id[:3] + "****" in html


def test_a_learner_chooses_one_year(client, office):
    client.force_login(office.learner.user)
    response = client.get(reverse("records:transcript"), {"year": 2025})
    transcript = response.context["transcript"]
    assert [y.year for y in transcript.years] == [2025]
    assert [line.record.title for line in transcript.years[0].lines] == ["去年的課"]
    assert 'value="2025" selected' in response.content.decode()
    assert response.context["pdf_url"].endswith("?year=2025")


def test_the_transcript_costs_a_few_queries_however_many_records(client, office, django_assert_max_num_queries):
    client.force_login(office.learner.user)
    client.get(reverse("records:transcript"))  # warm the pack cache
    with django_assert_max_num_queries(9):
        client.get(reverse("records:transcript"))


def test_an_account_without_a_person_has_no_transcript(client, office):
    client.force_login(office.officer)
    assert client.get(reverse("records:transcript")).status_code == 403


def test_the_learner_downloads_pdf_and_excel(client, office):
    client.force_login(office.learner.user)
    pdf = client.get(reverse("records:transcript_pdf"), {"year": 2026})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].endswith('115.pdf"')
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("records:transcript_xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content))["學習紀錄"]
    titles = [row[1] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert titles == ["環境教育：淨零轉型", "去年的課"]


def test_an_officer_opens_a_transcript_in_their_subtree_only(client, office):
    client.force_login(office.officer)
    url = reverse("records:person_transcript", kwargs={"person_id": office.teacher.pk})
    response = client.get(url, {"year": YEAR})
    assert response.status_code == 200
    assert "張老師 的學習時數" in response.content.decode()
    assert response.context["back_url"].startswith(reverse("records:compliance"))
    outside = reverse("records:person_transcript", kwargs={"person_id": office.stranger.pk})
    assert client.get(outside).status_code == 403
    pdf = reverse("records:person_transcript_pdf", kwargs={"person_id": office.stranger.pk})
    assert client.get(pdf).status_code == 403
    missing = reverse("records:person_transcript", kwargs={"person_id": 999_999})
    assert client.get(missing).status_code == 404


def test_an_admin_opens_anyone_and_a_learner_no_one_else(client, office):
    url = reverse("records:person_transcript", kwargs={"person_id": office.stranger.pk})
    client.force_login(office.admin)
    assert client.get(url).status_code == 200
    client.force_login(office.learner.user)
    assert client.get(url).status_code == 403
    own = reverse("records:person_transcript", kwargs={"person_id": office.learner.pk})
    assert client.get(own).status_code == 403  # their own is at records:transcript


# --- the dashboard --------------------------------------------------------------------------------


def test_the_officer_sees_their_subtree_by_default(client, office):
    client.force_login(office.officer)
    response = client.get(reverse("records:compliance"), {"year": YEAR})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.agency == office.bureau
    assert (summary.people, summary.meets, summary.short, summary.none) == (5, 1, 4, 2)
    assert (summary.total_hours, summary.average) == (Decimal(43), Decimal("8.6"))
    assert summary.top_share.quantize(Decimal("0.0001")) == Decimal("0.2326")  # half of 張老師's 20 of 43
    assert sorted(_names(response)) == sorted(["陳學員", "林無時", "吳新進", "張老師", "許專業"])
    html = response.content.decode()
    assert "離職者" not in html
    assert "外機關人" not in html
    assert office.idle.national_id not in html
    assert office.idle.national_id[:3] + "****" in html
    assert reverse("records:person_transcript", kwargs={"person_id": office.teacher.pk}) in html
    assert "<svg" in html
    assert "<title id=" in html
    assert 'class="visually-hidden"' in html
    assert "style=" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "short"}, ["陳學員", "林無時", "吳新進", "許專業"]),
        ({"status": "meets"}, ["張老師"]),
        ({"status": "none"}, ["林無時", "吳新進"]),
        ({"status": "short", "short_of": "environmental_education"}, ["陳學員", "林無時", "吳新進", "許專業"]),
        ({"status": "short", "short_of": "yearly_minimum"}, ["陳學員", "林無時", "吳新進"]),
        ({"short_of": "democratic_governance.gender_mainstreaming"}, ["陳學員", "林無時", "吳新進", "許專業"]),
        ({"status": "bogus", "short_of": "bogus"}, ["陳學員", "林無時", "吳新進", "張老師", "許專業"]),
    ],
)
def test_the_list_filters_by_status_and_what_is_short(client, office, params, expected):
    client.force_login(office.officer)
    assert sorted(_names(_dashboard(client, **params))) == sorted(expected)


def test_a_school_below_is_its_own_subtree(client, office):
    client.force_login(office.officer)
    response = _dashboard(client, agency=office.school.code)
    assert sorted(_names(response)) == ["吳新進", "張老師"]
    codes = [a.code for a in response.context["agencies"]]
    assert codes == [office.bureau.code, office.school.code]  # up to the officer's top, and itself


def test_an_officer_is_refused_outside_their_subtree(client, office):
    client.force_login(office.officer)
    assert _dashboard(client, agency=office.outside.code).status_code == 403
    assert _dashboard(client, agency="NOSUCHCODE").status_code == 404
    export = reverse("records:compliance_export")
    assert client.get(export, {"agency": office.outside.code, "year": YEAR}).status_code == 403


def test_who_may_open_the_dashboard(client, office):
    for user, status in [
        (office.admin, 200),
        (office.officer, 200),
        (office.learner.user, 403),
    ]:
        client.force_login(user)
        assert _dashboard(client).status_code == status
    client.logout()
    assert _dashboard(client).status_code == 302


def test_an_admin_sees_any_agency(client, office):
    client.force_login(office.admin)
    response = _dashboard(client, agency=office.outside.code)
    assert _names(response) == ["外機關人"]


def test_the_dashboard_costs_the_same_queries_for_3_or_30_people(client, office, django_assert_num_queries):
    client.force_login(office.officer)
    _dashboard(client)  # warm the per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        _dashboard(client, status="short")
    for _ in range(30):
        PersonFactory(agency=office.school)
    with django_assert_num_queries(len(few)):
        response = _dashboard(client, status="short")
    assert response.context["summary"].people == 35
    assert len(few) <= 13
    assert not any("records_learningrecord" in q["sql"] for q in few.captured_queries)  # never the ledger


def test_the_list_is_paginated(client, office):
    for index in range(55):
        PersonFactory(agency=office.school, name=f"人員{index:02d}")
    client.force_login(office.officer)
    first = _dashboard(client)
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 60
    second = _dashboard(client, page=2)
    assert len(second.context["rows"]) == 10


def test_the_list_exports_as_csv_and_excel(client, office):
    client.force_login(office.officer)
    url = reverse("records:compliance_export")
    response = client.get(url, {"agency": office.bureau.code, "year": YEAR, "status": "short", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["身分證字號", "員工編號", "姓名"]
    assert sorted(r[2] for r in rows[1:]) == sorted(["陳學員", "林無時", "吳新進", "許專業"])
    fresh = next(r for r in rows if r[2] == "吳新進")
    assert (fresh[5], fresh[6], fresh[7], fresh[8]) == ("115", "0", "20", "否")
    assert "尚缺 環境教育 4 小時" in fresh[10]
    assert all("*" in r[0] for r in rows[1:])
    xlsx = client.get(url, {"agency": office.bureau.code, "year": YEAR, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "115 年度" in sheet["A1"].value
    assert sheet.max_row == 2 + 5


# --- the reminder ---------------------------------------------------------------------------------


def test_the_reminder_is_confirmed_then_sent_once_a_day(client, office):
    client.force_login(office.officer)
    url = reverse("records:remind")
    confirm = client.get(url, {"agency": office.bureau.code, "year": YEAR})
    reach = confirm.context["reach"]
    assert (reach.short, reach.with_email, reach.without_email) == (4, 3, 1)  # 吳新進 has no address
    assert not mail.outbox

    response = client.post(url, {"agency": office.bureau.code, "year": YEAR}, follow=True)
    assert "已寄出 3 封提醒；1 人沒有電子郵件無法寄送" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["idle@example.gov.tw", "learner@example.gov.tw", "p@x.tw"]
    learner_mail = next(m for m in mail.outbox if m.to == ["learner@example.gov.tw"])
    assert "陳學員 您好" in learner_mail.body
    assert "尚缺 環境教育 1 小時" in learner_mail.body
    assert "115 年度" in learner_mail.subject
    assert Notification.objects.filter(user=office.learner.user, kind="hours_reminder").count() == 1
    entry = AuditEntry.objects.get(action="records.remind")
    assert (entry.after["sent"], entry.after["without_email"], entry.after["short"]) == (3, 1, 4)

    again = client.post(url, {"agency": office.bureau.code, "year": YEAR}, follow=True)
    assert "已寄出 0 封提醒" in again.content.decode()
    assert len(mail.outbox) == 3  # nobody twice the same day
    assert AuditEntry.objects.filter(action="records.remind").count() == 2
    assert AuditEntry.objects.filter(action="records.remind").order_by("pk").last().after["already"] == 3


def test_a_reminder_goes_to_the_short_of_the_subtree_only(client, office):
    client.force_login(office.admin)
    client.post(reverse("records:remind"), {"agency": office.school.code, "year": YEAR})
    assert [m.to for m in mail.outbox] == []  # the school: 張老師 meets, 吳新進 has no address
    assert AuditEntry.objects.get(action="records.remind").after["without_email"] == 1


def test_an_officer_cannot_remind_another_subtree(client, office):
    client.force_login(office.officer)
    response = client.post(reverse("records:remind"), {"agency": office.outside.code, "year": YEAR})
    assert response.status_code == 403
    assert not mail.outbox
    assert not AuditEntry.objects.filter(action="records.remind").exists()


def test_a_learner_cannot_remind_anyone(client, office):
    client.force_login(office.learner.user)
    response = client.post(reverse("records:remind"), {"agency": office.bureau.code, "year": YEAR})
    assert response.status_code == 403
    assert not mail.outbox


def test_an_officer_of_two_subtrees_starts_at_the_first(client, office):
    user = UserFactory()
    grant(user, "personnel_officer", office.outside)
    grant(user, "personnel_officer", office.school)
    client.force_login(user)
    response = _dashboard(client)
    first = min([office.outside, office.school], key=lambda a: a.path)
    assert response.context["summary"].agency == first
    codes = {a.code for a in response.context["agencies"]}
    assert {office.outside.code, office.school.code} <= codes
    assert office.bureau.code not in codes  # above their scope


def test_standings_are_not_written_by_reading(client, office):
    before = list(YearStanding.objects.order_by("pk").values_list("pk", "total"))
    client.force_login(office.officer)
    _dashboard(client)
    client.get(reverse("records:remind"), {"agency": office.bureau.code, "year": YEAR})
    assert list(YearStanding.objects.order_by("pk").values_list("pk", "total")) == before
