"""Pure comparison of clean rows with the people already stored: who is created, who changes (and
which fields, old → new), who is unchanged, who is missing from the file. No ORM: the service
loads `ExistingPerson`s in one query and passes them in.

A column absent from the file changes nothing (an export without 電子郵件 keeps the addresses
stored); a column present but blank clears the value. Being listed means being in service unless
在職 says 否 or a 離職日期 is given, so a listed active person has no leaving date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from peili.org.importing.enums import ProblemCode
from peili.org.importing.problems import Problem, problem
from peili.org.importing.rules import PersonRecord, Scope, Validation

# Person fields an import writes, in display order. `agency` and `unit` are compared by code.
PERSON_FIELDS: tuple[str, ...] = (
    "national_id",
    "employee_number",
    "name",
    "gender",
    "birth_date",
    "agency",
    "unit",
    "job_title",
    "category",
    "grade",
    "is_supervisor",
    "is_confidential",
    "public_service_start",
    "agency_start",
    "education_level",
    "email",
    "births_count",
    "is_active",
    "left_on",
)
# Always taken from the file: the required columns, and what follows from them.
_ALWAYS = frozenset({"national_id", "name", "gender", "birth_date", "agency", "category", "grade", "is_active"})
RATING_PREFIX = "rating_"


def rating_field(year: int) -> str:
    return f"{RATING_PREFIX}{year}"


@dataclass(frozen=True, slots=True)
class ExistingPerson:
    id: int
    agency_path: str
    agency_name: str
    values: Mapping[str, Any]  # PERSON_FIELDS → stored value (agency and unit as codes)
    ratings: Mapping[int, str] = field(default_factory=dict)  # year → 甲乙丙丁 (year-end ratings)


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class PersonChange:
    record: PersonRecord
    person_id: int | None  # None: to be created
    values: Mapping[str, Any]  # the fields the file sets, with their new values
    changes: tuple[FieldChange, ...]  # for an update: what differs (ratings as rating_<year>)

    @property
    def is_create(self) -> bool:
        return self.person_id is None

    @property
    def person_fields_changed(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.changes if not c.field.startswith(RATING_PREFIX))


@dataclass(frozen=True, slots=True)
class Absent:
    """Someone in service at an agency the file lists who is not in the file."""

    id: int
    national_id: str
    name: str
    agency: str


@dataclass
class Plan:
    creates: list[PersonChange] = field(default_factory=list)
    updates: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: list[Absent] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # (national ID, year, rating) to insert or overwrite
    ratings: list[tuple[str, int, str]] = field(default_factory=list)


def fields_from_file(columns: frozenset[str]) -> tuple[str, ...]:
    """The person fields an import with these columns sets."""
    present = set(columns)
    if "unit_name" in present:
        present.add("unit")
    return tuple(f for f in PERSON_FIELDS if f in _ALWAYS or f in present)


def new_values(record: PersonRecord, fields: tuple[str, ...]) -> dict[str, Any]:
    values = {f: getattr(record, f) for f in fields}
    if record.is_active:
        values["left_on"] = None
    return values


def make_plan(
    validation: Validation,
    existing: Mapping[str, ExistingPerson],
    scope: Scope,
) -> Plan:
    """Compare clean rows with what is stored. `existing` holds the people whose national IDs are in
    the file and everyone in service at the agencies the file lists (for "not in file")."""
    plan = Plan()
    fields = fields_from_file(validation.columns)
    id_label = validation.headers.label("national_id")
    in_file: set[str] = set()
    for record in validation.records:
        in_file.add(record.national_id)
        values = new_values(record, fields)
        current = existing.get(record.national_id)
        if current is None:
            plan.creates.append(PersonChange(record, None, values, ()))
            plan.ratings.extend((record.national_id, year, rating) for year, rating in record.ratings)
            continue
        if not scope.covers(current.agency_path):
            plan.problems.append(
                problem(
                    record.row,
                    id_label,
                    record.national_id,
                    ProblemCode.PERSON_OUTSIDE_SCOPE,
                )
            )
            continue
        changes = [FieldChange(f, current.values.get(f), v) for f, v in values.items() if current.values.get(f) != v]
        for year, rating in record.ratings:
            old = current.ratings.get(year)
            if old != rating:
                changes.append(FieldChange(rating_field(year), old, rating))
                plan.ratings.append((record.national_id, year, rating))
        if changes:
            plan.updates.append(PersonChange(record, current.id, values, tuple(changes)))
        else:
            plan.unchanged += 1
    listed_agencies = {r.agency for r in validation.records}
    plan.not_in_file = sorted(
        (
            Absent(p.id, national_id, p.values["name"], p.values["agency"])
            for national_id, p in existing.items()
            if national_id not in in_file and p.values.get("is_active") and p.values.get("agency") in listed_agencies
        ),
        key=lambda a: (a.agency, a.name, a.national_id),
    )
    return plan
