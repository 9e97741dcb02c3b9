"""One problem found in a learning-records file (`peili.imports.problems.Problem`: row, column,
value, stable code, Chinese message, severity), built from this import's codes and the base codes."""

from __future__ import annotations

from peili.imports.problems import Problem, problem_maker, refused, sort_key
from peili.records.importing.enums import WARNINGS

__all__ = ["Problem", "problem", "refused", "sort_key"]

problem = problem_maker(WARNINGS)
