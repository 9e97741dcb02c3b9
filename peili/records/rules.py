"""Pure rules of the hours ledger: which year hours count towards, whether a category split adds
up, how a year's hours stand against the jurisdiction's yearly rule, and when certification is due.
No ORM, no request: inputs are plain values and the policy pack's frozen sections; outputs carry
reason codes and the Chinese the UI shows ("尚缺 環境教育 2 小時").

Hours are `Decimal` with one decimal place, as the portal certifies them; nothing here rounds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext as _

from peili.core.workdays import WorkingCalendar
from peili.policy.schema import CertificationRule, HoursRule, MandatoryCategory
from peili.records.enums import CertificationStatus

ZERO = Decimal(0)
YEARLY_MINIMUM = "yearly_minimum"


def learning_year(end: date) -> int:
    """Hours count towards the year in which the learning ended (a class from 12/30 to 1/2 counts
    towards the new year)."""
    return end.year


def split_total(split: Mapping[str, Decimal]) -> Decimal:
    return sum(split.values(), ZERO)


def split_matches(certified: Decimal, split: Mapping[str, Decimal]) -> bool:
    """A course's split across learning categories adds up to its certified hours exactly, and no
    part is negative (an empty split is allowed only for zero hours)."""
    return all(hours >= 0 for hours in split.values()) and split_total(split) == certified


def category_of(category: str, code: str, rule: HoursRule) -> str:
    """The learning category a part of a record counts towards: its own category, or — for hours
    known only by the national portal's category code (a record imported from the portal) — the
    category the pack gives that code; "" when neither (the hours count only towards the total)."""
    return category or rule.key_of_code.get(code, "")


def by_category(parts: Iterable[tuple[str, str, Decimal]], rule: HoursRule) -> dict[str, Decimal]:
    """Hours per learning category from a record's (or a year's) parts `(category, code, hours)`,
    codes resolved through `rule` (`category_of`); parts of no known category are left out."""
    totals: dict[str, Decimal] = {}
    for category, code, hours in parts:
        key = category_of(category, code, rule)
        if key:
            totals[key] = totals.get(key, ZERO) + hours
    return totals


# --- the yearly rule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    """A requirement not yet met: `key` is `yearly_minimum`, a mandatory category's key, or
    `<category>.<floor>` for a floor inside one (民主治理價值 › 性別主流化)."""

    key: str
    name: str
    required: Decimal
    counted: Decimal

    @property
    def missing(self) -> Decimal:
        return self.required - self.counted

    @property
    def message(self) -> str:
        return _("尚缺 %(name)s %(hours)s 小時") % {"name": self.name, "hours": hours_text(self.missing)}


@dataclass(frozen=True)
class Standing:
    """A person's year against the yearly rule: hours counted per requirement and what is short."""

    total: Decimal
    counted: dict[str, Decimal] = field(default_factory=dict)  # requirement key → hours counted
    shortfalls: tuple[Shortfall, ...] = ()

    @property
    def meets(self) -> bool:
        return not self.shortfalls

    @property
    def missing(self) -> Decimal:
        """Hours still needed for the yearly minimum (mandatory shortfalls are inside it)."""
        return next((s.missing for s in self.shortfalls if s.key == YEARLY_MINIMUM), ZERO)


def hours_text(hours: Decimal) -> str:
    """3 → "3", 2.50 → "2.5", 20 → "20": hours as people write them."""
    return format(hours.normalize(), "f")


def requirement_names(rule: HoursRule) -> dict[str, str]:
    """Requirement key → the name people read: the yearly minimum, each mandatory category, each
    floor as 「民主治理價值（性別主流化）」 — the keys `standing` counts and reports under."""
    names = {YEARLY_MINIMUM: _("全年學習時數")}
    for key, category in rule.mandatory.items():
        names[key] = category.name
        for floor_key, floor in category.floors.items():
            names[f"{key}.{floor_key}"] = _("%(category)s（%(floor)s）") % {
                "category": category.name,
                "floor": floor.name,
            }
    return names


def requirement_hours(rule: HoursRule) -> dict[str, Decimal]:
    """Requirement key → the hours it requires (the same keys as `requirement_names`)."""
    required = {YEARLY_MINIMUM: Decimal(rule.yearly_minimum)}
    for key, category in rule.mandatory.items():
        required[key] = Decimal(category.hours)
        for floor_key, floor in category.floors.items():
            required[f"{key}.{floor_key}"] = Decimal(floor.hours)
    return required


def requirement_categories(category: MandatoryCategory, rule: HoursRule) -> frozenset[str]:
    """The learning categories whose hours count towards a mandatory category: those it names, its
    floors', and every category under them."""
    named = [*category.categories, *(key for floor in category.floors.values() for key in floor.categories)]
    return rule.subtree(named)


def categories_read_by(rule: HoursRule) -> frozenset[str]:
    """Every learning category `standing` looks at under `rule`; hours in any other count only
    through the total."""
    keys: set[str] = set()
    for category in rule.mandatory.values():
        keys |= requirement_categories(category, rule)
    return frozenset(keys)


def codes_read_by(rule: HoursRule) -> frozenset[str]:
    """The portal codes of `categories_read_by(rule)`: hours known only by such a code count too."""
    read = categories_read_by(rule)
    return frozenset(code for code, key in rule.key_of_code.items() if key in read)


def _counted(by_key: Mapping[str, Decimal], keys: Iterable[str]) -> Decimal:
    return sum((by_key.get(key, ZERO) for key in set(keys)), ZERO)


def standing(total: Decimal, by_key: Mapping[str, Decimal], rule: HoursRule) -> Standing:
    """How a year's hours stand: `total` is every certified hour that ended in the year (whatever
    its category), `by_key` the same hours per learning category (`by_category`).

    Each mandatory category counts the hours of the learning categories it names, its floors' and
    everything under them (a class of 性別主流化 counts for 民主治理價值); a floor (性別主流化 ≥ 1 h
    inside 民主治理價值) is checked on its own categories; the yearly minimum on the total —
    mandatory hours count towards it too. Shortfalls come in the pack's order, the yearly minimum
    first.
    """
    names = requirement_names(rule)
    counted: dict[str, Decimal] = {YEARLY_MINIMUM: total}
    shortfalls: list[Shortfall] = []
    minimum = Decimal(rule.yearly_minimum)
    if total < minimum:
        shortfalls.append(Shortfall(YEARLY_MINIMUM, names[YEARLY_MINIMUM], minimum, total))
    for key, category in rule.mandatory.items():
        hours = _counted(by_key, requirement_categories(category, rule))
        counted[key] = hours
        if hours < category.hours:
            shortfalls.append(Shortfall(key, names[key], Decimal(category.hours), hours))
        for floor_key, floor in category.floors.items():
            floor_hours = _counted(by_key, rule.subtree(floor.categories))
            full_key = f"{key}.{floor_key}"
            counted[full_key] = floor_hours
            if floor_hours < floor.hours:
                shortfalls.append(Shortfall(full_key, names[full_key], Decimal(floor.hours), floor_hours))
    return Standing(total=total, counted=counted, shortfalls=tuple(shortfalls))


# --- certification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certification:
    """A closed class's certification on the national portal: its deadline and where it stands."""

    due: date
    status: CertificationStatus
    working_days_left: int  # 0 once due or done


def certification(
    end: date, rule: CertificationRule, calendar: WorkingCalendar, *, today: date, uploaded_on: date | None
) -> Certification:
    """Hours are certified within the pack's N working days after the class ends (001: 7 working
    days; the end day is not counted). Uploaded: done. Otherwise due until the deadline's end, then
    overdue."""
    due = calendar.nth_working_day_after(end, rule.deadline_working_days)
    if uploaded_on is not None:
        return Certification(due=due, status=CertificationStatus.DONE, working_days_left=0)
    if today > due:
        return Certification(due=due, status=CertificationStatus.OVERDUE, working_days_left=0)
    left = 0
    day = today
    while day < due:
        day = calendar.nth_working_day_after(day, 1)
        left += 1
    return Certification(due=due, status=CertificationStatus.DUE, working_days_left=left)


# --- progress per requirement (the transcript) ----------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """One requirement of the yearly rule against a person's year: what the transcript draws as a
    bar. `is_floor`: a floor inside a mandatory category (性別主流化 inside 民主治理價值), shown apart."""

    key: str
    name: str
    required: Decimal
    counted: Decimal
    is_floor: bool = False

    @property
    def met(self) -> bool:
        return self.counted >= self.required

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.counted, ZERO)

    @property
    def percent(self) -> int:
        """How far along, 0–100 (capped: 30 of 20 hours is a full bar)."""
        if self.required <= 0:
            return 100
        return int(min(self.counted / self.required, Decimal(1)) * 100)


def progress(result: Standing, rule: HoursRule) -> tuple[Progress, ...]:
    """Each requirement of `rule` with the hours `result` counted towards it: the yearly minimum,
    then the mandatory categories and their floors in the pack's order."""
    names = requirement_names(rule)
    required = requirement_hours(rule)
    floors = {f"{key}.{floor}" for key, category in rule.mandatory.items() for floor in category.floors}
    return tuple(
        Progress(
            key=key,
            name=names[key],
            required=hours,
            counted=result.counted.get(key, ZERO),
            is_floor=key in floors,
        )
        for key, hours in required.items()
    )


# --- how an agency's hours are spread (the compliance dashboard) ----------------------------------


def top_share(totals: Iterable[Decimal], fraction: Decimal) -> Decimal | None:
    """The share (0–1) of all hours held by the `fraction` of people with the most hours — with
    `fraction` 0.1, "the top 10 % hold 45 % of the hours". None when there are no hours to share.

    Read off the Lorenz curve: of n people the top `fraction` × n count, a fractional person for the
    part of them inside (10 % of 15 people is 1.5: the first whole, half the second). So when
    everyone has the same hours the share is exactly `fraction`; it never falls as `fraction` grows;
    and it is at least `fraction` (the top hold at least their head-count share). Hours are never
    negative."""
    if not ZERO <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    ordered = sorted(totals, reverse=True)
    grand = sum(ordered, ZERO)
    if grand <= 0:
        return None
    people = fraction * len(ordered)
    whole = int(people)
    held = sum(ordered[:whole], ZERO)
    if whole < len(ordered):
        held += (people - whole) * ordered[whole]
    return min(held / grand, Decimal(1))


@dataclass(frozen=True)
class HoursBand:
    """One bar of the distribution chart: people whose year's hours are ≥ `lower` and < `upper`
    (`upper` None: no upper bound; `lower` = `upper` = 0: exactly no hours)."""

    lower: Decimal
    upper: Decimal | None
    people: int = 0

    def holds(self, hours: Decimal) -> bool:
        if self.upper is not None and self.upper == self.lower:
            return hours == self.lower
        return hours >= self.lower and (self.upper is None or hours < self.upper)

    @property
    def label(self) -> str:
        """The axis label: 「0」「0–5」「20–40」「40 以上」."""
        if self.upper is None:
            return _("%(h)s 以上") % {"h": hours_text(self.lower)}
        if self.upper == self.lower:
            return hours_text(self.lower)
        return f"{hours_text(self.lower)}–{hours_text(self.upper)}"

    @property
    def description(self) -> str:
        """The same in words, for the table that stands in for the chart."""
        if self.upper is None:
            return _("%(h)s 小時以上") % {"h": hours_text(self.lower)}
        if self.upper == self.lower:
            return _("%(h)s 小時") % {"h": hours_text(self.lower)}
        if self.lower == 0:
            return _("超過 0、未滿 %(u)s 小時") % {"u": hours_text(self.upper)}
        return _("%(l)s 小時以上、未滿 %(u)s 小時") % {"l": hours_text(self.lower), "u": hours_text(self.upper)}


def hours_bands(minimum: Decimal) -> tuple[HoursBand, ...]:
    """The chart's bars, drawn from the yearly minimum M of the pack: no hours at all; quarters of M
    up to M (short of the rule); M to 2M; 2M and more. With M = 20: 0, 0–5, 5–10, 10–15, 15–20,
    20–40, 40 以上."""
    if minimum <= 0:
        return (HoursBand(ZERO, ZERO), HoursBand(ZERO, None))
    quarter = minimum / 4
    edges = [ZERO, quarter, quarter * 2, quarter * 3, minimum, minimum * 2]
    bands = [HoursBand(ZERO, ZERO)]
    bands += [HoursBand(low, high) for low, high in pairwise(edges)]
    bands.append(HoursBand(minimum * 2, None))
    return tuple(bands)


def distribution(totals: Iterable[Decimal], minimum: Decimal) -> tuple[HoursBand, ...]:
    """How many people fall in each band of `hours_bands(minimum)` (every total in exactly one: the
    first band that holds it). Thousands of totals: a bisection each, not a scan of the bands."""
    bands = hours_bands(minimum)
    counts = [0] * len(bands)
    lowers = [band.lower for band in bands[1:]]  # the bands after "no hours" are contiguous
    for hours in totals:
        if bands[0].holds(hours):
            counts[0] += 1
        else:
            counts[max(bisect_right(lowers, hours) - 1, 0) + 1] += 1
    return tuple(HoursBand(band.lower, band.upper, count) for band, count in zip(bands, counts, strict=True))
