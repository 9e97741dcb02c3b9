"""Loads the demo world (see data.py). Idempotent: natural keys decide what already exists."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from peili.accounts.models import User
from peili.core import audit
from peili.demo import data
from peili.demo.attendance import attendance_demo_load
from peili.demo.catalog import catalog_demo_load
from peili.demo.policy import portal_codes_demo_load
from peili.demo.records import records_demo_load
from peili.demo.surveys import surveys_demo_load
from peili.org.codes import Action
from peili.org.enums import DisciplineKind, Gender, RatingKind, Role
from peili.org.models import Agency, AgencyHeadcount, AnnualRating, DisciplinaryRecord, Person, RoleAssignment, Unit
from peili.org.rules import make_national_id
from peili.policy.models import Jurisdiction
from peili.policy.services import presets_load
from peili.policy.vocabulary import RANK_GRADES, Rating

PEOPLE_TARGET = 300


@dataclass
class DemoResult:
    agencies: int = 0
    people: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, password, role label


def _agencies(jurisdictions: dict[str, Jurisdiction], year: int) -> dict[str, Agency]:
    by_code = {a.code: a for a in Agency.objects.filter(code__in=[row[0] for row in data.AGENCIES])}
    for code, name, parent_code, jcode, training, headcount, units in data.AGENCIES:
        agency = by_code.get(code)
        if agency is None:
            parent = by_code[parent_code] if parent_code else None
            agency = Agency.objects.create(
                code=code,
                name=name,
                parent=parent,
                jurisdiction=jurisdictions[jcode],
                is_training_body=training,
                path=f"{parent.path if parent else ''}{code}/",
                depth=parent.depth + 1 if parent else 0,
            )
            by_code[code] = agency
        for offset, count in ((0, headcount), (1, headcount - 2)):
            AgencyHeadcount.objects.get_or_create(
                agency=agency, year=year - offset, defaults={"budgeted_headcount": max(count, 1)}
            )
        for index, unit_name in enumerate(units, start=1):
            Unit.objects.get_or_create(agency=agency, code=f"{index:02d}", defaults={"name": unit_name})
    return by_code


def _person_fields(rng: random.Random, agency: Agency, unit: Unit | None, today: date) -> dict[str, Any]:
    categories, weights = zip(*data.CATEGORY_WEIGHTS, strict=True)
    category = rng.choices(categories, weights)[0]
    if agency.name.endswith(("國民小學", "國民中學", "高級中學")) and rng.random() < 0.5:
        category = "teacher"
    grade = rng.randint(*RANK_GRADES[category]) if category in RANK_GRADES else None
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    age = rng.randint(23, 64)
    birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    start = birth + timedelta(days=365 * rng.randint(22, max(22, age - 1)))
    start = min(start, today - timedelta(days=30))
    agency_start = start + timedelta(days=rng.randint(0, max(0, (today - start).days)))
    return {
        "gender": gender,
        "birth_date": birth,
        "category": category,
        "grade": grade,
        "job_title": rng.choice(data.JOB_TITLES[category]),
        "is_supervisor": category in {"senior", "selected"} and (grade or 0) >= 8 and rng.random() < 0.6,
        "is_confidential": category in {"senior", "selected"} and rng.random() < 0.03,
        "public_service_start": start,
        "agency_start": min(agency_start, today),
        "education_level": rng.choice([30, 40, 50, 50, 50, 60, 60, 70]),
        "births_count": rng.choice([0, 0, 1, 2, 2, 3]) if gender == Gender.FEMALE and rng.random() < 0.5 else None,
        "unit": unit,
    }


def _people(rng: random.Random, agencies: dict[str, Agency], today: date) -> list[Person]:
    existing = Person.objects.count()
    if existing >= PEOPLE_TARGET:
        return []
    units_by_agency: dict[int, list[Unit]] = {}
    for existing_unit in Unit.objects.filter(agency__in=agencies.values()):
        units_by_agency.setdefault(existing_unit.agency_id, []).append(existing_unit)
    weights = [row[5] for row in data.AGENCIES]
    codes = [row[0] for row in data.AGENCIES]
    taken = set(Person.objects.values_list("national_id", flat=True))
    people: list[Person] = []
    serial = 0
    while len(people) < PEOPLE_TARGET - existing:
        serial += 1
        agency = agencies[rng.choices(codes, weights)[0]]
        unit: Unit | None = rng.choice(units_by_agency.get(agency.pk) or [None])
        fields = _person_fields(rng, agency, unit, today)
        letter = rng.choice("ABFHJKOPQT")
        national_id = make_national_id(
            letter, f"{1 if fields['gender'] == Gender.MALE else 2}{rng.randint(0, 9_999_999):07d}"
        )
        if national_id in taken:
            continue
        taken.add(national_id)
        active = rng.random() > 0.04
        people.append(
            Person(
                national_id=national_id,
                employee_number=f"{agency.code[:4]}{serial:05d}",
                name=rng.choice(data.SURNAMES) + rng.choice(data.GIVEN),
                agency=agency,
                email=f"demo{serial:04d}@example.gov.tw",
                is_active=active,
                left_on=None if active else today - timedelta(days=rng.randint(10, 300)),
                **fields,
            )
        )
    Person.objects.bulk_create(people, batch_size=500)
    return people


def _ratings(rng: random.Random, people: list[Person], today: date) -> None:
    ratings = []
    records = []
    for person in Person.objects.filter(national_id__in=[p.national_id for p in people]):
        for year in range(today.year - 3, today.year):
            if person.public_service_start and person.public_service_start.year > year:
                continue
            rating = rng.choices([Rating.A, Rating.B, Rating.C, Rating.D], [74, 24, 1.5, 0.5])[0]
            ratings.append(AnnualRating(person=person, year=year, rating=rating, kind=RatingKind.YEAR_END))
        if rng.random() < 0.03:
            records.append(
                DisciplinaryRecord(
                    person=person,
                    kind=rng.choice([DisciplineKind.DEMERIT, DisciplineKind.REPRIMAND]),
                    decided_on=today - timedelta(days=rng.randint(30, 900)),
                    description="公文逾期",
                )
            )
    AnnualRating.objects.bulk_create(ratings, batch_size=1000, ignore_conflicts=True)
    DisciplinaryRecord.objects.bulk_create(records)


def _accounts(agencies: dict[str, Agency], today: date) -> list[tuple[str, str, str]]:
    out = []
    rng = random.Random(2026)
    for username, display, role, scope_code, person_spec in data.ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=display, email=f"{username}@example.gov.tw")
            user.set_password(data.DEMO_PASSWORD)
            user.save()
        scope = agencies[scope_code] if scope_code else None
        if role != Role.LEARNER:
            RoleAssignment.objects.get_or_create(user=user, role=role, agency=scope)
        if person_spec and not Person.objects.filter(user=user).exists():
            agency_code, unit_name, name, category, grade, supervisor = person_spec
            agency = agencies[agency_code]
            unit = Unit.objects.filter(agency=agency, name=unit_name).first()
            fields = _person_fields(rng, agency, unit, today)
            fields.update(category=category, grade=grade, is_supervisor=supervisor, is_confidential=False)
            gender_digit = "1" if fields["gender"] == Gender.MALE else "2"
            national_id = make_national_id("A", f"{gender_digit}{zlib.crc32(username.encode()) % 10_000_000:07d}")
            while Person.objects.filter(national_id=national_id).exists():
                national_id = make_national_id("A", f"{gender_digit}{rng.randint(0, 9_999_999):07d}")
            person = Person.objects.create(
                national_id=national_id,
                employee_number=f"DEMO-{username}",
                name=name,
                agency=agency,
                user=user,
                email=user.email,
                **fields,
            )
            for year in range(today.year - 3, today.year):
                AnnualRating.objects.get_or_create(
                    person=person, year=year, kind=RatingKind.YEAR_END, defaults={"rating": Rating.A}
                )
        out.append((username, data.DEMO_PASSWORD, str(Role(role).label)))
    return out


@transaction.atomic
def demo_load(*, actor: Any = None) -> DemoResult:
    """Build (or complete) the demo world. Running it twice changes nothing the second time."""
    today = timezone.localdate()
    presets_load(actor=actor)
    portal_codes_demo_load(actor=actor)
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    agencies = _agencies(jurisdictions, today.year)
    rng = random.Random(111)
    created = _people(rng, agencies, today)
    _ratings(rng, created, today)
    result = DemoResult(agencies=len(agencies))
    result.accounts = _accounts(agencies, today)
    result.people = Person.objects.count()
    catalog_demo_load(actor=actor)
    attendance_demo_load(actor=actor)
    surveys_demo_load(actor=actor)
    records_demo_load(actor=actor)
    if created:
        audit.record(
            actor=actor,
            action=Action.DEMO_LOAD,
            object_type="demo",
            object_repr="示範資料",
            after={"agencies": result.agencies, "people_created": len(created)},
        )
    return result
