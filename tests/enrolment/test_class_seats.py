"""A class's seats kept per process (`selectors.class_seats`): a full class is refused without
reading it, and a kept "full" can never refuse a class that has a place — every write that frees one
moves the class's stamp; a kept "not full" that is wrong is decided by the locked path."""

from __future__ import annotations

import random
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peili.catalog.models import CourseClass
from peili.core import versions
from peili.core.errors import PeiliError
from peili.enrolment import rules, selectors, services
from peili.enrolment.enums import ACTIVE_STATUSES
from peili.enrolment.enums import RegistrationStatus as S
from peili.enrolment.models import Registration
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def reg(person, course_class):
    return services.registration_create(
        person=person, course_class=course_class.pk, meal="meat", deputy_name="代理人", actor=person.user
    )


def refused_full(person, course_class) -> bool:
    with pytest.raises(PeiliError) as info:
        reg(person, course_class)
    return info.value.code == "registration.full"


def kept_full(course_class) -> bool:
    """This process keeps the class as full (what refuses without reading it)."""
    seats = selectors.class_seats(course_class.pk)
    return rules.placement(seats.facts, consent_needed=False).refusal is not None


def fill(course_class, staff) -> list[Registration]:
    return [reg(p, course_class).registration for p in staff]  # 5 seats, 3 on the waitlist


def newcomer(staff):
    return PersonFactory(agency=staff[0].agency, unit=staff[0].unit)


def test_a_full_class_is_refused_from_the_kept_seats_without_reading_the_class(course_class, staff):
    fill(course_class, staff)
    extra = newcomer(staff)
    assert refused_full(extra, course_class)  # the seats are read and kept
    with CaptureQueriesContext(connection) as captured:
        assert refused_full(extra, course_class)
    tables = ("catalog_", "enrolment_", "policy_", "org_")
    assert [q["sql"] for q in captured if any(t in q["sql"] for t in tables)] == []


def test_the_seats_are_read_with_only_the_columns_the_check_needs(course_class, staff):
    fill(course_class, staff)
    versions.bump(versions.SEATS)  # nothing kept: read afresh
    with CaptureQueriesContext(connection) as captured:
        assert refused_full(newcomer(staff), course_class)
    reads = [q["sql"] for q in captured if '"catalog_courseclass"' in q["sql"]]
    assert len(reads) == 1
    assert '"catalog_courseclass"."title"' not in reads[0]
    assert '"catalog_courseclass"."prestudy_title"' not in reads[0]


def test_a_cancelled_seat_is_given_although_full_was_kept(course_class, staff):
    registrations = fill(course_class, staff)
    assert refused_full(newcomer(staff), course_class)
    assert kept_full(course_class)
    services.registration_cancel(registration=registrations[0], actor=None)  # promotes the first waiting
    assert reg(newcomer(staff), course_class).registration.status == S.WAITLISTED


def test_a_cancelled_waitlist_place_is_given_although_full_was_kept(course_class, staff):
    registrations = fill(course_class, staff)
    assert refused_full(newcomer(staff), course_class)
    assert kept_full(course_class)
    services.registration_cancel(registration=registrations[-1], actor=None)
    assert reg(newcomer(staff), course_class).registration.status == S.WAITLISTED


def test_more_seats_are_given_although_full_was_kept(course_class, staff):
    fill(course_class, staff)
    assert refused_full(newcomer(staff), course_class)
    assert kept_full(course_class)
    course_class.refresh_from_db()
    course_class.capacity = 6
    course_class.save(update_fields=["capacity"])  # as the catalog's class_update saves it
    assert reg(newcomer(staff), course_class).registration.status == S.CONFIRMED


def test_promoting_after_more_seats_frees_the_waitlist(course_class, staff):
    fill(course_class, staff)
    assert refused_full(newcomer(staff), course_class)
    assert kept_full(course_class)
    course_class.refresh_from_db()
    course_class.capacity = 6
    course_class.save(update_fields=["capacity"])
    assert len(services.waitlist_promote(course_class=course_class.pk, actor=None)) == 1
    assert reg(newcomer(staff), course_class).registration.status == S.WAITLISTED


def test_a_longer_waitlist_is_used_although_full_was_kept(course_class, staff):
    fill(course_class, staff)
    assert refused_full(newcomer(staff), course_class)
    assert kept_full(course_class)
    course_class.refresh_from_db()
    course_class.waitlist_size = 4
    course_class.save()  # any write of the class moves the catalog stamp
    assert reg(newcomer(staff), course_class).registration.status == S.WAITLISTED


def test_a_kept_not_full_that_is_wrong_is_refused_by_the_lock_which_then_keeps_full(course_class, staff):
    fill(course_class, staff[:4])
    assert selectors.class_seats(course_class.pk).facts.confirmed < 5  # places taken move no stamp
    # Counters moved behind the stamps' back (no service does this): the kept view says a seat is free.
    CourseClass.objects.filter(pk=course_class.pk).update(confirmed_count=5, waitlist_count=3)
    before = Registration.objects.count()
    assert not kept_full(course_class)
    assert refused_full(newcomer(staff), course_class)
    assert Registration.objects.count() == before
    assert kept_full(course_class)


def test_in_a_request_a_full_class_is_refused_on_the_stamps_read_with_the_session(course_class, staff):
    """The seats stamp is one of the request's stamps: with them read (as the session store does),
    refusing a full class kept in this process reads neither the database nor the cache."""
    fill(course_class, staff)
    extra = newcomer(staff)
    assert refused_full(extra, course_class)
    with versions.request_scope():
        versions.remember(versions.cache.get_many(versions.request_stamp_keys()))
        with (
            mock.patch.object(versions.cache, "get_many", side_effect=AssertionError("a cache read")),
            CaptureQueriesContext(connection) as captured,
        ):
            assert refused_full(extra, course_class)
    assert [q["sql"] for q in captured if "catalog_" in q["sql"] or "enrolment_" in q["sql"]] == []


def test_taking_a_place_moves_no_stamp_but_filling_the_class_or_freeing_one_does(course_class, staff):
    before = versions.stamp(versions.SEATS)
    registrations = fill(course_class, staff[:7])
    assert versions.stamp(versions.SEATS) == before
    reg(staff[7], course_class)  # the last place on the waitlist
    full = versions.stamp(versions.SEATS)
    assert full != before
    services.registration_cancel(registration=registrations[-1], actor=None)
    assert versions.stamp(versions.SEATS) != full


def test_a_kept_full_never_refuses_a_class_with_a_place(course_class, staff):
    """Random registrations and cancellations: whenever the class, read fresh, has a place, a
    registration gets one, whatever this process kept."""
    rng = random.Random(20261207)
    people = [*staff, *(newcomer(staff) for _ in range(12))]
    for _step in range(40):
        active = list(Registration.objects.filter(course_class=course_class, status__in=ACTIVE_STATUSES))
        if active and rng.random() < 0.45:
            services.registration_cancel(registration=rng.choice(active), actor=None)
            continue
        holding = {r.person_id for r in active}
        free = [p for p in people if p.pk not in holding]
        if not free:
            continue
        course_class.refresh_from_db()
        truth = rules.placement(services._facts(course_class), consent_needed=False)
        person = rng.choice(free)
        if truth.refusal is None:
            assert reg(person, course_class).registration.status == truth.status
        else:
            assert refused_full(person, course_class)
            assert kept_full(course_class)
