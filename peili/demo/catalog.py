"""Demo catalog: venues, instructors, an approved plan and a dozen published classes for
新竹市政府人事處 (376570100A, the demo organizer's body). Idempotent: natural keys decide what exists.

Call after the org demo (`peili.demo.loader.demo_load`): it needs the agencies and the policy presets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from peili.catalog import selectors, services
from peili.catalog.enums import DeliveryMode, PlanStatus
from peili.catalog.models import Course, Instructor, TrainingPlan, Venue
from peili.org.models import Agency

ORGANIZER_CODE = "376570100A"

VENUES = [
    ("301 研習教室", "新竹市中正路 120 號 3 樓", 40),
    ("大禮堂", "新竹市中正路 120 號 1 樓", 200),
    ("電腦教室", "新竹市中正路 120 號 4 樓", 30),
]

INSTRUCTORS = [
    ("陳志明", "國立陽明交通大學", "教授"),
    ("林美玲", "新竹市政府政風處", "處長"),
    ("王大同", "行政院環境部", "簡任技正"),
    ("黃淑芬", "社團法人台灣性別平等促進會", "理事"),
    ("張家豪", "國家資通安全研究院", "資深工程師"),
]

# (track, title, classes, trainees, budget)
PLAN_ITEMS = [
    ("leadership", "中高階主管願景共識營", 1, 60, 180000),
    ("leadership", "主管核心職能培力", 2, 80, 120000),
    ("public_policy", "當前政府重大政策", 2, 200, 40000),
    ("public_policy", "民主治理價值課程", 3, 240, 60000),
    ("public_policy", "環境教育", 2, 160, 50000),
    ("professional", "新進人員訓練", 2, 60, 45000),
    ("professional", "科技數位培力班", 3, 90, 75000),
    ("development", "雲端工具運用與社群經營", 1, 30, 20000),
]


@dataclass(frozen=True)
class DemoClass:
    title: str
    track: str
    days: int  # from today
    start: time
    end: time
    hours: Decimal
    split: tuple[tuple[str, Decimal], ...]
    venue: int | None
    instructors: tuple[int, ...]
    options: tuple[tuple[str, Any], ...] = ()


CLASSES = [
    DemoClass(
        "資通安全通識教育",
        "professional",
        10,
        time(9),
        time(12),
        Decimal(3),
        (("information_security_general", Decimal(3)),),
        1,
        (4,),
    ),
    DemoClass(
        "性別主流化基礎課程",
        "public_policy",
        14,
        time(14),
        time(16),
        Decimal(2),
        (("gender_mainstreaming", Decimal(2)),),
        0,
        (3,),
    ),
    DemoClass(
        "環境教育：淨零生活",
        "public_policy",
        21,
        time(9),
        time(13),
        Decimal(4),
        (("environmental_education", Decimal(4)),),
        1,
        (2,),
    ),
    DemoClass(
        "當前政府重大政策講座",
        "public_policy",
        28,
        time(9),
        time(10),
        Decimal(1),
        (("major_policy", Decimal(1)),),
        1,
        (0,),
    ),
    DemoClass(
        "主管核心職能培力",
        "leadership",
        35,
        time(9),
        time(16),
        Decimal(6),
        (("leadership", Decimal(6)),),
        0,
        (0,),
        (("grade_min", 6), ("needs_supervisor_consent", True), ("meals_provided", True)),
    ),
    DemoClass(
        "中高階主管願景共識營",
        "leadership",
        42,
        time(9),
        time(17),
        Decimal(7),
        (("leadership", Decimal(7)),),
        1,
        (0, 1),
        (("supervisors_only", True), ("meals_provided", True), ("capacity", 30)),
    ),
    DemoClass(
        "資安專職人員進階課程",
        "professional",
        49,
        time(9),
        time(16),
        Decimal(6),
        (("information_security_specialist", Decimal(6)),),
        2,
        (4,),
        (("grade_min", 7), ("capacity", 20)),
    ),
    DemoClass(
        "廉政與服務倫理（混成）",
        "public_policy",
        56,
        time(14),
        time(17),
        Decimal(4),
        (("integrity_ethics", Decimal(4)),),
        0,
        (1,),
        (
            ("delivery_mode", DeliveryMode.BLENDED),
            ("prestudy_title", "廉政倫理線上預習"),
            ("prestudy_url", "https://elearn.hrd.gov.tw/"),
            ("digital_hours", Decimal(1)),
            ("classroom_hours", Decimal(3)),
        ),
    ),
    DemoClass(
        "新進人員訓練", "professional", 63, time(9), time(16), Decimal(6), (("business", Decimal(6)),), 0, (1, 2)
    ),
    DemoClass(
        "雲端工具運用與社群經營",
        "development",
        70,
        time(13),
        time(17),
        Decimal(4),
        (("digital_skills", Decimal(4)),),
        2,
        (4,),
        (("capacity", 25),),
    ),
    DemoClass(
        "科技數位培力班：資料視覺化",
        "professional",
        84,
        time(9),
        time(16),
        Decimal(6),
        (("digital_skills", Decimal(6)),),
        2,
        (0,),
    ),
    DemoClass(
        "人權教育與行政中立",
        "public_policy",
        98,
        time(9),
        time(12),
        Decimal(3),
        (("human_rights", Decimal(2)), ("administrative_neutrality", Decimal(1))),
        1,
        (3,),
        (("eligible_categories", ["junior", "senior", "selected"]),),
    ),
]


def _at(day: Any, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def catalog_demo_load(*, actor: Any = None) -> int:
    """Load (or complete) the demo catalog; returns how many classes were created this time."""
    organizer = Agency.objects.filter(code=ORGANIZER_CODE).first()
    if organizer is None:
        return 0
    if not organizer.is_training_body:
        Agency.objects.filter(pk=organizer.pk).update(is_training_body=True)
        organizer.is_training_body = True
    venues = [
        Venue.objects.get_or_create(agency=organizer, name=name, defaults={"address": address, "capacity": capacity})[0]
        for name, address, capacity in VENUES
    ]
    instructors = [
        Instructor.objects.get_or_create(name=name, affiliation=affiliation, defaults={"title": title})[0]
        for name, affiliation, title in INSTRUCTORS
    ]
    today = timezone.localdate()
    plan = _plan(organizer, today.year, actor)
    items = {item.title: item for item in plan.items.all()}
    created = 0
    for spec in CLASSES:
        if Course.objects.filter(organizer=organizer, title=spec.title).exists():
            continue
        course = services.course_create(
            organizer=organizer, title=spec.title, track=spec.track, plan_item=items.get(spec.title), actor=actor
        )
        start = today + timedelta(days=spec.days)
        options = dict(spec.options)
        course_class = services.class_create(
            course=course,
            certified_hours=spec.hours,
            classroom_hours=options.pop("classroom_hours", spec.hours),
            registration_opens_at=_at(today - timedelta(days=3), 9),
            registration_closes_at=_at(start - timedelta(days=5), 17),
            cancellation_deadline=_at(start - timedelta(days=2), 17),
            city="新竹市",
            actor=actor,
            **options,
        )
        services.session_add(
            course_class=course_class,
            date=start,
            starts_at=spec.start,
            ends_at=spec.end,
            venue=venues[spec.venue] if spec.venue is not None else None,
            instructors=[instructors[i] for i in spec.instructors],
            topic=spec.title,
            hours=spec.hours,
            actor=actor,
        )
        services.class_hours_set(course_class=course_class, split=dict(spec.split), actor=actor)
        services.class_publish(course_class=course_class, actor=actor)
        created += 1
    return created


def _plan(organizer: Agency, year: int, actor: Any) -> TrainingPlan:
    plan = TrainingPlan.objects.filter(organizer=organizer, year=year).first()
    if plan is None:
        plan = services.plan_create(
            organizer=organizer, year=year, title=f"{year - 1911}年度公務人員訓練進修計畫", actor=actor
        )
    if plan.status in services.EDITABLE_PLAN_STATUSES and not plan.items.exists():
        tracks = [key for key, _name in selectors.track_choices(organizer.jurisdiction_id, year)]
        for track, title, classes, trainees, budget in PLAN_ITEMS:
            services.plan_item_add(
                plan=plan,
                track=track,
                title=title,
                planned_classes=classes,
                planned_trainees=trainees,
                budget=budget,
                allowed_tracks=tracks,
                actor=actor,
            )
    if plan.status in services.EDITABLE_PLAN_STATUSES:
        plan = services.plan_submit(plan=plan, actor=actor)
    if plan.status == PlanStatus.SUBMITTED:
        plan = services.plan_approve(plan=plan, note="示範資料：核定", actor=actor)
    return plan
