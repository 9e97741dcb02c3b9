"""Learning categories became pack data (issue 11): a database written before — packs that listed
portal codes under each requirement, classes split across rows of the portal-code table, records
split by code, the demo's placeholder codes — migrates without losing anything, and afterwards the
hours it always held count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peili.policy.loader import validate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("policy", "0001_initial"), ("catalog", "0004_class_pending_count"), ("records", "0003_partial_fk_indexes")]
AFTER = [
    ("policy", "0002_learning_categories"),
    ("catalog", "0005_learning_categories"),
    ("records", "0004_learning_categories"),
]

OLD_SOURCE = """\
# 測試轄區
format: 1
title: 舊格式
hours:
  # 每年 20 小時
  yearly_minimum: 20
  mandatory:
    major_policy:
      name: 當前政府重大政策
      hours: 1
      portal_codes: []
    environmental_education:
      name: 環境教育
      hours: 4
      portal_codes: ["201"]
    democratic_governance:
      name: 民主治理價值
      hours: 5
      portal_codes: []
      topics: [廉政與服務倫理, 人權教育, 行政中立, 多元族群文化, 公民參與]
      floors:
        gender_mainstreaming:
          name: 性別主流化
          hours: 1
          portal_codes: ["303", "304"]

study:
  modes: [after_hours]
  quota: {ratio: {numerator: 1, denominator: 10}, minimum: 1, counted_modes: [after_hours]}
  weekly_leave_hours_cap: 8
  leave_includes_travel: false
  application_deadline: null
  roster_deadline: null
  timetable_deadline_weeks: null
  head_study_needs_higher_approval: false
subsidy:
  enabled: false
certification:
  deadline_working_days: 7  # 七個工作日
"""

OLD_HOURS = {
    "note": None,
    "yearly_minimum": 20,
    "mandatory": {
        "major_policy": {"name": "當前政府重大政策", "hours": 1, "portal_codes": [], "topics": [], "floors": {}},
        "environmental_education": {
            "name": "環境教育",
            "hours": 4,
            "portal_codes": ["201"],
            "topics": [],
            "floors": {},
        },
        "democratic_governance": {
            "name": "民主治理價值",
            "hours": 5,
            "portal_codes": [],
            "topics": ["廉政與服務倫理", "人權教育", "行政中立", "多元族群文化", "公民參與"],
            "floors": {"gender_mainstreaming": {"name": "性別主流化", "hours": 1, "portal_codes": ["303", "304"]}},
        },
    },
}


@pytest.fixture
def old_world():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    jurisdiction = apps.get_model("policy", "Jurisdiction").objects.create(
        code="old", name="舊轄區", is_national_default=True
    )
    pack = apps.get_model("policy", "PolicyPack").objects.create(
        jurisdiction=jurisdiction, year=2026, title="舊格式", source=OLD_SOURCE, data={"hours": OLD_HOURS}, revision=1
    )
    apps.get_model("policy", "PolicyPackRevision").objects.create(pack=pack, number=1, source=OLD_SOURCE, note="建立")
    agency = apps.get_model("org", "Agency").objects.create(
        code="379000000A", name="舊機關", path="379000000A/", depth=0, jurisdiction=jurisdiction
    )
    person = apps.get_model("org", "Person").objects.create(
        national_id="A123456789",
        name="舊學員",
        gender="F",
        birth_date=date(1990, 1, 1),
        agency=agency,
        category="junior",
    )
    course = apps.get_model("catalog", "Course").objects.create(organizer=agency, title="舊課程")
    course_class = apps.get_model("catalog", "CourseClass").objects.create(course=course, term=1, certified_hours=6)
    portal_category = apps.get_model("catalog", "PortalCategory")
    class_hours = apps.get_model("catalog", "ClassCategoryHours")
    for code, hours in (("L02", 3), ("303", 2), ("999", 1)):
        category, _created = portal_category.objects.get_or_create(code=code, defaults={"name": code})
        class_hours.objects.create(course_class=course_class, category=category, hours=hours)
    record = apps.get_model("records", "LearningRecord").objects.create(
        person=person,
        year=2026,
        source="class",
        title="舊課程",
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 1),
        certified_hours=Decimal(8),
        classroom_hours=Decimal(8),
        mode="classroom",
    )
    record_hours = apps.get_model("records", "RecordHours")
    for code, hours in (("L02", 3), ("L01", 1), ("304", 2), ("999", 2)):
        record_hours.objects.create(record=record, code=code, hours=hours)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    return {"pack": pack.pk, "class": course_class.pk, "record": record.pk, "person": person.pk}


def test_an_old_database_migrates_without_loss_and_its_hours_count(old_world):
    from peili.catalog.models import ClassCategoryHours
    from peili.policy.models import PolicyPack
    from peili.records.models import RecordHours, YearStanding

    pack = PolicyPack.objects.get(pk=old_world["pack"])
    # The pack: valid in the new format, its codes kept on categories, a revision noting the change,
    # the sections and comments outside `hours` untouched.
    result = validate(pack.source)
    assert result.ok, result.problems
    hours = result.document.hours
    assert hours.categories["environmental_education"].portal_code == "201"
    assert hours.categories["gender_mainstreaming"].portal_code == "303"
    assert hours.categories["gender_mainstreaming_304"].parent == "gender_mainstreaming"  # a second code
    assert hours.categories["human_rights"].parent == "democratic_governance"  # the preset topics
    assert hours.mandatory["democratic_governance"].floors["gender_mainstreaming"].categories == (
        "gender_mainstreaming",
    )
    assert pack.revision == 2
    assert pack.revisions.get(number=1).source == OLD_SOURCE
    assert pack.source.startswith("# 測試轄區\nformat: 1\ntitle: 舊格式\nhours:\n")
    assert pack.source.endswith("\ncertification:\n  deadline_working_days: 7  # 七個工作日\n")
    assert pack.data["hours"] == result.document.model_dump(mode="json")["hours"]
    # The class: placeholders become the categories they stood for, real codes their categories,
    # an unknown code a category of its own — every hour kept.
    split = dict(ClassCategoryHours.objects.filter(course_class_id=old_world["class"]).values_list("category", "hours"))
    assert split == {"environmental_education": 3, "gender_mainstreaming": 2, "code_999": 1}
    # The record: placeholders become categories; portal codes stay, resolved when counted.
    parts = set(RecordHours.objects.filter(record_id=old_world["record"]).values_list("category", "code", "hours"))
    assert parts == {("environmental_education", "", 3), ("major_policy", "", 1), ("", "304", 2), ("", "999", 2)}
    # …and the standing is recomputed: every mandatory category is now counted.
    standing = YearStanding.objects.get(person_id=old_world["person"], year=2026)
    assert standing.counted["environmental_education"] == "3"
    assert standing.counted["major_policy"] == "1"
    assert standing.counted["democratic_governance.gender_mainstreaming"] == "2"  # 304, under 303
    assert standing.total == Decimal(8)
