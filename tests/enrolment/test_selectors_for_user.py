"""The object reads for a user (`*_for_user`) of enrolment, and those the API reads through in
org, records and catalog: what the user may see is returned; what they may not is refused with the
answer the API and the pages have always given (`not found` alike for a missing object and a
hidden one where the read filters; `permission.denied` where the published answer names it)."""

from __future__ import annotations

import pytest

from peili.catalog import selectors as catalog_selectors
from peili.catalog.models import TrainingPlan
from peili.core.errors import NotFound, PermissionDenied
from peili.enrolment import selectors, services
from peili.enrolment.enums import RegistrationStatus
from peili.org import selectors as org_selectors
from peili.records import selectors as records_selectors
from tests.factories import PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

MISSING = 999_999


def refusal(read, *args) -> tuple[type, str, int]:
    with pytest.raises((NotFound, PermissionDenied)) as caught:
        read(*args)
    return type(caught.value), caught.value.code, caught.value.status


@pytest.fixture
def registration(course_class, staff):
    return services.registration_create(
        person=staff[0], course_class=course_class, meal="meat", deputy_name="代理", actor=None
    ).registration


def test_registration_for_user_hides_anothers_like_a_missing_one(registration, staff):
    assert selectors.registration_for_user(staff[0].user, registration.pk, "enrolment.cancel") == registration
    hidden = refusal(selectors.registration_for_user, staff[1].user, registration.pk, "enrolment.cancel")
    missing = refusal(selectors.registration_for_user, staff[1].user, MISSING, "enrolment.cancel")
    assert hidden == missing == (NotFound, "registration.not_found", 404)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_registration_for_user_checks_the_permission_named(registration, staff):
    # The learner sees their own registration but may not consent to it.
    assert refusal(selectors.registration_for_user, staff[0].user, registration.pk, "enrolment.consent") == (
        NotFound,
        "registration.not_found",
        404,
    )


def test_registration_for_approver(registration, boss, staff):
    assert selectors.registration_for_approver(registration.pk, boss.user.pk) == (registration, boss.user)
    assert selectors.registration_for_approver(registration.pk, staff[1].user.pk) is None  # no say over it
    assert selectors.registration_for_approver(MISSING, boss.user.pk) is None
    assert selectors.registration_for_approver(registration.pk, MISSING) is None


def test_roster_class_for_user(course_class, organizer_user, staff):
    assert selectors.roster_class_for_user(organizer_user, course_class.pk) == course_class
    assert refusal(selectors.roster_class_for_user, staff[0].user, course_class.pk)[1] == "permission.denied"
    assert refusal(selectors.roster_class_for_user, organizer_user, MISSING) == (
        NotFound,
        "registration.class_not_found",
        404,
    )


def test_substitute_for_user_hides_people_outside_the_scope(boss, staff, tree):
    assert selectors.substitute_for_user(boss.user, staff[1].pk) == staff[1]
    outsider = PersonFactory(agency=tree["a"])
    hidden = refusal(selectors.substitute_for_user, boss.user, outsider.pk)
    missing = refusal(selectors.substitute_for_user, boss.user, MISSING)
    assert hidden == missing == (NotFound, "registration.person_not_found", 404)
    assert selectors.people_for_user_by_id(boss.user, [staff[1].pk, outsider.pk, MISSING]) == {staff[1].pk: staff[1]}


def test_deputy_for_is_a_colleague(staff, tree):
    assert selectors.deputy_for(staff[0], None) is None
    assert selectors.deputy_for(staff[0], staff[1].pk) == staff[1]
    elsewhere = PersonFactory(agency=tree["a"])
    assert refusal(selectors.deputy_for, staff[0], elsewhere.pk)[1] == "registration.deputy_not_found"


def test_person_for_user(officer, tree):
    inside = PersonFactory(agency=tree["a1"])
    outside = PersonFactory(agency=tree["b"])
    assert org_selectors.person_for_user(officer, inside.pk) == inside
    assert refusal(org_selectors.person_for_user, officer, outside.pk) == (PermissionDenied, "permission.denied", 403)
    assert refusal(org_selectors.person_for_user, officer, MISSING) == (NotFound, "person.not_found", 404)
    assert list(org_selectors.people_in_agency_for_user(officer, agency_code=tree["b"].code)) == []
    assert list(org_selectors.people_in_agency_for_user(officer, agency_code="NOPE")) == []
    assert list(org_selectors.people_in_agency_for_user(officer, agency_code=tree["a1"].code)) == [inside]


def test_compliance_reads_for_user(officer, tree):
    inside = PersonFactory(agency=tree["a1"])
    outside = PersonFactory(agency=tree["b"])
    assert records_selectors.transcript_person_for_user(officer, inside.pk) == inside
    assert refusal(records_selectors.transcript_person_for_user, officer, outside.pk)[1] == "permission.denied"
    assert refusal(records_selectors.transcript_person_for_user, officer, MISSING)[1] == "person.not_found"
    assert records_selectors.compliance_agency_for_user(officer, tree["a"].code) == tree["a"]
    hidden = refusal(records_selectors.compliance_agency_for_user, officer, tree["b"].code)
    missing = refusal(records_selectors.compliance_agency_for_user, officer, "NOPE")
    assert hidden[:1] == missing[:1] == (NotFound,)
    assert hidden[1:] == missing[1:] == ("agency.not_found", 404)


def test_plan_and_organizing_body_for_user(packs, body, organizer_user, tree):
    plan = TrainingPlan.objects.create(organizer=body, year=2026, title="年度計畫")
    other = UserFactory(username="other-organizer")
    grant(other, "organizer", tree["b"])
    assert catalog_selectors.plan_for_user(organizer_user, plan.pk) == plan
    hidden = refusal(catalog_selectors.plan_for_user, other, plan.pk)
    missing = refusal(catalog_selectors.plan_for_user, other, MISSING)
    assert hidden == missing == (NotFound, "plan.not_found", 404)
    assert list(catalog_selectors.plans_for_user(organizer_user, 2025)) == []
    assert catalog_selectors.organizing_body_for_user(organizer_user, body.code) == body
    hidden = refusal(catalog_selectors.organizing_body_for_user, other, body.code)
    missing = refusal(catalog_selectors.organizing_body_for_user, other, "NOPE")
    assert hidden[:1] == missing[:1] == (NotFound,)
    assert hidden[1:] == missing[1:] == ("agency.not_found", 404)
