"""Fixtures for the hours ledger: the presets with some learning categories' portal codes filled in
(what an imported record carries), a person in the national jurisdiction, and a record's data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from peili.policy.models import Jurisdiction
from peili.policy.services import category_codes_set, presets_load
from peili.records import services
from tests.factories import AgencyFactory, PersonFactory, UserFactory

D = Decimal
PORTAL_CODES = (
    ("major_policy", "101"),
    ("environmental_education", "201"),
    ("democratic_governance", "301"),
    ("gender_mainstreaming", "303"),
)


@pytest.fixture
def person():
    presets_load(actor=None)
    national = Jurisdiction.objects.get(code="national")
    # Portal codes of the yearly rule's categories (the preset leaves them to be filled in): only
    # records imported from the portal, which carry nothing but the code, need them to count.
    category_codes_set(jurisdiction=national, year=2026, codes=dict(PORTAL_CODES), actor=None)
    agency = AgencyFactory(jurisdiction=national)
    return PersonFactory(agency=agency)


@pytest.fixture
def officer():
    return UserFactory()


def data(**overrides) -> services.RecordData:
    values = {
        "title": "環境教育：淨零轉型",
        "start_date": date(2026, 5, 4),
        "end_date": date(2026, 5, 4),
        "certified_hours": D(3),
        "classroom_hours": D(3),
        "mode": "classroom",
        "split": {"environmental_education": D(3)},
    }
    values.update(overrides)
    return services.RecordData(**values)
