"""The corpus of malformed import files (`tests/importing_corpus.py`) through both importers: every
file is refused with a code or loaded whole, none crashes, nothing is partly written.

The normal suite runs the cases marked `quick`; `make fuzz-imports` (IMPORT_CORPUS=full) runs every
case and also holds each to its bound: refused or loaded within `CASE_SECONDS`, and the process's
peak memory under `PEAK_BYTES` throughout.
"""

from __future__ import annotations

import os
import resource
import time

import pytest
from django.db.models import Model

from peili.core.models import AuditEntry
from peili.org.importing.services import people_import
from peili.org.models import AnnualRating, Person, Unit
from peili.policy.models import Jurisdiction
from peili.policy.services import presets_load
from peili.records.importing.services import records_import
from peili.records.models import LearningRecord, RecordHours, YearStanding
from tests import importing_corpus as corpus
from tests.factories import AgencyFactory, PersonFactory

FULL = os.environ.get("IMPORT_CORPUS") == "full"
CASES = [case for case in corpus.cases() if FULL or case.quick]
# Bounds of the full run (`make fuzz-imports`): a malformed file is refused within seconds of CPU
# whatever it claims (the slowest, two million empty rows in a sheet, takes about 6 s); the process's
# memory stays under PEAK_BYTES throughout.
CASE_SECONDS = 15.0
PEAK_BYTES = 1536 * 1024 * 1024

pytestmark = pytest.mark.django_db

WATCHED: list[type[Model]] = [
    Person,
    Unit,
    AnnualRating,
    AuditEntry,
    LearningRecord,
    RecordHours,
    YearStanding,
]


def snapshot() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WATCHED}


@pytest.fixture
def world(tree):
    """The agencies the staff list names (`tree`) and the people the records file names."""
    presets_load(actor=None)
    agency = AgencyFactory(jurisdiction=Jurisdiction.objects.get(code="national"))
    for national_id, name in zip(corpus.RECORD_PEOPLE, ("王小明", "林美玲", "陳志明"), strict=True):
        PersonFactory(agency=agency, national_id=national_id, name=name)


def run_hr(case: corpus.Case, data: bytes):
    return people_import(data=data, filename=case.filename, actor=None, dry_run=False, today=corpus.HR_TODAY)


def run_records(case: corpus.Case, data: bytes):
    return records_import(data, actor=None, filename=case.filename, today=corpus.RECORDS_TODAY)


def check_hr(case, outcome, before, after):
    codes = [p.code for p in outcome.problems if p.is_error]
    if outcome.written:
        assert not codes
        counts = outcome.counts
        assert counts.created + counts.updated + counts.unchanged == outcome.row_count > 0
        assert after["Person"] - before["Person"] == counts.created
        return "loaded", codes
    assert after == before, "nothing may be written when the file is refused"
    return "refused", codes


def check_records(case, outcome, before, after):
    codes = [p.code for p in outcome.errors]
    if outcome.written:
        assert outcome.error_count == 0
        counts = outcome.counts
        assert counts.records == counts.new + counts.duplicates > 0
        assert after["LearningRecord"] - before["LearningRecord"] == counts.new
        return "loaded", codes
    assert after == before, "nothing may be written when the file is refused"
    return "refused", codes


IMPORTERS = {"hr": (run_hr, check_hr), "records": (run_records, check_records)}


@pytest.mark.parametrize("importer", ["hr", "records"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_file_is_refused_with_a_code_or_loaded_whole(world, case, importer):
    run, check = IMPORTERS[importer]
    data = case.build()
    before = snapshot()
    started = time.process_time()  # CPU, as a worker spends it: the machine's other load does not count
    try:
        outcome = run(case, data)
    except Exception:
        if case.crash and importer == case.layout:  # fixed elsewhere: once it is, the case passes
            pytest.xfail(case.crash)
        raise
    elapsed = time.process_time() - started
    result, codes = check(case, outcome, before, snapshot())

    if result == "refused":
        assert codes, "a refused file names its problems"
        for found in outcome.problems:
            assert found.code
            assert found.message
            assert "Error" not in found.message
            assert "Traceback" not in found.message
    if case.expect:
        assert (result, codes[:1]) == ("refused", [case.expect])
    elif case.own and importer == case.layout:
        if case.own == "loaded":
            assert (result, codes) == ("loaded", [])
        else:
            assert (result, codes[:1]) == ("refused", [case.own])
    elif case.own:
        assert result == "refused"
    if FULL:
        assert elapsed < CASE_SECONDS, f"{case.name}: {elapsed:.1f} s of CPU"
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        assert peak < PEAK_BYTES, f"{case.name}: peak memory {peak / 2**20:.0f} MiB"


def test_the_corpus_has_at_least_200_files_and_each_name_once():
    names = [case.name for case in corpus.cases()]
    assert len(names) >= 200
    assert len(set(names)) == len(names)
