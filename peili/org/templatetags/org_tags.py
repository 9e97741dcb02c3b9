from typing import Any

from django import template

from peili.org.rules import mask_national_id

register = template.Library()


@register.filter
def masked_id(value: Any) -> str:
    """A12****789"""
    return mask_national_id(str(value or ""))
