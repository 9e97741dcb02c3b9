"""A registration that cannot get the class row's lock in PEILI_LOCK_TIMEOUT_MS answers the named,
retryable 409 (`core.lock_timeout`) — never a hang, never a 500. Real concurrency on PostgreSQL: a
second connection holds the row. Run with PEILI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/peili_locking."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connections, transaction

from peili.catalog.models import CourseClass
from peili.core import locking
from peili.enrolment import services
from peili.enrolment.enums import RegistrationStatus as S
from peili.enrolment.models import Registration

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextmanager
def row_held(course_class: CourseClass, *, seconds: float = 30) -> Iterator[None]:
    """Another transaction, on its own connection, holds the class row until the block ends (or
    for `seconds`, whichever comes first)."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                list(CourseClass.objects.select_for_update().filter(pk=course_class.pk))
                locked.set()
                release.wait(timeout=seconds)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=10)
    try:
        yield
    finally:
        release.set()
        holder.join(timeout=30)


def test_a_register_that_cannot_get_the_class_row_answers_the_retryable_409(on_postgres, settings, course_class, staff):
    settings.PEILI_LOCK_TIMEOUT_MS = 300
    with row_held(course_class):
        begun = time.monotonic()
        with pytest.raises(locking.LockTimeout) as refused:
            services.registration_create(
                person=staff[0], course_class=course_class.pk, meal="meat", deputy_name="代理人", actor=None
            )
        waited = time.monotonic() - begun
    error = refused.value
    assert (error.code, error.status, error.retryable) == ("core.lock_timeout", 409, True)
    assert error.message == "系統忙碌中，請稍後再試。"
    assert 0.25 <= waited < 5
    assert not Registration.objects.exists()
    # Once the row is free, the same request goes through.
    again = services.registration_create(
        person=staff[0], course_class=course_class.pk, meal="meat", deputy_name="代理人", actor=None
    )
    assert again.registration.status == S.CONFIRMED


def test_the_api_answers_the_lock_timeout_as_409_json_with_its_code(on_postgres, settings, client, course_class, staff):
    settings.PEILI_LOCK_TIMEOUT_MS = 300
    client.force_login(staff[0].user)
    with row_held(course_class):
        response = client.post(
            "/api/v1/registrations",
            {"class_id": course_class.pk, "meal": "meat", "deputy_name": "代理人"},
            content_type="application/json",
        )
    assert response.status_code == 409
    assert response.json() == {"code": "core.lock_timeout", "message": "系統忙碌中，請稍後再試。"}
    assert not Registration.objects.exists()


def test_a_lock_wait_within_the_bound_still_succeeds(on_postgres, settings, course_class, staff):
    settings.PEILI_LOCK_TIMEOUT_MS = 5000
    with row_held(course_class, seconds=0.3):
        result = services.registration_create(
            person=staff[0], course_class=course_class.pk, meal="meat", deputy_name="代理人", actor=None
        )
    assert result.registration.status == S.CONFIRMED
