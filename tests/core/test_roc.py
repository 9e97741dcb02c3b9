from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peili.core import roc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("111/02/07", date(2022, 2, 7)),
        ("111年2月7日", date(2022, 2, 7)),
        ("民國111年2月7日", date(2022, 2, 7)),
        ("111-02-07", date(2022, 2, 7)),
        ("111.2.7", date(2022, 2, 7)),
        ("1110207", date(2022, 2, 7)),
        ("991231", date(2010, 12, 31)),
        ("2022-02-07", date(2022, 2, 7)),
        ("2022/2/7", date(2022, 2, 7)),
        ("20220207", date(2022, 2, 7)),
        (" 113/02/29 ", date(2024, 2, 29)),
    ],
)
def test_parse_accepts_roc_and_gregorian(text, expected):
    assert roc.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason_fragment"),
    [
        ("", "未填寫"),
        ("111/13/01", "月份須為 1 至 12"),
        ("112/02/29", "該月沒有第 29 日"),
        ("0/01/01", "民國年須大於 0"),
        ("abc", "請使用"),
        ("111/2", "請使用"),
    ],
)
def test_parse_rejects_with_a_chinese_reason(text, reason_fragment):
    with pytest.raises(roc.ROCDateError) as caught:
        roc.parse_date(text)
    assert caught.value.code == "date.invalid"
    assert reason_fragment in caught.value.message


def test_formats():
    day = date(2022, 2, 7)
    assert roc.format_short(day) == "111/02/07"
    assert roc.format_long(day) == "111年2月7日"
    assert roc.format_exchange(day) == "111-02-07"
    assert roc.format_compact(day) == "1110207"
    assert roc.format_compact(date(1920, 1, 1)) == "0090101"
    assert roc.format_exchange(date(1920, 1, 1)) == "009-01-01"


@given(st.dates(min_value=date(1912, 1, 1), max_value=date(2910, 12, 31)))
def test_every_format_round_trips(day):
    for fmt in (roc.format_short, roc.format_long, roc.format_exchange, roc.format_compact):
        assert roc.parse_date(fmt(day)) == day
