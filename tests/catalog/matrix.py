"""The catalog's part of the role matrix (see tests/test_role_matrix.py)."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from peili.catalog.enums import ClassStatus, PlanStatus
from peili.catalog.models import (
    ClassCategoryHours,
    ClassMaterial,
    ClassSession,
    Course,
    CourseClass,
    PlanItem,
    TrainingPlan,
    Venue,
)

SIGNED_IN = {"admin", "officer", "organizer", "supervisor", "learner", "reviewer"}

EXPECTED: dict[str, set[str]] = {
    "catalog.browse": SIGNED_IN,
    "catalog.manage": {"admin", "organizer"},
    "catalog.view_plans": {"admin", "organizer"},
    "catalog.approve_plans": {"admin"},
}

MATERIAL_NAME = "materials/role-matrix.txt"


def build(world: Any) -> None:
    """A submitted plan, a course, a published class with a session, hours and a material, all owned by
    the organizer's body (world.agency)."""
    body = world.agency
    start = timezone.localdate() + timedelta(days=30)
    plan = TrainingPlan.objects.create(
        organizer=body, year=start.year, title="矩陣計畫", status=PlanStatus.SUBMITTED, budget=1000
    )
    item = PlanItem.objects.create(plan=plan, track="leadership", title="主管培力", budget=1000)
    course = Course.objects.create(organizer=body, title="矩陣課程", track="leadership")
    course_class = CourseClass.objects.create(
        course=course,
        status=ClassStatus.PUBLISHED,
        start_date=start,
        end_date=start,
        certified_hours=Decimal(3),
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=timezone.now() + timedelta(days=10),
    )
    venue = Venue.objects.create(agency=body, name="矩陣教室")
    session = ClassSession.objects.create(
        course_class=course_class, date=start, starts_at=time(9), ends_at=time(12), venue=venue, hours=3
    )
    ClassCategoryHours.objects.create(course_class=course_class, category="information_security_general", hours=3)
    if not default_storage.exists(MATERIAL_NAME):
        default_storage.save(MATERIAL_NAME, ContentFile(b"role matrix"))
    material = ClassMaterial.objects.create(course_class=course_class, title="講義", file=MATERIAL_NAME)
    world.extra["catalog"] = {
        "plan": plan,
        "item": item,
        "course": course,
        "class": course_class,
        "session": session,
        "material": material,
    }


def route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    objects = world.extra["catalog"]
    pk = objects["class"].pk
    plan = objects["plan"].pk
    return {
        "catalog:class_detail": {"pk": pk},
        "catalog:material_download": {"pk": pk, "material_id": objects["material"].pk},
        "catalog:class_create": {"course_id": objects["course"].pk},
        "catalog:class_setup": {"pk": pk},
        "catalog:class_edit": {"pk": pk},
        "catalog:session_add": {"pk": pk},
        "catalog:session_edit": {"pk": pk, "session_id": objects["session"].pk},
        "catalog:session_delete": {"pk": pk, "session_id": objects["session"].pk},
        "catalog:hours_set": {"pk": pk},
        "catalog:material_add": {"pk": pk},
        "catalog:material_delete": {"pk": pk, "material_id": objects["material"].pk},
        "catalog:class_publish": {"pk": pk},
        "catalog:class_cancel": {"pk": pk},
        "catalog:plan_detail": {"pk": plan},
        "catalog:plan_submit": {"pk": plan},
        "catalog:plan_decide": {"pk": plan},
        "catalog:plan_item_delete": {"pk": plan, "item_id": objects["item"].pk},
    }


def api_path_params(world: Any) -> dict[str, Any]:
    objects = world.extra["catalog"]
    return {"{class_id}": objects["class"].pk, "{plan_id}": objects["plan"].pk}
