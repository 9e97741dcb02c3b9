"""Every write of the hours ledger. A record is created with its category split; a correction
supersedes it with a reason (nothing is updated or deleted); each write recomputes the standing of
the person's year(s) it touched in the same transaction, and is audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog.models import CourseClass
from peili.core import audit, locking
from peili.core.errors import Conflict, PeiliError
from peili.core.models import AuditEntry
from peili.org.models import Person
from peili.policy.models import Jurisdiction
from peili.policy.selectors import effective_pack
from peili.records import bulk, rules
from peili.records.codes import Action, Error
from peili.records.enums import RecordSource
from peili.records.models import LearningRecord, RecordHours, YearStanding

# Rows per INSERT (and keys per lookup) when writing many records at once.
WRITE_BATCH = 500

RECORD_FIELDS = (
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
)


@dataclass(frozen=True)
class RecordData:
    """What a learning record says."""

    title: str
    start_date: date
    end_date: date
    certified_hours: Decimal
    mode: str
    split: Mapping[str, Decimal]  # learning category (a key of the pack's hours.categories) → hours
    digital_hours: Decimal = Decimal(0)
    classroom_hours: Decimal = Decimal(0)
    provider: str = ""
    source: str = RecordSource.CLASS
    course_class: CourseClass | None = None
    external_key: str = ""
    # Hours known only by the national portal's category code (a record imported from the portal):
    # the pack's category list resolves them when hours are counted.
    code_split: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def parts(self) -> dict[str, Decimal]:
        """Every part of the split, for the sum: categories and codes."""
        return {
            **{f"category:{k}": h for k, h in self.split.items()},
            **{f"code:{c}": h for c, h in self.code_split.items()},
        }


def _check(data: RecordData) -> None:
    """Refusals with a code and the reason; nothing is written when one applies."""
    hours = rules.hours_text
    if data.end_date < data.start_date:
        raise PeiliError(Error.RECORD_DATES, _("結束日期不得早於開始日期。"))
    if data.digital_hours + data.classroom_hours != data.certified_hours:
        raise PeiliError(
            Error.RECORD_HOURS_MISMATCH,
            _("數位時數 %(d)s 加實體時數 %(c)s 須等於認證時數 %(h)s。")
            % {"d": hours(data.digital_hours), "c": hours(data.classroom_hours), "h": hours(data.certified_hours)},
        )
    if not rules.split_matches(data.certified_hours, data.parts):
        raise PeiliError(
            Error.RECORD_SPLIT_MISMATCH,
            _("各學習類別時數合計 %(total)s 小時，須等於認證時數 %(hours)s 小時。")
            % {"total": hours(rules.split_total(data.parts)), "hours": hours(data.certified_hours)},
        )


def _new_record(person: Person, data: RecordData, created_by: Any) -> LearningRecord:
    return LearningRecord(
        person=person,
        year=rules.learning_year(data.end_date),
        source=data.source,
        course_class=data.course_class,
        title=data.title,
        provider=data.provider,
        start_date=data.start_date,
        end_date=data.end_date,
        certified_hours=data.certified_hours,
        digital_hours=data.digital_hours,
        classroom_hours=data.classroom_hours,
        mode=data.mode,
        external_key=data.external_key,
        created_by=created_by,
    )


def _parts(record: LearningRecord, data: RecordData) -> list[RecordHours]:
    return [
        RecordHours(record=record, category=key, hours=hours) for key, hours in sorted(data.split.items()) if hours
    ] + [RecordHours(record=record, code=code, hours=hours) for code, hours in sorted(data.code_split.items()) if hours]


def _write(person: Person, data: RecordData, actor: Any) -> LearningRecord:
    _check(data)
    if (
        data.external_key
        and LearningRecord.objects.filter(
            source=data.source, external_key=data.external_key, superseded_by__isnull=True
        ).exists()
    ):
        raise Conflict(Error.RECORD_DUPLICATE, _("這筆學習紀錄已經登錄過了。"))
    record = _new_record(person, data, actor if getattr(actor, "is_authenticated", False) else None)
    record.save()
    RecordHours.objects.bulk_create(_parts(record, data))
    return record


def _hours_text(hours: Decimal) -> str:
    """Hours as the database gives them back (tenths: "3.0"), for an entry built without reading them."""
    return str(Decimal(hours).quantize(Decimal("0.1")))


def _snapshot_of(record: LearningRecord, data: RecordData) -> dict[str, Any]:
    """`_snapshot` of a record just written from `data`, without reading its split back."""
    snap = audit.snapshot(record, RECORD_FIELDS)
    snap["split"] = {key: _hours_text(hours) for key, hours in sorted(data.split.items()) if hours}
    codes = {code: _hours_text(hours) for code, hours in sorted(data.code_split.items()) if hours}
    if codes:
        snap["codes"] = codes
    return snap


def _snapshot(record: LearningRecord) -> dict[str, Any]:
    data = audit.snapshot(record, RECORD_FIELDS)
    rows = list(record.hours.order_by("category", "code"))
    data["split"] = {row.category: str(row.hours) for row in rows if row.category}
    codes = {row.code: str(row.hours) for row in rows if not row.category}
    if codes:
        data["codes"] = codes
    return data


@transaction.atomic
def record_create(*, person: Person, data: RecordData, actor: Any) -> LearningRecord:
    """Add certified learning to a person's ledger and bring their year's standing up to date."""
    record = _write(person, data, actor)
    standing_refresh(person, record.year)
    audit.record(actor=actor, action=Action.RECORD_CREATE, target=record, after=_snapshot(record))
    return record


@transaction.atomic
def records_write(*, items: Iterable[tuple[Person, RecordData]], actor: Any, note: str = "") -> list[LearningRecord]:
    """Add several records (a class's completers, say) in grouped queries whatever their number —
    the same checks as one record (refused whole: nothing written), one insert of the records and one
    of their splits, the touched standings, one insert of the audit entries (one per record)."""
    items = list(items)
    for _person, data in items:
        _check(data)
    keys = [data.external_key for _person, data in items if data.external_key]
    if len(set(keys)) != len(keys) or _current_keys([(data.source, data.external_key) for _p, data in items]):
        raise Conflict(Error.RECORD_DUPLICATE, _("這筆學習紀錄已經登錄過了。"))
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    written = LearningRecord.objects.bulk_create(
        [_new_record(person, data, created_by) for person, data in items], batch_size=WRITE_BATCH
    )
    RecordHours.objects.bulk_create(
        [part for record, (_person, data) in zip(written, items, strict=True) for part in _parts(record, data)],
        batch_size=WRITE_BATCH,
    )
    standings_refresh_for((record.person_id, record.year) for record in written)
    AuditEntry.objects.bulk_create(
        [
            audit.entry(
                actor=actor, action=Action.RECORD_CREATE, target=record, after=_snapshot_of(record, data), note=note
            )
            for record, (_person, data) in zip(written, items, strict=True)
        ],
        batch_size=WRITE_BATCH,
    )
    return written


def _current_keys(keys: list[tuple[str, str]]) -> bool:
    """Whether a current record already carries one of the (source, external key) pairs."""
    wanted = {(source, key) for source, key in keys if key}
    names = sorted({key for _source, key in wanted})
    for start in range(0, len(names), WRITE_BATCH):
        found = LearningRecord.objects.filter(
            superseded_by__isnull=True, external_key__in=names[start : start + WRITE_BATCH]
        ).values_list("source", "external_key")
        if wanted.intersection(found):
            return True
    return False


@transaction.atomic
def record_withdraw(*, record: LearningRecord, reason: str, actor: Any) -> LearningRecord:
    """Take a record out of the ledger without a replacement (hours granted by mistake): it points
    at itself as superseded, keeps its rows and gets the reason — nothing is deleted."""
    if not reason.strip():
        raise PeiliError(Error.RECORD_REASON_REQUIRED, _("更正學習紀錄須說明原因。"))
    old = locking.lock_first(LearningRecord.objects.filter(pk=record.pk))
    if old is None or old.superseded_by_id is not None:
        raise Conflict(Error.RECORD_ALREADY_SUPERSEDED, _("這筆學習紀錄已經更正過了，請重新整理後再試。"))
    LearningRecord.objects.filter(pk=old.pk).update(superseded_by=old.pk, reason=reason[:300])
    standing_refresh(old.person, old.year)
    audit.record(actor=actor, action=Action.RECORD_WITHDRAW, target=old, before=_snapshot(old), note=reason)
    return old


@transaction.atomic
def record_supersede(*, record: LearningRecord, data: RecordData, reason: str, actor: Any) -> LearningRecord:
    """Correct a record: a new record takes its place, the old one stays in the history pointing at
    it, with the reason. Both years' standings are brought up to date (a correction may move the
    learning to another year)."""
    reason = reason.strip()
    if not reason:
        raise PeiliError(Error.RECORD_REASON_REQUIRED, _("更正學習紀錄須說明原因。"))
    old = locking.lock_row(LearningRecord.objects.select_related("person__agency"), pk=record.pk)
    if old.superseded_by_id is not None:
        raise Conflict(Error.RECORD_SUPERSEDED, _("這筆紀錄已被更正過，請更正最新的那一筆。"))
    before = _snapshot(old)
    # Out of the ledger first — pointing at itself until its successor exists — so the successor may
    # carry the same external key (unique among current records). All in one transaction.
    LearningRecord.objects.filter(pk=old.pk).update(superseded_by=old.pk)
    new = _write(old.person, data, actor)
    LearningRecord.objects.filter(pk=old.pk).update(superseded_by=new.pk, reason=reason[:300])
    for year in {old.year, new.year}:
        standing_refresh(old.person, year)
    audit.record(
        actor=actor, action=Action.RECORD_SUPERSEDE, target=new, before=before, after=_snapshot(new), note=reason
    )
    return new


def _standing_row(person_id: int, year: int, result: rules.Standing, records: int) -> YearStanding:
    return YearStanding(
        person_id=person_id,
        year=year,
        total=result.total,
        counted={key: rules.hours_text(hours) for key, hours in result.counted.items()},
        shortfall_keys=[s.key for s in result.shortfalls],
        missing=result.missing,
        meets=result.meets,
        records=records,
    )


STANDING_FIELDS = ["total", "counted", "shortfall_keys", "missing", "meets", "records", "updated_at"]


# From this many people on, PostgreSQL recomputes standings in bulk (`records.bulk`): one aggregate,
# COPY and one upsert. Below it, the grouped ORM queries of `_recompute` are as quick.
BULK_MINIMUM = 500


def standings_recompute(*, year: int, agency_path: str = "") -> int:
    """Recompute a year's standing for everyone (or an agency subtree by its path): the active
    people and anyone with a record that year — people with no learning at all get their standing
    too. Returns the number of standings written.

    Called when a pack changes the yearly rule or its learning categories, and by `peili compliance
    --recompute`. Record writes keep single standings current themselves (`standing_refresh`).
    On PostgreSQL the whole year is one aggregate, COPY and one upsert (`records.bulk`: about 400,000
    people in seconds, see tests/bench/compliance.py); elsewhere grouped ORM queries.
    """
    if bulk.available():
        with transaction.atomic():
            return bulk.recompute(year, agency_path=agency_path)
    current = LearningRecord.objects.filter(year=year, superseded_by__isnull=True)
    people = Person.objects.filter(Q(is_active=True) | Q(pk__in=current.values("person_id")))
    if agency_path:
        people = people.filter(agency__path__startswith=agency_path)
        current = current.filter(person__agency__path__startswith=agency_path)
    return _recompute(year, people, current)


def standings_refresh_for(pairs: Iterable[tuple[int, int]]) -> int:
    """Recompute the standing of each `(person id, year)` in `pairs` — what a bulk write (an import,
    a class's completion) touched — a few grouped queries per year, not one per person (on
    PostgreSQL, from BULK_MINIMUM people in a year on, `records.bulk`'s aggregate, COPY and upsert).
    Returns the number of standings written."""
    by_year: dict[int, set[int]] = {}
    for person_id, year in pairs:
        by_year.setdefault(year, set()).add(person_id)
    written = 0
    for year, person_ids in sorted(by_year.items()):
        ids = sorted(person_ids)
        if bulk.available() and len(ids) >= BULK_MINIMUM:
            with transaction.atomic():
                written += bulk.recompute(year, person_ids=ids)
            continue
        people = Person.objects.filter(pk__in=ids)
        current = LearningRecord.objects.filter(year=year, superseded_by__isnull=True, person_id__in=ids)
        written += _recompute(year, people, current)
    return written


def _recompute(year: int, people: QuerySet[Person], current: QuerySet[LearningRecord]) -> int:
    """The standings of `people` in `year` from their `current` records: three grouped queries and a
    bulk upsert; the yearly rule is read once per jurisdiction."""

    jurisdiction_of = dict(people.order_by().values_list("pk", "agency__jurisdiction_id"))
    totals = {
        row["person_id"]: (row["total"], row["records"])
        for row in current.order_by().values("person_id").annotate(total=Sum("certified_hours"), records=Count("id"))
    }
    parts: dict[int, list[tuple[str, str, Decimal]]] = {}
    for split in (
        RecordHours.objects.filter(record__in=current)
        .order_by()
        .values("record__person_id", "category", "code")
        .annotate(hours=Sum("hours"))
    ):
        parts.setdefault(split["record__person_id"], []).append((split["category"], split["code"], split["hours"]))
    jurisdictions = Jurisdiction.objects.in_bulk(set(jurisdiction_of.values()))
    hours_rules = {pk: effective_pack(j, year).hours for pk, j in jurisdictions.items()}
    now = timezone.now()
    rows = []
    for person_id, jurisdiction_id in jurisdiction_of.items():
        total, records = totals.get(person_id, (Decimal(0), 0))
        rule = hours_rules[jurisdiction_id]
        result = rules.standing(total, rules.by_category(parts.get(person_id, ()), rule), rule)
        standing = _standing_row(person_id, year, result, records)
        standing.updated_at = now
        rows.append(standing)
    with transaction.atomic():
        YearStanding.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["person", "year"],
            update_fields=STANDING_FIELDS,
            batch_size=2000,
        )
    return len(rows)


def standing_refresh(person: Person, year: int) -> YearStanding:
    """Recompute one person's standing for one year from their current records, under the yearly
    rule of their agency's jurisdiction in that year (needs `person.agency`)."""
    current = LearningRecord.objects.filter(person=person, year=year, superseded_by__isnull=True)
    totals = current.aggregate(total=Sum("certified_hours"), records=Count("id"))
    parts = [
        (row["category"], row["code"], row["hours"])
        for row in RecordHours.objects.filter(record__in=current)
        .order_by()
        .values("category", "code")
        .annotate(hours=Sum("hours"))
    ]
    rule = effective_pack(person.agency.jurisdiction, year).hours
    result = rules.standing(totals["total"] or Decimal(0), rules.by_category(parts, rule), rule)
    row = _standing_row(person.pk, year, result, totals["records"])
    standing, _created = YearStanding.objects.update_or_create(
        person=person,
        year=year,
        defaults={name: getattr(row, name) for name in STANDING_FIELDS if name != "updated_at"},
    )
    return standing
