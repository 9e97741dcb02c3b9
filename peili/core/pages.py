"""Small helpers shared by the pages (views) of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from peili.core.errors import PeiliError


def perform(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service call from a POST page: a refusal (`PeiliError`) becomes an error message with its
    Chinese text, anything else the `success` message. True when it went through."""
    try:
        action()
    except PeiliError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True
