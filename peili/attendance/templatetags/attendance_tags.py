"""Template filters of attendance: minutes as people read them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: Any) -> str:
    """Whole minutes as hours and minutes, exact: 140 → 「2 小時 20 分」, 180 → 「3 小時」, 45 → 「45 分」, 0 → 「0」.
    (Hours to decimals would round: 140 minutes are 2.333… hours.)"""
    if value is None or value == "":
        return ""
    hours, minutes = divmod(int(value), 60)
    if hours and minutes:
        return _("%(hours)d 小時 %(minutes)d 分") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)d 小時") % {"hours": hours}
    if minutes:
        return _("%(minutes)d 分") % {"minutes": minutes}
    return "0"
