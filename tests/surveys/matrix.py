"""The surveys part of the role matrix (see tests/test_role_matrix.py).

The world's class is organized by the organizer's agency and ended an hour ago; the supervisor and
the learner attended it, are asked to answer its survey and must write a reflection (one of them
has submitted). A template of the organizer's agency has one section and one question."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from peili.surveys import selectors, services
from peili.surveys.enums import QuestionKind, SectionKind
from peili.surveys.models import Reflection
from peili.surveys.services import QuestionSpec, SectionSpec
from tests.enrolment.conftest import make_class
from tests.surveys.conftest import attend

EXPECTED: dict[str, set[str]] = {
    "surveys.manage": {"admin", "organizer"},
    "surveys.manage_object": {"admin"},  # without an object: only administrators
    "surveys.view_body_results": {"admin"},
    "surveys.answer": {"supervisor", "learner"},
    "surveys.answer_object": {"supervisor", "learner"},
}


def build(world: Any) -> None:
    from peili.catalog.models import Instructor
    from peili.org.models import Person

    now = timezone.localtime()
    day = now.date() if now.hour >= 2 else now.date() - timedelta(days=1)
    course_class = make_class(world.agency, title="問卷矩陣", start=day, sessions=((0, 1),))
    session = course_class.sessions.get()
    instructor = Instructor.objects.create(name="矩陣講座")
    session.instructors.add(instructor)
    people = list(Person.objects.filter(user__in=[world.users["supervisor"], world.users["learner"]]))
    for person in people:
        attend(course_class, person)
    template = services.template_create(
        organizer=world.agency,
        name="矩陣問卷",
        sections=[SectionSpec(SectionKind.OVERALL, "整體", (QuestionSpec(QuestionKind.SCALE, "整體滿意"),))],
        actor=None,
    )
    survey = services.survey_attach(course_class=course_class, template=template, actor=None)
    services.survey_invite(survey=survey)
    assignment = services.reflection_require(
        course_class=course_class, prompt="寫下心得", min_chars=5, due_on=day + timedelta(days=7), actor=None
    )
    reflection = Reflection.objects.create(
        assignment=assignment, person=people[0], text="學到很多東西", status="submitted"
    )
    section = selectors.version_sections(selectors.latest_version(template))[0]
    world.extra.update(
        survey=survey,
        survey_class=course_class,
        survey_template=template,
        survey_section=section,
        survey_question=section.questions.get(),
        survey_instructor=instructor,
        reflection=reflection,
    )


def route_kwargs(world: Any) -> dict[str, dict[str, Any]]:
    x = world.extra
    template = {"pk": x["survey_template"].pk}
    course_class = {"class_id": x["survey_class"].pk}
    return {
        "surveys:answer": {"survey_id": x["survey"].pk},
        "surveys:template": template,
        "surveys:section_add": template,
        "surveys:section_edit": {**template, "key": x["survey_section"].key},
        "surveys:question_add": template,
        "surveys:question_edit": {**template, "key": x["survey_question"].key},
        "surveys:class_setup": course_class,
        "surveys:reflection": course_class,
        "surveys:reflections": course_class,
        "surveys:reflection_review": {"pk": x["reflection"].pk},
        "surveys:class_results": course_class,
        "surveys:course_results": {"course_id": x["survey_class"].course_id},
        "surveys:instructor_results": {"instructor_id": x["survey_instructor"].pk},
        "surveys:body_results": {"code": world.agency.code},
    }


def api_path_params(world: Any) -> dict[str, Any]:
    x = world.extra
    # {class_id} is the catalog matrix's class (its module runs first): a class without a survey.
    return {
        "{survey_id}": x["survey"].pk,
        "{template_id}": x["survey_template"].pk,
        "{course_id}": x["survey_class"].course_id,
        "{instructor_id}": x["survey_instructor"].pk,
        "{agency_code}": world.agency.code,
    }
