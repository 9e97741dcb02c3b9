"""Standings recomputed for many people at once: `standings_refresh_for` (what an import or a class's
completion touched) and, on PostgreSQL, the bulk path (`records.bulk`: one aggregate, COPY, one
upsert) that `standings_recompute` and large refreshes take — checked against the ORM path on the
same ledger, person by person."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from peili.org.models import Person
from peili.policy.models import Jurisdiction
from peili.policy.selectors import effective_pack
from peili.policy.services import category_codes_set
from peili.records import bulk, services
from peili.records.models import LearningRecord, RecordHours, YearStanding
from tests.factories import AgencyFactory, PersonFactory
from tests.records.conftest import data

pytestmark = pytest.mark.django_db
D = Decimal
# Portal codes the pack resolves (101 … 303), codes it does not (522 has a category the rule does not
# read, 999 none), and learning categories — under a requirement, under a floor, and outside both.
PARTS = ("101", "201", "301", "303", "522", "999", "environmental_education", "human_rights", "business")
CATEGORIES = {"environmental_education", "human_rights", "business", "civic_participation"}


def write(person, year: int, split: dict[str, Decimal], *, superseded_by=None) -> LearningRecord:
    """A record written straight into the ledger, as a bulk load does: no standing is refreshed."""
    hours = sum(split.values(), D(0))
    record = LearningRecord.objects.create(
        person=person,
        year=year,
        source="import",
        title="匯入課程",
        start_date=date(year, 3, 1),
        end_date=date(year, 3, 1),
        certified_hours=hours,
        digital_hours=hours,
        mode="digital",
        superseded_by=superseded_by,
    )
    RecordHours.objects.bulk_create(
        [
            RecordHours(record=record, category=part, hours=h)
            if part in CATEGORIES
            else RecordHours(record=record, code=part, hours=h)
            for part, h in split.items()
        ]
    )
    return record


def snapshot(year: int) -> dict[int, tuple]:
    return {
        s.person_id: (s.total, s.counted, s.shortfall_keys, s.missing, s.meets, s.records)
        for s in YearStanding.objects.filter(year=year)
    }


@pytest.fixture
def ledger(person):
    """A bureau (with `person`) and a school below it, another agency elsewhere; 24 people with
    random records in 2025–2026, some superseded, some with codes the rule does not read; people with
    no learning; a person who left with records, and one who left without."""
    rng = random.Random(4)
    bureau = person.agency
    school = AgencyFactory(jurisdiction=bureau.jurisdiction, parent=bureau)
    elsewhere = AgencyFactory(jurisdiction=bureau.jurisdiction)
    people = [person] + [PersonFactory(agency=rng.choice([bureau, school, elsewhere])) for _ in range(23)]
    for who in people[:18]:
        for _ in range(rng.randint(1, 7)):
            year = rng.choice([2025, 2026, 2026])
            codes = rng.sample(PARTS, rng.choice([1, 1, 2, 3]))
            split = {code: D(rng.choice(["0.5", "1", "2", "3", "4.5"])) for code in codes}
            record = write(who, year, split)
            if rng.random() < 0.2:  # corrected: the old version stays out of the ledger
                new = write(who, year, {"201": D(1)})
                LearningRecord.objects.filter(pk=record.pk).update(superseded_by=new)
    left_with_records, left_without = people[1], people[-1]
    Person.objects.filter(pk__in=[left_with_records.pk, left_without.pk]).update(is_active=False)
    write(people[2], 2026, {"201": D(4), "301": D(4), "303": D(1), "101": D(1), "522": D(10)})  # meets
    return {"bureau": bureau, "school": school, "people": people, "left_without": left_without}


def orm_year(year: int, agency_path: str = "") -> dict[int, tuple]:
    """The ORM path's standings for the year (what SQLite does), from scratch."""
    YearStanding.objects.filter(year=year).delete()
    current = LearningRecord.objects.filter(year=year, superseded_by__isnull=True)
    people = Person.objects.filter(Q(is_active=True) | Q(pk__in=current.values("person_id")))
    if agency_path:
        people = people.filter(agency__path__startswith=agency_path)
        current = current.filter(person__agency__path__startswith=agency_path)
    services._recompute(year, people, current)
    return snapshot(year)


# --- standings_refresh_for (both databases) -----------------------------------------------------------


def test_refresh_for_brings_exactly_the_listed_standings_up_to_date(ledger):
    people = ledger["people"]
    YearStanding.objects.all().delete()
    written = services.standings_refresh_for([(people[2].pk, 2026), (people[3].pk, 2025), (people[2].pk, 2026)])
    assert written == 2
    assert set(YearStanding.objects.values_list("person_id", "year")) == {(people[2].pk, 2026), (people[3].pk, 2025)}
    full = YearStanding.objects.get(person=people[2], year=2026)
    current = LearningRecord.objects.filter(person=people[2], year=2026, superseded_by__isnull=True)
    assert full.total == sum(r.certified_hours for r in current)
    assert full.records == current.count()
    assert full.meets
    assert full.shortfall_keys == []


def test_refresh_for_a_person_who_left_or_never_learned(ledger):
    gone = ledger["left_without"]
    assert services.standings_refresh_for([(gone.pk, 2026)]) == 1
    standing = YearStanding.objects.get(person=gone, year=2026)
    assert (standing.total, standing.records, standing.missing, standing.meets) == (D(0), 0, D(20), False)
    assert standing.shortfall_keys[0] == "yearly_minimum"


def test_refresh_for_nothing_writes_nothing(ledger):
    with CaptureQueriesContext(connection) as captured:
        assert services.standings_refresh_for([]) == 0
    assert len(captured) == 0


def test_refresh_for_follows_a_correction(ledger):
    person = ledger["people"][0]
    record = services.record_create(person=person, data=data(), actor=None)
    before = YearStanding.objects.get(person=person, year=2026).total
    LearningRecord.objects.filter(pk=record.pk).update(superseded_by=write(person, 2026, {"201": D(1)}))
    services.standings_refresh_for([(person.pk, 2026)])
    assert YearStanding.objects.get(person=person, year=2026).total == before - D(3) + D(1)


# --- the bulk path (PostgreSQL) -----------------------------------------------------------------------------


def test_a_year_in_bulk_agrees_with_the_orm_person_by_person(on_postgres, ledger):
    for year in (2025, 2026):
        expected = orm_year(year)
        YearStanding.objects.filter(year=year).delete()
        assert services.standings_recompute(year=year) == len(expected)
        assert snapshot(year) == expected
    assert ledger["left_without"].pk not in snapshot(2026)  # left, nothing that year: not listed


def test_a_subtree_in_bulk_agrees_with_the_orm(on_postgres, ledger):
    path = ledger["bureau"].path
    expected = orm_year(2026, path)
    YearStanding.objects.all().delete()
    assert services.standings_recompute(year=2026, agency_path=path) == len(expected)
    assert snapshot(2026) == expected
    inside = set(Person.objects.filter(agency__path__startswith=path).values_list("pk", flat=True))
    assert set(expected) <= inside
    assert ledger["school"].people.exists()


def test_refresh_for_in_bulk_agrees_with_the_orm(on_postgres, ledger, monkeypatch):
    pairs = [(p.pk, year) for p in ledger["people"] for year in (2025, 2026)]
    services.standings_refresh_for(pairs)  # below BULK_MINIMUM: the ORM path
    expected = {year: snapshot(year) for year in (2025, 2026)}
    YearStanding.objects.all().delete()
    monkeypatch.setattr(services, "BULK_MINIMUM", 1)
    assert services.standings_refresh_for(pairs) == len(pairs)
    assert {year: snapshot(year) for year in (2025, 2026)} == expected
    assert ledger["left_without"].pk in expected[2026]  # listed: written whatever the person's state


def test_bulk_writes_what_changed_and_leaves_the_rest(on_postgres, ledger):
    services.standings_recompute(year=2026)
    stamps = dict(YearStanding.objects.filter(year=2026).values_list("person_id", "updated_at"))
    changed = ledger["people"][5]
    write(changed, 2026, {"303": D(2)})
    services.standings_recompute(year=2026)
    after = dict(YearStanding.objects.filter(year=2026).values_list("person_id", "updated_at"))
    assert {pk for pk in after if after[pk] != stamps[pk]} == {changed.pk}
    assert YearStanding.objects.get(person=changed, year=2026).counted["democratic_governance.gender_mainstreaming"]


def test_bulk_follows_a_portal_code_filled_in_later(on_postgres, ledger):
    """What a whole year's recompute is for: imported hours under a code the office only now gives a
    category (公民參與 ← 777) start counting towards the requirement above it."""
    person = ledger["people"][3]
    write(person, 2026, {"777": D(5)})
    services.standings_recompute(year=2026)
    before = D(YearStanding.objects.get(person=person, year=2026).counted["democratic_governance"])
    national = Jurisdiction.objects.get(code="national")
    category_codes_set(jurisdiction=national, year=2026, codes={"civic_participation": "777"}, actor=None)
    services.standings_recompute(year=2026)
    after = D(YearStanding.objects.get(person=person, year=2026).counted["democratic_governance"])
    assert after == before + 5
    assert snapshot(2026) == orm_year(2026)


def test_bulk_takes_the_same_queries_for_10_and_100_people(on_postgres, person):
    agency = person.agency

    def queries(extra: int) -> int:
        for n in range(extra):
            write(PersonFactory(agency=agency), 2026, {"201": D(1), "999": D(n % 3 + 1)})
        with CaptureQueriesContext(connection) as captured:
            services.standings_recompute(year=2026)
        return len(captured)

    queries(0)  # the packs read once
    assert queries(9) == queries(90)
    assert YearStanding.objects.filter(year=2026).count() == 100


def test_a_large_write_refreshes_the_planners_statistics(on_postgres, ledger, monkeypatch):
    monkeypatch.setattr(bulk, "ANALYZE_FROM", 1)
    with CaptureQueriesContext(connection) as captured:
        services.standings_recompute(year=2026)
    assert any(q["sql"].startswith("ANALYZE") for q in captured)
    with CaptureQueriesContext(connection) as captured:
        services.standings_recompute(year=2026)  # nothing changed: nothing written, nothing to analyse
    assert not any(q["sql"].startswith("ANALYZE") for q in captured)


def test_the_parts_the_yearly_rule_reads(person):
    rule = effective_pack(person.agency.jurisdiction, 2026).hours
    parts = bulk.parts_read_by([rule])
    assert ("code", "522") not in parts  # 資通安全通識: not a mandatory category
    assert {value for kind, value in parts if kind == "code"} == {"101", "201", "301", "303"}
    assert {value for kind, value in parts if kind == "category"} == {
        "major_policy",
        "environmental_education",
        "democratic_governance",
        "gender_mainstreaming",
        "integrity_ethics",
        "human_rights",
        "administrative_neutrality",
        "multi_ethnic_culture",
        "civic_participation",
    }
