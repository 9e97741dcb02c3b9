"""Pure rules about classes: who is eligible, and which sessions clash. No ORM, no request.

Inputs are frozen dataclasses of facts; outputs carry reason codes and Chinese messages the
UI shows as they are ("您的官等職等不符本班期資格：限薦任第6職等以上").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog.enums import ClassStatus, RegistrationWindow
from peili.core import roc
from peili.policy.vocabulary import RANK_GRADES, PersonnelCategory


@dataclass(frozen=True)
class PersonFacts:
    person_id: int
    agency_path: str
    category: str
    grade: int | None
    is_supervisor: bool
    is_active: bool
    agency_start: date | None
    public_service_start: date | None


@dataclass(frozen=True)
class EligibilityRules:
    """A class's eligibility; an empty dimension does not restrict."""

    agency_paths: tuple[str, ...] = ()
    categories: frozenset[str] = frozenset()
    grade_min: int | None = None
    grade_max: int | None = None
    supervisors_only: bool = False
    newcomers_only: bool = False
    # From the policy pack: how recently someone must have joined to count as a newcomer.
    newcomer_months: int | None = None
    named_people: frozenset[int] = frozenset()
    class_start: date | None = None


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Eligibility:
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def _rank_name(grade: int) -> str:
    for category, (low, high) in RANK_GRADES.items():
        if low <= grade <= high:
            return str(PersonnelCategory(category).label)
    return ""


def grade_range_text(grade_min: int | None, grade_max: int | None) -> str:
    """限薦任第6職等以上 / 限委任第5職等以下 / 限第6至第9職等."""
    if grade_min is not None and grade_max is not None:
        if grade_min == grade_max:
            return _("限%(rank)s第%(g)d職等") % {"rank": _rank_name(grade_min), "g": grade_min}
        return _("限第%(low)d至第%(high)d職等") % {"low": grade_min, "high": grade_max}
    if grade_min is not None:
        return _("限%(rank)s第%(g)d職等以上") % {"rank": _rank_name(grade_min), "g": grade_min}
    if grade_max is not None:
        return _("限%(rank)s第%(g)d職等以下") % {"rank": _rank_name(grade_max), "g": grade_max}
    return ""


def _months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def failures(person: PersonFacts, rules: EligibilityRules) -> tuple[str, ...]:
    """The codes of every eligibility rule `person` fails under `rules` (none means eligible) — the
    decision alone, with no message built; `eligibility` adds the messages.

    A person on the class's named list is eligible whatever the other dimensions say: the list
    is how an organizer admits someone by name.
    """
    if not person.is_active:
        return ("eligibility.inactive",)
    if person.person_id in rules.named_people:
        return ()
    codes: list[str] = []
    if rules.named_people and not (rules.agency_paths or rules.categories or rules.grade_min or rules.grade_max):
        codes.append("eligibility.not_named")
    if rules.agency_paths and not any(person.agency_path.startswith(p) for p in rules.agency_paths):
        codes.append("eligibility.agency")
    if rules.categories and person.category not in rules.categories:
        codes.append("eligibility.category")
    if rules.grade_min is not None or rules.grade_max is not None:
        grade = person.grade
        if (
            grade is None
            or (rules.grade_min is not None and grade < rules.grade_min)
            or (rules.grade_max is not None and grade > rules.grade_max)
        ):
            codes.append("eligibility.grade")
    if rules.supervisors_only and not person.is_supervisor:
        codes.append("eligibility.supervisor")
    if rules.newcomers_only:
        started = person.agency_start or person.public_service_start
        reference = rules.class_start
        months = rules.newcomer_months
        if started is None or reference is None or months is None or _months_between(started, reference) >= months:
            codes.append("eligibility.newcomer")
    return tuple(codes)


def reason(code: str, rules: EligibilityRules) -> Reason:
    """The message for one failed rule, as the UI shows it."""
    if code == "eligibility.inactive":
        return Reason(code, _("您目前非在職人員，無法報名。"))
    if code == "eligibility.not_named":
        return Reason(code, _("本班期限指定名單人員參加。"))
    if code == "eligibility.agency":
        return Reason(code, _("您的服務機關不在本班期的參訓機關範圍內。"))
    if code == "eligibility.category":
        names = "、".join(str(PersonnelCategory(c).label) for c in sorted(rules.categories))
        return Reason(code, _("您的人員類別不符本班期資格：限%(names)s。") % {"names": names})
    if code == "eligibility.grade":
        return Reason(
            code,
            _("您的官等職等不符本班期資格：%(range)s。")
            % {"range": grade_range_text(rules.grade_min, rules.grade_max)},
        )
    if code == "eligibility.supervisor":
        return Reason(code, _("本班期限主管人員參加。"))
    if code == "eligibility.newcomer":
        return Reason(code, _("本班期限新進人員（到職 %(m)s 個月內）參加。") % {"m": rules.newcomer_months or "—"})
    raise ValueError(code)


def eligibility(person: PersonFacts, rules: EligibilityRules) -> Eligibility:
    """Every reason `person` may not take a class under `rules` (none means eligible)."""
    return Eligibility(tuple(reason(code, rules) for code in failures(person, rules)))


def free_seats(*, capacity: int, confirmed: int) -> int:
    """Seats still free in a class (never negative)."""
    return max(0, capacity - confirmed)


@dataclass(frozen=True)
class SessionSlot:
    """A session reduced to what clashes are about."""

    session_id: int | None
    class_label: str
    day: date
    starts_at: time
    ends_at: time
    venue_id: int | None = None
    instructor_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Clash:
    code: str  # "clash.venue" or "clash.instructor"
    message: str
    other: SessionSlot


def overlaps(a: SessionSlot, b: SessionSlot) -> bool:
    """Same day and the time ranges intersect (a session ending at 12:00 does not clash with one at 12:00)."""
    return a.day == b.day and a.starts_at < b.ends_at and b.starts_at < a.ends_at


def clashes(candidate: SessionSlot, others: Iterable[SessionSlot]) -> list[Clash]:
    """Venue double-bookings and instructors in two places at once, naming the other session."""
    found: list[Clash] = []
    for other in others:
        if other.session_id is not None and other.session_id == candidate.session_id:
            continue
        if not overlaps(candidate, other):
            continue
        when = f"{other.day:%m/%d} {other.starts_at:%H:%M}–{other.ends_at:%H:%M}"
        if candidate.venue_id is not None and candidate.venue_id == other.venue_id:
            found.append(
                Clash(
                    "clash.venue",
                    _("場地已被「%(label)s」於 %(when)s 使用。") % {"label": other.class_label, "when": when},
                    other,
                )
            )
        if candidate.instructor_ids & other.instructor_ids:
            found.append(
                Clash(
                    "clash.instructor",
                    _("講座已於 %(when)s 在「%(label)s」授課。") % {"label": other.class_label, "when": when},
                    other,
                )
            )
    return found


def registration_window(
    status: str, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> RegistrationWindow:
    """Where the class's registration window stands at `now`: only a published class takes
    registrations; the window opens at `opens_at` (inclusive) and closes at `closes_at` (exclusive);
    no time set means no bound on that side."""
    if status != ClassStatus.PUBLISHED:
        return RegistrationWindow.NOT_OFFERED
    if opens_at is not None and now < opens_at:
        return RegistrationWindow.NOT_OPEN
    if closes_at is not None and now >= closes_at:
        return RegistrationWindow.CLOSED
    return RegistrationWindow.OPEN


def when(value: datetime) -> str:
    """111/02/07 14:05 in Taipei time."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{roc.format_short(local.date())} {local:%H:%M}"


def window_message(window: str, opens_at: datetime | None, closes_at: datetime | None) -> str:
    """The window's state as the catalog says it: 「報名中（115/03/20 17:00 截止）」, 「115/03/01 09:00
    起開放報名」, 「已於 115/03/20 17:00 截止報名」, 「未開放報名」."""
    if window == RegistrationWindow.OPEN:
        return _("報名中（%(at)s 截止）") % {"at": when(closes_at)} if closes_at else _("報名中")
    if window == RegistrationWindow.NOT_OPEN and opens_at is not None:
        return _("%(at)s 起開放報名") % {"at": when(opens_at)}
    if window == RegistrationWindow.CLOSED and closes_at is not None:
        return _("已於 %(at)s 截止報名") % {"at": when(closes_at)}
    return str(RegistrationWindow(window).label)
