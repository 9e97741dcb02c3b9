import pytest

from peili.core.money import format_ntd


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "NT$0"), (1234567, "NT$1,234,567"), ("10000.5", "NT$10,001"), (-1234, "-NT$1,234"), (None, "")],
)
def test_format_ntd(value, expected):
    assert format_ntd(value) == expected
