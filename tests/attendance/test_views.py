"""The attendance pages through the Django test client."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from peili.attendance.models import Attendance, ClassClosing, Completion
from peili.catalog.enums import ClassStatus
from peili.records.models import LearningRecord
from tests.attendance.conftest import add_session, confirm
from tests.attendance.html_forms import form_post
from tests.factories import PersonFactory, UserFactory

CLOSE = "確認結訓並登錄時數"


def close_with(client, course_class, registration, reason):
    """Close the class through its page, correcting one person to complete."""
    url = reverse("attendance:close", args=[course_class.pk])
    changes = {f"decision_{registration.pk}": "complete", f"reason_{registration.pk}": reason}
    response = client.post(url, form_post(client.get(url).content.decode(), "close-form", button=CLOSE, **changes))
    assert response.status_code == 302


def test_the_screen_shows_a_qr_code_that_signs_a_learner_in(client, open_class, organizer_user, tree):
    session = open_class.sessions.get()
    client.force_login(organizer_user)
    page = client.get(reverse("attendance:screen", args=[session.pk, "in"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    assert 'class="qr-code"' in html
    assert re.search(r'class="attendance-code"[^>]*>.*?\d{6}</p>', html, re.S)
    scan_url = re.search(r'data-scan-url="([^"]+)"', html).group(1)
    partial = client.get(reverse("attendance:screen", args=[session.pk, "in"]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().startswith('<div id="screen-panel"')

    # The learner's phone: not signed in yet → the scan is held in a ticket, then the sign-in page.
    learner = UserFactory(username="phone")
    registration = confirm(open_class, PersonFactory(agency=tree["b"], user=learner))
    phone = client.__class__()
    held = phone.get(scan_url)
    assert held.status_code == 302
    assert "/attendance/check/" in held["Location"]
    to_login = phone.get(held["Location"])
    assert to_login.status_code == 302
    assert to_login["Location"].startswith(reverse("accounts:login"))
    phone.force_login(learner)
    confirm_page = phone.get(held["Location"])
    assert "確認簽到" in confirm_page.content.decode()
    done = phone.post(held["Location"])
    assert "簽到完成" in done.content.decode()
    assert Attendance.objects.get(registration=registration, session=session).signed_in_at is not None


def test_a_bad_scan_gets_a_clear_answer(client):
    page = client.get(reverse("attendance:scan", args=["1-in-1-abc"]))
    assert page.status_code == 400
    assert "無法辨識這個 QR code" in page.content.decode()


def test_the_roster_page_saves_ticks_and_shows_errors(client, ended, learners, organizer_user):
    session = ended.sessions.order_by("starts_at").first()
    client.force_login(organizer_user)
    url = reverse("attendance:roster", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_post(page.content.decode(), "roster-form", **{f"in_{r.pk}": "on" for r in learners})
    data[f"leave_{learners[1].pk}"] = ["240"]  # longer than the 3-hour session
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert not Attendance.objects.exists()
    data[f"leave_{learners[1].pk}"] = ["60"]
    assert client.post(url, data).status_code == 302
    assert Attendance.objects.filter(session=session, signed_in_at__isnull=False).count() == 3


def test_closing_through_the_page_with_a_correction(client, ended, learners, organizer_user):
    client.force_login(organizer_user)
    url = reverse("attendance:close", args=[ended.pk])
    page = client.get(url).content.decode()
    assert "未完訓：未請假缺課" in page  # nobody signed in, and Hsinchu forfeits unexcused absence
    pk = learners[0].pk
    data = form_post(page, "close-form", button=CLOSE, **{f"decision_{pk}": "complete"})
    refused = client.post(url, data)
    assert "更正完訓結果須說明原因" in refused.content.decode()
    assert not ClassClosing.objects.exists()
    data[f"reason_{pk}"] = ["紙本簽到表為證"]
    response = client.post(url, data)
    assert response.status_code == 302
    ended.refresh_from_db()
    assert ended.status == ClassStatus.CLOSED
    assert Completion.objects.filter(completes=True).count() == 1
    assert LearningRecord.objects.get().person_id == learners[0].person_id
    detail = client.get(reverse("attendance:class", args=[ended.pk])).content.decode()
    assert "紙本簽到表為證" in detail


def test_correcting_after_closing_and_the_dashboard(client, ended, learners, organizer_user):
    client.force_login(organizer_user)
    close_with(client, ended, learners[0], "補簽")
    completion = Completion.objects.get(registration=learners[0])
    url = reverse("attendance:correct", args=[completion.pk])
    assert client.post(url, {"completes": "0", "reason": ""}).status_code == 200
    assert client.post(url, {"completes": "0", "reason": "誤植"}).status_code == 302
    assert not LearningRecord.objects.filter(superseded_by__isnull=True).exists()

    board = client.get(reverse("attendance:certification")).content.decode()
    assert str(ended) in board
    assert "待上傳" in board


def test_the_portal_file_download_and_marking_uploaded(client, ended, learners, organizer_user, portal_codes):
    client.force_login(organizer_user)
    close_with(client, ended, learners[0], "補簽")
    response = client.post(reverse("attendance:portal_file"), {"class": [str(ended.pk)]})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=big5"
    text = response.content.decode("cp950")
    assert text.startswith("*身分證字號,")
    assert learners[0].person.national_id in text
    today = timezone.localdate()
    response = client.post(
        reverse("attendance:mark_uploaded"), {"class": [str(ended.pk)], "uploaded_on": f"{today:%Y-%m-%d}"}
    )
    assert response.status_code == 302
    assert ClassClosing.objects.get().uploaded_on == today


def test_the_portal_file_lists_problems_instead_of_a_broken_file(client, ended, learners, organizer_user, portal_codes):
    person = learners[0].person
    person.name = "林喆"
    person.save()
    client.force_login(organizer_user)
    close_with(client, ended, learners[0], "補簽")
    response = client.get(reverse("attendance:portal_file") + f"?class={ended.pk}")
    assert response.status_code == 400
    assert "喆" in response.content.decode()


def test_the_code_page_refuses_a_wrong_code(client, today_class, tree):
    learner = UserFactory(username="typist")
    confirm(today_class, PersonFactory(agency=tree["b"], user=learner))
    client.force_login(learner)
    page = client.post(reverse("attendance:code"), {"kind": "in", "code": "12345"})
    assert "請輸入現場畫面上的六位數字" in page.content.decode()
    assert not Attendance.objects.exists()


def _close_with_one_completer(client, ended, learners, organizer_user):
    client.force_login(organizer_user)
    close_with(client, ended, learners[0], "補簽")


def test_without_portal_codes_the_files_name_the_categories_that_need_one(client, ended, learners, organizer_user):
    """Counting never needs a portal code; only the upload files do, and they say which is missing —
    once per category, not once per row — instead of failing on a setting nobody can find."""
    _close_with_one_completer(client, ended, learners, organizer_user)
    response = client.post(reverse("attendance:portal_file"), {"class": [str(ended.pk)]})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("學習類別「環境教育」尚未設定入口網課程類別代碼") == 1
    assert page.count("學習類別「性別主流化」尚未設定入口網課程類別代碼") == 1
    response = client.post(reverse("attendance:portal_file") + "?file=environment", {"class": [str(ended.pk)]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "學習類別「環境教育」尚未設定入口網課程類別代碼" in page
    assert "性別主流化" not in page  # not in the environmental-education file at all
    assert "政策參數尚未設定環境教育的課程類別代碼" not in page


def test_the_environment_file_holds_the_environmental_education_rows_only(
    client, ended, learners, organizer_user, portal_codes
):
    _close_with_one_completer(client, ended, learners, organizer_user)
    response = client.post(reverse("attendance:portal_file") + "?file=environment", {"class": [str(ended.pk)]})
    assert response.status_code == 200
    lines = response.content.decode("cp950").split("\r\n")
    assert lines[0].startswith("*年度,*學員所屬機關(構)代碼,*身分證字號,")
    (row,) = [line for line in lines[1:] if line]
    cells = row.split(",")
    assert cells[2] == learners[0].person.national_id
    assert cells[7] == "201"  # 課程類別代碼: 環境教育's
    assert cells[13] == "4"  # 課程時數: the 4 hours of 環境教育, not the class's 6


def test_the_home_page_tells_a_learner_about_todays_class(client, today_class, tree):
    learner = UserFactory(username="home")
    confirm(today_class, PersonFactory(agency=tree["b"], user=learner))
    client.force_login(learner)
    page = client.get(reverse("reports:home")).content.decode()
    assert "今天的課程" in page
    assert "09:00 今日課程" in page
    assert reverse("attendance:code") in page


def test_the_class_page_counts_signatures_per_session_in_one_query(
    client, ended, learners, organizer_user, django_assert_max_num_queries
):
    from peili.attendance import services

    first, second = ended.sessions.order_by("starts_at")
    services.roster_save(
        session=first,
        entries={r.pk: services.RosterEntry(True, False, 0, 0, 0) for r in learners},
        actor=organizer_user,
    )
    services.roster_save(
        session=second,
        entries={learners[0].pk: services.RosterEntry(True, False, 0, 0, 0)},
        actor=organizer_user,
    )
    client.force_login(organizer_user)
    page = client.get(reverse("attendance:class", args=[ended.pk])).content.decode()
    assert "3 / 3" in page
    assert "1 / 3" in page
    url = reverse("attendance:class", args=[ended.pk])
    with django_assert_max_num_queries(20) as first_count:
        client.get(url)
    for begin in (17, 18, 19):
        add_session(ended, ended.end_date, begin, begin + 1)
    with django_assert_max_num_queries(len(first_count.captured_queries)):
        client.get(url)


def test_the_dashboard_filters_by_status(client, ended, learners, organizer_user):
    client.force_login(organizer_user)
    assert str(ended) in client.get(reverse("attendance:certification") + "?status=to_close").content.decode()
    assert str(ended) not in client.get(reverse("attendance:certification") + "?status=done").content.decode()


def test_the_demos_upload_files_work_out_of_the_box(client, db):
    """The demo organizer gets both files for the demo's closed classes at once: the portal's and the
    environmental-education one — no YAML edited, no code missing."""
    from peili.demo.loader import demo_load

    demo_load(actor=None)
    client.force_login(UserFactory._meta.model.objects.get(username="organizer"))
    closed = list(ClassClosing.objects.values_list("course_class_id", flat=True))
    assert len(closed) == 2
    response = client.post(reverse("attendance:portal_file"), {"class": [str(pk) for pk in closed]})
    assert (response.status_code, response["Content-Type"]) == (200, "text/csv; charset=big5")
    response = client.post(
        reverse("attendance:portal_file") + "?file=environment", {"class": [str(pk) for pk in closed]}
    )
    assert (response.status_code, response["Content-Type"]) == (200, "text/csv; charset=big5")
    rows = [line.split(",") for line in response.content.decode("cp950").split("\r\n")[1:] if line]
    assert rows
    assert {row[3] for row in rows} == {"環境教育：氣候變遷調適"}  # the environmental class's rows only
    assert {row[13] for row in rows} == {"4"}
