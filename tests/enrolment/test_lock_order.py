"""Registration's locks on PostgreSQL: the person's row first, then the class's — and the class row,
which everyone registering for that class queues on, is held only for the seat itself: no read of
the person's registrations or sessions after it (those are judged under the person's lock)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peili.enrolment import services
from tests.enrolment.conftest import make_class

pytestmark = pytest.mark.django_db


def _locks(sql: list[str]) -> list[str]:
    return [s for s in sql if "FOR UPDATE" in s]


def test_the_person_is_locked_before_the_class_and_the_class_only_for_the_seat(on_postgres, course_class, staff):
    person = staff[0]
    with CaptureQueriesContext(connection) as captured:
        services.registration_create(
            person=person, course_class=course_class.pk, meal="meat", deputy_name="代理人", actor=person.user
        )
    sql = [q["sql"] for q in captured.captured_queries]
    person_lock, class_lock = _locks(sql)
    assert '"org_person"' in person_lock
    assert '"catalog_courseclass"' in class_lock
    assert sql.index(person_lock) < sql.index(class_lock)
    after = sql[sql.index(class_lock) + 1 :]
    assert not [s for s in after if s.lstrip().upper().startswith("SELECT")]  # only writes, then COMMIT
    assert sum("set_config('lock_timeout'" in s for s in sql) == 1  # the bound: once, with the first lock


def test_a_substitute_is_locked_before_the_class_too(on_postgres, packs, body, staff):
    course_class = make_class(body)
    original = services.registration_create(
        person=staff[0], course_class=course_class.pk, meal="meat", deputy_name="代理人", actor=staff[0].user
    ).registration
    with CaptureQueriesContext(connection) as captured:
        services.registration_substitute(registration=original, substitute=staff[1], actor=None, deputy_name="代理人")
    person_lock, class_lock = _locks([q["sql"] for q in captured.captured_queries])[:2]
    assert '"org_person"' in person_lock
    assert '"catalog_courseclass"' in class_lock
