"""The hours ledger's pure rules, without a database: the learning year, category splits, a year's
standing against the yearly rule (with the floor inside a category), and certification deadlines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peili.core.workdays import WorkingCalendar
from peili.policy.schema import CertificationRule, HoursRule
from peili.records import rules
from peili.records.enums import CertificationStatus

D = Decimal

# The national yearly rule's shape: 20 h, of which 1 major policy, 4 environment, 5 democratic
# governance with ≥ 1 h gender mainstreaming; democratic governance has topics under it, and some
# categories carry the portal's code (others do not: counting must not need it).
RULE = HoursRule.model_validate(
    {
        "yearly_minimum": 20,
        "categories": {
            "major_policy": {"name": "當前政府重大政策", "portal_code": "101"},
            "environmental_education": {"name": "環境教育"},
            "democratic_governance": {"name": "民主治理價值", "portal_code": "301"},
            "gender_mainstreaming": {"name": "性別主流化", "parent": "democratic_governance", "portal_code": "303"},
            "human_rights": {"name": "人權教育", "parent": "democratic_governance", "portal_code": "302"},
            "information_security": {"name": "資通安全"},
            "information_security_general": {"name": "資通安全通識", "parent": "information_security"},
        },
        "mandatory": {
            "major_policy": {"name": "當前政府重大政策", "hours": 1, "categories": ["major_policy"]},
            "environmental_education": {"name": "環境教育", "hours": 4, "categories": ["environmental_education"]},
            "democratic_governance": {
                "name": "民主治理價值",
                "hours": 5,
                "categories": ["democratic_governance"],
                "floors": {
                    "gender_mainstreaming": {"name": "性別主流化", "hours": 1, "categories": ["gender_mainstreaming"]}
                },
            },
        },
    }
)
KEYS = [*RULE.categories, "business"]  # every category, and one the rule does not know


def test_hours_count_towards_the_year_the_learning_ended():
    assert rules.learning_year(date(2026, 1, 2)) == 2026
    assert rules.learning_year(date(2025, 12, 31)) == 2025


@pytest.mark.parametrize(
    ("certified", "split", "ok"),
    [
        (D("3"), {"business": D("3")}, True),
        (D("3"), {"business": D("1.5"), "environmental_education": D("1.5")}, True),
        (D("3"), {"business": D("2")}, False),
        (D("3"), {"business": D("4"), "environmental_education": D("-1")}, False),
        (D("0"), {}, True),
        (D("3"), {}, False),
    ],
)
def test_a_split_must_add_up_to_the_certified_hours(certified, split, ok):
    assert rules.split_matches(certified, split) is ok


def test_a_full_year_meets_the_rule():
    by_key = {
        "major_policy": D(1),
        "environmental_education": D(4),
        "democratic_governance": D(4),
        "gender_mainstreaming": D(1),
        "business": D(10),
    }
    result = rules.standing(D(20), by_key, RULE)
    assert result.meets
    assert result.counted["democratic_governance"] == D(5)  # a category under it counts towards it
    assert result.counted["democratic_governance.gender_mainstreaming"] == D(1)


def test_hours_count_for_every_category_above_theirs():
    """A class of 人權教育 is democratic-governance learning: the requirement names the parent."""
    result = rules.standing(D(5), {"human_rights": D(3), "gender_mainstreaming": D(2)}, RULE)
    assert result.counted["democratic_governance"] == D(5)
    assert result.counted["democratic_governance.gender_mainstreaming"] == D(2)
    assert "democratic_governance" not in [s.key for s in result.shortfalls]


def test_a_category_without_a_portal_code_counts_all_the_same():
    assert RULE.categories["environmental_education"].portal_code is None
    result = rules.standing(D(4), {"environmental_education": D(4)}, RULE)
    assert result.counted["environmental_education"] == D(4)
    assert "environmental_education" not in [s.key for s in result.shortfalls]


@pytest.mark.parametrize(
    ("category", "code", "counted_as"),
    [
        ("environmental_education", "", "environmental_education"),  # a Peili class names its category
        ("", "303", "gender_mainstreaming"),  # an import carries the portal's code only
        ("human_rights", "999", "human_rights"),  # the category wins over any code
        ("", "999", ""),  # a code nobody knows: only the total
        ("", "", ""),
    ],
)
def test_a_part_counts_for_its_category_or_the_category_of_its_code(category, code, counted_as):
    assert rules.category_of(category, code, RULE) == counted_as


def test_imported_hours_known_by_code_are_folded_into_their_categories():
    parts = [("", "303", D(1)), ("gender_mainstreaming", "", D(2)), ("", "999", D(5)), ("", "101", D(1))]
    assert rules.by_category(parts, RULE) == {"gender_mainstreaming": D(3), "major_policy": D(1)}


def test_the_categories_and_codes_the_rule_reads():
    assert rules.categories_read_by(RULE) == {
        "major_policy",
        "environmental_education",
        "democratic_governance",
        "gender_mainstreaming",
        "human_rights",
    }
    assert rules.codes_read_by(RULE) == {"101", "301", "302", "303"}


def test_shortfalls_say_what_is_missing_in_chinese():
    result = rules.standing(
        D(16), {"major_policy": D(1), "environmental_education": D(2), "democratic_governance": D(5)}, RULE
    )
    assert [s.message for s in result.shortfalls] == [
        "尚缺 全年學習時數 4 小時",
        "尚缺 環境教育 2 小時",
        "尚缺 民主治理價值（性別主流化） 1 小時",
    ]
    assert result.missing == D(4)


def test_the_floor_is_checked_on_its_own_even_when_the_category_is_met():
    result = rules.standing(
        D(25),
        {"major_policy": D(1), "environmental_education": D(4), "democratic_governance": D(3), "human_rights": D(2)},
        RULE,
    )
    assert result.counted["democratic_governance"] == D(5)
    assert [s.key for s in result.shortfalls] == ["democratic_governance.gender_mainstreaming"]


def test_half_hours_are_written_as_people_write_them():
    result = rules.standing(
        D("19.5"), {"major_policy": D(1), "environmental_education": D("3.5"), "gender_mainstreaming": D(5)}, RULE
    )
    assert [s.message for s in result.shortfalls] == ["尚缺 全年學習時數 0.5 小時", "尚缺 環境教育 0.5 小時"]
    assert rules.hours_text(D("20.0")) == "20"


hours = st.decimals(min_value=0, max_value=40, places=1, allow_nan=False, allow_infinity=False)
year_of_hours = st.dictionaries(st.sampled_from(KEYS), hours, max_size=len(KEYS))


@given(year_of_hours, st.sampled_from(KEYS), st.decimals(min_value=D("0.1"), max_value=10, places=1))
def test_more_hours_never_make_anything_more_missing(by_code, code, extra):
    before = rules.standing(rules.split_total(by_code), by_code, RULE)
    more = {**by_code, code: by_code.get(code, D(0)) + extra}
    after = rules.standing(rules.split_total(more), more, RULE)
    missing_before = {s.key: s.missing for s in before.shortfalls}
    for shortfall in after.shortfalls:
        assert shortfall.key in missing_before
        assert shortfall.missing <= missing_before[shortfall.key]


@given(year_of_hours)
def test_a_year_meets_the_rule_exactly_when_every_requirement_is_counted_in_full(by_code):
    total = rules.split_total(by_code)
    result = rules.standing(total, by_code, RULE)
    required = {
        rules.YEARLY_MINIMUM: D(20),
        "major_policy": D(1),
        "environmental_education": D(4),
        "democratic_governance": D(5),
        "democratic_governance.gender_mainstreaming": D(1),
    }
    assert result.meets == all(result.counted[key] >= hours for key, hours in required.items())
    assert all(s.missing > 0 for s in result.shortfalls)
    assert result.missing == max(D(20) - total, D(0))
    assert sum(result.counted[k] for k in ("major_policy", "environmental_education", "democratic_governance")) <= total


parts_of_a_year = st.lists(
    st.tuples(
        st.sampled_from([*KEYS, ""]),
        st.sampled_from(["", "101", "301", "303", "999"]),
        st.decimals(min_value=0, max_value=40, places=1, allow_nan=False, allow_infinity=False),
    ),
    max_size=12,
)


@given(parts_of_a_year)
def test_folding_parts_by_category_keeps_every_hour_the_rule_can_name(parts):
    folded = rules.by_category(parts, RULE)
    named = sum((h for c, code, h in parts if rules.category_of(c, code, RULE)), D(0))
    assert rules.split_total(folded) == named
    assert set(folded) <= set(RULE.categories) | {"business"}


SEVEN_DAYS = CertificationRule.model_validate({"deadline_working_days": 7})


def test_certification_is_due_seven_working_days_after_the_end_skipping_the_new_year_break():
    end = date(2025, 1, 24)  # the Friday before the Lunar New Year break
    result = rules.certification(end, SEVEN_DAYS, WorkingCalendar(), today=date(2025, 2, 3), uploaded_on=None)
    assert result.due == date(2025, 2, 10)
    assert result.status == CertificationStatus.DUE
    assert result.working_days_left == 6  # 2/4, 2/5, 2/6, 2/7, 2/8 (a make-up Saturday), 2/10


@pytest.mark.parametrize(
    ("today", "uploaded_on", "status"),
    [
        (date(2025, 2, 10), None, CertificationStatus.DUE),  # the deadline day itself is still in time
        (date(2025, 2, 11), None, CertificationStatus.OVERDUE),
        (date(2025, 2, 20), date(2025, 2, 7), CertificationStatus.DONE),
    ],
)
def test_certification_status(today, uploaded_on, status):
    result = rules.certification(date(2025, 1, 24), SEVEN_DAYS, WorkingCalendar(), today=today, uploaded_on=uploaded_on)
    assert result.status == status


def test_an_announced_typhoon_day_moves_the_deadline():
    calendar = WorkingCalendar.with_overrides(days_off=[date(2025, 2, 5)])
    result = rules.certification(date(2025, 1, 24), SEVEN_DAYS, calendar, today=date(2025, 2, 3), uploaded_on=None)
    assert result.due == date(2025, 2, 11)
