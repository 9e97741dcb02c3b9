from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peili.catalog.enums import ClassStatus, PlanStatus
from peili.catalog.models import ClassSession, Course, CourseClass, TrainingPlan
from peili.core import roc
from peili.core.models import AuditEntry
from peili.policy.services import presets_load
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Course.objects.count(),
        CourseClass.objects.count(),
        ClassSession.objects.count(),
        AuditEntry.objects.count(),
    )


def test_organizer_sets_up_and_publishes_a_class(client, organizer, body, venue, teacher, categories, today):
    client.force_login(organizer)
    response = client.post(
        reverse("catalog:course_create"), {"organizer": body.pk, "title": "資通安全通識", "track": ""}
    )
    course = Course.objects.get()
    assert response["Location"] == reverse("catalog:class_create", kwargs={"course_id": course.pk})
    start = today + timedelta(days=30)
    response = client.post(
        reverse("catalog:class_create", kwargs={"course_id": course.pk}),
        {
            "delivery_mode": "classroom",
            "organiser_type": "self",
            "certified_hours": "3",
            "digital_hours": "0",
            "classroom_hours": "3",
            "capacity": "30",
            "waitlist_size": "5",
            "registration_opens_at": f"{roc.format_short(today)} 09:00",
            "registration_closes_at": f"{roc.format_short(start - timedelta(days=7))} 17:00",
            "cancellation_deadline": f"{roc.format_short(start - timedelta(days=3))} 17:00",
            "grade_min": "6",
            "needs_supervisor_consent": "on",
        },
    )
    course_class = CourseClass.objects.get()
    assert response["Location"] == reverse("catalog:class_setup", kwargs={"pk": course_class.pk})
    assert (course_class.capacity, course_class.grade_min, course_class.status) == (30, 6, ClassStatus.DRAFT)
    assert timezone.localtime(course_class.registration_closes_at).hour == 17
    client.post(
        reverse("catalog:session_add", kwargs={"pk": course_class.pk}),
        {
            "date": roc.format_short(start),
            "starts_at": "09:00",
            "ends_at": "12:00",
            "venue": venue.pk,
            "instructors": [teacher.pk],
            "hours": "3",
            "topic": "資安概論",
        },
    )
    # the hours split must add up: a Chinese error, nothing saved
    page = client.post(
        reverse("catalog:hours_set", kwargs={"pk": course_class.pk}),
        {"category_0": categories["522"], "hours_0": "2"},
    ).content.decode()
    assert "各學習類別時數合計 2 小時，須等於認證時數 3 小時。" in page
    client.post(
        reverse("catalog:hours_set", kwargs={"pk": course_class.pk}),
        {"category_0": categories["522"], "hours_0": "2", "category_1": categories["523"], "hours_1": "1"},
    )
    client.post(reverse("catalog:class_publish", kwargs={"pk": course_class.pk}))
    course_class.refresh_from_db()
    assert course_class.status == ClassStatus.PUBLISHED
    assert course_class.start_date == start
    page = client.get(reverse("catalog:class_setup", kwargs={"pk": course_class.pk})).content.decode()
    assert roc.format_short(start) in page


def test_a_clash_is_shown_naming_the_session(client, organizer, make_class, course, venue):
    booked = make_class()
    draft = make_class(publish=False, days=90)
    client.force_login(organizer)
    page = client.post(
        reverse("catalog:session_add", kwargs={"pk": draft.pk}),
        {
            "date": roc.format_short(booked.start_date),
            "starts_at": "10:00",
            "ends_at": "11:00",
            "venue": venue.pk,
            "hours": "1",
        },
    ).content.decode()
    assert f"場地已被「{booked}」" in page
    assert draft.sessions.count() == 1


def test_organizer_edits_a_session_and_the_class_dates_follow(client, organizer, make_class, venue):
    course_class = make_class(publish=False, days=90)
    session = course_class.sessions.get()
    client.force_login(organizer)
    url = reverse("catalog:session_edit", kwargs={"pk": course_class.pk, "session_id": session.pk})
    form = client.get(url).content.decode()
    assert roc.format_short(session.date) in form  # the form starts from the session as it is
    later = session.date + timedelta(days=7)
    response = client.post(
        url,
        {"date": roc.format_short(later), "starts_at": "13:30", "ends_at": "16:30", "venue": venue.pk, "hours": "3"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    course_class.refresh_from_db()
    assert (session.date, f"{session.starts_at:%H:%M}") == (later, "13:30")
    assert course_class.start_date == course_class.end_date == later
    assert AuditEntry.objects.filter(action="catalog.session_update").count() == 1


def test_a_session_edit_that_clashes_names_the_other_session_and_changes_nothing(client, organizer, make_class, venue):
    booked = make_class()
    moving = make_class(publish=False, days=90)
    session = moving.sessions.get()
    client.force_login(organizer)
    page = client.post(
        reverse("catalog:session_edit", kwargs={"pk": moving.pk, "session_id": session.pk}),
        {
            "date": roc.format_short(booked.start_date),
            "starts_at": "10:00",
            "ends_at": "11:00",
            "venue": venue.pk,
            "hours": "1",
        },
    ).content.decode()
    assert f"場地已被「{booked}」" in page
    before = session.date
    session.refresh_from_db()
    assert session.date == before


def test_class_setup_links_to_the_roster_once_published(client, organizer, make_class):
    course_class = make_class()
    client.force_login(organizer)
    page = client.get(reverse("catalog:class_setup", kwargs={"pk": course_class.pk})).content.decode()
    assert reverse("enrolment:roster", kwargs={"class_id": course_class.pk}) in page


def test_a_learner_cannot_reach_setup_pages(client, learner, make_class, course):
    course_class = make_class(publish=False)
    client.force_login(learner)
    before = _counts()
    for name, kwargs in [
        ("catalog:manage", {}),
        ("catalog:course_create", {}),
        ("catalog:class_create", {"course_id": course.pk}),
        ("catalog:class_setup", {"pk": course_class.pk}),
        ("catalog:class_edit", {"pk": course_class.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    for name in ("catalog:class_publish", "catalog:class_cancel", "catalog:session_add"):
        response = client.post(reverse(name, kwargs={"pk": course_class.pk}), {"reason": "x", "date": "115/01/01"})
        assert response.status_code == 403
    assert _counts() == before
    course_class.refresh_from_db()
    assert course_class.status == ClassStatus.DRAFT
    # and a draft is not found in the catalog
    assert client.get(reverse("catalog:class_detail", kwargs={"pk": course_class.pk})).status_code == 404


def test_an_organizer_of_another_body_gets_403(client, make_class, tree):
    from tests.factories import grant

    course_class = make_class(publish=False)
    stranger = UserFactory()
    grant(stranger, "organizer", tree["b"])
    client.force_login(stranger)
    assert client.get(reverse("catalog:class_setup", kwargs={"pk": course_class.pk})).status_code == 403
    assert client.post(reverse("catalog:class_publish", kwargs={"pk": course_class.pk})).status_code == 403


def test_catalog_page_shows_reasons_and_eligible_first(client, make_class, tree):
    user = UserFactory()
    PersonFactory(user=user, agency=tree["b"], category="junior", grade=5)
    make_class(title="薦任研習", grade_min=6)
    make_class(title="全員研習", days=60)
    client.force_login(user)
    page = client.get(reverse("catalog:browse")).content.decode()
    assert page.index("全員研習") < page.index("薦任研習")
    assert "您的官等職等不符本班期資格：限薦任第6職等以上。" in page
    filtered = client.get(reverse("catalog:browse"), {"q": "全員"}).content.decode()
    assert "薦任研習" not in filtered


def test_catalog_page_query_count_is_flat(client, make_class, learner, django_assert_max_num_queries):
    make_class(title="一")
    client.force_login(learner)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    captured_sql: list[str] = []

    def warm_then_count() -> int:
        client.get(reverse("catalog:browse"))  # the index and the form are rebuilt after a change
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("catalog:browse"))
        assert page.status_code == 200
        captured_sql[:] = [q["sql"][:90] for q in captured.captured_queries]
        return len(captured.captured_queries)

    one = warm_then_count()
    make_class(title="二")
    make_class(title="三")
    assert warm_then_count() == one
    # session, user with person, roles, the stamps, the page's classes and their hours split
    assert one <= 7, "\n".join(captured_sql)


def test_class_detail_shows_sessions_seats_and_materials(client, make_class, learner, organizer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peili.catalog import services

    course_class = make_class()
    services.material_add(
        course_class=course_class, title="講義", file=SimpleUploadedFile("a.pdf", b"%PDF"), actor=organizer
    )
    client.force_login(learner)
    page = client.get(reverse("catalog:class_detail", kwargs={"pk": course_class.pk})).content.decode()
    assert "40 名，尚餘 40 名" in page
    assert roc.format_long(course_class.start_date) in page
    assert "第一教室" in page
    material = course_class.materials.get()
    download = client.get(
        reverse("catalog:material_download", kwargs={"pk": course_class.pk, "material_id": material.pk})
    )
    assert b"".join(download.streaming_content) == b"%PDF"


def test_plan_workflow_through_the_pages(client, organizer, body, admin_user, jurisdiction):
    presets_load(actor=None)
    client.force_login(organizer)
    response = client.post(
        reverse("catalog:plan_create"), {"organizer": body.pk, "year": "115", "title": "115年度計畫"}
    )
    plan = TrainingPlan.objects.get()
    assert plan.year == 2026
    assert response["Location"] == reverse("catalog:plan_detail", kwargs={"pk": plan.pk})
    page = client.get(response["Location"]).content.decode()
    assert "領導管理培力" in page  # the Hsinchu pack's tracks
    for track, title, budget in [
        ("leadership", "主管培力", "50000"),
        ("leadership", "願景營", "70000"),
        ("professional", "新進人員", "30000"),
    ]:
        client.post(
            reverse("catalog:plan_detail", kwargs={"pk": plan.pk}),
            {"track": track, "title": title, "planned_classes": "1", "planned_trainees": "30", "budget": budget},
        )
    page = client.get(reverse("catalog:plan_detail", kwargs={"pk": plan.pk})).content.decode()
    assert "NT$120,000" in page  # leadership total
    assert "NT$150,000" in page  # grand total
    client.post(reverse("catalog:plan_submit", kwargs={"pk": plan.pk}))
    # the organizer cannot decide
    assert (
        client.post(reverse("catalog:plan_decide", kwargs={"pk": plan.pk}), {"decision": "approve"}).status_code == 403
    )
    client.force_login(admin_user)
    client.post(reverse("catalog:plan_decide", kwargs={"pk": plan.pk}), {"decision": "return", "note": "請補充"})
    plan.refresh_from_db()
    assert (plan.status, plan.decision_note) == (PlanStatus.RETURNED, "請補充")
