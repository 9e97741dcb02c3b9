"""The pure rules of surveys: checking a submission, the index and means, windows and reminders,
a reflection's length."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peili.surveys import rules
from peili.surveys.enums import QuestionKind, ReflectionStatus, SurveyState

SCALE = rules.Item(1, "a" * 32, QuestionKind.SCALE, required=True)
SINGLE = rules.Item(2, "b" * 32, QuestionKind.SINGLE, required=True, option_count=3)
MULTI = rules.Item(3, "c" * 32, QuestionKind.MULTIPLE, required=False, option_count=4)
TEXT = rules.Item(4, "d" * 32, QuestionKind.TEXT, required=False)
BY_INSTRUCTOR = rules.Item(1, "a" * 32, QuestionKind.SCALE, required=True, instructor_id=7)
ITEMS = (SCALE, SINGLE, MULTI, TEXT, BY_INSTRUCTOR)


def test_field_names_follow_the_question_key_and_instructor():
    assert SCALE.field == "q-" + "a" * 32
    assert BY_INSTRUCTOR.field == "q-" + "a" * 32 + "-7"


def test_a_full_submission_becomes_values():
    data = {SCALE.field: ["5"], SINGLE.field: ["0"], MULTI.field: ["3", "1", "1"], TEXT.field: ["  很好 "]}
    data[BY_INSTRUCTOR.field] = ["4"]
    checked = rules.check_answers(ITEMS, data)
    assert checked.ok
    assert checked.values == (
        rules.Value(1, None, value=5),
        rules.Value(2, None, value=0),
        rules.Value(3, None, value=1),
        rules.Value(3, None, value=3),
        rules.Value(4, None, text="很好"),
        rules.Value(1, 7, value=4),
    )


def test_missing_required_and_bad_values_are_each_reported():
    data = {SINGLE.field: ["3"], MULTI.field: ["x"], TEXT.field: ["字" * (rules.TEXT_LIMIT + 1)]}
    checked = rules.check_answers(ITEMS, data)
    assert dict(checked.errors) == {
        SCALE.field: rules.REQUIRED,
        SINGLE.field: rules.INVALID,
        MULTI.field: rules.INVALID,
        TEXT.field: rules.TOO_LONG,
        BY_INSTRUCTOR.field: rules.REQUIRED,
    }
    assert not checked.ok


@pytest.mark.parametrize("raw", [["0"], ["6"], ["4", "5"], ["4.5"]])
def test_a_scale_takes_one_point_from_one_to_five(raw):
    assert rules.check_answers([SCALE], {SCALE.field: raw}).errors == {SCALE.field: rules.INVALID}


def test_blank_answers_are_no_answers_and_unknown_fields_are_ignored():
    checked = rules.check_answers([TEXT, MULTI], {TEXT.field: ["   "], "q-zzz": ["1"], "csrf": ["x"]})
    assert checked.ok
    assert checked.values == ()


@given(
    st.dictionaries(st.sampled_from([i.field for i in ITEMS] + ["other"]), st.lists(st.text(max_size=5), max_size=4))
)
def test_checking_never_raises_and_values_are_always_valid(data):
    checked = rules.check_answers(ITEMS, data)
    for value in checked.values:
        if value.question_id == 1:
            assert value.value in rules.SCALE
        elif value.question_id == 2:
            assert value.value in range(3)
        elif value.question_id == 3:
            assert value.value in range(4)
        else:
            assert value.text
            assert len(value.text) <= rules.TEXT_LIMIT
    assert set(checked.errors) <= {i.field for i in ITEMS}


POINTS = (20, 40, 60, 80, 100)


def test_the_index_is_the_mean_of_converted_points():
    # 3 × 非常滿意 (100) + 1 × 滿意 (80) + 1 × 普通 (60) = 440 / 5 = 88
    assert rules.satisfaction_index({5: 3, 4: 1, 3: 1}, POINTS) == Fraction(88)
    assert rules.satisfaction_index({5: 1, 4: 2}, POINTS) == Fraction(260, 3)


def test_the_index_follows_the_pack_points():
    top_two_box = (0, 0, 0, 100, 100)
    assert rules.satisfaction_index({5: 3, 4: 1, 3: 1}, top_two_box) == Fraction(80)


def test_no_answers_no_index_no_mean_no_rate():
    assert rules.satisfaction_index({}, POINTS) is None
    assert rules.mean({}) is None
    assert rules.rate(0, 0) is None


def test_mean_merge_and_rate():
    assert rules.mean({5: 3, 4: 1, 3: 1}) == Fraction(22, 5)
    assert rules.merge({5: 1, 4: 2}, {4: 1, 1: 1}) == {5: 1, 4: 3, 1: 1}
    assert rules.rate(3, 4) == Fraction(3, 4)


@given(st.dictionaries(st.integers(1, 5), st.integers(0, 1000)))
def test_the_index_lies_between_the_lowest_and_highest_points(counts):
    index = rules.satisfaction_index(counts, POINTS)
    if sum(counts.values()) == 0:
        assert index is None
    else:
        assert index is not None
        assert 20 <= index <= 100
        assert index == (rules.mean(counts) or 0) * 20  # with these points, the mean × 20


def test_states_and_closing_day():
    opens = datetime(2026, 11, 20, 16, tzinfo=UTC)
    closes = datetime(2026, 11, 27, 23, 59, tzinfo=UTC)
    assert rules.state(datetime(2026, 11, 20, 15, tzinfo=UTC), opens, closes) == SurveyState.SCHEDULED
    assert rules.state(opens, opens, closes) == SurveyState.OPEN
    assert rules.state(closes, opens, closes) == SurveyState.OPEN
    assert rules.state(datetime(2026, 11, 28, tzinfo=UTC), opens, closes) == SurveyState.CLOSED
    assert rules.closing_day(date(2026, 11, 20), 7) == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("today", "owed"),
    [
        (date(2026, 11, 20), 0),
        (date(2026, 11, 22), 0),
        (date(2026, 11, 23), 1),
        (date(2026, 11, 25), 1),
        (date(2026, 11, 26), 2),
        (date(2026, 11, 27), 2),
        (date(2026, 11, 28), 0),  # closed
    ],
)
def test_reminders_owed_by_day(today, owed):
    assert rules.reminders_owed(date(2026, 11, 20), today, (3, 6), date(2026, 11, 27)) == owed


def test_reflection_length_counts_characters_but_not_whitespace():
    assert rules.reflection_length("我 學到\n很多。 ") == 6
    assert rules.reflection_long_enough("一二三", 3)
    assert not rules.reflection_long_enough("一 二", 3)


@pytest.mark.parametrize(
    ("required", "gates", "status", "allows"),
    [
        (False, True, None, True),
        (True, False, None, True),
        (True, True, None, False),
        (True, True, ReflectionStatus.SUBMITTED, False),
        (True, True, ReflectionStatus.RETURNED, False),
        (True, True, ReflectionStatus.ACCEPTED, True),
    ],
)
def test_reflection_gate(required, gates, status, allows):
    assert rules.reflection_allows_completion(required, gates, status) is allows
