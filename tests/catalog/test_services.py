from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peili.catalog import services
from peili.catalog.enums import ClassStatus, DeliveryMode, PlanStatus
from peili.catalog.models import ClassSession, CourseClass, TrainingPlan
from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from tests.catalog.conftest import at
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


# --- plan workflow --------------------------------------------------------------------------------


def test_plan_workflow_draft_submit_return_resubmit_approve(body, organizer, admin_user):
    plan = services.plan_create(organizer=body, year=2026, title="115年度訓練計畫", actor=organizer)
    services.plan_item_add(
        plan=plan,
        track="leadership",
        title="主管核心職能培力",
        planned_classes=2,
        planned_trainees=60,
        budget=120000,
        allowed_tracks=["leadership", "professional"],
        actor=organizer,
    )
    services.plan_item_add(
        plan=plan,
        track="professional",
        title="新進人員訓練",
        planned_classes=1,
        planned_trainees=40,
        budget=30000,
        actor=organizer,
    )
    plan.refresh_from_db()
    assert plan.budget == Decimal(150000)
    services.plan_submit(plan=plan, actor=organizer)
    with pytest.raises(PeiliError) as refused:
        services.plan_return(plan=plan, note=" ", actor=admin_user)
    assert refused.value.code == "plan.note_required"
    services.plan_return(plan=plan, note="預算請再檢討", actor=admin_user)
    plan.refresh_from_db()
    assert (plan.status, plan.decision_note, plan.decided_by) == (PlanStatus.RETURNED, "預算請再檢討", admin_user)
    services.plan_submit(plan=plan, actor=organizer)
    services.plan_approve(plan=plan, note="同意", actor=admin_user)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    actions = list(AuditEntry.objects.filter(object_type="catalog.trainingplan").values_list("action", flat=True))
    assert sorted(actions) == sorted(
        [
            "catalog.plan_create",
            "catalog.plan_item_add",
            "catalog.plan_item_add",
            "catalog.plan_submit",
            "catalog.plan_return",
            "catalog.plan_submit",
            "catalog.plan_approve",
        ]
    )
    returned = AuditEntry.objects.get(action="catalog.plan_return")
    assert returned.note == "預算請再檢討"
    assert returned.actor == admin_user


def test_plan_refuses_unknown_track_empty_submit_and_edits_after_submission(body, organizer):
    plan = services.plan_create(organizer=body, year=2026, title="計畫", actor=organizer)
    with pytest.raises(PeiliError) as unknown:
        services.plan_item_add(
            plan=plan,
            track="astrology",
            title="x",
            planned_classes=1,
            planned_trainees=1,
            budget=0,
            allowed_tracks=["leadership"],
            actor=organizer,
        )
    assert unknown.value.code == "plan.unknown_track"
    with pytest.raises(PeiliError) as empty:
        services.plan_submit(plan=plan, actor=organizer)
    assert empty.value.code == "plan.empty"
    services.plan_item_add(
        plan=plan, track="leadership", title="x", planned_classes=1, planned_trainees=1, budget=0, actor=organizer
    )
    services.plan_submit(plan=plan, actor=organizer)
    with pytest.raises(PeiliError) as locked:
        services.plan_item_add(
            plan=plan, track="leadership", title="y", planned_classes=1, planned_trainees=1, budget=0, actor=organizer
        )
    assert locked.value.code == "plan.not_editable"
    assert plan.items.count() == 1


def test_only_a_training_body_plans_and_one_plan_a_year(tree, body, organizer):
    with pytest.raises(PeiliError) as refused:
        services.plan_create(organizer=tree["b"], year=2026, title="x", actor=organizer)
    assert refused.value.code == "catalog.not_training_body"
    services.plan_create(organizer=body, year=2026, title="x", actor=organizer)
    with pytest.raises(PeiliError) as twice:
        services.plan_create(organizer=body, year=2026, title="y", actor=organizer)
    assert twice.value.code == "plan.exists"
    assert TrainingPlan.objects.count() == 1


def test_courses_from_a_plan_item_need_an_approved_plan(body, organizer, admin_user):
    plan = services.plan_create(organizer=body, year=2026, title="x", actor=organizer)
    item = services.plan_item_add(
        plan=plan,
        track="leadership",
        title="主管培力",
        planned_classes=1,
        planned_trainees=30,
        budget=0,
        actor=organizer,
    )
    with pytest.raises(PeiliError) as early:
        services.course_create(organizer=body, title="主管培力", plan_item=item, actor=organizer)
    assert early.value.code == "course.plan_not_approved"
    services.plan_submit(plan=plan, actor=organizer)
    services.plan_approve(plan=plan, actor=admin_user)
    course = services.course_create(organizer=body, title="主管培力", plan_item=item, actor=organizer)
    assert (course.track, course.plan_item) == ("leadership", item)


# --- classes --------------------------------------------------------------------------------------


def test_class_create_numbers_terms_and_validates(course, organizer, today):
    first = services.class_create(course=course, actor=organizer)
    second = services.class_create(course=course, actor=organizer)
    assert (first.term, second.term, first.status) == (1, 2, ClassStatus.DRAFT)
    with pytest.raises(PeiliError) as blended:
        services.class_create(course=course, delivery_mode=DeliveryMode.BLENDED, actor=organizer)
    assert blended.value.message == "混成課程須填寫線上預習課程名稱及網址。"
    with pytest.raises(PeiliError) as grades:
        services.class_create(course=course, grade_min=9, grade_max=6, actor=organizer)
    assert grades.value.code == "class.invalid"
    assert CourseClass.objects.count() == 2


def test_sessions_keep_the_class_dates(course, organizer, venue, today):
    course_class = services.class_create(course=course, actor=organizer)
    day = today + timedelta(days=20)
    services.session_add(
        course_class=course_class,
        date=day + timedelta(days=2),
        starts_at=time(9),
        ends_at=time(12),
        venue=venue,
        actor=organizer,
    )
    first = services.session_add(
        course_class=course_class, date=day, starts_at=time(9), ends_at=time(12), venue=venue, actor=organizer
    )
    course_class.refresh_from_db()
    assert (course_class.start_date, course_class.end_date) == (day, day + timedelta(days=2))
    services.session_delete(session=first, actor=organizer)
    course_class.refresh_from_db()
    assert (course_class.start_date, course_class.end_date) == (day + timedelta(days=2), day + timedelta(days=2))


def test_cancellation_deadline_must_be_before_the_start(course, organizer, venue, today):
    day = today + timedelta(days=20)
    course_class = services.class_create(course=course, cancellation_deadline=at(day), actor=organizer)
    with pytest.raises(PeiliError) as late:
        services.session_add(
            course_class=course_class, date=day, starts_at=time(9), ends_at=time(12), venue=venue, actor=organizer
        )
    assert late.value.message == "取消報名期限須早於開課日期。"
    assert ClassSession.objects.count() == 0
    course_class.refresh_from_db()
    assert course_class.start_date is None


def test_hours_split_must_add_up(course, organizer, categories):
    course_class = services.class_create(course=course, certified_hours=Decimal(3), actor=organizer)
    with pytest.raises(PeiliError) as wrong:
        services.class_hours_set(
            course_class=course_class, split={categories["522"]: 2, categories["523"]: "0.5"}, actor=organizer
        )
    assert wrong.value.code == "class.hours_split_mismatch"
    assert wrong.value.message == "各學習類別時數合計 2.5 小時，須等於認證時數 3 小時。"
    assert course_class.category_hours.count() == 0
    services.class_hours_set(
        course_class=course_class, split={categories["522"]: 2, categories["523"]: 1}, actor=organizer
    )
    assert sorted((r.category, r.hours) for r in course_class.category_hours.all()) == [
        ("information_security_general", Decimal(2)),
        ("information_security_specialist", Decimal(1)),
    ]


# --- clashes --------------------------------------------------------------------------------------


def test_a_double_booked_venue_is_refused_naming_the_session(make_class, course, organizer, venue, today):
    booked = make_class(days=40)
    other = services.class_create(course=course, actor=organizer)
    with pytest.raises(PeiliError) as clash:
        services.session_add(
            course_class=other,
            date=today + timedelta(days=40),
            starts_at=time(11),
            ends_at=time(13),
            venue=venue,
            actor=organizer,
        )
    day = today + timedelta(days=40)
    assert clash.value.code == "clash.venue"
    assert clash.value.status == 409
    assert clash.value.message == f"場地已被「{booked}」於 {day:%m/%d} 09:00–12:00 使用。"
    assert other.sessions.count() == 0
    # back to back is fine
    services.session_add(
        course_class=other, date=day, starts_at=time(12), ends_at=time(14), venue=venue, actor=organizer
    )


def test_an_instructor_cannot_be_in_two_sessions(course, organizer, venue, other_venue, teacher, today):
    day = today + timedelta(days=15)
    first = services.class_create(course=course, actor=organizer)
    services.session_add(
        course_class=first,
        date=day,
        starts_at=time(9),
        ends_at=time(12),
        venue=venue,
        instructors=[teacher],
        actor=organizer,
    )
    second = services.class_create(course=course, actor=organizer)
    with pytest.raises(PeiliError) as clash:
        services.session_add(
            course_class=second,
            date=day,
            starts_at=time(10),
            ends_at=time(11),
            venue=other_venue,
            instructors=[teacher],
            actor=organizer,
        )
    assert clash.value.code == "clash.instructor"
    assert str(first) in clash.value.message


def test_cancelled_classes_free_their_venue(make_class, course, organizer, venue, today):
    booked = make_class(days=40)
    services.class_cancel(course_class=booked, reason="講座因故無法授課", actor=organizer)
    other = services.class_create(course=course, actor=organizer)
    services.session_add(
        course_class=other,
        date=today + timedelta(days=40),
        starts_at=time(9),
        ends_at=time(12),
        venue=venue,
        actor=organizer,
    )
    entry = AuditEntry.objects.get(action="catalog.class_cancel")
    assert (entry.note, entry.after) == ("講座因故無法授課", {"status": "cancelled"})


def test_moving_a_session_onto_another_is_refused_but_itself_is_fine(make_class, organizer, venue, today):
    a = make_class(days=40)
    b = make_class(days=41)
    session_b = b.sessions.get()
    services.session_update(
        session=session_b, date=session_b.date, starts_at=time(8), ends_at=time(12), venue=venue, actor=organizer
    )
    with pytest.raises(PeiliError) as clash:
        services.session_update(
            session=session_b, date=a.start_date, starts_at=time(8), ends_at=time(10), venue=venue, actor=organizer
        )
    assert clash.value.code == "clash.venue"
    session_b.refresh_from_db()
    assert session_b.date == today + timedelta(days=41)


# --- publishing -----------------------------------------------------------------------------------


def test_publish_needs_sessions_hours_split_and_window(course, organizer, venue, categories, today):
    course_class = services.class_create(course=course, certified_hours=Decimal(3), actor=organizer)
    with pytest.raises(PeiliError) as incomplete:
        services.class_publish(course_class=course_class, actor=organizer)
    assert incomplete.value.code == "class.incomplete"
    assert incomplete.value.details == ["尚未安排任何節次。", "學習類別時數合計須等於認證時數。", "尚未設定報名期間。"]
    services.session_add(
        course_class=course_class,
        date=today + timedelta(days=10),
        starts_at=time(9),
        ends_at=time(12),
        venue=venue,
        actor=organizer,
    )
    services.class_hours_set(course_class=course_class, split={categories["522"]: 3}, actor=organizer)
    services.class_update(
        course_class=course_class,
        registration_opens_at=at(today),
        registration_closes_at=at(today + timedelta(days=5)),
        actor=organizer,
    )
    services.class_publish(course_class=course_class, actor=organizer)
    course_class.refresh_from_db()
    assert course_class.status == ClassStatus.PUBLISHED
    with pytest.raises(PeiliError) as again:
        services.class_publish(course_class=course_class, actor=organizer)
    assert again.value.code == "class.not_draft"
    # a published class stays complete
    with pytest.raises(PeiliError):
        services.class_update(course_class=course_class, certified_hours=Decimal(6), actor=organizer)
    course_class.refresh_from_db()
    assert course_class.certified_hours == Decimal(3)


def test_digital_and_classroom_hours_must_add_up_to_the_certified_hours(course, organizer):
    """數位 2 + 實體 5 is not 認證 3: refused when saved, and nothing is written."""
    with pytest.raises(PeiliError) as refused:
        services.class_create(
            course=course,
            delivery_mode="blended",
            prestudy_title="預習",
            prestudy_url="https://e.example.tw/1",
            certified_hours=Decimal(3),
            digital_hours=Decimal(2),
            classroom_hours=Decimal(5),
            actor=organizer,
        )
    assert refused.value.code == "class.invalid"
    assert refused.value.details == ["數位時數 2 小時加實體時數 5 小時須等於認證時數 3 小時。"]
    assert not CourseClass.objects.exists()
    course_class = services.class_create(
        course=course,
        delivery_mode="blended",
        prestudy_title="預習",
        prestudy_url="https://e.example.tw/1",
        certified_hours=Decimal(3),
        digital_hours=Decimal(1),
        classroom_hours=Decimal(2),
        actor=organizer,
    )
    with pytest.raises(PeiliError) as refused:
        services.class_update(course_class=course_class, classroom_hours=Decimal(5), actor=organizer)
    assert refused.value.code == "class.invalid"
    course_class.refresh_from_db()
    assert (course_class.digital_hours, course_class.classroom_hours) == (Decimal(1), Decimal(2))


def test_a_classroom_class_given_only_its_certified_hours_has_them_as_classroom_hours(course, organizer):
    course_class = services.class_create(course=course, certified_hours=Decimal(3), actor=organizer)
    assert (course_class.digital_hours, course_class.classroom_hours) == (Decimal(0), Decimal(3))
    online = services.class_create(course=course, delivery_mode="digital", certified_hours=Decimal(2), actor=organizer)
    assert (online.digital_hours, online.classroom_hours) == (Decimal(2), Decimal(0))
    with pytest.raises(PeiliError):  # a blended class must say how its hours divide
        services.class_create(
            course=course,
            delivery_mode="blended",
            prestudy_title="預習",
            prestudy_url="https://e.example.tw/1",
            certified_hours=Decimal(3),
            actor=organizer,
        )


def test_the_publish_checklist_names_hours_that_do_not_add_up(make_class, organizer):
    """A class saved before the rule (or written around the service) is caught when published."""
    course_class = make_class(publish=False)
    CourseClass.objects.filter(pk=course_class.pk).update(digital_hours=Decimal(2), classroom_hours=Decimal(5))
    course_class.refresh_from_db()
    assert "數位時數 2 小時加實體時數 5 小時須等於認證時數 3 小時。" in services.publish_problems(course_class)
    with pytest.raises(PeiliError) as refused:
        services.class_publish(course_class=course_class, actor=organizer)
    assert refused.value.code == "class.incomplete"
    course_class.refresh_from_db()
    assert course_class.status == ClassStatus.DRAFT


def test_class_update_is_audited_with_only_the_changes(make_class, organizer):
    course_class = make_class(publish=False)
    services.class_update(course_class=course_class, capacity=30, meals_provided=True, actor=organizer)
    entry = AuditEntry.objects.filter(action="catalog.class_update").get()
    assert entry.before == {"capacity": 40, "meals_provided": False}
    assert entry.after == {"capacity": 30, "meals_provided": True}


def test_capacity_cannot_drop_below_confirmed(make_class, organizer):
    course_class = make_class()
    CourseClass.objects.filter(pk=course_class.pk).update(confirmed_count=20)
    with pytest.raises(PeiliError) as refused:
        services.class_update(course_class=course_class, capacity=10, actor=organizer)
    assert refused.value.code == "class.capacity_below_confirmed"


def test_materials_checked_and_audited(make_class, organizer):
    course_class = make_class()
    with pytest.raises(PeiliError) as wrong:
        services.material_add(
            course_class=course_class, title="x", file=SimpleUploadedFile("x.exe", b"MZ"), actor=organizer
        )
    assert wrong.value.code == "material.type"
    material = services.material_add(
        course_class=course_class, title="講義", file=SimpleUploadedFile("slides.pdf", b"%PDF-1.4"), actor=organizer
    )
    assert material.file.read() == b"%PDF-1.4"
    assert AuditEntry.objects.filter(action="catalog.material_add", object_id=str(course_class.pk)).count() == 1


def test_non_training_body_cannot_run_courses(organizer, jurisdiction):
    with pytest.raises(PeiliError):
        services.course_create(organizer=AgencyFactory(jurisdiction=jurisdiction), title="x", actor=organizer)
