"""Real concurrency on PostgreSQL: many threads, each with its own connection, registering and
cancelling at once. Run with PEILI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/peili_enr."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from peili.catalog.models import CourseClass
from peili.core.errors import PeiliError
from peili.enrolment import services
from peili.enrolment.enums import RegistrationStatus as S
from peili.enrolment.models import Registration, RegistrationEvent
from peili.org.models import Person
from tests.enrolment.conftest import make_class
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

THREADS = 24


def run_at_once(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job on its own thread and connection, released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except PeiliError as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _counts(course_class: CourseClass) -> tuple[int, int]:
    course_class.refresh_from_db()
    return course_class.confirmed_count, course_class.waitlist_count


def test_a_burst_fills_five_seats_exactly(on_postgres, packs, body, tree):
    course_class = make_class(body, capacity=5, waitlist_size=10)
    people = [PersonFactory(agency=tree["b"]) for _ in range(THREADS)]

    def register(person: Person) -> Callable[[], Any]:
        return lambda: services.registration_create(
            person=person, course_class=course_class.pk, meal="meat", deputy_name="代理人", actor=None
        )

    results = run_at_once([register(p) for p in people])

    assert sum(1 for r in results if isinstance(r, services.Registered)) == 15
    assert sorted(r.code for r in results if isinstance(r, PeiliError)) == ["registration.full"] * (THREADS - 15)
    confirmed = Registration.objects.filter(course_class=course_class, status=S.CONFIRMED)
    waitlisted = list(
        Registration.objects.filter(course_class=course_class, status=S.WAITLISTED).order_by("registered_at", "id")
    )
    assert confirmed.count() == 5
    assert len(waitlisted) == 10
    assert _counts(course_class) == (5, 10)
    # First come, first served: every confirmed registration is earlier than every waitlisted one,
    # and the waitlist order by time is the order the rows were created in.
    last_confirmed = max(r.registered_at for r in confirmed)
    assert all(w.registered_at >= last_confirmed for w in waitlisted)
    assert [w.pk for w in waitlisted] == sorted(w.pk for w in waitlisted)


def test_a_burst_of_the_same_person_registers_once(on_postgres, packs, body, tree):
    course_class = make_class(body, capacity=5)
    person = PersonFactory(agency=tree["b"])

    results = run_at_once(
        [
            lambda: services.registration_create(
                person=person, course_class=course_class.pk, meal="meat", deputy_name="代理人", actor=None
            )
            for _ in range(THREADS)
        ]
    )

    assert sum(1 for r in results if isinstance(r, services.Registered)) == 1
    assert {r.code for r in results if isinstance(r, PeiliError)} == {"registration.duplicate"}
    assert _counts(course_class) == (1, 0)


def test_racing_cancellations_promote_each_waiting_person_once(on_postgres, packs, body, tree):
    course_class = make_class(body, capacity=5, waitlist_size=20)
    people = [PersonFactory(agency=tree["b"]) for _ in range(25)]
    registrations = [
        services.registration_create(
            person=p, course_class=course_class.pk, meal="meat", deputy_name="代理人", actor=None
        ).registration
        for p in people
    ]
    confirmed = registrations[:5]
    waiting = registrations[5:]
    # All five confirmed cancel at once, each twice (a double click): five cancellations succeed.
    jobs = [
        (lambda r=r: services.registration_cancel(registration=r.pk, actor=None)) for r in confirmed for _ in range(2)
    ]

    results = run_at_once(jobs)

    assert sum(1 for r in results if isinstance(r, Registration)) == 5
    assert {r.code for r in results if isinstance(r, PeiliError)} == {"registration.not_active"}
    promoted = list(Registration.objects.filter(course_class=course_class, status=S.CONFIRMED).order_by("id"))
    # The first five on the waitlist, in order, each promoted once.
    assert [r.pk for r in promoted] == [r.pk for r in waiting[:5]]
    assert all(r.promoted_at is not None for r in promoted)
    assert RegistrationEvent.objects.filter(registration__in=promoted, from_status=S.WAITLISTED).count() == 5
    assert _counts(course_class) == (5, 15)
    assert list(
        Registration.objects.filter(course_class=course_class, status=S.WAITLISTED)
        .order_by("registered_at", "id")
        .values_list("pk", flat=True)
    ) == [r.pk for r in waiting[5:]]
