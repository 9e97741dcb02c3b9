"""One error type for the whole domain: a stable code for machines, a Chinese message for people.

Services raise `PeiliError`; the API maps it to a JSON body `{"code", "message", "details"}` with
the HTTP status carried here; views show `message` to the user. Codes are dotted, lower-case and
never change once published (clients depend on them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class ErrorCode:
    """One registered code: the HTTP status it answers with and what it means (for the API's
    document and for people reading the list)."""

    code: str
    status: int
    description: str | Promise
    app: str


# Every error code, from each app's `codes.py` (`peili.core.apps` imports them all at start-up).
REGISTRY: dict[str, ErrorCode] = {}


class UnregisteredCode(RuntimeError):
    """A PeiliError raised with a code no app registered (raised only when checking is on:
    `PEILI_CHECK_CODES`, on in DEBUG and in the tests)."""


def register(app: str, code: str, status: int, description: str | Promise) -> str:
    """Register one code of an app and return it (a module constant: `PLAN_EXISTS = register(...)`)."""
    known = REGISTRY.get(code)
    if known is not None and (known.app, known.status) != (app, status):
        raise RuntimeError(f"error code {code} registered twice ({known.app}, {app})")
    REGISTRY[code] = ErrorCode(code, status, description, app)
    return code


def register_choices(
    app: str, choices: type[models.TextChoices], *, statuses: Mapping[str, int] | None = None, default: int = 400
) -> None:
    """Register every member of an app's `TextChoices` of codes, described by its label."""
    for member in choices:
        register(app, member.value, (statuses or {}).get(member.value, default), member.label)


def codes_of(app: str) -> list[ErrorCode]:
    return [info for info in REGISTRY.values() if info.app == app]


def check(codes: Iterable[str]) -> list[str]:
    """The codes that no app registered."""
    return [str(code) for code in codes if str(code) not in REGISTRY]


class PeiliError(Exception):
    status: int = 400
    # Whether sending the same request again may succeed (a lock wait that ran out, not a refusal).
    retryable: bool = False

    def __init__(self, code: str, message: str, *, status: int | None = None, details: Any = None) -> None:
        if code not in REGISTRY and getattr(settings, "PEILI_CHECK_CODES", False):
            raise UnregisteredCode(f"error code {code!r} is not in any app's codes.py")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = str(message)
        if status is not None:
            self.status = status
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class NotFound(PeiliError):
    status = 404


class PermissionDenied(PeiliError):
    status = 403


class Conflict(PeiliError):
    status = 409
