"""Pure rules read from a pack: exact fractions, the boundary of the 1/3 rule, the study quota,
and how an effective pack inherits whole sections from the national default."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peili.core.errors import NotFound, PeiliError
from peili.policy import loader
from peili.policy.rules import (
    AbsenceFacts,
    absence_forfeits,
    absence_outcome,
    effective_from,
    inherit,
    study_quota,
)
from peili.policy.schema import AbsenceRule, PackLayer, PackOrigin, StudyQuota
from peili.policy.services import PRESETS

STRICT = AbsenceRule.model_validate(  # Hsinchu: 逾三分之一, or any unexcused absence
    {"threshold": {"numerator": 1, "denominator": 3}, "comparison": "strict", "unexcused_forfeits": True}
)
INCLUSIVE = AbsenceRule.model_validate(  # Chiayi: 缺課三分之一以上
    {"threshold": {"numerator": 1, "denominator": 3}, "comparison": "inclusive", "unexcused_forfeits": False}
)


def quota(numerator: int = 1, denominator: int = 10, minimum: int = 1) -> StudyQuota:
    return StudyQuota.model_validate(
        {
            "ratio": {"numerator": numerator, "denominator": denominator},
            "minimum": minimum,
            "counted_modes": ["full_time", "part_time"],
        }
    )


# --- the absence rule ---------------------------------------------------------------------------


def test_six_hour_class_with_exactly_two_hours_of_leave():
    """The boundary the two plans disagree on: 2/6 is exactly 1/3."""
    assert absence_forfeits(2, 6, 0, STRICT) is False  # not *more than* 1/3: the hours count
    assert absence_forfeits(2, 6, 0, INCLUSIVE) is True  # 1/3 *or more*: no hours


@pytest.mark.parametrize(
    ("course", "leave", "unexcused", "strict", "inclusive"),
    [
        (6, 0, 0, False, False),
        (6, 1, 0, False, False),
        (6, 2, 0, False, True),
        (6, 3, 0, True, True),
        (6, 6, 0, True, True),
        (3, 1, 0, False, True),
        (9, 3, 0, False, True),
        (9, 4, 0, True, True),
        (Decimal("4.5"), Decimal("1.5"), 0, False, True),  # exactly 1/3 in decimals
        (Decimal("4.5"), Decimal("1.6"), 0, True, True),
        (Decimal("3"), Decimal("0.9"), 0, False, False),
        (Fraction(7, 2), Fraction(7, 6), 0, False, True),
        (6, 0, 1, True, False),  # Hsinchu: any unexcused absence forfeits; Chiayi: 1/6 < 1/3
        (6, 1, 1, True, True),  # Chiayi: 1 + 1 = 2 hours missed = 1/3
        (6, 0, Decimal("0.5"), True, False),
    ],
)
def test_absence_forfeits(course, leave, unexcused, strict, inclusive):
    assert absence_forfeits(leave, course, unexcused, STRICT) is strict
    assert absence_forfeits(leave, course, unexcused, INCLUSIVE) is inclusive


def test_absence_outcome_reasons_and_exact_fraction():
    assert absence_outcome(AbsenceFacts(course_hours=6, unexcused_hours=1), STRICT).reason == "absence.unexcused"
    over = absence_outcome(AbsenceFacts(course_hours=6, leave_hours=3), STRICT)
    assert (over.forfeits, over.reason, over.missed_fraction) == (True, "absence.over_threshold", Fraction(1, 2))
    fine = absence_outcome(AbsenceFacts(course_hours=6, leave_hours=2), STRICT)
    assert (fine.forfeits, fine.reason, fine.missed_fraction) == (False, None, Fraction(1, 3))


def test_zero_threshold_forfeits_any_absence():
    rule = AbsenceRule.model_validate(
        {"threshold": {"numerator": 0, "denominator": 1}, "comparison": "strict", "unexcused_forfeits": False}
    )
    assert absence_forfeits(0, 6, 0, rule) is False
    assert absence_forfeits(Decimal("0.1"), 6, 0, rule) is True


@pytest.mark.parametrize(
    ("leave", "course", "unexcused", "error"),
    [
        (1, 0, 0, ValueError),
        (-1, 6, 0, ValueError),
        (0, 6, -1, ValueError),
        (0.5, 6, 0, TypeError),  # floats are not exact
        (True, 6, 0, TypeError),
    ],
)
def test_absence_rejects_bad_facts(leave, course, unexcused, error):
    with pytest.raises(error):
        absence_forfeits(leave, course, unexcused, STRICT)


@given(course=st.integers(1, 200), leave=st.integers(0, 200))
def test_absence_matches_integer_arithmetic(course, leave):
    """leave/course > 1/3  ⇔  3·leave > course (and ≥ for the inclusive rule)."""
    assert absence_forfeits(leave, course, 0, STRICT) is (3 * leave > course)
    assert absence_forfeits(leave, course, 0, INCLUSIVE) is (3 * leave >= course)


# --- the study quota ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headcount", "expected"),
    [(0, 1), (1, 1), (9, 1), (10, 1), (19, 1), (20, 2), (25, 2), (99, 9), (100, 10), (109, 10), (1234, 123)],
)
def test_study_quota_one_tenth_at_least_one(headcount, expected):
    assert study_quota(headcount, quota()) == expected


@pytest.mark.parametrize(
    ("headcount", "rule", "expected"),
    [(5, quota(minimum=0), 0), (7, quota(1, 3), 2), (30, quota(1, 3, minimum=5), 10), (6, quota(1, 3, 3), 3)],
)
def test_study_quota_other_parameters(headcount, rule, expected):
    assert study_quota(headcount, rule) == expected


def test_study_quota_rejects_negative_headcount():
    with pytest.raises(ValueError, match="must not be negative"):
        study_quota(-1, quota())


@given(headcount=st.integers(0, 100_000))
def test_study_quota_never_exceeds_one_tenth_except_for_the_minimum(headcount):
    result = study_quota(headcount, quota())
    assert result == max(1, headcount // 10)
    assert result * 10 <= headcount or result == 1


# --- inheritance --------------------------------------------------------------------------------


def preset_layer(index: int, pack_id: int) -> PackLayer:
    preset = PRESETS[index]
    return PackLayer(
        document=loader.load(preset.source()),
        origin=PackOrigin(preset.code, preset.name, preset.year, 1, pack_id),
    )


NATIONAL = preset_layer(0, 1)
HSINCHU = preset_layer(1, 2)
TAIPEI = preset_layer(4, 5)


def test_missing_sections_come_whole_from_the_fallback():
    sections = inherit(HSINCHU, NATIONAL)
    assert {name: origin.jurisdiction_code for name, (_value, origin) in sections.items()} == {
        "hours": "hsinchu-city",
        "attendance": "hsinchu-city",
        "certification": "hsinchu-city",
        "study": "hsinchu-city",
        "subsidy": "national",
        "categories": "hsinchu-city",
        "registration": "hsinchu-city",
        "portal": "national",
        "survey": "national",
    }


def test_effective_pack_from_own_and_fallback():
    pack = effective_from("hsinchu-city", 2023, HSINCHU, NATIONAL)
    assert pack.title == "新竹市政府 111 年公務人員訓練進修計畫"
    assert pack.hours.yearly_minimum == 20
    assert pack.subsidy.cap_per_semester == 20000
    assert pack.study.quota.counted_modes == ("part_time",)
    assert pack.inherited == ("subsidy", "portal", "survey")
    assert pack.origins["subsidy"].jurisdiction_code == "national"
    assert pack.overseas_study is None
    assert pack.backdated == ("subsidy", "portal", "survey")  # the national preset is for 2026


def test_effective_pack_with_only_an_overseas_section():
    pack = effective_from("taipei-city", 2026, TAIPEI, NATIONAL)
    assert pack.title == "臺北市政府 109 年度選送優秀公務人員出國進修"
    assert pack.inherited == ("hours", "study", "subsidy", "registration", "portal", "survey")
    assert pack.backdated == ()
    assert pack.require_overseas_study().kinds["research"].funding_cap_total == 500_000
    with pytest.raises(PeiliError) as caught:
        pack.require_attendance()
    assert caught.value.code == "policy.section_missing"
    assert caught.value.message == "「taipei-city」115 年的政策參數沒有「出席與缺課」規定，全國預設亦未訂定。"


def test_effective_pack_without_own_pack_is_the_national_default():
    pack = effective_from("new-county", 2026, None, NATIONAL)
    assert pack.title == "全國預設：公務人員訓練進修共通規定"
    assert pack.inherited == ("hours", "study", "subsidy", "registration", "portal", "survey")


def test_effective_pack_with_nothing_to_read():
    with pytest.raises(NotFound) as caught:
        effective_from("new-county", 2026, None, None)
    assert caught.value.code == "policy.no_pack"
    assert caught.value.message == "「new-county」在 115 年（含）以前沒有政策參數包，也沒有全國預設參數包。"


def test_effective_pack_missing_a_required_section():
    with pytest.raises(PeiliError) as caught:
        effective_from("taipei-city", 2020, TAIPEI, None)
    assert caught.value.code == "policy.section_missing"
    assert caught.value.details == {
        "jurisdiction": "taipei-city",
        "year": 2020,
        "sections": ["hours", "study", "subsidy"],
    }
