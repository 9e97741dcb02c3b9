"""Template filters: ROC dates, NT$ amounts and masked national IDs, available in every template."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from peili.core import money, roc
from peili.core.masking import mask_ids_in_text

register = template.Library()


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return None


@register.filter
def roc_date(value: Any) -> str:
    """111/02/07"""
    day = _as_date(value)
    return roc.format_short(day) if day else ""


@register.filter
def roc_long(value: Any) -> str:
    """111年2月7日 (in English: ROC 111/02/07)."""
    day = _as_date(value)
    if not day:
        return ""
    if get_language() == "en":
        return f"ROC {roc.format_short(day)}"
    return roc.format_long(day)


@register.filter
def roc_datetime(value: Any) -> str:
    """111/02/07 14:05"""
    if not isinstance(value, datetime):
        return roc_date(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{roc.format_short(local.date())} {local:%H:%M}"


@register.filter
def roc_year(value: Any) -> str:
    """A Gregorian year number (2022) or a date, as its ROC year (111)."""
    if isinstance(value, int):
        return str(value - roc.ROC_OFFSET)
    day = _as_date(value)
    return str(roc.roc_year(day)) if day else ""


@register.filter
def ntd(value: Any) -> str:
    return money.format_ntd(value)


@register.filter
def hours(value: Any) -> str:
    """Hours as people write them, to two decimals at most: 3, 2.5, 0.25 (exact fractions too)."""

    if value is None or value == "":
        return ""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    amount = Decimal(value).quantize(Decimal("0.01"))
    return format(amount.normalize(), "f") if amount else "0"


@register.filter
def mask_ids(value: Any) -> str:
    """Any text (or a value shown as text, such as an audit entry's before/after) with every national
    ID in it masked, A12****789: the audit page masks what it shows whatever was stored."""
    if value is None or value == "":
        return ""
    return mask_ids_in_text(str(value))
