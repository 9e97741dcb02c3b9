from datetime import date, time

import pytest

from peili.catalog.rules import (
    EligibilityRules,
    PersonFacts,
    SessionSlot,
    clashes,
    eligibility,
    grade_range_text,
    overlaps,
)


def person(**changes) -> PersonFacts:
    base = {
        "person_id": 1,
        "agency_path": "376570000A/376570100A/",
        "category": "senior",
        "grade": 7,
        "is_supervisor": False,
        "is_active": True,
        "agency_start": date(2020, 1, 1),
        "public_service_start": date(2015, 1, 1),
    }
    return PersonFacts(**{**base, **changes})


def test_no_restriction_means_eligible():
    assert eligibility(person(), EligibilityRules()).eligible


def test_grade_message_matches_the_wording_people_expect():
    result = eligibility(person(category="junior", grade=5), EligibilityRules(grade_min=6))
    assert result.codes == ("eligibility.grade",)
    assert result.reasons[0].message == "您的官等職等不符本班期資格：限薦任第6職等以上。"


@pytest.mark.parametrize(
    ("grade_min", "grade_max", "text"),
    [
        (6, None, "限薦任第6職等以上"),
        (None, 5, "限委任第5職等以下"),
        (6, 9, "限第6至第9職等"),
        (10, 10, "限簡任第10職等"),
    ],
)
def test_grade_range_text(grade_min, grade_max, text):
    assert grade_range_text(grade_min, grade_max) == text


@pytest.mark.parametrize(("grade", "ok"), [(5, False), (6, True), (9, True), (10, False), (None, False)])
def test_grade_bounds_are_inclusive(grade, ok):
    assert eligibility(person(grade=grade), EligibilityRules(grade_min=6, grade_max=9)).eligible is ok


def test_agency_subtree():
    rules = EligibilityRules(agency_paths=("376570000A/376570100A/",))
    assert eligibility(person(agency_path="376570000A/376570100A/376570101A/"), rules).eligible
    assert eligibility(person(agency_path="376570000A/376570200A/"), rules).codes == ("eligibility.agency",)


def test_every_reason_is_reported_at_once():
    rules = EligibilityRules(categories=frozenset({"selected"}), grade_min=10, supervisors_only=True)
    assert eligibility(person(), rules).codes == ("eligibility.category", "eligibility.grade", "eligibility.supervisor")


def test_named_list_admits_whoever_is_on_it():
    rules = EligibilityRules(grade_min=10, named_people=frozenset({1}))
    assert eligibility(person(person_id=1), rules).eligible
    only_list = EligibilityRules(named_people=frozenset({2}))
    assert eligibility(person(person_id=1), only_list).codes == ("eligibility.not_named",)


@pytest.mark.parametrize(("started", "ok"), [(date(2026, 3, 2), True), (date(2025, 3, 1), False), (None, False)])
def test_newcomers_within_the_pack_months(started, ok):
    rules = EligibilityRules(newcomers_only=True, newcomer_months=12, class_start=date(2026, 3, 1))
    assert eligibility(person(agency_start=started, public_service_start=started), rules).eligible is ok


def test_inactive_people_are_refused():
    assert eligibility(person(is_active=False), EligibilityRules()).codes == ("eligibility.inactive",)


def slot(sid, start, end, venue=None, instructors=(), day=date(2026, 5, 4)):
    return SessionSlot(sid, f"班{sid}", day, time(*start), time(*end), venue, frozenset(instructors))


def test_back_to_back_sessions_do_not_overlap():
    assert not overlaps(slot(1, (9, 0), (12, 0)), slot(2, (12, 0), (15, 0)))
    assert overlaps(slot(1, (9, 0), (12, 0)), slot(2, (11, 59), (15, 0)))
    assert not overlaps(slot(1, (9, 0), (12, 0)), slot(2, (9, 0), (12, 0), day=date(2026, 5, 5)))


def test_clashes_name_the_other_session():
    found = clashes(
        slot(None, (9, 0), (12, 0), venue=7, instructors=[3]),
        [slot(2, (10, 0), (11, 0), venue=7, instructors=[3]), slot(4, (13, 0), (14, 0), venue=7)],
    )
    assert [c.code for c in found] == ["clash.venue", "clash.instructor"]
    assert found[0].message == "場地已被「班2」於 05/04 10:00–11:00 使用。"
    assert found[0].other.session_id == 2


def test_a_session_does_not_clash_with_itself():
    assert clashes(slot(2, (9, 0), (12, 0), venue=7), [slot(2, (9, 0), (12, 0), venue=7)]) == []
