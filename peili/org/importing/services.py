"""The database side of the staff-list import: load the facts, load the people already stored, and
write a clean file all-or-nothing with bulk statements and one audit entry per person.

`people_import` does the whole job for one file; `import_job_*` keep an uploaded file, its
progress and its report for the upload page, through the import framework (`peili.imports`). The
query count does not grow with the rows: people are found by national ID in one query (an array or
JSON parameter, not one placeholder per ID), and every write is a bulk statement in batches.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core import audit, locking, versions
from peili.core.masking import mask_ids, mask_ids_in_text, mask_national_id
from peili.core.models import AuditEntry
from peili.core.tabular import Limits
from peili.imports import bulk, registry
from peili.imports import services as jobs
from peili.imports.bulk import one_parameter
from peili.imports.enums import ImportStage, ImportStatus
from peili.imports.registry import StageCallback
from peili.imports.services import collector_paused
from peili.org.codes import Action
from peili.org.enums import RatingKind, Role
from peili.org.importing.plan import PERSON_FIELDS, Absent, ExistingPerson, PersonChange, Plan, make_plan, rating_field
from peili.org.importing.problems import Problem, sort_key
from peili.org.importing.reading import read_table
from peili.org.importing.rules import AgencyFact, Facts, Scope, Validation, validate
from peili.org.models import Agency, AnnualRating, ImportJob, Person, Unit
from peili.org.scopes import grants_for

logger = logging.getLogger(__name__)

BATCH = 2000
# Serialises imports on PostgreSQL (two loading at once could both create the same person).
_IMPORT_LOCK = "org.import"  # a named lock (core.locking hashes it to the advisory key)
# This import's key in `peili.imports.registry` (declared in `importer.py`, registered by the app).
IMPORTER = "people"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0
    marked_left: int = 0
    units_created: int = 0
    ratings_written: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class ImportOutcome:
    filename: str
    file_kind: str = ""
    encoding: str = ""
    row_count: int = 0
    dry_run: bool = True
    written: bool = False
    problems: list[Problem] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    changes: list[PersonChange] = field(default_factory=list)
    not_in_file: list[Absent] = field(default_factory=list)
    new_units: dict[tuple[str, str], str] = field(default_factory=dict)
    agency_names: dict[str, str] = field(default_factory=dict)
    unit_names: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def import_scope(actor: Any) -> Scope:
    """Everything for the system (no actor) and administrators; personnel officers their subtrees."""
    if actor is None:
        return Scope(full=True)
    grants = grants_for(actor)
    if grants.is_admin:
        return Scope(full=True)
    return Scope(paths=grants.scopes.get(Role.PERSONNEL_OFFICER, ()))


@dataclass
class _Ids:
    agencies: dict[str, int]
    units: dict[tuple[str, str], int]


def load_facts(scope: Scope, today: date) -> tuple[Facts, _Ids]:
    """Every agency (a few hundred: one query) and the units of those in scope (one query)."""
    agencies: dict[str, AgencyFact] = {}
    agency_ids: dict[str, int] = {}
    for pk, code, name, path, is_active in Agency.objects.values_list("id", "code", "name", "path", "is_active"):
        agencies[code] = AgencyFact(code=code, name=name, path=path, is_active=is_active)
        agency_ids[code] = pk
    unit_filter = Q() if scope.full else Q(pk__in=[])
    for path in scope.paths:
        unit_filter |= Q(agency__path__startswith=path)
    units: dict[tuple[str, str], str] = {}
    unit_ids: dict[tuple[str, str], int] = {}
    for pk, agency_code, code, name in Unit.objects.filter(unit_filter).values_list(
        "id", "agency__code", "code", "name"
    ):
        units[(agency_code, code)] = name
        unit_ids[(agency_code, code)] = pk
    return Facts(agencies=agencies, units=units, scope=scope, today=today), _Ids(agency_ids, unit_ids)


_STORED = [
    "id",
    "national_id",
    "employee_number",
    "name",
    "gender",
    "birth_date",
    "agency__code",
    "agency__path",
    "agency__name",
    "unit__code",
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
]


def load_existing(
    national_ids: Sequence[str], agency_ids: Iterable[int], years: Iterable[int]
) -> dict[str, ExistingPerson]:
    """People with these national IDs, and everyone in service at these agencies, with their year-end
    ratings for `years`: two queries whatever the number of rows."""
    condition = Q(national_id__in=one_parameter(national_ids, "varchar")) | Q(
        agency_id__in=list(agency_ids), is_active=True
    )
    stored_people = [
        dict(zip(_STORED, row, strict=True)) for row in Person.objects.filter(condition).values_list(*_STORED)
    ]
    ratings: dict[int, dict[int, str]] = {}
    years = list(years)
    if stored_people and years:
        for person_id, year, rating in AnnualRating.objects.filter(
            person__in=Person.objects.filter(condition).values("id"), kind=RatingKind.YEAR_END, year__in=years
        ).values_list("person_id", "year", "rating"):
            ratings.setdefault(person_id, {})[year] = rating
    existing: dict[str, ExistingPerson] = {}
    for stored in stored_people:
        values = {f: stored.get(f) for f in PERSON_FIELDS}
        values["agency"] = stored["agency__code"]
        values["unit"] = stored["unit__code"]
        existing[stored["national_id"]] = ExistingPerson(
            id=stored["id"],
            agency_path=stored["agency__path"],
            agency_name=stored["agency__name"],
            values=values,
            ratings=ratings.get(stored["id"], {}),
        )
    return existing


def _person_kwargs(values: dict[str, Any], ids: _Ids) -> dict[str, Any]:
    kwargs = {k: v for k, v in values.items() if k not in {"agency", "unit"}}
    if "agency" in values:
        kwargs["agency_id"] = ids.agencies[values["agency"]]
    if "unit" in values:
        unit = values["unit"]
        kwargs["unit_id"] = ids.units[(values["agency"], unit)] if unit else None
    return kwargs


@dataclass
class _AuditRows:
    """Audit entries to write in one go, as `audit.entry` keyword arguments (the actor is common)."""

    actor: Any
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, **kwargs: Any) -> None:
        self.rows.append(kwargs)

    def write(self, now: datetime) -> None:
        if not bulk.is_postgresql():
            AuditEntry.objects.bulk_create([audit.entry(actor=self.actor, **r) for r in self.rows], batch_size=BATCH)
            return
        actor_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        bulk.copy_rows(
            AuditEntry,
            ["at", "actor", "action", "object_type", "object_id", "object_repr", "before", "after", "note"],
            (
                (
                    now,
                    actor_id,
                    r["action"],
                    r["object_type"],
                    r["object_id"],
                    # COPY passes by audit.entry: the same masking of national IDs here.
                    mask_ids_in_text(r["object_repr"][:200]),
                    bulk.as_json(mask_ids(r.get("before"))),
                    bulk.as_json(mask_ids(r.get("after"))),
                    mask_ids_in_text(r.get("note", "")),
                )
                for r in self.rows
            ),
        )


_PERSON_DEFAULTS = {f.attname: f.get_default() for f in Person._meta.concrete_fields}
_PERSON_COPY = [
    f.name for f in Person._meta.concrete_fields if f.name not in {"id", "user", "updated_at"}
]  # written from the file (or the model's default when a column is absent)


def _create_people(creates: list[PersonChange], ids: _Ids, now: datetime) -> list[int]:
    """Insert new people; their ids, in order."""
    rows = [_person_kwargs(dict(c.values), ids) for c in creates]
    if not bulk.is_postgresql():
        people = [Person(**r) for r in rows]
        Person.objects.bulk_create(people, batch_size=BATCH)
        return [p.pk for p in people]
    person_ids = bulk.next_ids(Person, len(rows))
    by_name = {f.name: f.attname for f in Person._meta.concrete_fields}
    attnames = [by_name[f] for f in _PERSON_COPY]
    bulk.copy_rows(
        Person,
        ["id", *_PERSON_COPY, "updated_at"],
        ((pk, *(r.get(a, _PERSON_DEFAULTS[a]) for a in attnames), now) for pk, r in zip(person_ids, rows, strict=True)),
    )
    return person_ids


def _update_people(updated: list[tuple[int, dict[str, Any]]], changed_fields: set[str], now: datetime) -> None:
    """Set the fields that changed for anyone (each row carries the file's value for all of them)."""
    if not updated:
        return
    attnames = sorted({"agency_id" if f == "agency" else "unit_id" if f == "unit" else f for f in changed_fields})
    if bulk.is_postgresql():
        bulk.update_rows(
            Person, [*attnames, "updated_at"], ((pk, *(values[a] for a in attnames), now) for pk, values in updated)
        )
        return
    people = [Person(pk=pk, updated_at=now, **values) for pk, values in updated]
    Person.objects.bulk_update(people, [*attnames, "updated_at"], batch_size=500)


def _write_ratings(ratings: list[tuple[int, int, str]], *, new_people: set[int]) -> None:
    """(person id, year, rating) year-end ratings: inserted for new people, upserted for the others."""
    upserts = ratings
    if bulk.is_postgresql():
        bulk.copy_rows(
            AnnualRating,
            ["person", "year", "rating", "kind"],
            ((pid, year, rating, RatingKind.YEAR_END.value) for pid, year, rating in ratings if pid in new_people),
        )
        upserts = [r for r in ratings if r[0] not in new_people]
    AnnualRating.objects.bulk_create(
        [
            AnnualRating(person_id=pid, year=year, rating=rating, kind=RatingKind.YEAR_END)
            for pid, year, rating in upserts
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["person", "year", "kind"],
        update_fields=["rating"],
    )


def _write(
    plan: Plan,
    validation: Validation,
    ids: _Ids,
    *,
    actor: Any,
    mark_missing_left: bool,
    filename: str,
    job: ImportJob | None,
) -> Counts:
    """Write a checked plan. Called inside the import's transaction."""
    now = timezone.now()
    counts = Counts(unchanged=plan.unchanged, not_in_file=len(plan.not_in_file))
    entries = _AuditRows(actor)

    new_units = [Unit(agency_id=ids.agencies[a], code=c, name=n) for (a, c), n in validation.new_units.items()]
    Unit.objects.bulk_create(new_units, batch_size=BATCH)
    for unit, (agency_code, code) in zip(new_units, validation.new_units, strict=True):
        ids.units[(agency_code, code)] = unit.pk
        entries.add(
            action=Action.UNIT_IMPORT_CREATE,
            object_type="org.unit",
            object_id=str(unit.pk),
            object_repr=unit.name,
            after={"agency": agency_code, "code": code, "name": unit.name},
        )
    counts.units_created = len(new_units)

    created_ids = _create_people(plan.creates, ids, now)
    person_ids = {c.record.national_id: pk for c, pk in zip(plan.creates, created_ids, strict=True)}
    for change, pk in zip(plan.creates, created_ids, strict=True):
        entries.add(
            action=Action.PERSON_IMPORT_CREATE,
            object_type="org.person",
            object_id=str(pk),
            object_repr=change.record.name,
            # The audit log never keeps a full national ID (the entry names the person by id).
            after={
                **change.values,
                "national_id": mask_national_id(change.record.national_id),
                **{rating_field(y): r for y, r in change.record.ratings},
            },
            note=_("%(file)s 第 %(row)s 列") % {"file": filename, "row": change.record.row},
        )
    counts.created = len(created_ids)

    changed_fields: set[str] = set()
    updated: list[tuple[int, dict[str, Any]]] = []
    for change in plan.updates:
        person_id = change.person_id
        assert person_id is not None  # an update always has one
        person_ids[change.record.national_id] = person_id
        fields = change.person_fields_changed
        if fields:
            changed_fields.update(fields)
            updated.append((person_id, _person_kwargs(dict(change.values), ids)))
        entries.add(
            action=Action.PERSON_IMPORT_UPDATE,
            object_type="org.person",
            object_id=str(person_id),
            object_repr=change.record.name,
            before={c.field: c.old for c in change.changes},
            after={c.field: c.new for c in change.changes},
            note=_("%(file)s 第 %(row)s 列") % {"file": filename, "row": change.record.row},
        )
    _update_people(updated, changed_fields, now)
    moved = [c.person_id for c in plan.updates if c.person_id and any(f.field == "agency" for f in c.changes)]
    if moved and "unit" not in changed_fields:
        # Moved to another agency by a file without unit columns: the old agency's unit must not follow.
        Person.objects.filter(pk__in=one_parameter(moved, "bigint")).exclude(unit__isnull=True).exclude(
            unit__agency_id=F("agency_id")
        ).update(unit=None)
    counts.updated = len(plan.updates)

    _write_ratings(
        [(person_ids[national_id], year, rating) for national_id, year, rating in plan.ratings],
        new_people=set(created_ids),
    )
    counts.ratings_written = len(plan.ratings)

    if mark_missing_left and plan.not_in_file:
        left_ids = [a.id for a in plan.not_in_file]
        Person.objects.filter(pk__in=one_parameter(left_ids, "bigint")).update(
            is_active=False, left_on=timezone.localdate(), updated_at=now
        )
        for absent in plan.not_in_file:
            entries.add(
                action=Action.PERSON_IMPORT_MARK_LEFT,
                object_type="org.person",
                object_id=str(absent.id),
                object_repr=absent.name,
                before={"is_active": True},
                after={"is_active": False},
                note=_("未列於匯入檔案 %(file)s") % {"file": filename},
            )
        counts.marked_left = len(left_ids)

    entries.add(
        action=Action.PERSON_IMPORT,
        object_type="org.importjob" if job is not None else "",
        object_id=str(job.pk) if job is not None else "",
        object_repr=filename,
        after={"rows": validation.row_count, **counts.as_dict()},
        note=_("人員匯入：%(file)s") % {"file": filename},
    )
    entries.write(now)
    # People were written by COPY and UPDATE (no signals): signed-in people's cached identities
    # (`peili.accounts.backends`) are read again.
    versions.bump(versions.IDENTITY)
    return counts


def people_import(
    *,
    data: bytes,
    filename: str,
    actor: Any,
    dry_run: bool,
    mark_missing_left: bool = False,
    scope: Scope | None = None,
    today: date | None = None,
    on_stage: StageCallback | None = None,
    job: ImportJob | None = None,
    limits: Limits | None = None,
) -> ImportOutcome:
    """Read, check and (unless `dry_run` or anything is wrong) load one staff list.

    All-or-nothing: the people, units, ratings and audit entries are written in one transaction,
    and only when no row has an error. `scope` defaults to the actor's (everything for `actor=None`,
    the system import). `limits` bound the reading (default: an upload's). `on_stage(stage,
    fraction)` reports progress; it is not called inside the write transaction except once, on
    entering it.
    """
    with collector_paused():
        return _people_import(
            data=data,
            filename=filename,
            actor=actor,
            dry_run=dry_run,
            mark_missing_left=mark_missing_left,
            scope=scope or import_scope(actor),
            today=today or timezone.localdate(),
            on_stage=on_stage,
            job=job,
            limits=limits or Limits.for_uploads(),
        )


def _people_import(
    *,
    data: bytes,
    filename: str,
    actor: Any,
    dry_run: bool,
    mark_missing_left: bool,
    scope: Scope,
    today: date,
    on_stage: StageCallback | None,
    job: ImportJob | None,
    limits: Limits,
) -> ImportOutcome:

    def stage(name: ImportStage, fraction: float = 0.0) -> None:
        if on_stage is not None:
            on_stage(name, fraction)

    stage(ImportStage.READING)
    table = read_table(
        data,
        filename,
        progress=lambda done, total: stage(ImportStage.READING, done / max(total, 1)),
        limits=limits,
    )
    outcome = ImportOutcome(filename=filename, file_kind=table.kind, encoding=table.encoding, dry_run=dry_run)
    facts, ids = load_facts(scope, today)
    outcome.agency_names = {code: a.name for code, a in facts.agencies.items()}
    stage(ImportStage.VALIDATING)
    validation = validate(
        table, facts, progress=lambda done, total: stage(ImportStage.VALIDATING, done / max(total, 1))
    )
    outcome.row_count = validation.row_count
    outcome.problems = validation.problems
    outcome.new_units = validation.new_units
    outcome.unit_names = {**facts.units, **validation.new_units}
    if not validation.ok:
        return outcome

    stage(ImportStage.COMPARING)
    with transaction.atomic():
        if not dry_run:
            locking.advisory_xact_lock(_IMPORT_LOCK)
        listed = {r.agency for r in validation.records}
        existing = load_existing(
            [r.national_id for r in validation.records],
            [ids.agencies[code] for code in listed],
            {year for r in validation.records for year, _rating in r.ratings},
        )
        plan = make_plan(validation, existing, scope)
        outcome.problems = sorted([*validation.problems, *plan.problems], key=sort_key)
        outcome.changes = [*plan.updates, *plan.creates]
        outcome.not_in_file = plan.not_in_file
        outcome.counts = Counts(
            created=len(plan.creates),
            updated=len(plan.updates),
            unchanged=plan.unchanged,
            not_in_file=len(plan.not_in_file),
            marked_left=len(plan.not_in_file) if mark_missing_left else 0,
            units_created=len(validation.new_units),
            ratings_written=len(plan.ratings),
        )
        if plan.problems or dry_run:
            return outcome
        stage(ImportStage.WRITING)
        outcome.counts = _write(
            plan,
            validation,
            ids,
            actor=actor,
            mark_missing_left=mark_missing_left,
            filename=filename,
            job=job,
        )
        outcome.written = True
    return outcome


# -- jobs: the upload page's file, progress and report (peili.imports.services) --------------------

# How far through the whole job each stage starts, in percent, and how much its own progress fills.
STAGE_START = {
    ImportStage.READING: 0,
    ImportStage.VALIDATING: 40,
    ImportStage.COMPARING: 65,
    ImportStage.WRITING: 75,
    ImportStage.FINISHED: 100,
}
STAGE_SPAN = {ImportStage.READING: 40, ImportStage.VALIDATING: 25}


def import_job_create(
    *, data: bytes, filename: str, actor: Any, validate_only: bool, mark_missing_left: bool = False
) -> ImportJob:
    """Keep an uploaded staff list and queue it for checking (and loading, unless `validate_only`).
    A file refused by `tabular.check` raises its `tabular.Refusal` before anything is kept."""
    options = {"validate_only": validate_only, "mark_missing_left": mark_missing_left}
    job = jobs.job_create(
        importer=registry.get(IMPORTER), data=data, filename=filename, actor=actor, options=options, audited=options
    )
    assert isinstance(job, ImportJob)
    return job


def import_job_load(*, job: ImportJob, actor: Any) -> ImportJob:
    """Queue a previewed job for loading: the file is checked again and then written."""
    loaded = jobs.job_load(importer=registry.get(IMPORTER), job=job, actor=actor)
    assert isinstance(loaded, ImportJob)
    return loaded


def import_job_work(job: ImportJob, actor: Any, on_stage: StageCallback) -> ImportOutcome:
    """The import of a job's file, as the job runner calls it."""
    return people_import(
        data=bytes(job.content),
        filename=job.filename,
        actor=actor,
        dry_run=job.validate_only,
        mark_missing_left=job.mark_missing_left,
        on_stage=on_stage,
        job=job,
    )


def import_job_status(outcome: ImportOutcome) -> ImportStatus:
    if not outcome.ok:
        return ImportStatus.INVALID
    return ImportStatus.DONE if outcome.written else ImportStatus.PREVIEW


def import_job_run(*, job_id: int) -> None:
    """Process a queued staff-list job (`peili.imports.services.job_run`)."""
    jobs.job_process(registry.get(IMPORTER), job_id)


def import_jobs_tidy() -> dict[str, int]:
    return jobs.jobs_tidy(ImportJob)
