from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from peili.core import versions


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline scripts or styles) and a strict permissions policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.PEILI_CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        return response


class RequestStampsMiddleware:
    """Opens the request's scope for the version stamps read with its session (see
    `peili.core.versions`). Before SessionMiddleware, so the session's load falls inside it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with versions.request_scope():
            return self.get_response(request)
