"""Demo surveys, so the survey pages have something to show on a fresh `make run`:

- the demo training body (新竹市政府人事處) has the standard questionnaire as its default;
- 「淨零排放與環境教育」 (attendance demo: ended yesterday) has its survey open — `learner` has it
  to answer (home page card, 問卷與心得), the other attendees have answered — and asks for a written
  reflection of at least 100 characters within two weeks;
- 「公文寫作與溝通」 ran four times over the past two years, each survey closed with answers, so the
  course's results show a trend and the body's results a year-on-year line.

Idempotent: nothing is added when the template exists. Answers go through the answering service
(with the time set inside each survey's window), so tallies and counts are as in real use; the
anonymous answers are then written into the results as the periodic task would (`pools_flush`: the
closed surveys' last batches, the open one's batch once enough have answered), so the results pages
have data out of the box.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from peili.catalog import services as catalog
from peili.catalog.models import Course, CourseClass, Instructor
from peili.enrolment.enums import RegistrationStatus
from peili.enrolment.models import Registration
from peili.org.models import Agency, Person
from peili.surveys import selectors, services
from peili.surveys.enums import QuestionKind
from peili.surveys.models import Invitation, Survey, SurveyTemplate
from peili.surveys.standard import standard_sections

ORGANIZER_CODE = "376570100A"
TEMPLATE_NAME = "標準課後問卷"
HISTORY_TITLE = "公文寫作與溝通"
COMMENTS = [
    "講座舉例生動，收穫很多。",
    "希望增加實作練習時間。",
    "冷氣有點冷。",
    "講義可以提早提供。",
    "很實用，推薦同仁參加。",
]


def _answers(survey: Survey, rng: random.Random, lean: float) -> dict[str, list[str]]:
    """A plausible answer: scale points around `lean` (1–5), a choice, sometimes a comment."""
    data: dict[str, list[str]] = {}
    for block in selectors.survey_form(survey):
        for fq in block.questions:
            question = fq.question
            if question.kind == QuestionKind.SCALE:
                data[fq.field] = [str(max(1, min(5, round(rng.gauss(lean, 0.7)))))]
            elif question.kind == QuestionKind.SINGLE:
                data[fq.field] = [str(rng.choice([0, 1, 1, 1, 2]))]
            elif question.kind == QuestionKind.MULTIPLE:
                data[fq.field] = [str(i) for i in rng.sample(range(len(question.options)), rng.randint(1, 2))]
            elif rng.random() < 0.3:
                data[fq.field] = [rng.choice(COMMENTS)]
    return data


def _answer_all(survey: Survey, rng: random.Random, lean: float, *, skip: set[int], at: datetime) -> None:
    for invitation in Invitation.objects.filter(survey=survey).order_by("pk"):
        if invitation.person_id in skip or rng.random() < 0.15:
            continue  # some never answer: the response rate is not 100 %
        services.response_submit(invitation=invitation, data=_answers(survey, rng, lean), actor=None, now=at)


def _history_class(organizer: Agency, course: Course, term: int, day: date, actor: Any) -> CourseClass:
    course_class = catalog.class_create(
        course=course,
        term=term,
        certified_hours=Decimal(3),
        classroom_hours=Decimal(3),
        capacity=40,
        city="新竹市",
        needs_supervisor_consent=False,
        registration_opens_at=timezone.make_aware(datetime.combine(day - timedelta(days=40), time(9))),
        registration_closes_at=timezone.make_aware(datetime.combine(day - timedelta(days=3), time(17))),
        cancellation_deadline=timezone.make_aware(datetime.combine(day - timedelta(days=2), time(17))),
        actor=actor,
    )
    session = catalog.session_add(
        course_class=course_class,
        date=day,
        starts_at=time(9),
        ends_at=time(12),
        topic=course.title,
        hours=3,
        actor=actor,
    )
    instructors = [
        Instructor.objects.get_or_create(name=name, defaults={"affiliation": "國家文官學院"})[0]
        for name in (("周文華", "吳秀蘭") if term % 2 else ("周文華",))
    ]
    session.instructors.add(*instructors)
    catalog.class_hours_set(course_class=course_class, split={"business": Decimal(3)}, actor=actor)
    catalog.class_publish(course_class=course_class, actor=actor)
    return course_class


@transaction.atomic
def surveys_demo_load(*, actor: Any = None) -> int:
    """Load the demo surveys if missing; returns how many surveys were created."""
    organizer = Agency.objects.filter(code=ORGANIZER_CODE, is_training_body=True).first()
    if organizer is None or SurveyTemplate.objects.filter(organizer=organizer, name=TEMPLATE_NAME).exists():
        return 0
    rng = random.Random(2026)
    template = services.template_create(
        organizer=organizer,
        name=TEMPLATE_NAME,
        description="感謝您參加本課程，您的意見是我們改進的依據，約 1 分鐘可完成。",
        anonymous=True,
        sections=standard_sections(),
        actor=actor,
    )
    services.template_default_set(organizer=organizer, track="", template=template, actor=actor)
    created = 0
    learner = Person.objects.filter(user__username="learner").values_list("pk", flat=True).first()
    ended = CourseClass.objects.filter(course__organizer=organizer, course__title="淨零排放與環境教育").first()
    if ended is not None:
        survey = services.survey_attach(course_class=ended, template=template, actor=actor)
        services.survey_invite(survey=survey)
        _answer_all(survey, rng, 4.3, skip={learner} if learner else set(), at=timezone.now())
        services.reflection_require(
            course_class=ended,
            prompt="請就本課程所學，說明如何應用於您的業務，並提出一項具體的改善做法。",
            min_chars=100,
            due_on=timezone.localdate() + timedelta(days=14),
            actor=actor,
        )
        created += 1
    people = list(
        Person.objects.filter(agency__jurisdiction_id=organizer.jurisdiction_id, is_active=True).order_by("pk")[:60]
    )
    if len(people) < 10:
        services.pools_flush()
        return created
    course = catalog.course_create(organizer=organizer, title=HISTORY_TITLE, track="", actor=actor)
    today = timezone.localdate()
    for term, (days_ago, lean) in enumerate(((600, 3.8), (420, 4.0), (240, 4.2), (60, 4.4)), start=1):
        day = today - timedelta(days=days_ago)
        course_class = _history_class(organizer, course, term, day, actor)
        chosen = rng.sample(people, 25)
        Registration.objects.bulk_create(
            Registration(
                course_class=course_class,
                person=person,
                status=RegistrationStatus.CONFIRMED,
                registered_at=timezone.make_aware(datetime.combine(day - timedelta(days=20), time(10))),
            )
            for person in chosen
        )
        CourseClass.objects.filter(pk=course_class.pk).update(confirmed_count=len(chosen))
        survey = services.survey_attach(course_class=course_class, template=template, actor=actor)
        opened = survey.opens_at + timedelta(hours=1)
        services.survey_invite(survey=survey, now=opened)
        _answer_all(survey, rng, lean, skip=set(), at=opened + timedelta(days=1))
        created += 1
    services.pools_flush()
    return created
