from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peili.core import locking, versions


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline scripts or styles) and a strict permissions policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.PEILI_CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        return response


class LockTimeoutMiddleware:
    """A page whose write waited too long for a lock (`core.locking`) answers 409 with the message
    to try again — never a hang, never a 500. Views that catch PeiliError show the message in place;
    this catches the rest (the API answers its own JSON 409)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, locking.LockTimeout) or (
            isinstance(exception, DatabaseError) and locking.is_lock_timeout(exception)
        ):
            error = exception if isinstance(exception, locking.LockTimeout) else locking.LockTimeout()
            return render(request, "409.html", {"message": error.message, "code": error.code}, status=409)
        return None


class RequestStampsMiddleware:
    """Opens the request's scope for the version stamps read with its session (see
    `peili.core.versions`). Before SessionMiddleware, so the session's load falls inside it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with versions.request_scope():
            return self.get_response(request)
