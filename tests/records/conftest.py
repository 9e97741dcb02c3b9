"""Fixtures for the hours ledger: the presets with the yearly rule's portal codes filled in, a
person in the national jurisdiction, and a record's data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from peili.policy.models import Jurisdiction, PolicyPack
from peili.policy.services import pack_update, presets_load
from peili.records import services
from tests.factories import AgencyFactory, PersonFactory, UserFactory

D = Decimal


@pytest.fixture
def person():
    presets_load(actor=None)
    pack = PolicyPack.objects.get(jurisdiction__code="national")
    # The portal codes of the yearly rule's categories (the preset leaves them to be filled in).
    source = pack.source
    for name, code in (
        ("當前政府重大政策", "101"),
        ("環境教育", "201"),
        ("民主治理價值", "301"),
        ("性別主流化", "303"),
    ):
        head, tail = source.split(f"name: {name}\n", 1)
        hours_line, codes_line, rest = tail.split("\n", 2)
        assert codes_line.strip() == "portal_codes: []"
        filled = codes_line.replace("[]", '["' + code + '"]')
        source = f"{head}name: {name}\n{hours_line}\n{filled}\n{rest}"
    pack_update(pack=pack, source=source, actor=None, note="填入入口網代碼")
    agency = AgencyFactory(jurisdiction=Jurisdiction.objects.get(code="national"))
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
        "split": {"201": D(3)},
    }
    values.update(overrides)
    return services.RecordData(**values)
