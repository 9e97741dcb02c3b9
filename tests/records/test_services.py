"""Writing the ledger: records with their split, corrections that supersede and never delete, the
standing of each touched year kept current, every write audited, refusals that write nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from peili.core.errors import PeiliError
from peili.core.models import AuditEntry
from peili.records import services
from peili.records.models import LearningRecord, RecordHours, YearStanding
from tests.factories import PersonFactory
from tests.records.conftest import data

pytestmark = pytest.mark.django_db
D = Decimal


def standing(person, year=2026) -> YearStanding:
    return YearStanding.objects.get(person=person, year=year)


def test_a_record_with_its_split_updates_the_years_standing(person, officer):
    record = services.record_create(person=person, data=data(), actor=officer)
    assert (record.year, list(record.hours.values_list("category", "code", "hours"))) == (
        2026,
        [("environmental_education", "", D(3))],
    )
    current = standing(person)
    assert (current.total, current.records, current.meets) == (D(3), 1, False)
    assert current.counted["environmental_education"] == "3"
    assert current.missing == D(17)
    assert current.shortfall_keys == [  # in the pack's order, on PostgreSQL too
        "yearly_minimum",
        "major_policy",
        "environmental_education",
        "democratic_governance",
        "democratic_governance.gender_mainstreaming",
    ]
    entry = AuditEntry.objects.get(action="records.record_create")
    assert (entry.actor, entry.after["split"]) == (officer, {"environmental_education": "3.0"})


def test_a_full_year_meets_the_rule(person, officer):
    services.record_create(
        person=person,
        data=data(
            certified_hours=D(20),
            classroom_hours=D(20),
            split={
                "major_policy": D(1),
                "environmental_education": D(4),
                "democratic_governance": D(4),
                "gender_mainstreaming": D(1),
                "information_security_general": D(10),
            },
        ),
        actor=officer,
    )
    assert standing(person).meets
    assert standing(person).shortfall_keys == []


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"split": {"environmental_education": D(2)}}, "record.split_mismatch"),
        ({"classroom_hours": D(2)}, "record.hours_mismatch"),
        ({"end_date": date(2026, 5, 3)}, "record.dates"),
    ],
)
def test_refusals_write_nothing(person, officer, overrides, code):
    with pytest.raises(PeiliError) as caught:
        services.record_create(person=person, data=data(**overrides), actor=officer)
    assert caught.value.code == code
    assert (LearningRecord.objects.count(), RecordHours.objects.count(), YearStanding.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(action__startswith="records.record_").exists()


def test_split_refusal_says_the_totals_in_chinese(person, officer):
    with pytest.raises(PeiliError) as caught:
        services.record_create(person=person, data=data(split={"environmental_education": D("2.5")}), actor=officer)
    assert caught.value.message == "各學習類別時數合計 2.5 小時，須等於認證時數 3 小時。"


def test_a_correction_supersedes_and_keeps_the_history(person, officer):
    first = services.record_create(person=person, data=data(external_key="portal:42"), actor=officer)
    second = services.record_supersede(
        record=first,
        data=data(
            certified_hours=D(4),
            classroom_hours=D(4),
            split={"environmental_education": D(4)},
            external_key="portal:42",
        ),
        reason="時數登打錯誤",
        actor=officer,
    )
    first.refresh_from_db()
    assert (first.superseded_by, first.reason) == (second, "時數登打錯誤")
    assert LearningRecord.objects.count() == 2  # nothing deleted
    assert (standing(person).total, standing(person).records) == (D(4), 1)
    assert "environmental_education" not in standing(person).shortfall_keys
    entry = AuditEntry.objects.get(action="records.record_supersede")
    assert (entry.before["certified_hours"], entry.after["certified_hours"], entry.note) == ("3.0", "4", "時數登打錯誤")


def test_a_correction_into_another_year_updates_both_years(person, officer):
    first = services.record_create(person=person, data=data(), actor=officer)
    services.record_supersede(
        record=first,
        data=data(start_date=date(2025, 12, 30), end_date=date(2025, 12, 31)),
        reason="日期登打錯誤",
        actor=officer,
    )
    assert (standing(person, 2026).total, standing(person, 2026).records) == (D(0), 0)
    assert standing(person, 2025).total == D(3)


def test_a_record_is_corrected_once_and_only_with_a_reason(person, officer):
    first = services.record_create(person=person, data=data(), actor=officer)
    with pytest.raises(PeiliError) as caught:
        services.record_supersede(record=first, data=data(), reason="  ", actor=officer)
    assert caught.value.code == "record.reason_required"
    services.record_supersede(record=first, data=data(), reason="補登講座", actor=officer)
    with pytest.raises(PeiliError) as caught:
        services.record_supersede(record=first, data=data(), reason="再改一次", actor=officer)
    assert caught.value.code == "record.superseded"
    assert LearningRecord.objects.count() == 2


def test_the_same_external_record_is_not_entered_twice(person, officer):
    services.record_create(person=person, data=data(external_key="portal:7"), actor=officer)
    with pytest.raises(PeiliError) as caught:
        services.record_create(person=person, data=data(external_key="portal:7"), actor=officer)
    assert caught.value.code == "record.duplicate"
    assert LearningRecord.objects.count() == 1


def test_a_failed_correction_leaves_the_original_in_the_ledger(person, officer):
    first = services.record_create(person=person, data=data(external_key="portal:9"), actor=officer)
    with pytest.raises(PeiliError):
        services.record_supersede(
            record=first, data=data(split={"environmental_education": D(1)}), reason="錯誤更正", actor=officer
        )
    first.refresh_from_db()
    assert first.superseded_by is None
    assert standing(person).total == D(3)


def test_a_batch_is_written_whole_or_not_at_all(person, officer):
    """`records_write` (a class's completers): each record with its split, its standing and its audit
    entry, as `record_create` writes one; a key already current — or twice in the batch — refuses the
    whole batch and writes nothing."""
    other = PersonFactory(agency=person.agency)
    written = services.records_write(
        items=[(person, data(external_key="class:1:a")), (other, data(external_key="class:1:b", title="第二筆"))],
        actor=officer,
        note="結訓",
    )
    assert [(r.person_id, r.title) for r in written] == [(person.pk, "環境教育：淨零轉型"), (other.pk, "第二筆")]
    assert sorted(RecordHours.objects.values_list("record_id", "category", "hours")) == sorted(
        (r.pk, "environmental_education", D(3)) for r in written
    )
    assert (standing(person).total, standing(other).total) == (D(3), D(3))
    entries = AuditEntry.objects.filter(action="records.record_create").order_by("object_id")
    assert [(e.object_id, e.note, e.after["split"], e.after["title"]) for e in entries] == [
        (str(written[0].pk), "結訓", {"environmental_education": "3.0"}, "環境教育：淨零轉型"),
        (str(written[1].pk), "結訓", {"environmental_education": "3.0"}, "第二筆"),
    ]
    for batch in (
        [(person, data(external_key="class:2:a")), (other, data(external_key="class:1:b"))],
        [(person, data(external_key="class:3:a")), (other, data(external_key="class:3:a"))],
    ):
        with pytest.raises(PeiliError) as error:
            services.records_write(items=batch, actor=officer)
        assert error.value.code == "record.duplicate"
        assert LearningRecord.objects.count() == 2
