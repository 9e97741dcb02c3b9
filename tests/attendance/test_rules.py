"""The pure attendance rules: rotating tokens and completion under the absence rule (no database)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peili.attendance import rules
from peili.policy.schema import AbsenceRule

KEY = b"test-key"
PERIOD = 10


def absence(comparison="strict", unexcused_forfeits=True, grace=0) -> AbsenceRule:
    return AbsenceRule.model_validate(
        {
            "threshold": {"numerator": 1, "denominator": 3},
            "comparison": comparison,
            "unexcused_forfeits": unexcused_forfeits,
            "late_grace_minutes": grace,
        }
    )


def session(hours=3, present=True, leave=0, late=0, early=0) -> rules.SessionFacts:
    """One session's facts; `leave`, `late` and `early` in minutes."""
    return rules.SessionFacts(Decimal(hours), present, leave, late, early)


# --- tokens ------------------------------------------------------------------------------------------


def test_a_fresh_token_is_accepted_for_its_window_and_the_next():
    now = 1_800_000_005.0
    window = rules.window_at(now, PERIOD)
    text = rules.token(KEY, 42, "in", window)
    assert rules.token_check(KEY, text, now=now, period=PERIOD) == rules.Scan(42, "in", window)
    assert rules.token_check(KEY, text, now=now + PERIOD, period=PERIOD).session_id == 42


def test_a_photo_of_an_old_code_is_refused():
    now = 1_800_000_005.0
    text = rules.token(KEY, 42, "in", rules.window_at(now, PERIOD))
    with pytest.raises(rules.TokenError) as error:
        rules.token_check(KEY, text, now=now + 2 * PERIOD, period=PERIOD)
    assert error.value.code == "attendance.token_expired"


def test_a_token_from_the_future_is_refused():
    now = 1_800_000_005.0
    text = rules.token(KEY, 42, "in", rules.window_at(now, PERIOD) + 1)
    with pytest.raises(rules.TokenError, match="expired"):
        rules.token_check(KEY, text, now=now, period=PERIOD)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace("42-", "43-", 1),  # another session
        lambda t: t.replace("-in-", "-out-"),  # sign-out with a sign-in code
        lambda t: t[:-1] + ("a" if t[-1] != "a" else "b"),  # a forged MAC
        lambda t: "garbage",
        lambda t: t + "-x",
    ],
)
def test_a_tampered_token_is_refused(tamper):
    now = 1_800_000_005.0
    text = rules.token(KEY, 42, "in", rules.window_at(now, PERIOD))
    with pytest.raises(rules.TokenError) as error:
        rules.token_check(KEY, tamper(text), now=now, period=PERIOD)
    assert error.value.code == "attendance.token_invalid"


def test_another_key_makes_other_tokens():
    assert rules.token(KEY, 1, "in", 5) != rules.token(b"other", 1, "in", 5)


def test_the_typed_code_follows_the_window():
    now = 1_800_000_005.0
    window = rules.window_at(now, PERIOD)
    code = rules.short_code(KEY, 7, "in", window)
    assert len(code) == 6
    assert code.isdigit()
    assert rules.code_matches(KEY, code, 7, "in", now=now, period=PERIOD)
    assert rules.code_matches(KEY, code, 7, "in", now=now + PERIOD, period=PERIOD)
    assert not rules.code_matches(KEY, code, 7, "in", now=now + 2 * PERIOD, period=PERIOD)
    assert not rules.code_matches(KEY, code, 8, "in", now=now, period=PERIOD)


# --- completion --------------------------------------------------------------------------------------


def test_full_attendance_completes():
    outcome = rules.completion([session(), session()], absence())
    assert outcome.completes
    assert outcome.reason == ""
    assert outcome.tally == rules.Tally(Fraction(6), Fraction(6), Fraction(0), Fraction(0))


@pytest.mark.parametrize(
    ("comparison", "completes"),
    [("strict", True), ("inclusive", False)],
)
def test_exactly_a_third_on_leave_is_the_boundary(comparison, completes):
    """A 6-hour class with exactly 2 hours of leave completes under 「逾三分之一」 and does not
    under 「三分之一以上」."""
    sessions = [session(leave=120), session()]
    outcome = rules.completion(sessions, absence(comparison))
    assert outcome.completes is completes
    assert outcome.missed_fraction == Fraction(1, 3)
    assert outcome.reason == ("" if completes else "absence.over_threshold")


@pytest.mark.parametrize(
    ("comparison", "unexcused_forfeits", "completes"),
    [("strict", True, True), ("inclusive", False, False)],
)
def test_140_minutes_of_leave_in_a_7_hour_class_is_exactly_a_third(comparison, unexcused_forfeits, completes):
    """Leave is taken in minutes, so the boundary is reachable: 140 of 420 minutes is exactly 1/3 —
    kept under Hsinchu's 「逾三分之一」 (strict), forfeited under Chiayi's 「三分之一以上」 (inclusive).
    In tenths of an hour it could only be 2.3 (138 minutes) or 2.4 (144)."""
    sessions = [session(hours=3), session(hours=4, leave=140)]
    outcome = rules.completion(sessions, absence(comparison, unexcused_forfeits))
    assert outcome.missed_fraction == Fraction(1, 3)
    assert outcome.tally == rules.Tally(Fraction(7), Fraction(7) - Fraction(7, 3), Fraction(7, 3), Fraction(0))
    assert outcome.completes is completes
    assert outcome.reason == ("" if completes else "absence.over_threshold")
    # One minute less is under the threshold under both; one more is over it under both.
    for leave, expected in ((139, True), (141, False)):
        nearby = rules.completion([session(hours=3), session(hours=4, leave=leave)], absence(comparison, False))
        assert nearby.completes is expected


def test_a_tally_in_whole_minutes():
    outcome = rules.completion([session(hours=3), session(hours=4, leave=140, late=25)], absence())
    assert rules.minutes(outcome.tally.leave) == 140
    assert rules.minutes(outcome.tally.attended) == 280
    assert rules.minutes(outcome.tally.unexcused) == 0


def test_a_missed_session_without_leave_is_unexcused():
    outcome = rules.completion([session(present=False), session(hours=6)], absence())
    assert not outcome.completes
    assert outcome.reason == "absence.unexcused"
    assert outcome.tally.unexcused == 3


def test_unexcused_absence_under_the_threshold_completes_where_the_pack_allows_it():
    outcome = rules.completion([session(present=False, hours=1), session(hours=5)], absence("inclusive", False))
    assert outcome.completes


def test_leave_for_a_whole_missed_session_is_excused():
    outcome = rules.completion([session(present=False, leave=60, hours=1), session(hours=5)], absence())
    assert outcome.completes
    assert outcome.tally == rules.Tally(Fraction(6), Fraction(5), Fraction(1), Fraction(0))


def test_lateness_beyond_the_grace_is_absence_without_leave():
    late = [session(late=10), session()]
    assert not rules.completion(late, absence(grace=0)).completes
    assert rules.completion(late, absence(grace=10)).completes
    outcome = rules.completion([session(late=15, early=5), session()], absence(grace=10))
    assert outcome.tally.unexcused == Fraction(5, 60)


def test_leave_covers_lateness():
    outcome = rules.completion([session(late=30, leave=30), session()], absence())
    assert outcome.completes
    assert outcome.tally.unexcused == 0
    assert outcome.tally.leave == Fraction(1, 2)


def test_no_sessions_or_no_rule_completes():
    assert rules.completion([], absence()).completes
    assert rules.completion([session(present=False)], None).completes


hours_st = st.integers(min_value=1, max_value=8)
facts_st = st.builds(
    rules.SessionFacts,
    hours=hours_st.map(Decimal),
    present=st.booleans(),
    leave_minutes=st.integers(min_value=0, max_value=600),
    late_minutes=st.integers(min_value=0, max_value=300),
    early_minutes=st.integers(min_value=0, max_value=300),
)


@given(st.lists(facts_st, min_size=1, max_size=8), st.integers(min_value=0, max_value=30))
def test_the_tally_adds_up(sessions, grace):
    counted = rules.tally(sessions, grace)
    assert counted.course_hours == sum(Fraction(s.hours) for s in sessions)
    assert counted.attended + counted.leave + counted.unexcused == counted.course_hours
    assert counted.attended >= 0
    assert counted.leave >= 0
    assert counted.unexcused >= 0
    absent_hours = sum(Fraction(s.hours) for s in sessions if not s.present)
    assert counted.attended <= counted.course_hours - absent_hours


@given(st.lists(facts_st, min_size=1, max_size=8))
def test_inclusive_never_completes_where_strict_does_not(sessions):
    strict = rules.completion(sessions, absence("strict", False))
    inclusive = rules.completion(sessions, absence("inclusive", False))
    assert not (inclusive.completes and not strict.completes)
    assert not rules.completion(sessions, absence("strict", True)).completes or strict.completes


# --- when signing opens (pure) ---------------------------------------------------------------------


STARTS = datetime(2026, 3, 2, 9, 0)


@pytest.mark.parametrize(
    ("kind", "at", "signed_in", "refusal"),
    [
        ("in", datetime(2026, 3, 2, 0, 1), False, "attendance.not_open_yet"),
        ("in", datetime(2026, 3, 2, 8, 29, 59), False, "attendance.not_open_yet"),
        ("in", datetime(2026, 3, 2, 8, 30), False, ""),
        ("in", datetime(2026, 3, 2, 11, 0), False, ""),
        ("out", datetime(2026, 3, 2, 8, 0), True, "attendance.not_open_yet"),
        ("out", datetime(2026, 3, 2, 11, 40), False, "attendance.not_signed_in"),
        ("out", datetime(2026, 3, 2, 11, 40), True, ""),
    ],
)
def test_sign_refusal(kind, at, signed_in, refusal):
    assert rules.sign_refusal(kind=kind, at=at, starts=STARTS, opens_minutes=30, signed_in=signed_in) == refusal


def test_sign_opens_at():
    assert rules.sign_opens_at(STARTS, 30) == datetime(2026, 3, 2, 8, 30)
    assert rules.sign_opens_at(STARTS, 0) == STARTS
