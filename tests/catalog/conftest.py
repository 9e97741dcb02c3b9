"""Fixtures for the catalog: an organizing body, its organizer, venues, instructors, categories, classes."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peili.catalog import services
from peili.catalog.models import Instructor, Venue
from peili.policy.services import presets_load
from tests.factories import UserFactory, grant

TZ = timezone.get_fixed_timezone(480)


def at(day, hour=9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def body(tree):
    """新竹市政府人事處 as an organizing body (訓練機構)."""
    agency = tree["a"]
    agency.is_training_body = True
    agency.save(update_fields=["is_training_body"])
    return agency


@pytest.fixture
def organizer(body):
    user = UserFactory(username="organizer")
    grant(user, "organizer", body)
    return user


@pytest.fixture
def venue(body):
    return Venue.objects.create(agency=body, name="第一教室", capacity=40)


@pytest.fixture
def other_venue(body):
    return Venue.objects.create(agency=body, name="第二教室", capacity=30)


@pytest.fixture
def teacher(db):
    return Instructor.objects.create(name="李講座", affiliation="國立清華大學")


@pytest.fixture
def categories(jurisdiction):
    """The presets' learning categories (hsinchu-city's pack), by the portal codes they carry."""
    presets_load(actor=None)
    return {"522": "information_security_general", "523": "information_security_specialist"}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def course(body, organizer):
    return services.course_create(organizer=body, title="資訊安全通識", track="professional", actor=organizer)


@pytest.fixture
def make_class(course, organizer, venue, categories, today):
    """A complete class (one session 30 days ahead, 3 h split 2 + 1, window open now) — published unless told."""

    made = []

    def make(*, publish=True, days=None, title=None, venue_=venue, start=time(9), end=time(12), **values):
        # Each class on its own day unless told, so that one venue serves them all without clashes.
        days = days if days is not None else 30 + len(made)
        made.append(days)
        target_course = course
        if title is not None:
            target_course = services.course_create(
                organizer=course.organizer, title=title, track=values.pop("track", "professional"), actor=organizer
            )
        values.setdefault("certified_hours", Decimal(3))
        values.setdefault("registration_opens_at", timezone.now() - timedelta(days=1))
        values.setdefault("registration_closes_at", at(today + timedelta(days=days - 7)))
        values.setdefault("cancellation_deadline", at(today + timedelta(days=days - 3)))
        course_class = services.class_create(course=target_course, actor=organizer, **values)
        services.session_add(
            course_class=course_class,
            date=today + timedelta(days=days),
            starts_at=start,
            ends_at=end,
            venue=venue_,
            hours=values["certified_hours"],
            actor=organizer,
        )
        hours = values["certified_hours"]
        services.class_hours_set(
            course_class=course_class,
            split={categories["522"]: hours - 1, categories["523"]: 1},
            actor=organizer,
        )
        if publish:
            services.class_publish(course_class=course_class, actor=organizer)
        course_class.refresh_from_db()
        return course_class

    return make
