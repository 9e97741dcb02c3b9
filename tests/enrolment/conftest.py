"""Fixtures for registration: the policy presets, an organizing body with a published class whose
window is open, staff with a supervisor and a personnel officer."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from peili.catalog.models import ClassSession, Course, CourseClass, Venue
from peili.policy.services import presets_load
from tests.factories import PersonFactory, UnitFactory, UserFactory, grant

TZ = timezone.get_fixed_timezone(480)


def at(day, hour=9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def make_class(organizer_agency, *, title="資訊安全通識", term=1, start=None, sessions=((9, 12),), **fields: Any):
    """A published class, window open since yesterday, one session per (start hour, end hour) on the start day."""
    today = timezone.localdate()
    start = start or today + timedelta(days=30)
    course, _ = Course.objects.get_or_create(organizer=organizer_agency, title=title)
    values: dict[str, Any] = {
        "status": "published",
        "start_date": start,
        "end_date": start,
        "capacity": 5,
        "waitlist_size": 3,
        "needs_supervisor_consent": False,
        "meals_provided": True,
        "certified_hours": Decimal("3.0"),
        "registration_opens_at": timezone.now() - timedelta(days=1),
        "registration_closes_at": timezone.now() + timedelta(days=10),
        "cancellation_deadline": timezone.now() + timedelta(days=20),
    }
    values.update(fields)
    course_class = CourseClass.objects.create(course=course, term=term, **values)
    venue, _ = Venue.objects.get_or_create(agency=organizer_agency, name="第一教室")
    for begin, end in sessions:
        ClassSession.objects.create(
            course_class=course_class,
            date=start,
            starts_at=time(begin),
            ends_at=time(end),
            venue=venue,
            hours=end - begin,
        )
    return course_class


@pytest.fixture
def packs(db):
    return presets_load(actor=None)


@pytest.fixture
def body(tree):
    agency = tree["a1"]
    agency.is_training_body = True
    agency.save(update_fields=["is_training_body"])
    return agency


@pytest.fixture
def organizer_user(body):
    user = UserFactory(username="organizer")
    grant(user, "organizer", body)
    return user


@pytest.fixture
def unit(tree):
    return UnitFactory(agency=tree["b"], name="學務科")


@pytest.fixture
def boss(tree, unit):
    """A supervisor of 學務科 in agency b."""
    user = UserFactory(username="boss")
    grant(user, "supervisor", tree["b"])
    return PersonFactory(
        user=user, agency=tree["b"], unit=unit, is_supervisor=True, name="黃主管", email="boss@example.tw"
    )


@pytest.fixture
def staff(tree, unit):
    """Eight members of staff of 學務科 (agency b), each with an account."""
    people = []
    for n in range(8):
        user = UserFactory(username=f"staff{n}")
        people.append(PersonFactory(user=user, agency=tree["b"], unit=unit, name=f"同仁{n}", email=f"s{n}@example.tw"))
    return people


@pytest.fixture
def personnel(tree):
    """A personnel officer over the whole tree."""
    user = UserFactory(username="personnel")
    grant(user, "personnel_officer", tree["root"])
    return user


@pytest.fixture
def course_class(packs, body):
    return make_class(body)
