"""Seed the browser tests' server with a seminar of many people (`python -m tests.e2e.seed_seminar 2000`,
run with the server's environment by the `seed` fixture): a 3-hour class of the demo organizer
(新竹市政府人事處) that ended yesterday, with its people created and confirmed in bulk — the browser
test then saves its roster and closes it through the pages. Prints the class's and session's ids as
JSON. Idempotent per size: a second run returns the same class."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, time, timedelta
from decimal import Decimal

import django


def seed(size: int) -> dict[str, int | str]:
    """The seminar of `size` people (created when missing)."""
    # Imported here: Django is set up first (this runs as a script, outside any Django process).
    from django.db import transaction
    from django.utils import timezone

    from peili.catalog import services as catalog
    from peili.catalog.models import CourseClass
    from peili.demo.attendance import ORGANIZER_CODE
    from peili.enrolment.enums import RegistrationStatus
    from peili.enrolment.models import Registration
    from peili.org.models import Agency, Person
    from peili.org.rules import make_national_id

    title = f"大型研討會（{size} 人）"
    organizer = Agency.objects.get(code=ORGANIZER_CODE)
    found = CourseClass.objects.filter(course__organizer=organizer, course__title=title).first()
    if found is None:
        day = timezone.localdate() - timedelta(days=1)
        at = timezone.make_aware(datetime.combine(day, time(17)))
        with transaction.atomic():
            course = catalog.course_create(organizer=organizer, title=title, track="", actor=None)
            found = catalog.class_create(
                course=course,
                certified_hours=Decimal(3),
                classroom_hours=Decimal(3),
                capacity=size,
                city="新竹市",
                needs_supervisor_consent=False,
                registration_opens_at=at - timedelta(days=40),
                registration_closes_at=at - timedelta(days=3),
                cancellation_deadline=at - timedelta(days=2),
                actor=None,
            )
            catalog.session_add(
                course_class=found, date=day, starts_at=time(9), ends_at=time(12), topic=title, hours=3, actor=None
            )
            catalog.class_hours_set(course_class=found, split={"environmental_education": 3}, actor=None)
            catalog.class_publish(course_class=found, actor=None)
            people = Person.objects.bulk_create(
                Person(
                    national_id=make_national_id("W", f"2{n:07d}"),
                    name=f"研討學員{n:04d}",
                    gender="F",
                    birth_date=datetime(1988, 5, 1).date(),
                    agency=organizer,
                    category="senior",
                    grade=7,
                )
                for n in range(size)
            )
            now = timezone.now()
            Registration.objects.bulk_create(
                Registration(course_class=found, person=p, status=RegistrationStatus.CONFIRMED, registered_at=now)
                for p in people
            )
            CourseClass.objects.filter(pk=found.pk).update(confirmed_count=size)
    session = found.sessions.get()
    return {"class_id": found.pk, "session_id": session.pk, "title": title}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    sys.stdout.write(json.dumps(seed(int(sys.argv[1])), ensure_ascii=False) + "\n")
