"""Completion conditions that apps above attendance add to a class's closing.

The absence rule is attendance's own; other conditions belong to higher apps (surveys: the written
reflection accepted; e-learning, later: the online pre-study done). Attendance must not import them,
so each registers a provider here from its `AppConfig.ready()` — explicit code, not signals — and
the closing asks every provider what it says of the class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from peili.catalog.models import CourseClass


@dataclass(frozen=True)
class ConditionState:
    """One condition as it stands for one class that requires it."""

    key: str
    gates: bool  # the pack makes it a condition of completion (else shown, not deciding)
    statuses: Mapping[int, str]  # person id → the condition's status for them ("" nothing yet)
    allows: Callable[[str], bool]  # whether a status lets the person complete, when it gates
    reason: str  # attendance's `Reason` code for someone it stops
    label: Callable[[str], str]  # a status in words ("" included)

    def status(self, person_id: int) -> str:
        return self.statuses.get(person_id, "")

    def stops(self, person_id: int) -> bool:
        return self.gates and not self.allows(self.status(person_id))


# The written reflection (surveys registers it): the closing screen and the API show its status.
REFLECTION = "reflection"

# key → provider: the class's state, or None when the class does not require the condition.
Provider = Callable[[CourseClass], ConditionState | None]

_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    """Add a completion condition (called once per key from the owning app's `ready()`)."""
    if _providers.get(key, provider) is not provider:
        raise ValueError(f"completion condition {key!r} is already registered")
    _providers[key] = provider


def states(course_class: CourseClass) -> dict[str, ConditionState]:
    """Key → state of every registered condition the class requires, in registration order."""
    found = {}
    for key, provider in _providers.items():
        state = provider(course_class)
        if state is not None:
            found[key] = state
    return found
