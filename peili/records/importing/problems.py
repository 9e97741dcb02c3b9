"""One problem found in a learning-records file, as the HR import reports them (the same `Problem`:
row, column, value, stable code, Chinese message, severity), built from this import's codes."""

from __future__ import annotations

from peili.org.importing.enums import Severity
from peili.org.importing.problems import Problem, shown, sort_key
from peili.records.importing.enums import WARNINGS, ProblemCode

__all__ = ["Problem", "problem", "sort_key"]


def problem(row: int, column: str, value: object, code: ProblemCode, /, **params: object) -> Problem:
    template = str(code.label)
    message = template % params if params else template
    severity = Severity.WARNING if code in WARNINGS else Severity.ERROR
    return Problem(row, column, shown(value), str(code), message, str(severity))
