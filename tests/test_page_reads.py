"""The object reads the pages make through selectors (`*_for_user` and the objects under them):
what the user may see is returned; what they may not is refused with the page's answer of before
— not found, or `permission.denied` (the 403 page) where the page has always said so."""

from __future__ import annotations

import pytest

from peili.accounts import selectors as accounts_selectors
from peili.attendance import selectors as attendance_selectors
from peili.catalog import selectors as catalog_selectors
from peili.catalog.models import TrainingPlan
from peili.core import selectors as core_selectors
from peili.core.errors import NotFound, PermissionDenied
from peili.org import selectors as org_selectors
from peili.policy import selectors as policy_selectors
from peili.records import selectors as records_selectors
from tests.enrolment.conftest import body, make_class, organizer_user, packs  # noqa: F401
from tests.factories import PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

MISSING = 999_999


def refusal(read, *args, **kwargs) -> tuple[type, str, int]:
    with pytest.raises((NotFound, PermissionDenied)) as caught:
        read(*args, **kwargs)
    return type(caught.value), caught.value.code, caught.value.status


@pytest.fixture
def organizer(organizer_user):  # noqa: F811
    return organizer_user


@pytest.fixture
def stranger(tree):
    user = UserFactory(username="stranger")
    grant(user, "organizer", tree["b"])
    return user


@pytest.fixture
def course_class(packs, body):  # noqa: F811
    return make_class(body)


def test_attendance_reads(course_class, organizer, stranger):
    assert attendance_selectors.managed_class_for_user(organizer, course_class.pk) == course_class
    assert refusal(attendance_selectors.managed_class_for_user, stranger, course_class.pk)[1] == "permission.denied"
    assert refusal(attendance_selectors.managed_class_for_user, organizer, MISSING)[1] == "attendance.class_not_found"
    session = course_class.sessions.first()
    assert attendance_selectors.managed_session_for_user(organizer, session.pk) == session
    assert refusal(attendance_selectors.managed_session_for_user, stranger, session.pk)[1] == "permission.denied"
    assert refusal(attendance_selectors.managed_session_for_user, organizer, MISSING)[1] == (
        "attendance.session_not_found"
    )
    assert attendance_selectors.ticket_session(session.pk) == session
    assert refusal(attendance_selectors.completion_for_user, organizer, MISSING) == (NotFound, "not_found", 404)
    assert list(attendance_selectors.completions(course_class, closed=False)) == []


def test_attendance_person_signing(tree):
    person = PersonFactory(user=UserFactory(username="someone"), agency=tree["b"])
    assert attendance_selectors.person_signing(person.user) == person
    assert attendance_selectors.person_signing(UserFactory(username="nobody")) is None


def test_catalog_reads(course_class, organizer, stranger, body):  # noqa: F811
    course = course_class.course
    assert catalog_selectors.managed_course_for_user(organizer, course.pk) == course
    assert refusal(catalog_selectors.managed_course_for_user, stranger, course.pk)[1] == "permission.denied"
    assert refusal(catalog_selectors.managed_course_for_user, organizer, MISSING)[1] == "course.not_found"
    assert catalog_selectors.managed_class_for_user(organizer, course_class.pk) == course_class
    assert refusal(catalog_selectors.managed_class_for_user, stranger, course_class.pk)[1] == "permission.denied"
    assert refusal(catalog_selectors.managed_class_for_user, organizer, MISSING)[1] == "class.not_found"
    session = course_class.sessions.first()
    assert catalog_selectors.class_session(course_class, session.pk, with_instructors=True) == session
    other = make_class(body, title="另一門課")
    assert refusal(catalog_selectors.class_session, other, session.pk)[1] == "not_found"
    assert refusal(catalog_selectors.class_material, course_class, MISSING)[1] == "not_found"
    assert list(catalog_selectors.classes_for_manager(organizer, "cancelled")) == []
    plan = TrainingPlan.objects.create(organizer=body, year=2026, title="年度計畫")
    assert refusal(catalog_selectors.plan_item, plan, MISSING)[1] == "not_found"
    assert catalog_selectors.plan_item_for_publishing(organizer, str(MISSING)) is None


def test_org_reads(officer, tree, admin_user):
    assert org_selectors.agency_for_user(officer, tree["a1"].code) == tree["a1"]
    hidden = refusal(org_selectors.agency_for_user, officer, tree["b"].code)
    missing = refusal(org_selectors.agency_for_user, officer, "NOPE")
    assert hidden == missing == (NotFound, "agency.not_found", 404)
    assert org_selectors.agency_by_code(tree["b"].code) == tree["b"]
    assert refusal(org_selectors.agency_by_code, "NOPE")[1] == "agency.not_found"
    rows = org_selectors.agencies_with_headcounts_for_user(officer, 2026)
    assert [row["agency"] for row in rows] == [tree["a"], tree["a1"]]
    assert {row["headcount"] for row in rows} == {None}
    me = PersonFactory(user=UserFactory(username="me"), agency=tree["b"])
    assert org_selectors.own_person_for_user(me.user) == me
    assert refusal(org_selectors.own_person_for_user, admin_user)[1] == "person.not_found"
    assert org_selectors.active_people_count(tree["b"]) == 1


def test_policy_reads(packs):  # noqa: F811
    pack = packs[0]
    assert policy_selectors.pack_for_page(pack.pk) == pack
    assert refusal(policy_selectors.pack_for_page, MISSING)[1] == "policy.pack_not_found"
    revision = pack.revisions.order_by("number").first()
    assert policy_selectors.pack_revision(pack, revision.number) == revision
    assert refusal(policy_selectors.pack_revision, pack, MISSING)[1] == "not_found"
    default = policy_selectors.national_default()
    assert policy_selectors.jurisdiction_shown("") == default
    assert policy_selectors.jurisdiction_shown(pack.jurisdiction.code) == pack.jurisdiction
    first = policy_selectors.jurisdictions().order_by("code").first()
    assert policy_selectors.jurisdiction_shown("NOPE") == first  # an unknown code shows the first
    assert list(policy_selectors.packs_for_choice("NOPE")) == []


def test_records_dashboard_agency(officer, tree):
    assert records_selectors.dashboard_agency_for_user(officer, tree["a1"].code) == tree["a1"]
    assert records_selectors.dashboard_agency_for_user(officer, "") == tree["a"]  # the officer's own subtree
    assert refusal(records_selectors.dashboard_agency_for_user, officer, tree["b"].code) == (
        PermissionDenied,
        "permission.denied",
        403,
    )
    assert refusal(records_selectors.dashboard_agency_for_user, officer, "NOPE") == (NotFound, "agency.not_found", 404)


def test_accounts_and_core_reads(admin_user, tree):
    assert accounts_selectors.account_by_id(admin_user.pk) == admin_user
    assert refusal(accounts_selectors.account_by_id, MISSING)[1] == "not_found"
    assert list(accounts_selectors.users_search("admin")) == [admin_user]
    assert list(accounts_selectors.users_search("nobody-by-that-name")) == []
    assert accounts_selectors.account_person(admin_user) is None
    assert [a.role for a in accounts_selectors.account_assignments(admin_user)] == ["admin"]
    assert list(core_selectors.audit_entries("no-such-action")) == []
    assert core_selectors.calendar_overrides() == []
