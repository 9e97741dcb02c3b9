"""Large classes (issue 11, item 5): a seminar of 2,000 people gets its roster saved and is closed
through the pages — each page of the roster and of the closing posts a bounded number of fields
(Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS, 1,000, for every form, and that limit stays),
and neither page's queries grow with the class."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from peili.attendance import selectors, services
from peili.attendance.models import Attendance, Completion
from peili.catalog.enums import ClassStatus
from peili.catalog.models import ClassCategoryHours
from peili.core.models import AuditEntry
from peili.enrolment.enums import RegistrationStatus
from peili.enrolment.models import Registration
from peili.org.models import Person
from peili.records.models import LearningRecord
from tests.attendance.html_forms import form_fields, form_post
from tests.enrolment.conftest import make_class
from tests.factories import PersonFactory

PAGE = 100


def crowd(course_class, agency, count):
    """`count` people confirmed in the class, written in bulk."""
    people = Person.objects.bulk_create(PersonFactory.build_batch(count, agency=agency))
    now = timezone.now()
    return Registration.objects.bulk_create(
        Registration(course_class=course_class, person=person, status=RegistrationStatus.CONFIRMED, registered_at=now)
        for person in people
    )


@pytest.fixture
def seminar(packs, body, tree):
    """A 3-hour seminar that ended yesterday, with room for 2,000 (its people added by each test)."""
    course_class = make_class(
        body,
        title="大型研討會",
        start=timezone.localdate() - timedelta(days=1),
        sessions=((9, 12),),
        certified_hours=Decimal(3),
        classroom_hours=Decimal(3),
        capacity=2000,
    )
    ClassCategoryHours.objects.create(course_class=course_class, category="environmental_education", hours=3)
    return course_class


def _ids_on(page: str, prefix: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'name="{prefix}_(\d+)"', page)]


def _queries(client, url, django_assert_max_num_queries) -> int:
    """The queries of a page once the per-process caches (the policy packs) are warm."""
    client.get(url)
    with django_assert_max_num_queries(100) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_roster_of_2000_people_is_saved_a_page_at_a_time(
    client, seminar, tree, organizer_user, django_assert_max_num_queries
):
    session = seminar.sessions.get()
    url = reverse("attendance:roster", args=[session.pk])
    client.force_login(organizer_user)
    crowd(seminar, tree["b"], 1)
    one = _queries(client, url, django_assert_max_num_queries)
    crowd(seminar, tree["b"], 1999)
    assert _queries(client, url, django_assert_max_num_queries) == one  # no query per person

    page = client.get(url).content.decode()
    assert "第 1 / 20 頁" in page
    first = _ids_on(page, "late")
    assert len(first) == PAGE
    assert len(form_fields(page, "roster-form")) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    ticked = {f"in_{pk}": "on" for pk in first}
    response = client.post(url, form_post(page, "roster-form", **ticked))
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session, signed_in_at__isnull=False).count() == PAGE

    # The pager saves the page it leaves: ticks on page 1 are not lost by going to page 2.
    page = client.get(response["Location"]).content.decode()
    late = {f"late_{first[0]}": "12"}
    response = client.post(url, form_post(page, "roster-form", button="下一頁", **late))
    assert response.status_code == 302
    assert Attendance.objects.get(session=session, registration_id=first[0]).late_minutes == 12
    page = client.get(response["Location"]).content.decode()
    assert "第 2 / 20 頁" in page
    second = _ids_on(page, "late")
    assert len(second) == PAGE
    assert not set(first) & set(second)

    last = client.get(f"{url}?page=20").content.decode()
    final = _ids_on(last, "late")
    assert len(final) == PAGE
    response = client.post(f"{url}?page=20", form_post(last, "roster-form", **{f"in_{pk}": "on" for pk in final}))
    assert response.status_code == 302
    assert response["Location"].endswith("?page=20")
    assert Attendance.objects.filter(session=session, signed_in_at__isnull=False).count() == 2 * PAGE
    assert AuditEntry.objects.filter(action="attendance.roster").count() == 2 * PAGE + 1


def test_a_roster_page_posts_only_people_of_the_class(client, seminar, tree, organizer_user, ended, learners):
    session = seminar.sessions.get()
    crowd(seminar, tree["b"], 3)
    client.force_login(organizer_user)
    url = reverse("attendance:roster", args=[session.pk])
    page = client.get(url).content.decode()
    stranger = learners[0].pk  # confirmed in another class
    data = form_post(page, "roster-form", rows=f"{stranger}")
    data.update({f"in_{stranger}": ["on"], f"late_{stranger}": ["0"], f"early_{stranger}": ["0"]})
    data[f"leave_{stranger}"] = ["0"]
    refused = client.post(url, data, follow=True)
    assert "名單中有未錄取本班期的人員，請重新整理後再試。" in refused.content.decode()
    assert not Attendance.objects.exists()
    for rows in ("1,x", "", ",".join(["1"] * 2), ",".join(str(n) for n in range(1, 102))):
        garbled = client.post(url, form_post(page, "roster-form", rows=rows), follow=True)
        assert "名單中有未錄取本班期的人員，請重新整理後再試。" in garbled.content.decode()
    assert not Attendance.objects.exists()


def test_a_class_of_2000_closes_with_a_correction_made_on_another_page(
    client, seminar, tree, organizer_user, django_assert_max_num_queries
):
    session = seminar.sessions.get()
    url = reverse("attendance:close", args=[seminar.pk])
    client.force_login(organizer_user)
    crowd(seminar, tree["b"], 1)
    one = _queries(client, url, django_assert_max_num_queries)
    registrations = crowd(seminar, tree["b"], 1999)
    assert _queries(client, url, django_assert_max_num_queries) == one  # no query per person

    # Everyone signed in but one, who was absent without leave.
    absent = registrations[1500]
    Attendance.objects.bulk_create(
        Attendance(registration=r, session=session, signed_in_at=timezone.now())
        for r in Registration.objects.filter(course_class=seminar).exclude(pk=absent.pk)
    )
    order = [line.registration.pk for line in selectors.completion_preview(seminar).rows]
    where = order.index(absent.pk) // PAGE + 1
    assert where > 1

    page = client.get(f"{url}?page={where}").content.decode()
    assert "共 2000 人，依出勤紀錄 1999 人完訓" in page
    assert len(form_fields(page, "close-form")) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert absent.pk in _ids_on(page, "decision")
    correction = {f"decision_{absent.pk}": "complete", f"reason_{absent.pk}": ""}
    refused = client.post(f"{url}?page={where}", form_post(page, "close-form", button="上一頁", **correction))
    assert refused.status_code == 200
    assert "更正完訓結果須說明原因" in refused.content.decode()
    correction[f"reason_{absent.pk}"] = "紙本簽到表為證"
    response = client.post(f"{url}?page={where}", form_post(page, "close-form", button="上一頁", **correction))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?page={where - 1}")
    assert seminar.sessions.get().course_class.status == ClassStatus.PUBLISHED  # nothing closed yet

    page = client.get(response["Location"]).content.decode()
    assert "已暫存 1 筆更正" in page
    response = client.post(f"{url}?page={where - 1}", form_post(page, "close-form", button="確認結訓並登錄時數"))
    assert response.status_code == 302
    seminar.refresh_from_db()
    assert seminar.status == ClassStatus.CLOSED
    assert Completion.objects.filter(closing__course_class=seminar).count() == 2000
    assert Completion.objects.filter(completes=True).count() == 2000
    corrected = Completion.objects.get(registration=absent)
    assert (corrected.rule_completes, corrected.correction_reason) == (False, "紙本簽到表為證")
    assert LearningRecord.objects.filter(course_class=seminar).count() == 2000

    # The class page lists the completions a page at a time too.
    detail = client.get(reverse("attendance:class", args=[seminar.pk])).content.decode()
    assert detail.count("/correct/") == PAGE
    assert "第 1 / 20 頁" in detail


def test_the_roster_page_keeps_its_queries_at_1_and_3_rows(
    client, ended, tree, organizer_user, django_assert_max_num_queries
):
    session = ended.sessions.order_by("starts_at").first()
    url = reverse("attendance:roster", args=[session.pk])
    client.force_login(organizer_user)
    crowd(ended, tree["b"], 1)
    one = _queries(client, url, django_assert_max_num_queries)
    crowd(ended, tree["b"], 2)
    assert _queries(client, url, django_assert_max_num_queries) == one


def test_the_closing_page_keeps_its_queries_at_1_and_3_rows(
    client, ended, tree, organizer_user, django_assert_max_num_queries
):
    url = reverse("attendance:close", args=[ended.pk])
    client.force_login(organizer_user)
    crowd(ended, tree["b"], 1)
    one = _queries(client, url, django_assert_max_num_queries)
    crowd(ended, tree["b"], 2)
    assert _queries(client, url, django_assert_max_num_queries) == one


def test_closing_writes_the_ledger_in_a_few_queries_whatever_the_class_size(
    seminar, tree, organizer_user, django_assert_max_num_queries
):
    """Closing a class of 2,000 writes 2,000 completions, learning records with their split, the
    standings and an audit entry per record in grouped queries — not a handful per person."""
    registrations = crowd(seminar, tree["b"], 2000)
    session = seminar.sessions.get()
    Attendance.objects.bulk_create(
        Attendance(registration=r, session=session, signed_in_at=timezone.now()) for r in registrations
    )
    with django_assert_max_num_queries(200):  # batches of rows (SQLite takes fewer per INSERT), never per person
        services.class_close(course_class=seminar, corrections={}, actor=organizer_user)
    assert LearningRecord.objects.filter(course_class=seminar, superseded_by__isnull=True).count() == 2000
    assert AuditEntry.objects.filter(action="records.record_create").count() == 2000
    entry = AuditEntry.objects.filter(action="records.record_create").first()
    assert entry.after["split"] == {"environmental_education": "3.0"}
    assert entry.note == "結訓"


def test_turning_pages_nobody_touched_writes_nothing(client, seminar, tree, organizer_user):
    """The pager saves the page it leaves: a page left as it was leaves no row and no audit entry."""
    session = seminar.sessions.get()
    crowd(seminar, tree["b"], 150)
    client.force_login(organizer_user)
    url = reverse("attendance:roster", args=[session.pk])
    page = client.get(url).content.decode()
    response = client.post(url, form_post(page, "roster-form", button="下一頁"))
    assert (response.status_code, response["Location"]) == (302, f"{url}?page=2")
    assert not Attendance.objects.exists()
    assert not AuditEntry.objects.filter(action="attendance.roster").exists()


def test_marking_2000_people_at_once_takes_grouped_queries(
    seminar, tree, organizer_user, django_assert_max_num_queries
):
    """The API marks a whole class at once: the rows and their audit entries are written in batches."""
    session = seminar.sessions.get()
    registrations = crowd(seminar, tree["b"], 2000)
    entries = {r.pk: services.RosterEntry(True, False, 0, 0, 0) for r in registrations}
    entries[registrations[7].pk] = services.RosterEntry(True, True, 5, 0, 140)
    with django_assert_max_num_queries(60):  # batches of rows (SQLite takes fewer per INSERT), never per person
        assert services.roster_save(session=session, entries=entries, actor=organizer_user) == 2000
    assert Attendance.objects.filter(session=session, signed_in_at__isnull=False).count() == 2000
    marked = Attendance.objects.get(registration=registrations[7])
    assert (marked.signed_out_by, marked.late_minutes, marked.leave_minutes) == ("roster", 5, 140)
    entry = AuditEntry.objects.get(action="attendance.roster", object_id=str(marked.pk))
    assert entry.after == {
        "signed_in_at": marked.signed_in_at.isoformat(),
        "signed_in_by": "roster",
        "signed_out_at": marked.signed_out_at.isoformat(),
        "signed_out_by": "roster",
        "late_minutes": 5,
        "leave_minutes": 140,
    }
    entries[registrations[7].pk] = services.RosterEntry(True, True, 5, 0, 120)
    with django_assert_max_num_queries(60):
        assert services.roster_save(session=session, entries=entries, actor=organizer_user) == 1
    marked.refresh_from_db()
    assert marked.leave_minutes == 120
    assert AuditEntry.objects.filter(action="attendance.roster").count() == 2001


def test_finding_someone_in_a_large_roster_by_name(client, seminar, tree, organizer_user):
    session = seminar.sessions.get()
    registrations = crowd(seminar, tree["b"], 250)
    wanted = registrations[180]
    Person.objects.filter(pk=wanted.person_id).update(name="鄭曉雯")
    client.force_login(organizer_user)
    url = reverse("attendance:roster", args=[session.pk])
    page = client.get(f"{url}?q=曉雯").content.decode()
    assert _ids_on(page, "late") == [wanted.pk]
    assert "第 1 / " not in page
    response = client.post(f"{url}?q=曉雯", form_post(page, "roster-form", **{f"in_{wanted.pk}": "on"}))
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=1&q=%E6%9B%89%E9%9B%AF"  # back to the search
    assert Attendance.objects.get().registration_id == wanted.pk
    assert _ids_on(client.get(f"{url}?q=%00曉雯").content.decode(), "late") == [wanted.pk]


def test_the_closing_page_finds_people_and_shows_those_who_do_not_complete(client, seminar, tree, organizer_user):
    session = seminar.sessions.get()
    registrations = crowd(seminar, tree["b"], 250)
    absent = registrations[200]
    Person.objects.filter(pk=absent.person_id).update(name="缺席者")
    Attendance.objects.bulk_create(
        Attendance(registration=r, session=session, signed_in_at=timezone.now())
        for r in registrations
        if r.pk != absent.pk
    )
    client.force_login(organizer_user)
    url = reverse("attendance:close", args=[seminar.pk])
    assert _ids_on(client.get(f"{url}?only=not_complete").content.decode(), "decision") == [absent.pk]
    page = client.get(f"{url}?q=缺席").content.decode()
    assert _ids_on(page, "decision") == [absent.pk]
    assert "共 250 人，依出勤紀錄 249 人完訓" in page
    correction = {f"decision_{absent.pk}": "complete", f"reason_{absent.pk}": "公假"}
    response = client.post(f"{url}?q=缺席", form_post(page, "close-form", button="確認結訓並登錄時數", **correction))
    assert response.status_code == 302
    assert Completion.objects.filter(completes=True).count() == 250
