"""Fixtures for surveys: the Hsinchu training body's standard questionnaire (course, each
instructor, venue and meals, overall — every question type), a class that ended an hour ago with
two instructors and three learners who attended (and one who did not), and its survey, open."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from peili.catalog.models import Instructor
from peili.enrolment.enums import RegistrationStatus
from peili.enrolment.models import Registration
from peili.surveys import services
from peili.surveys.enums import QuestionKind, SectionKind
from peili.surveys.services import QuestionSpec, SectionSpec
from tests.enrolment.conftest import body, make_class, organizer_user, packs  # noqa: F401
from tests.factories import PersonFactory, UserFactory

SCALE, SINGLE, MULTIPLE, TEXT = QuestionKind.SCALE, QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TEXT

STANDARD = (
    SectionSpec(
        SectionKind.COURSE,
        "課程",
        (
            QuestionSpec(SCALE, "課程內容符合我的工作需要"),
            QuestionSpec(SCALE, "課程時間安排適當"),
        ),
    ),
    SectionSpec(
        SectionKind.INSTRUCTOR,
        "講座",
        (
            QuestionSpec(SCALE, "講座表達清楚"),
            QuestionSpec(TEXT, "給講座的建議", required=False),
        ),
    ),
    SectionSpec(
        SectionKind.VENUE,
        "場地與餐飲",
        (
            QuestionSpec(SCALE, "場地設備"),
            QuestionSpec(SINGLE, "餐點份量", options=("太少", "剛好", "太多")),
        ),
    ),
    SectionSpec(
        SectionKind.OVERALL,
        "整體",
        (
            QuestionSpec(SCALE, "整體而言，我對本課程感到滿意"),
            QuestionSpec(MULTIPLE, "您從哪裡得知本課程", required=False, options=("公文", "網站", "同事", "主管")),
            QuestionSpec(TEXT, "其他意見", required=False),
        ),
    ),
)


@pytest.fixture
def template(body, organizer_user):  # noqa: F811
    return services.template_create(
        organizer=body, name="標準課後問卷", anonymous=True, sections=STANDARD, actor=organizer_user
    )


def attend(course_class, person):
    """A confirmed registration signed in to every session of the class."""
    from peili.attendance.models import Attendance

    registration = Registration.objects.create(
        course_class=course_class, person=person, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )
    for session in course_class.sessions.all():
        Attendance.objects.create(
            registration=registration,
            session=session,
            signed_in_at=timezone.make_aware(datetime.combine(session.date, session.starts_at)),
            signed_in_by="roster",
        )
    return registration


@pytest.fixture
def ended_class(packs, body):  # noqa: F811
    """A class whose one session (two instructors) ended an hour ago; it ends today."""
    now = timezone.localtime()
    begin = max(0, now.hour - 3)
    end = max(1, now.hour - 1) if now.hour >= 2 else 1
    course_class = make_class(body, title="公務倫理", start=now.date(), sessions=((begin, end),))
    session = course_class.sessions.get()
    if now.hour < 2:  # just after midnight: use yesterday's evening instead
        day = now.date() - timedelta(days=1)
        course_class.start_date = course_class.end_date = day
        course_class.save(update_fields=["start_date", "end_date"])
        session.date, session.starts_at, session.ends_at = day, time(18), time(21)
        session.save()
    for name in ("陳講座", "林講座"):
        session.instructors.add(Instructor.objects.create(name=name))
    return course_class


@pytest.fixture
def attendees(ended_class, tree):
    people = [
        PersonFactory(agency=tree["b"], name=name, user=UserFactory(username=f"answer-{i}"), email=f"a{i}@example.tw")
        for i, name in enumerate(("王小明", "林美華", "陳志強"))
    ]
    for person in people:
        attend(ended_class, person)
    absent = PersonFactory(agency=tree["b"], name="缺席者", user=UserFactory(username="absent"))
    Registration.objects.create(
        course_class=ended_class, person=absent, status=RegistrationStatus.CONFIRMED, registered_at=timezone.now()
    )
    return people


@pytest.fixture
def survey(ended_class, template, attendees, organizer_user):  # noqa: F811
    """The class's survey, attached and opened (the attendees invited)."""
    attached = services.survey_attach(course_class=ended_class, template=template, actor=organizer_user)
    services.survey_invite(survey=attached)
    attached.refresh_from_db()
    return attached


def full_answers(survey, *, scale="5", choice="1"):
    """A valid submission answering every question of the survey's form."""
    from peili.surveys import selectors

    data: dict[str, list[str]] = {}
    for block in selectors.survey_form(survey):
        for fq in block.questions:
            kind = fq.question.kind
            data[fq.field] = [scale] if kind == SCALE else [choice] if kind in (SINGLE, MULTIPLE) else ["很好"]
    return data
