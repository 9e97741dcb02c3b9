"""A small agency world for the transcript and dashboard tests (a helper module, not a conftest):
a bureau with a school below it and an agency outside, people in every standing, an officer of the
bureau, an administrator and a learner with an account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from peili.org.models import Agency, Person
from peili.records import services
from peili.records.models import YearStanding
from tests.factories import AgencyFactory, PersonFactory, UserFactory, grant
from tests.records.conftest import data

D = Decimal
YEAR = 2026
FULL = {
    "major_policy": D(1),
    "environmental_education": D(4),
    "democratic_governance": D(4),
    "gender_mainstreaming": D(1),
    "information_security_general": D(10),
}


@dataclass
class Office:
    bureau: Agency
    school: Agency
    outside: Agency
    learner: Person  # 3 h of environmental education in 2026, 20 h in 2025; has an account
    idle: Person  # no learning, a standing of 0 stored (recomputed)
    fresh: Person  # no learning and no standing stored at all
    teacher: Person  # at the school: meets the rule
    partial: Person  # 20 h, none of it mandatory: short of categories only
    gone: Person  # left: not on the dashboard
    stranger: Person  # outside the bureau
    officer: Any
    admin: Any


def build(person: Person) -> Office:
    """`person` (the records conftest's: in the national jurisdiction, codes filled) is the learner."""
    bureau = person.agency
    bureau.name = "測試局"
    bureau.save()
    school = AgencyFactory(jurisdiction=bureau.jurisdiction, parent=bureau, name="測試國小")
    outside = AgencyFactory(jurisdiction=bureau.jurisdiction, name="他機關")

    person.name = "陳學員"
    person.email = "learner@example.gov.tw"
    person.user = UserFactory(username="rec-learner")
    person.save()
    services.record_create(person=person, data=data(external_key="t:1"), actor=None)
    services.record_create(
        person=person,
        data=data(
            title="去年的課",
            start_date=date(2025, 3, 1),
            end_date=date(2025, 3, 2),
            certified_hours=D(20),
            classroom_hours=D(20),
            split=FULL,
            external_key="t:2",
        ),
        actor=None,
    )
    idle = PersonFactory(agency=bureau, name="林無時", email="idle@example.gov.tw")
    fresh = PersonFactory(agency=school, name="吳新進")  # no address at all
    teacher = PersonFactory(agency=school, name="張老師", email="teacher@example.gov.tw")
    services.record_create(
        person=teacher,
        data=data(certified_hours=D(20), classroom_hours=D(20), split=FULL, external_key="t:3"),
        actor=None,
    )
    partial = PersonFactory(agency=bureau, name="許專業", user=UserFactory(username="rec-partial", email="p@x.tw"))
    services.record_create(
        person=partial,
        data=data(
            title="專業課程",
            certified_hours=D(20),
            classroom_hours=D(20),
            split={"information_security_general": D(20)},
            external_key="t:4",
        ),
        actor=None,
    )
    gone = PersonFactory(agency=bureau, name="離職者", is_active=False, email="gone@example.gov.tw")
    stranger = PersonFactory(agency=outside, name="外機關人", email="s@example.gov.tw")
    services.standings_recompute(year=YEAR, agency_path=bureau.path)  # stores idle's zero standing
    YearStanding.objects.filter(person=fresh).delete()  # as if hired after the last recompute

    officer = UserFactory(username="rec-officer")
    grant(officer, "personnel_officer", bureau)
    admin = UserFactory(username="rec-admin")
    grant(admin, "admin")
    return Office(
        bureau=bureau,
        school=school,
        outside=outside,
        learner=person,
        idle=idle,
        fresh=fresh,
        teacher=teacher,
        partial=partial,
        gone=gone,
        stranger=stranger,
        officer=officer,
        admin=admin,
    )
