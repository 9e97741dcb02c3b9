"""One problem found in a staff list (`peili.imports.problems.Problem`: row, column, value, stable
code, Chinese message, severity), built from this import's codes and the base codes."""

from __future__ import annotations

from peili.imports.problems import Problem, problem_maker, refused, shown, sort_key
from peili.org.importing.enums import WARNINGS

__all__ = ["Problem", "problem", "refused", "shown", "sort_key"]

problem = problem_maker(WARNINGS)
