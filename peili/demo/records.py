"""Demo learning history: this year's e-learning of the demo jurisdiction's staff (新竹市), so the
compliance dashboard, the transcripts and the reminders show a year in progress — about a quarter of
the staff meet the yearly rule, a larger share is part of the way, the rest has no learning yet.

Records come in as e-learning completions (as from the national e-learning platforms), each with
its learning categories, through the ledger's own service (`records_write`): standings are kept
current and every record is audited. Idempotent: nothing is written once any demo record exists.
The demo account `learner` is left out — their transcript tells the classroom story (the classes
they attended, what is still missing).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from peili.org.models import Person
from peili.records.enums import LearningMode, RecordSource
from peili.records.models import LearningRecord
from peili.records.services import RecordData, records_write

JURISDICTION = "hsinchu-city"
KEY_PREFIX = "demo:"
PROVIDERS = ("e等公務園+學習平臺", "臺北e大數位學習網", "地方行政研習學習平臺")


@dataclass(frozen=True)
class Course:
    title: str
    category: str
    hours: Decimal


# A full year: 1 + 4 + 6 (2 of them gender mainstreaming) + 3 + 6 = 20 hours.
FULL_YEAR = (
    Course("當前政府重大政策：數位發展與資安韌性", "major_policy", Decimal(1)),
    Course("環境教育：氣候變遷與淨零轉型", "environmental_education", Decimal(2)),
    Course("環境教育：生物多樣性與自然保育", "environmental_education", Decimal(2)),
    Course("性別主流化概論", "gender_mainstreaming", Decimal(2)),
    Course("公務員廉政倫理規範", "integrity_ethics", Decimal(2)),
    Course("人權兩公約與公務執行", "human_rights", Decimal(2)),
    Course("資通安全通識教育", "information_security_general", Decimal(3)),
    Course("行政程序法實務", "business", Decimal(3)),
    Course("政府採購法概要", "business", Decimal(3)),
)
OTHERS = (
    Course("生成式 AI 工具應用", "digital_skills", Decimal(2)),
    Course("職場英語會話", "language", Decimal(2)),
    Course("公文寫作技巧", "business", Decimal(3)),
    Course("壓力調適與情緒管理", "personal_growth", Decimal("1.5")),
)


def _records(person: Person, courses: list[Course], rng: random.Random, today: date) -> list[tuple[Person, RecordData]]:
    days = max((today - date(today.year, 1, 1)).days, 0)
    out = []
    for number, course in enumerate(courses):
        end = date(today.year, 1, 1) + timedelta(days=rng.randint(0, days))
        out.append(
            (
                person,
                RecordData(
                    title=course.title,
                    start_date=end,
                    end_date=end,
                    certified_hours=course.hours,
                    digital_hours=course.hours,
                    mode=LearningMode.DIGITAL,
                    split={course.category: course.hours},
                    provider=rng.choice(PROVIDERS),
                    source=RecordSource.ELEARNING,
                    external_key=f"{KEY_PREFIX}{person.pk}:{number}",
                ),
            )
        )
    return out


@transaction.atomic
def records_demo_load(*, actor: Any = None) -> int:
    """Write the demo year's e-learning once; returns how many records were written."""
    if LearningRecord.objects.filter(external_key__startswith=KEY_PREFIX).exists():
        return 0
    today = timezone.localdate()
    rng = random.Random(2026)
    people = (
        Person.objects.filter(agency__jurisdiction__code=JURISDICTION, is_active=True)
        .exclude(user__username="learner")
        .select_related("agency__jurisdiction")
        .order_by("pk")
    )
    items: list[tuple[Person, RecordData]] = []
    for person in people:
        roll = rng.random()
        if roll < 0.25:  # the whole rule, and sometimes more
            courses = list(FULL_YEAR) + rng.sample(OTHERS, rng.randint(0, 2))
        elif roll < 0.7:  # part of the way
            courses = rng.sample(FULL_YEAR + OTHERS, rng.randint(1, 6))
        else:
            continue
        items += _records(person, courses, rng, today)
    if items:
        records_write(items=items, actor=actor, note="示範資料：本年度數位學習紀錄")
    return len(items)
