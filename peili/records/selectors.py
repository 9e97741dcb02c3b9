"""Reads of the hours ledger: a year's compliance list for an agency subtree (from the standings,
never the ledger), with the names of what each person is short of."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from peili.org.models import Agency, Person
from peili.org.rules import mask_national_id
from peili.policy.models import Jurisdiction
from peili.policy.schema import HoursRule
from peili.policy.selectors import effective_pack
from peili.records import rules
from peili.records.models import LearningRecord, RecordHours, YearStanding


@dataclass(frozen=True)
class ComplianceRow:
    national_id_masked: str
    employee_number: str
    name: str
    agency_code: str
    agency_name: str
    year: int
    total: Decimal
    missing: Decimal
    meets: bool
    records: int
    short_of: tuple[str, ...]  # 「尚缺 環境教育 2 小時」…


def compliance_rows(year: int, *, agency: Agency | None = None) -> list[ComplianceRow]:
    """Everyone's standing in `year` (or in an agency's subtree, by its path: one index range),
    ordered by agency then name, with shortfalls worded from the yearly rule of each jurisdiction."""
    standings = YearStanding.objects.filter(year=year).select_related("person__agency")
    if agency is not None:
        standings = standings.filter(person__agency__path__startswith=agency.path)
    standings = standings.order_by("person__agency__path", "person__name", "person_id")
    hours_rules: dict[int, HoursRule] = {}
    out = []
    for standing in standings:
        person = standing.person
        jurisdiction_id = person.agency.jurisdiction_id
        if jurisdiction_id not in hours_rules:
            hours_rules[jurisdiction_id] = effective_pack(Jurisdiction.objects.get(pk=jurisdiction_id), year).hours
        names = rules.requirement_names(hours_rules[jurisdiction_id])
        required = rules.requirement_hours(hours_rules[jurisdiction_id])
        short_of = tuple(
            rules.Shortfall(key, names.get(key, key), required[key], Decimal(standing.counted.get(key, "0"))).message
            for key in standing.shortfall_keys
            if key in required
        )
        out.append(
            ComplianceRow(
                national_id_masked=mask_national_id(person.national_id),
                employee_number=person.employee_number,
                name=person.name,
                agency_code=person.agency.code,
                agency_name=person.agency.name,
                year=year,
                total=standing.total,
                missing=standing.missing,
                meets=standing.meets,
                records=standing.records,
                short_of=short_of,
            )
        )
    return out


def transcript(person_id: int, year: int | None = None) -> list[LearningRecord]:
    """A person's current records (corrections shown as the record that replaced them), newest
    first, each with its split — two queries on the (person, year) index."""
    records = LearningRecord.objects.filter(person_id=person_id, superseded_by__isnull=True)
    if year is not None:
        records = records.filter(year=year)
    return list(
        records.order_by("-end_date", "-id").prefetch_related(
            Prefetch("hours", queryset=RecordHours.objects.order_by("code"))
        )
    )


def year_standing(person: Person, year: int) -> rules.Standing:
    """A person's standing in `year`, computed from their records under their jurisdiction's rule
    (one person's year: a few rows; the stored `YearStanding` is what lists read)."""
    current = transcript(person.pk, year)
    total = sum((r.certified_hours for r in current), Decimal(0))
    by_code = rules.add_splits({h.code: h.hours for h in r.hours.all()} for r in current)
    rule = effective_pack(person.agency.jurisdiction, year).hours
    return rules.standing(total, by_code, rule)
