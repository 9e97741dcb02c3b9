"""The database side of the learning-records import: the people a file names and the records
imported before (a query per 100,000 national IDs or keys, whatever the rows — on PostgreSQL sent
on a second connection while the file is still being read, `_Lookups`), the all-or-nothing write —
`COPY` on PostgreSQL with ids drawn from the sequence first, `bulk_create` elsewhere — the
standings of every touched (person, year) recomputed, and one audit entry per import.

`records_import` does the whole job for one file (the command, the upload page's task and the
benchmark call it); `import_job_*` keep an uploaded file, its progress and its report for the page.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.core import audit, locking
from peili.core.errors import PeiliError
from peili.core.tabular import Limits
from peili.imports import bulk, registry
from peili.imports import services as jobs
from peili.imports.bulk import one_parameter
from peili.imports.enums import ImportStage, ImportStatus
from peili.imports.registry import StageCallback
from peili.imports.services import collector_paused
from peili.org.importing.rules import Scope
from peili.org.importing.services import import_scope
from peili.org.models import Agency, Person
from peili.policy.selectors import effective_pack, national_default
from peili.records import services as ledger_services
from peili.records.codes import Action, Error
from peili.records.enums import RecordSource
from peili.records.importing import rules
from peili.records.importing.problems import Problem
from peili.records.importing.reading import read_table
from peili.records.models import LearningRecord, RecordHours, RecordImportJob

logger = logging.getLogger(__name__)

CHUNK = 100_000  # national IDs or keys per query
BATCH = 5_000  # rows per bulk_create (SQLite)
SOURCE_SYSTEM_MAX = 20
# Serialises record imports on PostgreSQL: two loads at once could both find a key new.
_IMPORT_LOCK = "records.import"  # a named lock (core.locking hashes it to the advisory key)
# This import's key in `peili.imports.registry` (declared in `importer.py`, registered by the app).
IMPORTER = "records"


@dataclass
class Counts:
    rows: int = 0  # data rows read
    records: int = 0  # records the rows make
    new: int = 0  # records to write (or written)
    duplicates: int = 0  # imported before: skipped
    bad: int = 0  # records (or stray rows) with an error
    people: int = 0  # people with new records
    hours: Decimal = Decimal(0)  # certified hours of the new records
    standings: int = 0  # standings recomputed

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = dict(self.__dict__)
        values["hours"] = format(self.hours.normalize(), "f") if self.hours else "0"
        return values


@dataclass
class RecordsImportOutcome:
    filename: str
    file_kind: str = ""
    encoding: str = ""
    layout: str = ""
    source_system: str = ""
    dry_run: bool = True
    skip_bad: bool = False
    file_ok: bool = False
    written: bool = False
    problems: list[Problem] = field(default_factory=list)  # the first rules.MAX_KEPT errors and warnings, by row
    error_count: int = 0
    warning_count: int = 0
    counts: Counts = field(default_factory=Counts)
    years: dict[int, int] = field(default_factory=dict)  # learning year → new records
    duplicates: list[rules.Entry] = field(default_factory=list)  # the first few, for the report
    timings: dict[str, float] = field(default_factory=dict)  # stage → seconds

    @property
    def ok(self) -> bool:
        """No error anywhere in the file."""
        return self.file_ok and self.error_count == 0

    @property
    def loadable(self) -> bool:
        """What a load would write is known: no error, or errors left out on request."""
        return self.file_ok and (self.error_count == 0 or self.skip_bad)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def __repr__(self) -> str:
        return (
            f"RecordsImportOutcome(filename={self.filename!r}, layout={self.layout!r}, written={self.written}, "
            f"errors={self.error_count}, counts={self.counts.as_dict()}, timings={self.timings})"
        )


# -- facts from the database ------------------------------------------------------------------------


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _logged(sql: str, started: float) -> None:
    """Statements sent past Django's cursor wrapper (COPY, server-side parameters) are logged like
    queries, for the debug tools and the query-count tests."""
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.perf_counter() - started:.3f}"})


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a look-up with server-side parameters; without JIT compilation, which costs more than
    these index look-ups take (their estimated cost is high only because the array is long)."""
    started = time.perf_counter()
    with _server_cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        row = cursor.fetchone()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if row is not None:
            cursor.execute("SELECT set_config('jit', %s, true)", [row[0]])
    _logged(" ".join(sql.split()), started)
    return rows


# On PostgreSQL each national ID or key of the file is looked up through the unique index in a
# LATERAL subquery (with LIMIT, so it is not flattened into a join): a plan that holds whatever the
# table statistics say — an `IN (SELECT unnest(…))` planned on stale statistics loops over the array
# for every row of the table.
_PEOPLE_SQL = """
    SELECT k.national_id, p.id, p.name, p.path
    FROM unnest(%s::text[]) AS k(national_id)
    CROSS JOIN LATERAL (
        SELECT person.id, person.name, agency.path
        FROM {person} AS person JOIN {agency} AS agency ON agency.id = person.agency_id
        WHERE person.national_id = k.national_id
        LIMIT 1
    ) AS p
"""
_EXISTING_SQL = """
    SELECT k.key
    FROM unnest(%s::text[]) AS k(key)
    CROSS JOIN LATERAL (
        SELECT 1 FROM {record} AS r
        WHERE r.source = %s AND r.external_key = k.key AND r.superseded_by_id IS NULL AND r.external_key <> ''
        LIMIT 1
    ) AS hit
"""


def _people_sql() -> str:
    quote = connection.ops.quote_name
    return _PEOPLE_SQL.format(person=quote(Person._meta.db_table), agency=quote(Agency._meta.db_table))


def _existing_sql() -> str:
    return _EXISTING_SQL.format(record=connection.ops.quote_name(LearningRecord._meta.db_table))


def load_people(national_ids: Iterable[str]) -> dict[str, rules.PersonFact]:
    """The people with these national IDs, with their agency's path and name (one query per chunk)."""
    wanted = sorted(set(national_ids))
    people: dict[str, rules.PersonFact] = {}
    sql = _people_sql()
    for chunk in _chunks(wanted):
        if bulk.is_postgresql():
            rows = _rows(sql, [list(chunk)])
        else:
            rows = list(
                Person.objects.filter(national_id__in=one_parameter(chunk, "varchar")).values_list(
                    "national_id", "id", "name", "agency__path"
                )
            )
        for national_id, pk, name, path in rows:
            people[national_id] = rules.PersonFact(pk, name, path)
    return people


def load_existing_keys(keys: Iterable[str]) -> set[str]:
    """Which of these keys current imported records already carry (one query per chunk)."""
    wanted = sorted({k for k in keys if k})
    found: set[str] = set()
    sql = _existing_sql()
    for chunk in _chunks(wanted):
        if bulk.is_postgresql():
            found.update(key for (key,) in _rows(sql, [list(chunk), RecordSource.IMPORT.value]))
            continue
        found.update(
            LearningRecord.objects.filter(
                source=RecordSource.IMPORT,
                superseded_by__isnull=True,
                external_key__in=one_parameter(chunk, "varchar"),
            ).values_list("external_key", flat=True)
        )
    return found


def portal_options(today: date) -> tuple[dict[str, str], str]:
    """The portal's 學習性質 codes by learning mode and its hours-unit code, from the national
    default's pack for this year; none when there is no such pack (then only 數位／實體／混成 are read)."""
    default = national_default()
    if default is None:
        return {}, ""
    try:
        fmt = effective_pack(default, today.year).portal
    except PeiliError:
        return {}, ""
    if fmt is None:
        return {}, ""
    return dict(fmt.mode_codes), fmt.hours_unit_code


def clean_source_system(value: str) -> str:
    """The source system's name as stored in keys: trimmed, at most 20 characters, no colon."""
    name = " ".join((value or "").split())
    if len(name) > SOURCE_SYSTEM_MAX or ":" in name or len(name) == 1:
        raise PeiliError(
            Error.RECORDS_IMPORT_SOURCE_SYSTEM,
            _("來源系統名稱須為 2 至 %(max)s 個字，且不含冒號。") % {"max": SOURCE_SYSTEM_MAX},
        )
    return name


# -- the write ------------------------------------------------------------------------------------


def _server_cursor() -> psycopg.Cursor[Any]:
    """A psycopg cursor with server-side parameters: an array of 100,000 keys goes out as one bound
    value, not spelt into the statement (Django's cursors bind on the client)."""
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _next_ids(model: type[LearningRecord], count: int) -> list[int]:
    """`count` ids from the primary key's sequence, in one query (the sequence named once, not looked
    up for every row)."""
    started = time.perf_counter()
    with _server_cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        row = cursor.fetchone()
        assert row is not None  # the table has a serial primary key
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [row[0], count])
        ids = [pk for (pk,) in cursor.fetchall()]
    _logged("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", started)
    return ids


def _escaped(text: str) -> str:
    """A value for COPY's text format (tabs and line breaks never reach here: cells are trimmed and
    their inner whitespace made single spaces)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_text(model: type[LearningRecord] | type[RecordHours], columns: Sequence[str], lines: Iterable[str]) -> None:
    """COPY lines already in PostgreSQL's text format into the model's table, in batches."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    batch: list[str] = []
    count = 0
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for line in lines:
            batch.append(line)
            if len(batch) == 10_000:
                copy.write("".join(batch))
                count += len(batch)
                batch.clear()
        if batch:
            copy.write("".join(batch))
            count += len(batch)
    _logged(f"{sql} -- {count} rows", started)


_RECORD_COPY_COLUMNS = [
    "id",
    "person_id",
    "year",
    "source",
    "title",
    "provider",
    "start_date",
    "end_date",
    "certified_hours",
    "digital_hours",
    "classroom_hours",
    "mode",
    "external_key",
    "reason",
    "created_by_id",
    "created_at",
]


class _Texts(dict[Any, str]):
    """Values as COPY text, each distinct value written once (dates and hours recur)."""

    def __missing__(self, value: Any) -> str:
        text = self[value] = value.isoformat() if isinstance(value, date) else str(value)
        return text


def _write_postgresql(entries: Sequence[rules.Entry], actor_id: int | None, now: datetime) -> dict[str, float]:
    """COPY the records (ids drawn from the sequence first) and their splits."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    ids = _next_ids(LearningRecord, len(entries))
    timings["ids"] = time.perf_counter() - started
    texts = _Texts()
    created_by = "\\N" if actor_id is None else str(actor_id)
    tail = f"\t\t{created_by}\t{now.isoformat()}\n"
    source = RecordSource.IMPORT.value
    started = time.perf_counter()
    _copy_text(
        LearningRecord,
        _RECORD_COPY_COLUMNS,
        (
            f"{pk}\t{e.person_id}\t{texts[e.year]}\t{source}\t{_escaped(e.title)}\t{_escaped(e.provider)}\t"
            f"{texts[e.start]}\t{texts[e.end]}\t{texts[e.certified]}\t{texts[e.digital]}\t{texts[e.classroom]}\t"
            f"{e.mode}\t{_escaped(e.key)}{tail}"
            for pk, e in zip(ids, entries, strict=True)
        ),
    )
    timings["copy_records"] = time.perf_counter() - started
    started = time.perf_counter()
    _copy_text(
        RecordHours,
        ["record_id", "category", "code", "hours"],
        (
            f"{pk}\t\t{_escaped(code)}\t{texts[hours]}\n"
            for pk, e in zip(ids, entries, strict=True)
            for code, hours in e.split.items()
            if hours
        ),
    )
    timings["copy_splits"] = time.perf_counter() - started
    return timings


def _write_other(entries: Sequence[rules.Entry], actor_id: int | None, now: datetime) -> dict[str, float]:
    started = time.perf_counter()
    source = RecordSource.IMPORT.value
    for start in range(0, len(entries), BATCH):
        batch = entries[start : start + BATCH]
        records = [
            LearningRecord(
                person_id=e.person_id,
                year=e.year,
                source=source,
                title=e.title,
                provider=e.provider,
                start_date=e.start,
                end_date=e.end,
                certified_hours=e.certified,
                digital_hours=e.digital or 0,
                classroom_hours=e.classroom or 0,
                mode=e.mode,
                external_key=e.key,
                created_by_id=actor_id,
                created_at=now,
            )
            for e in batch
        ]
        LearningRecord.objects.bulk_create(records)
        RecordHours.objects.bulk_create(
            [
                RecordHours(record_id=record.pk, code=code, hours=hours)
                for record, e in zip(records, batch, strict=True)
                for code, hours in e.split.items()
                if hours
            ]
        )
    return {"write": time.perf_counter() - started}


def _write(
    plan: rules.Plan, outcome: RecordsImportOutcome, *, actor: Any, job: RecordImportJob | None
) -> dict[str, float]:
    """Write the plan's new records with their splits, recompute the touched standings, audit."""
    now = timezone.now()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    writer = _write_postgresql if bulk.is_postgresql() else _write_other
    timings = writer(plan.new, actor_id, now)
    started = time.perf_counter()
    outcome.counts.standings = ledger_services.standings_refresh_for(plan.pairs())
    timings["standings"] = time.perf_counter() - started
    counts = outcome.counts.as_dict()
    audit.record(
        actor=actor,
        action=Action.IMPORT,
        target=job,
        object_repr=outcome.filename,
        after={
            **counts,
            "layout": outcome.layout,
            "source_system": outcome.source_system,
            "skip_bad": outcome.skip_bad,
            "errors": outcome.error_count,
            "years": {str(y): n for y, n in sorted(outcome.years.items())},
        },
        note=_("學習紀錄匯入：%(file)s") % {"file": outcome.filename},
    )
    return timings


# -- one file, start to end -------------------------------------------------------------------------


def records_import(
    source: bytes | str | Path,
    *,
    actor: Any,
    filename: str = "",
    dry_run: bool = False,
    source_system: str = "",
    skip_bad: bool = False,
    scope: Scope | None = None,
    today: date | None = None,
    on_stage: StageCallback | None = None,
    job: RecordImportJob | None = None,
    limits: Limits | None = None,
) -> RecordsImportOutcome:
    """Read, check and (unless `dry_run`, or anything is wrong) load one learning-records file.

    `source` is the file's bytes or its path. All-or-nothing: the records, their splits, the
    standings they change and the audit entry are written in one transaction, and only when no
    record has an error — or, with `skip_bad`, the records without one (a file whose layout or
    columns are wrong loads nothing either way). Records imported before (the same key) are
    skipped, so loading a file twice writes it once. `scope` defaults to the actor's (everything
    for `actor=None`, a system import, and for administrators; a personnel officer's subtrees).
    `on_stage(stage, fraction)` reports progress; `outcome.timings` has each stage's seconds.
    `limits` bound the reading (default: an upload's; the command passes a command's).
    """
    if not isinstance(source, bytes):
        path = Path(source)
        filename = filename or path.name
        source = path.read_bytes()
    with collector_paused():
        return _records_import(
            source,
            actor=actor,
            filename=filename or "upload.csv",
            dry_run=dry_run,
            source_system=clean_source_system(source_system),
            skip_bad=skip_bad,
            scope=scope or import_scope(actor),
            today=today or timezone.localdate(),
            on_stage=on_stage,
            job=job,
            limits=limits or Limits.for_uploads(),
        )


def _records_import(
    data: bytes,
    *,
    actor: Any,
    filename: str,
    dry_run: bool,
    source_system: str,
    skip_bad: bool,
    scope: Scope,
    today: date,
    on_stage: StageCallback | None,
    job: RecordImportJob | None,
    limits: Limits,
) -> RecordsImportOutcome:
    begun = time.perf_counter()
    timings: dict[str, float] = {}
    clock = {"at": begun}

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock["at"], 3)
        clock["at"] = now

    def stage(name: ImportStage, fraction: float = 0.0) -> None:
        if on_stage is not None:
            on_stage(name, fraction)

    stage(ImportStage.READING)
    table = read_table(data, filename, limits=limits)
    outcome = RecordsImportOutcome(
        filename=filename,
        file_kind=table.kind,
        encoding=table.encoding,
        layout=str(table.layout or ""),
        source_system=source_system,
        dry_run=dry_run,
        skip_bad=skip_bad,
        timings=timings,
    )
    mode_codes, unit_code = portal_options(today)
    options = rules.Options(today=today, mode_codes=mode_codes, hours_unit_code=unit_code, source_system=source_system)
    lap("open")
    # On PostgreSQL, unless the caller holds a transaction open, the people and the keys are looked
    # up on a second connection while the file is read; a load then holds the import lock from the
    # start, so that what the look-ups find is still true when the records are written.
    parallel = bulk.is_postgresql() and not connection.in_atomic_block
    with contextlib.ExitStack() as stack:
        if parallel and not dry_run:
            stack.enter_context(_import_lock())
            lap("lock")
        lookups = stack.enter_context(_Lookups(parallel=parallel))
        stage(ImportStage.VALIDATING)
        parsed = rules.parse(
            table,
            options,
            progress=lambda done, total: stage(ImportStage.VALIDATING, done / max(total, 1)),
            on_records=lookups.add,
        )
        lap("read_and_check")
        outcome.file_ok = parsed.file_ok
        outcome.counts.rows = parsed.row_count
        outcome.counts.records = len(parsed.entries)

        def finish() -> RecordsImportOutcome:
            outcome.problems = parsed.problems.sorted()
            outcome.error_count = parsed.problems.error_count
            outcome.warning_count = parsed.problems.warning_count
            timings["total"] = round(time.perf_counter() - begun, 3)
            return outcome

        if not parsed.file_ok:
            return finish()

        stage(ImportStage.COMPARING)
        with transaction.atomic():
            if not parallel and not dry_run and bulk.is_postgresql():
                locking.advisory_xact_lock(_IMPORT_LOCK)
            people, existing = lookups.results()
            lap("lookups")
            plan = rules.resolve(parsed, people, scope, existing)
            # Written person by person: the ledger's person indexes and the foreign-key checks at
            # commit then walk the people in order instead of at random.
            plan.new.sort(key=attrgetter("person_id"))
            _count(outcome, plan)
            outcome.error_count = parsed.problems.error_count
            outcome.warning_count = parsed.problems.warning_count
            lap("match")
            if dry_run or not outcome.loadable or not plan.new:
                if not dry_run and outcome.loadable:  # nothing new: still one audit entry for the import
                    _audit_only(outcome, actor=actor, job=job)
                    outcome.written = True
                return finish()
            stage(ImportStage.WRITING)
            for name, seconds in _write(plan, outcome, actor=actor, job=job).items():
                timings[name] = round(seconds, 3)
            clock["at"] = time.perf_counter()
            outcome.written = True
        lap("commit")
        return finish()


@contextlib.contextmanager
def _import_lock() -> Iterator[None]:
    """The records import's advisory lock for this session, held from reading the file to the
    commit (the lock the in-transaction path takes as a transaction lock: the two exclude each other)."""
    with locking.advisory_lock(_IMPORT_LOCK):
        yield


class _Lookups:
    """The people a file names (by national ID) and which of its keys were imported before.

    In parallel, a second connection in pipeline mode is sent a look-up for every 100,000 national
    IDs or keys as the file is read, and the server works through them while Python reads on; the
    answers are collected at the end. Otherwise the IDs and keys are looked up at the end, in the
    import's transaction (`load_people`, `load_existing_keys`)."""

    def __init__(self, *, parallel: bool) -> None:
        self.parallel = parallel
        self.national_ids: list[str] = []
        self.keys: list[str] = []
        self.seen: set[str] = set()
        self.people_cursors: list[psycopg.Cursor[Any]] = []
        self.key_cursors: list[psycopg.Cursor[Any]] = []
        self.connection: psycopg.Connection[Any] | None = None
        self.pipeline_context: Any = None
        self.pipeline: Any = None

    def __enter__(self) -> _Lookups:
        if self.parallel:
            try:
                self.connection = psycopg.connect(**connection.get_connection_params(), autocommit=True)
            except psycopg.Error:  # no connection to spare: look up at the end instead
                logger.warning("records import: no second connection, looking up at the end", exc_info=True)
                self.parallel = False
                return self
            self.connection.execute("SET jit = off")  # see _rows
            self.pipeline_context = self.connection.pipeline()
            self.pipeline = self.pipeline_context.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.connection is None:
            return
        try:
            if self.pipeline_context is not None:
                self.pipeline_context.__exit__(None, None, None)
        except psycopg.Error:
            logger.warning("records import: look-up connection", exc_info=True)
        finally:
            self.connection.close()
            self.connection = None

    def add(self, entries: list[rules.Entry]) -> None:
        seen = self.seen
        for entry in entries:
            self.keys.append(entry.key)
            if entry.national_id not in seen:
                seen.add(entry.national_id)
                self.national_ids.append(entry.national_id)
        if self.parallel:
            if len(self.keys) >= CHUNK:
                self._send_keys()
            if len(self.national_ids) >= CHUNK:
                self._send_people()

    def _cursor(self) -> psycopg.Cursor[Any]:
        assert self.connection is not None
        return psycopg.Cursor(self.connection)

    def _send_people(self) -> None:
        if self.national_ids:
            cursor = self._cursor()
            cursor.execute(_people_sql(), [sorted(self.national_ids)])
            self.people_cursors.append(cursor)
            self.national_ids = []

    def _send_keys(self) -> None:
        if self.keys:
            cursor = self._cursor()
            cursor.execute(_existing_sql(), [sorted(set(self.keys)), RecordSource.IMPORT.value])
            self.key_cursors.append(cursor)
            self.keys = []

    def results(self) -> tuple[dict[str, rules.PersonFact], set[str]]:
        if not self.parallel:
            return load_people(self.national_ids), load_existing_keys(self.keys)
        started = time.perf_counter()
        self._send_people()
        self._send_keys()
        self.pipeline.sync()
        people: dict[str, rules.PersonFact] = {}
        for cursor in self.people_cursors:
            for national_id, pk, name, path in cursor.fetchall():
                people[national_id] = rules.PersonFact(pk, name, path)
        existing: set[str] = set()
        for cursor in self.key_cursors:
            existing.update(key for (key,) in cursor.fetchall())
        _logged(f"{_existing_sql()} -- {len(self.key_cursors)} look-ups, in parallel", started)
        return people, existing


MAX_DUPLICATES_LISTED = 2_000


def _count(outcome: RecordsImportOutcome, plan: rules.Plan) -> None:
    counts = outcome.counts
    counts.new = len(plan.new)
    counts.duplicates = len(plan.duplicates)
    counts.bad = plan.bad
    counts.people = len({e.person_id for e in plan.new})
    counts.hours = sum((e.certified for e in plan.new), Decimal(0))
    years: dict[int, int] = {}
    for e in plan.new:
        years[e.year] = years.get(e.year, 0) + 1
    outcome.years = years
    outcome.duplicates = plan.duplicates[:MAX_DUPLICATES_LISTED]


def _audit_only(outcome: RecordsImportOutcome, *, actor: Any, job: RecordImportJob | None) -> None:
    audit.record(
        actor=actor,
        action=Action.IMPORT,
        target=job,
        object_repr=outcome.filename,
        after={**outcome.counts.as_dict(), "layout": outcome.layout, "source_system": outcome.source_system},
        note=_("學習紀錄匯入：%(file)s（沒有新紀錄）") % {"file": outcome.filename},
    )


# -- jobs: the upload page's file, progress and report (peili.imports.services) --------------------


def import_job_create(
    *, data: bytes, filename: str, actor: Any, source_system: str = "", skip_bad: bool = False
) -> RecordImportJob:
    """Keep an uploaded file and queue it for checking (a preview: nothing is loaded yet). A file
    refused by `tabular.check` raises its `tabular.Refusal` before anything is kept."""
    source_system = clean_source_system(source_system)
    job = jobs.job_create(
        importer=registry.get(IMPORTER),
        data=data,
        filename=filename,
        actor=actor,
        options={"source_system": source_system, "skip_bad": skip_bad, "validate_only": True},
        audited={"source_system": source_system, "skip_bad": skip_bad},
    )
    assert isinstance(job, RecordImportJob)
    return job


def import_job_load(*, job: RecordImportJob, actor: Any) -> RecordImportJob:
    """Queue a previewed job for loading: the file is checked again, then written."""
    loaded = jobs.job_load(importer=registry.get(IMPORTER), job=job, actor=actor)
    assert isinstance(loaded, RecordImportJob)
    return loaded


# How far through the whole job each stage starts, in percent, and how much its own progress fills.
STAGE_START = {
    ImportStage.READING: 0,
    ImportStage.VALIDATING: 5,
    ImportStage.COMPARING: 60,
    ImportStage.WRITING: 70,
    ImportStage.FINISHED: 100,
}
STAGE_SPAN = {ImportStage.VALIDATING: 55}


def import_job_work(job: RecordImportJob, actor: Any, on_stage: StageCallback) -> RecordsImportOutcome:
    """The import of a job's file, as the job runner calls it."""
    return records_import(
        bytes(job.content),
        actor=actor,
        filename=job.filename,
        dry_run=job.validate_only,
        source_system=job.source_system,
        skip_bad=job.skip_bad,
        on_stage=on_stage,
        job=job,
    )


def import_job_status(outcome: RecordsImportOutcome) -> ImportStatus:
    if outcome.written:
        return ImportStatus.DONE
    return ImportStatus.PREVIEW if outcome.loadable else ImportStatus.INVALID


def import_job_run(*, job_id: int) -> None:
    """Process a queued records job (`peili.imports.services.job_run`)."""
    jobs.job_process(registry.get(IMPORTER), job_id)


def import_jobs_tidy() -> dict[str, int]:
    return jobs.jobs_tidy(RecordImportJob)
