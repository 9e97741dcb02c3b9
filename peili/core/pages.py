"""Small helpers shared by the pages (views) of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest

from peili.core.errors import NotFound, PeiliError, PermissionDenied

T = TypeVar("T")


def read_for_page(read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A `*_for_user` selector called from a page: its not-found error is the 404 page, its
    refusal the 403 page (as `get_object_or_404` and `check_page` answer)."""
    try:
        return read(*args, **kwargs)
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.code) from error


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
