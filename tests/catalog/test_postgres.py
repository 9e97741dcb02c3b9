"""Two organizers booking one venue slot at the same moment: exactly one gets it (PostgreSQL only)."""

from __future__ import annotations

import threading
import time as time_module
from datetime import time, timedelta

import pytest
from django.db import close_old_connections, connection

from peili.catalog import services
from peili.catalog.models import ClassSession, CourseClass, Venue
from peili.core.errors import PeiliError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_bookings_of_one_venue_slot_end_with_one(on_postgres, monkeypatch, course, organizer, venue, today):
    # Widen the gap between "no clash found" and the insert, so that without the venue lock every
    # thread would find the slot free and book it.
    original = services.rules.clashes

    def slow_clashes(*args, **kwargs):
        found = original(*args, **kwargs)
        time_module.sleep(0.2)
        return found

    monkeypatch.setattr(services.rules, "clashes", slow_clashes)
    classes = [services.class_create(course=course, actor=organizer) for _ in range(6)]
    day = today + timedelta(days=20)
    barrier = threading.Barrier(len(classes))
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(course_class: CourseClass) -> None:
        try:
            barrier.wait(timeout=10)
            services.session_add(
                course_class=course_class,
                date=day,
                starts_at=time(9),
                ends_at=time(12),
                venue=Venue.objects.get(pk=venue.pk),
                actor=None,
            )
            result = "booked"
        except PeiliError as error:
            result = error.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=book, args=(c,)) for c in classes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    close_old_connections()
    assert sorted(outcomes) == ["booked"] + ["clash.venue"] * (len(classes) - 1)
    assert ClassSession.objects.filter(venue=venue, date=day).count() == 1
