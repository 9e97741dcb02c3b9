"""Demo attendance: four classes of the demo organizer (新竹市政府人事處) around today, so every part
of attendance shows on a fresh `make run` —

- 「公務倫理與廉政實務」 has a session **today**, from the hour the demo is loaded (at most 20:00–23:00),
  so that signing in is open at once: open its sign-in screen and scan it as `learner`;
- 「淨零排放與環境教育」 **ended yesterday** with its roster filled in (one on leave, one absent
  without leave) and waits to be closed;
- 「性別主流化工作坊」 ended two weeks ago and is **closed**: its completers' hours are in the
  ledger (the learner's transcript) and its certification is overdue;
- 「環境教育：氣候變遷調適」 ended a month ago and is **closed**: its 4 hours count as 環境教育 on
  the transcripts and the compliance dashboard, and it goes out in the environmental-education file.

Idempotent: a class whose course exists is left alone. Confirmed registrations are written directly
(their registration windows are in the past, so the registration service would refuse them).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from peili.attendance import services
from peili.catalog import services as catalog
from peili.catalog.models import Course, CourseClass
from peili.enrolment.enums import RegistrationStatus
from peili.enrolment.models import Registration
from peili.org.models import Agency, Person

ORGANIZER_CODE = "376570100A"
LEARNER = "learner"  # the demo account whose person is enrolled in every class


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17)))


def _people(organizer: Agency) -> list[Person]:
    learner = Person.objects.filter(user__username=LEARNER).first()
    others = list(
        Person.objects.filter(
            agency__jurisdiction_id=organizer.jurisdiction_id, is_active=True, user__isnull=True
        ).order_by("pk")[:7]
    )
    return ([learner] if learner else []) + others


def _class(
    organizer: Agency, *, title: str, day: date, sessions: list[tuple[int, int]], split: dict[str, int], actor: Any
) -> CourseClass:
    hours = sum(end - begin for begin, end in sessions)
    course = catalog.course_create(organizer=organizer, title=title, track="", actor=actor)
    course_class = catalog.class_create(
        course=course,
        certified_hours=Decimal(hours),
        classroom_hours=Decimal(hours),
        capacity=30,
        city="新竹市",
        needs_supervisor_consent=False,
        registration_opens_at=_at(day - timedelta(days=40)),
        registration_closes_at=_at(day - timedelta(days=3)),
        cancellation_deadline=_at(day - timedelta(days=2)),
        actor=actor,
    )
    for begin, end in sessions:
        catalog.session_add(
            course_class=course_class,
            date=day,
            starts_at=time(begin),
            ends_at=time(end),
            topic=title,
            hours=end - begin,
            actor=actor,
        )
    catalog.class_hours_set(course_class=course_class, split=split, actor=actor)
    catalog.class_publish(course_class=course_class, actor=actor)
    return course_class


def _confirm(course_class: CourseClass, people: list[Person]) -> list[Registration]:
    now = timezone.now()
    registrations = [
        Registration.objects.create(
            course_class=course_class, person=person, status=RegistrationStatus.CONFIRMED, registered_at=now
        )
        for person in people
    ]
    CourseClass.objects.filter(pk=course_class.pk).update(confirmed_count=len(registrations))
    return registrations


def _fill_roster(course_class: CourseClass, registrations: list[Registration], actor: Any) -> None:
    """Everyone present and signed out, except the second person (2 hours' leave in the first
    session: exactly a third of a 6-hour class) and the last (absent from the second, no leave)."""
    sessions = list(course_class.sessions.order_by("date", "starts_at"))
    for number, session in enumerate(sessions):
        entries = {}
        for index, registration in enumerate(registrations):
            entry = services.RosterEntry(True, True, 0, 0, 0)
            if index == 1 and number == 0:
                entry = services.RosterEntry(True, True, 0, 120, 120)
            if index == len(registrations) - 1 and number == 1:
                entry = services.RosterEntry(False, False, 0, 0, 0)
            entries[registration.pk] = entry
        services.roster_save(session=session, entries=entries, actor=actor)


@transaction.atomic
def attendance_demo_load(*, actor: Any = None) -> int:
    """Load the four demo classes if missing; returns how many were created."""
    organizer = Agency.objects.filter(code=ORGANIZER_CODE, is_training_body=True).first()
    if organizer is None:
        return 0
    people = _people(organizer)
    if len(people) < 3:
        return 0
    today = timezone.localdate()
    # Signing opens shortly before a session starts: today's session starts this hour, so that the
    # demo can be signed in to whenever it is loaded (the browser tests do, at any time of day).
    begin = min(timezone.localtime().hour, 20)
    created = 0
    specs: list[tuple[str, date, list[tuple[int, int]], dict[str, int], str]] = [
        ("公務倫理與廉政實務", today, [(begin, begin + 3)], {"integrity_ethics": 3}, "today"),
        (
            "淨零排放與環境教育",
            today - timedelta(days=1),
            [(9, 12), (13, 16)],
            {"environmental_education": 4, "major_policy": 2},
            "ended",
        ),
        (
            "性別主流化工作坊",
            today - timedelta(days=14),
            [(9, 12), (13, 16)],
            {"gender_mainstreaming": 3, "human_rights": 3},
            "closed",
        ),
        ("環境教育：氣候變遷調適", today - timedelta(days=30), [(9, 13)], {"environmental_education": 4}, "closed"),
    ]
    for title, day, sessions, split, state in specs:
        if Course.objects.filter(organizer=organizer, title=title).exists():
            continue
        course_class = _class(organizer, title=title, day=day, sessions=sessions, split=split, actor=actor)
        registrations = _confirm(course_class, people)
        if state != "today":
            _fill_roster(course_class, registrations, actor)
        if state == "closed":
            services.class_close(course_class=course_class, corrections={}, actor=actor, today=today)
        created += 1
    return created
