"""Small template helpers for the catalog pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """{{ names|get_item:key }} — a dictionary lookup by a variable key."""
    if not mapping:
        return ""
    return mapping.get(key, "")
