"""The surveys' object reads for a user (`*_for_user`): what the user may see is returned; what
they may not is refused with the answer the API and the pages have always given — `not found`
alike for a missing object and a hidden one where the read filters, `permission.denied` where the
published answer names it — and a refused read changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from peili.core.errors import NotFound, PermissionDenied
from peili.surveys import results, selectors, services
from peili.surveys.models import SurveyTemplate
from tests.factories import PersonFactory, UserFactory, grant
from tests.surveys.conftest import STANDARD

pytestmark = pytest.mark.django_db

MISSING = 999_999


@pytest.fixture
def other_organizer(tree):
    user = UserFactory(username="other-organizer")
    grant(user, "organizer", tree["b"])
    return user


def refusal(read, *args) -> tuple[type, str, int]:
    with pytest.raises((NotFound, PermissionDenied)) as caught:
        read(*args)
    return type(caught.value), caught.value.code, caught.value.status


def test_template_for_user(template, organizer_user, other_organizer):
    assert selectors.template_for_user(organizer_user, template.pk) == template
    assert refusal(selectors.template_for_user, other_organizer, template.pk) == (
        PermissionDenied,
        "permission.denied",
        403,
    )
    assert refusal(selectors.template_for_user, other_organizer, MISSING) == (
        NotFound,
        "survey.template_not_found",
        404,
    )


def test_own_template_for_user_does_not_tell_another_bodys_from_a_missing_one(
    template, organizer_user, other_organizer
):
    assert selectors.own_template_for_user(organizer_user, template.pk) == template
    hidden = refusal(selectors.own_template_for_user, other_organizer, template.pk)
    missing = refusal(selectors.own_template_for_user, other_organizer, MISSING)
    assert hidden == missing == (NotFound, "survey.template_not_found", 404)
    assert SurveyTemplate.objects.count() == 1


def test_managed_class_and_course_for_user(ended_class, organizer_user, other_organizer):
    assert selectors.managed_class_for_user(organizer_user, ended_class.pk) == ended_class
    assert refusal(selectors.managed_class_for_user, other_organizer, ended_class.pk)[1] == "permission.denied"
    assert refusal(selectors.managed_class_for_user, organizer_user, MISSING) == (NotFound, "class.not_found", 404)
    course = ended_class.course
    assert selectors.managed_course_for_user(organizer_user, course.pk) == course
    assert refusal(selectors.managed_course_for_user, other_organizer, course.pk)[1] == "permission.denied"
    assert refusal(selectors.managed_course_for_user, organizer_user, MISSING) == (NotFound, "course.not_found", 404)


def test_results_body_for_user(body, organizer_user, other_organizer):
    assert selectors.results_body_for_user(organizer_user, body.code) == body
    assert refusal(selectors.results_body_for_user, other_organizer, body.code)[1] == "permission.denied"
    assert refusal(selectors.results_body_for_user, organizer_user, "NOPE") == (NotFound, "agency.not_found", 404)


def test_instructor_results_for_user_hides_an_instructor_of_anothers_classes(
    survey, ended_class, organizer_user, other_organizer
):
    instructor = selectors.class_instructors(ended_class)[0]
    found, summary = results.instructor_results_for_user(organizer_user, instructor.pk)
    assert (found, summary.summary.classes) == (instructor, 1)
    hidden = refusal(results.instructor_results_for_user, other_organizer, instructor.pk)
    missing = refusal(results.instructor_results_for_user, other_organizer, MISSING)
    assert hidden == missing == (NotFound, "instructor.not_found", 404)


def test_invitation_for_user_does_not_tell_an_uninvited_survey_from_a_missing_one(survey, attendees, tree):
    invited = attendees[0]
    invitation = selectors.invitation_for_user(invited.user, survey.pk)
    assert (invitation.survey, invitation.person) == (survey, invited)
    outsider = PersonFactory(user=UserFactory(username="outsider"), agency=tree["b"])
    hidden = refusal(selectors.invitation_for_user, outsider.user, survey.pk)
    missing = refusal(selectors.invitation_for_user, outsider.user, MISSING)
    assert hidden == missing == (NotFound, "survey.not_invited", 404)
    personless = UserFactory(username="personless")
    assert refusal(selectors.invitation_for_user, personless, survey.pk) == (PermissionDenied, "survey.no_person", 403)


def test_reflection_class_for_user_needs_a_confirmed_place(ended_class, attendees, tree):
    assert selectors.reflection_class_for_user(attendees[0].user, ended_class.pk) == ended_class
    outsider = PersonFactory(user=UserFactory(username="outsider"), agency=tree["b"])
    assert refusal(selectors.reflection_class_for_user, outsider.user, ended_class.pk)[1] == "permission.denied"
    assert refusal(selectors.reflection_class_for_user, outsider.user, MISSING) == (NotFound, "class.not_found", 404)


def test_reflection_for_user(ended_class, attendees, organizer_user, other_organizer):
    assignment = services.reflection_require(
        course_class=ended_class,
        prompt="心得",
        min_chars=1,
        due_on=timezone.localdate() + timedelta(days=7),
        actor=organizer_user,
    )
    person = attendees[0]
    reflection = services.reflection_save(
        assignment=assignment, person=person, text="很有收穫", submit=False, actor=person.user
    )
    assert selectors.reflection_for_user(organizer_user, reflection.pk) == reflection
    assert refusal(selectors.reflection_for_user, other_organizer, reflection.pk)[1] == "permission.denied"
    assert refusal(selectors.reflection_for_user, organizer_user, MISSING) == (NotFound, "not_found", 404)


def test_template_create_needs_the_standard_sections(body):
    # A guard for the fixtures above: the template the reads are tested on is the standard one.
    template = services.template_create(organizer=body, name="另一份", sections=STANDARD[:1], actor=None)
    assert selectors.has_section(template, selectors.version_sections(selectors.latest_version(template))[0].key)
    assert not selectors.has_section(template, "none")
