"""The attendance part of the role matrix (see tests/test_role_matrix.py).

The world's class is organized by the organizer's agency, ended yesterday and is closed, with the
world's staff member confirmed and completing; its session gets a sign-in screen and a scan ticket
(the learner's)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from peili.attendance import rules, services
from peili.attendance.models import Completion
from peili.catalog.models import ClassCategoryHours
from tests.attendance.conftest import confirm
from tests.enrolment.conftest import make_class

SIGNED_IN = {"admin", "officer", "organizer", "supervisor", "learner", "reviewer"}

EXPECTED: dict[str, set[str]] = {
    "attendance.manage": {"admin", "organizer"},
    "attendance.manage_object": {"admin", "organizer"},
    "attendance.sign_in": {"supervisor", "learner"},
}
# The scan ticket of the matrix is the learner's: anyone else who may sign in is refused it.
OBJECT_LEVEL: dict[str, set[str]] = {"attendance:check": {"learner"}}


def build(world: Any) -> None:
    course_class = make_class(
        world.agency,
        title="出勤矩陣",
        start=timezone.localdate() - timedelta(days=1),
        certified_hours=Decimal(3),
        classroom_hours=Decimal(3),
    )
    ClassCategoryHours.objects.create(course_class=course_class, category="environmental_education", hours=Decimal(3))
    registration = confirm(course_class, world.staff)
    session = course_class.sessions.get()
    services.roster_save(
        session=session, entries={registration.pk: services.RosterEntry(True, True, 0, 0, 0)}, actor=None
    )
    open_class = make_class(world.agency, title="出勤矩陣（未結訓）", start=timezone.localdate() - timedelta(days=1))
    services.class_close(course_class=course_class, corrections={}, actor=None)
    world.extra["attendance_session"] = session
    world.extra["attendance_class"] = course_class
    world.extra["attendance_open_class"] = open_class
    world.extra["completion"] = Completion.objects.get(registration=registration)
    key, period = services.token_key(), services.qr_period()
    world.extra["scan_token"] = rules.token(key, session.pk, "in", rules.window_at(time.time(), period))
    # A scan ticket belongs to the account that scanned: the learner's opens, the supervisor's is refused.
    world.extra["ticket"] = services.ticket_issue(
        token=world.extra["scan_token"], user=world.users["learner"], at=timezone.now()
    ).text


def route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    session = world.extra["attendance_session"]
    return {
        "attendance:class": {"pk": world.extra["attendance_class"].pk},
        "attendance:close": {"pk": world.extra["attendance_open_class"].pk},
        "attendance:correct": {"completion_id": world.extra["completion"].pk},
        "attendance:roster": {"session_id": session.pk},
        "attendance:screen": {"session_id": session.pk, "kind": "in"},
        "attendance:scan": {"token": world.extra["scan_token"]},
        "attendance:check": {"ticket": world.extra["ticket"]},
    }


def api_path_params(world: Any) -> dict[str, Any]:
    # {class_id} is the catalog matrix's class (its module fills it in): a class the organizer manages.
    return {"{session_id}": world.extra["attendance_session"].pk}
