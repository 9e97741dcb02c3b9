"""Reads of one's own notices."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from peili.notifications.models import Notification


def notifications_for_user(user: Any) -> QuerySet[Notification]:
    """The user's own notices, newest first (nobody reads another's)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
