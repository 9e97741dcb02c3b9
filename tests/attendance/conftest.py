"""Fixtures for attendance: a Hsinchu class (strict 1/3, unexcused absence forfeits) that ended
yesterday, with two 3-hour sessions, a category split, and three confirmed learners."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peili.catalog.models import ClassCategoryHours, ClassSession
from peili.enrolment.enums import RegistrationStatus
from peili.enrolment.models import Registration
from peili.policy.models import Jurisdiction
from peili.policy.services import category_codes_set
from tests.enrolment.conftest import body, make_class, organizer_user, packs  # noqa: F401
from tests.factories import PersonFactory, UserFactory


def add_session(course_class, day, begin, end):
    return ClassSession.objects.create(
        course_class=course_class, date=day, starts_at=time(begin), ends_at=time(end), hours=end - begin
    )


def confirm(course_class, person):
    return Registration.objects.create(
        course_class=course_class, person=person, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )


@pytest.fixture
def ended(packs, body):  # noqa: F811
    """A class of 6 certified hours (two sessions of 3) that ended yesterday, split 4 + 2."""
    day = timezone.localdate() - timedelta(days=1)
    course_class = make_class(
        body,
        title="性別主流化與環境教育",
        start=day,
        sessions=((9, 12), (13, 16)),
        certified_hours=Decimal(6),
        classroom_hours=Decimal(6),
        capacity=10,
        city="新竹市",
    )
    for key, hours in (("environmental_education", 4), ("gender_mainstreaming", 2)):
        ClassCategoryHours.objects.create(course_class=course_class, category=key, hours=Decimal(hours))
    return course_class


@pytest.fixture
def portal_codes(packs):  # noqa: F811
    """The portal's codes of the two categories, filled in as an administrator would (the presets
    leave them empty: only the upload files need them)."""
    category_codes_set(
        jurisdiction=Jurisdiction.objects.get(code="hsinchu-city"),
        year=timezone.localdate().year,
        codes={"environmental_education": "201", "gender_mainstreaming": "303"},
        actor=None,
    )


@pytest.fixture
def learners(ended, tree):
    people = [
        PersonFactory(agency=tree["b"], name=name, user=UserFactory(username=f"learner-{i}"))
        for i, name in enumerate(("王小明", "林美華", "陳志強"))
    ]
    return [confirm(ended, person) for person in people]


@pytest.fixture
def today_class(packs, body):  # noqa: F811
    """A class with a session today, 09:00–12:00."""
    return make_class(body, title="今日課程", start=timezone.localdate(), sessions=((9, 12),))


@pytest.fixture
def open_class(packs, body):  # noqa: F811
    """A class whose one session today runs all day, so signing is open whenever the test runs."""
    return make_class(body, title="全日課程", start=timezone.localdate(), sessions=((0, 23),))
