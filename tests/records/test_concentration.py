"""The dashboard's pure arithmetic, without a database: how concentrated hours are (the share held
by the top of the people), the distribution's bands from the yearly minimum, and each
requirement's progress."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from peili.records import rules
from tests.records.test_rules import RULE

D = Decimal

hours = st.decimals(min_value=0, max_value=500, places=1, allow_nan=False, allow_infinity=False)
totals = st.lists(hours, min_size=1, max_size=60)
fractions = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False, allow_infinity=False)


@given(totals, fractions)
def test_the_share_is_between_0_and_1_and_at_least_the_head_count_share(values, fraction):
    share = rules.top_share(values, fraction)
    if sum(values) == 0:
        assert share is None
        return
    assert share is not None
    assert 0 <= share <= 1
    assert share >= fraction - D("1e-20")  # the top hold at least their share of heads


@given(totals, fractions, fractions)
def test_the_share_never_falls_as_the_fraction_grows(values, a, b):
    assume(sum(values) > 0)
    low, high = sorted((a, b))
    assert rules.top_share(values, low) <= rules.top_share(values, high)


@given(st.decimals(min_value=D("0.1"), max_value=200, places=1), st.integers(1, 200), fractions)
def test_when_everyone_has_the_same_hours_the_share_is_the_fraction(each, people, fraction):
    assert rules.top_share([each] * people, fraction) == fraction


@given(totals, fractions)
def test_the_order_of_the_totals_does_not_matter(values, fraction):
    assert rules.top_share(values, fraction) == rules.top_share(list(reversed(values)), fraction)


@pytest.mark.parametrize(
    ("values", "fraction", "share"),
    [
        ([D(20), D(0), D(0), D(0), D(0), D(0), D(0), D(0), D(0), D(0)], D("0.1"), D(1)),  # one of ten holds all
        ([D(30), D(10)] + [D(0)] * 8, D("0.1"), D("0.75")),
        ([D(20), D(20), D(3)], D("0.1"), D("0.3") * 20 / 43),  # 0.3 of a person: 0.3 × 20 of 43
        ([D(10)] * 15, D("0.1"), D("0.1")),  # 1.5 people of 15
        ([D(0), D(0)], D("0.1"), None),  # no hours: nothing to share
        ([D(5)], D(0), D(0)),
        ([D(5), D(1)], D(1), D(1)),
    ],
)
def test_top_share_examples(values, fraction, share):
    assert rules.top_share(values, fraction) == share


def test_a_fraction_outside_0_to_1_is_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        rules.top_share([D(1)], D("1.5"))


def test_bands_follow_the_yearly_minimum():
    bands = rules.hours_bands(D(20))
    assert [b.label for b in bands] == ["0", "0–5", "5–10", "10–15", "15–20", "20–40", "40 以上"]
    assert bands[0].description == "0 小時"
    assert bands[1].description == "超過 0、未滿 5 小時"
    assert bands[2].description == "5 小時以上、未滿 10 小時"
    assert bands[-1].description == "40 小時以上"
    assert [b.label for b in rules.hours_bands(D(12))][1:5] == ["0–3", "3–6", "6–9", "9–12"]


@given(totals, st.decimals(min_value=0, max_value=60, places=1))
def test_every_person_falls_in_exactly_one_band(values, minimum):
    bands = rules.distribution(values, minimum)
    assert sum(b.people for b in bands) == len(values)
    for value in values:
        assert sum(1 for b in rules.hours_bands(minimum) if b.holds(value)) >= 1


@pytest.mark.parametrize(
    ("value", "band"),
    [(D(0), 0), (D("0.5"), 1), (D(5), 2), (D("19.9"), 4), (D(20), 5), (D("39.9"), 5), (D(40), 6), (D(400), 6)],
)
def test_band_edges_belong_to_the_band_above(value, band):
    counts = [b.people for b in rules.distribution([value], D(20))]
    assert counts.index(1) == band


def test_progress_lists_each_requirement_and_the_floor_apart():
    result = rules.standing(
        D(25), {"environmental_education": D(3), "gender_mainstreaming": D(2), "major_policy": D(1)}, RULE
    )
    progress = {p.key: p for p in rules.progress(result, RULE)}
    assert list(progress) == [
        "yearly_minimum",
        "major_policy",
        "environmental_education",
        "democratic_governance",
        "democratic_governance.gender_mainstreaming",
    ]
    assert (progress["yearly_minimum"].met, progress["yearly_minimum"].percent) == (True, 100)  # 25 of 20: capped
    assert (progress["environmental_education"].missing, progress["environmental_education"].percent) == (D(1), 75)
    assert progress["democratic_governance"].counted == D(2)  # the floor's codes count towards it
    assert progress["democratic_governance.gender_mainstreaming"].is_floor
    assert not progress["democratic_governance"].is_floor
    assert sum(1 for p in progress.values() if not p.met) == 2


@given(totals, st.decimals(min_value=0, max_value=60, places=1))
def test_the_distribution_puts_each_total_in_the_first_band_that_holds_it(values, minimum):
    bands = rules.hours_bands(minimum)
    expected = [0] * len(bands)
    for value in values:
        expected[next(i for i, band in enumerate(bands) if band.holds(value))] += 1
    assert [b.people for b in rules.distribution(values, minimum)] == expected
