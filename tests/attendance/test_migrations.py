"""Leave became minutes (issue 11, item 6): a roster written in tenths of an hour and completions
written in hours to two decimals migrate to whole minutes exactly — 2.3 hours of leave are 138
minutes (tenths × 6), a completion's 2.33 hours (140 minutes rounded when it was written) are 140."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from peili.attendance.models import Attendance, Completion

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("attendance", "0002_alter_completion_rule_reason")


def _state_before(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Every app at its latest migration, attendance at BEFORE."""
    return [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] != "attendance"] + [BEFORE]


@pytest.fixture
def old_rows():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    apps = executor.loader.project_state(_state_before(executor)).apps
    jurisdiction = apps.get_model("policy", "Jurisdiction").objects.create(code="old", name="舊轄區")
    agency = apps.get_model("org", "Agency").objects.create(
        code="379000000A", name="舊機關", path="379000000A/", depth=0, jurisdiction=jurisdiction
    )
    course = apps.get_model("catalog", "Course").objects.create(organizer=agency, title="舊課程")
    course_class = apps.get_model("catalog", "CourseClass").objects.create(
        course=course, term=1, certified_hours=7, status="closed"
    )
    session = apps.get_model("catalog", "ClassSession").objects.create(
        course_class=course_class, date=date(2026, 3, 2), starts_at=time(9), ends_at=time(16), hours=7
    )
    closing = apps.get_model("attendance", "ClassClosing").objects.create(
        course_class=course_class, closed_at=timezone.now()
    )
    rows = {}
    leave = {"A123456789": "2.3", "B123456780": "0.1", "C123456781": "7.0", "D123456782": "0"}
    completion_hours = {
        "A123456789": ("4.67", "2.33", "0.00"),
        "B123456780": ("6.90", "0.10", "0.00"),
        "C123456781": ("0.00", "7.00", "0.00"),
        "D123456782": ("4.25", "0.00", "2.75"),
    }
    for national_id, hours in leave.items():
        person = apps.get_model("org", "Person").objects.create(
            national_id=national_id,
            name="舊學員",
            gender="F",
            birth_date=date(1990, 1, 1),
            agency=agency,
            category="junior",
        )
        registration = apps.get_model("enrolment", "Registration").objects.create(
            course_class=course_class, person=person, status="confirmed", registered_at=timezone.now()
        )
        attendance = apps.get_model("attendance", "Attendance").objects.create(
            registration=registration, session=session, leave_hours=Decimal(hours), late_minutes=5
        )
        attended, on_leave, unexcused = (Decimal(v) for v in completion_hours[national_id])
        completion = apps.get_model("attendance", "Completion").objects.create(
            closing=closing,
            registration=registration,
            attended_hours=attended,
            leave_hours=on_leave,
            unexcused_hours=unexcused,
            rule_completes=True,
            completes=True,
        )
        rows[national_id] = (attendance.pk, completion.pk)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    return rows


def test_leave_in_tenths_of_an_hour_becomes_minutes_exactly(old_rows):
    minutes = {nid: Attendance.objects.get(pk=pks[0]).leave_minutes for nid, pks in old_rows.items()}
    assert minutes == {"A123456789": 138, "B123456780": 6, "C123456781": 420, "D123456782": 0}
    assert set(Attendance.objects.values_list("late_minutes", flat=True)) == {5}
    tallies = {
        nid: Completion.objects.values_list("attended_minutes", "leave_minutes", "unexcused_minutes").get(pk=pks[1])
        for nid, pks in old_rows.items()
    }
    assert tallies == {
        "A123456789": (280, 140, 0),
        "B123456780": (414, 6, 0),
        "C123456781": (0, 420, 0),
        "D123456782": (255, 0, 165),
    }


def test_going_back_writes_tenths_of_an_hour_again(old_rows):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    apps = executor.loader.project_state(_state_before(executor)).apps
    attendance = apps.get_model("attendance", "Attendance")
    leave = {nid: attendance.objects.get(pk=pks[0]).leave_hours for nid, pks in old_rows.items()}
    assert leave == {
        "A123456789": Decimal("2.3"),
        "B123456780": Decimal("0.1"),
        "C123456781": Decimal("7.0"),
        "D123456782": Decimal(0),
    }
    completion = apps.get_model("attendance", "Completion").objects.get(pk=old_rows["A123456789"][1])
    assert (completion.attended_hours, completion.leave_hours) == (Decimal("4.67"), Decimal("2.33"))
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
