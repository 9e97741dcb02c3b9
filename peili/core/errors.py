"""One error type for the whole domain: a stable code for machines, a Chinese message for people.

Services raise `PeiliError`; the API maps it to a JSON body `{"code", "message", "details"}` with
the HTTP status carried here; views show `message` to the user. Codes are dotted, lower-case and
never change once published (clients depend on them).
"""

from __future__ import annotations

from typing import Any


class PeiliError(Exception):
    status: int = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, details: Any = None) -> None:
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
