"""New Taiwan dollar amounts. Money is held as Decimal (or int) whole dollars."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def to_ntd(value: Decimal | int | float | str) -> Decimal:
    """Round to whole dollars, half up, as government accounts do."""
    return Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def format_ntd(value: Decimal | int | float | str | None, *, symbol: bool = True) -> str:
    """NT$1,234,567 (negative: -NT$1,234)."""
    if value is None or value == "":
        return ""
    amount = to_ntd(value)
    text = f"{abs(amount):,.0f}"
    prefix = "NT$" if symbol else ""
    return f"-{prefix}{text}" if amount < 0 else f"{prefix}{text}"
