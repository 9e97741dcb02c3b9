"""Data shared by the web benchmarks: the policy presets, an agency tree under 新竹市政府 with one
organizing body, people with accounts (written in bulk), classes. Not a benchmark itself."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

ROOT_CODE = "376570000A"
BODY_CODE = "376570100A"  # 新竹市政府人事處, the organizing body (訓練機構)
SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧"
)
GIVEN = "怡君雅婷淑芬美玲志明俊傑家豪建宏冠宇承恩宗翰佳穎欣怡靜宜國華文雄"


@dataclass
class Agencies:
    root: Any
    body: Any
    members: list[Any]  # where people work (the root's other children and their children)


def agencies(children: int = 12, grandchildren: int = 3) -> Agencies:
    """新竹市政府 (the hsinchu-city preset's jurisdiction), its 人事處 as organizing body, `children`
    其他局處 each with `grandchildren` 所屬機關. Needs the presets (`presets_load`) first."""
    from peili.org.models import Agency
    from peili.policy.models import Jurisdiction
    from peili.policy.services import presets_load

    presets_load(actor=None)
    jurisdiction = Jurisdiction.objects.get(code="hsinchu-city")

    def make(code: str, name: str, parent: Any, **extra: Any) -> Any:
        return Agency.objects.create(
            code=code,
            name=name,
            parent=parent,
            jurisdiction=jurisdiction,
            path=f"{parent.path if parent else ''}{code}/",
            depth=parent.depth + 1 if parent else 0,
            **extra,
        )

    root = make(ROOT_CODE, "新竹市政府", None)
    body = make(BODY_CODE, "新竹市政府人事處", root, is_training_body=True)
    members = [body]
    for n in range(children):
        child = make(f"37657{n + 2:02d}00A", f"新竹市政府第{n + 1}處", root)
        members.append(child)
        for m in range(grandchildren):
            members.append(make(f"37657{n + 2:02d}{m + 1:02d}A", f"第{n + 1}處所屬機關{m + 1}", child))
    return Agencies(root, body, members)


def people_with_accounts(count: int, members: list[Any], *, prefix: str, rng: random.Random) -> list[Any]:
    """`count` active civil servants (valid national IDs, mixed ranks and grades), each with an account
    whose password is unusable (they are signed in by session, never by password). Bulk-written."""
    from django.contrib.auth.hashers import make_password

    from peili.accounts.models import User
    from peili.org.models import Person
    from peili.org.rules import make_national_id

    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{n:05d}", password=unusable, email=f"{prefix}{n}@bench.gov.tw") for n in range(count)],
        batch_size=1000,
    )
    letters = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
    offset = {"p": 0, "w": 5_000_000, "c": 6_000_000}.get(prefix[:1], 7_000_000)
    today = date.today()
    people = []
    for n, user in enumerate(users):
        roll = rng.random()
        if roll < 0.3:
            category, grade = "junior", rng.randint(1, 5)
        elif roll < 0.75:
            category, grade = "senior", rng.randint(6, 9)
        elif roll < 0.85:
            category, grade = "selected", rng.randint(10, 14)
        else:
            category, grade = rng.choice(["contract", "hired", "teacher"]), None
        start = today - timedelta(days=rng.randint(60, 30 * 365))
        female = n % 2 == 1
        people.append(
            Person(
                national_id=make_national_id(letters[n % 26], f"{2 if female else 1}{offset + n:07d}"),
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender="F" if female else "M",
                birth_date=date(today.year - rng.randint(23, 64), rng.randint(1, 12), rng.randint(1, 28)),
                agency=members[n % len(members)],
                job_title="科員",
                category=category,
                grade=grade,
                is_supervisor=category in {"senior", "selected"} and (grade or 0) >= 8 and rng.random() < 0.4,
                public_service_start=start,
                agency_start=start + timedelta(days=rng.randint(0, 30)),
                email=user.email,
                user=user,
            )
        )
    Person.objects.bulk_create(people, batch_size=1000)
    return users


def aware(day: date, hour: int) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour)))


def registration_class(body: Any, title: str, *, days: int, **fields: Any) -> Any:
    """A published class of `body` starting `days` from today, one 09–12 session, registration open
    since yesterday and for 10 more days; no supervisor consent unless told."""
    from django.utils import timezone

    from peili.catalog.models import ClassSession, Course, CourseClass, Venue

    start = timezone.localdate() + timedelta(days=days)
    course = Course.objects.create(organizer=body, title=title, track="professional")
    values: dict[str, Any] = {
        "status": "published",
        "start_date": start,
        "end_date": start,
        "capacity": 40,
        "waitlist_size": 100,
        "needs_supervisor_consent": False,
        "meals_provided": True,
        "certified_hours": Decimal(3),
        "classroom_hours": Decimal(3),
        "registration_opens_at": timezone.now() - timedelta(days=1),
        "registration_closes_at": timezone.now() + timedelta(days=10),
        "cancellation_deadline": aware(start - timedelta(days=2), 17),
    }
    values.update(fields)
    course_class = CourseClass.objects.create(course=course, term=1, **values)
    venue, _ = Venue.objects.get_or_create(agency=body, name="301 研習教室", defaults={"capacity": 200})
    ClassSession.objects.create(
        course_class=course_class, date=start, starts_at=time(9), ends_at=time(12), venue=venue, hours=Decimal(3)
    )
    return course_class
