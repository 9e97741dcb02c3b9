"""One problem found in an uploaded file: where (row, column, value), what (a stable code) and why
(a Chinese message). Row 1 is the file's first row (usually the header); row 0 means the file as a
whole. Every importer reports its problems as these, so the page, the CSV and the command read alike."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models

from peili.core.tabular import Refusal
from peili.imports.enums import Severity


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    value: str
    code: str
    message: str
    severity: str = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "message": self.message,
            "severity": str(self.severity),
        }


class MakeProblem(Protocol):
    def __call__(
        self, row: int, column: str, value: object, code: models.TextChoices, /, **params: object
    ) -> Problem: ...


def problem_maker(warnings: Collection[str]) -> MakeProblem:
    """An importer's `problem(row, column, value, code, **params)`: the code's label filled with
    `params` is the message; the codes in `warnings` do not stop the import."""

    def problem(row: int, column: str, value: object, code: models.TextChoices, /, **params: object) -> Problem:
        template = str(code.label)
        message = template % params if params else template
        severity = Severity.WARNING if code in warnings else Severity.ERROR
        return Problem(row, column, shown(value), str(code), message, str(severity))

    return problem


def shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 200 else f"{text[:199]}…"


def sort_key(p: Problem) -> tuple[int, int]:
    return (p.row, 0 if p.is_error else 1)


def refused(refusal: Refusal) -> Problem:
    """The problem of a file that cannot be read (`peili.core.tabular`): the file's code and message,
    on the row it names (0: the file as a whole)."""
    return Problem(refusal.row, refusal.column, "", refusal.code, refusal.message, str(Severity.ERROR))
