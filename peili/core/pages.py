"""Small helpers shared by the pages (views) of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from peili.core.errors import PeiliError

T = TypeVar("T")


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


def submit(
    request: HttpRequest, form: forms.Form, action: Callable[[], T], success: str, *, field: str | None = None
) -> T | None:
    """Run a service call from a form page: a refusal (`PeiliError`) becomes the form's error — on
    `field`, or the form as a whole — so the page shows again with what was typed; otherwise the
    `success` message. Returns what the service returned (the object it wrote), None when refused."""
    try:
        result = action()
    except PeiliError as error:
        form.add_error(field, error.message)
        return None
    messages.success(request, success)
    return result
