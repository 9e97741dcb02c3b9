"""The shape of a policy pack: frozen pydantic models, read by every app that applies a rule.

A YAML pack document validates into `PackDocument` (every section optional: a jurisdiction
writes only what its own plan says). `Pack` is the *effective* rule set for one jurisdiction and
year — the jurisdiction's sections with the missing ones taken from the national default (see
`selectors.effective_pack`) — and always carries the sections in `enums.REQUIRED_SECTIONS`.

Types are strict (an integer must be written as an integer, a boolean as true/false) because a
pack is law written down: "20" or 20.5 where 20 was meant is an error to show, not to coerce.
Cross-field consistency (sums, fractions, dates) is checked in `loader`, where each problem can
be tied to the exact key and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from peili.core.errors import PeiliError
from peili.core.roc import ROC_OFFSET
from peili.policy.codes import Error
from peili.policy.enums import AbsenceComparison, ClashHandling, Section, StudyMode

FORMAT_VERSION = 1

# Sanity bounds only: they catch typos (200 for 20), they are not policy.
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Text = Annotated[StrictStr, Field(min_length=1, max_length=200)]
LongText = Annotated[StrictStr, Field(min_length=1, max_length=1000)]
Hours = Annotated[StrictInt, Field(ge=1, le=1000)]
PortalCode = Annotated[StrictStr, Field(pattern=r"^[0-9A-Za-z]{1,10}$")]
Months = Annotated[StrictInt, Field(ge=1, le=120)]
Money = Annotated[StrictInt, Field(ge=0, le=100_000_000)]
Grade = Annotated[StrictInt, Field(ge=1, le=14)]
Mode = Annotated[StudyMode, Field(strict=False)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SectionBase(Frozen):
    note: LongText | None = None


class Ratio(Frozen):
    """An exact fraction, written as numerator and denominator (1/3 is never 0.333…)."""

    numerator: Annotated[StrictInt, Field(ge=0, le=1000)]
    denominator: Annotated[StrictInt, Field(ge=1, le=1000)]

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


class MonthDay(Frozen):
    """A yearly deadline such as June 30."""

    month: Annotated[StrictInt, Field(ge=1, le=12)]
    day: Annotated[StrictInt, Field(ge=1, le=31)]

    def in_year(self, year: int) -> date:
        """The deadline in a given year; Feb 29 falls back to Feb 28 in common years."""
        last = 28 if self.month == 2 and not _is_leap(year) else 31
        return date(year, self.month, min(self.day, last))


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# --- hours ------------------------------------------------------------------------------------


class LearningCategory(Frozen):
    """A learning category (學習類別) — 環境教育, 性別主流化, 資通安全通識 … — with its place in the
    hierarchy and, where the office knows it, the national portal's category code (課程類別代碼).
    Hours are counted by category; only the portal's upload file needs the code."""

    name: Text
    parent: Key | None = None
    portal_code: PortalCode | None = None


CategoryKeys = Annotated[tuple[Key, ...], Field(min_length=1)]


class Floor(Frozen):
    """A minimum number of hours of one topic inside a mandatory category (性別主流化 ≥ 1 h)."""

    name: Text
    hours: Hours
    categories: CategoryKeys  # the learning categories (and everything under them) that count


class MandatoryCategory(Frozen):
    name: Text
    hours: Hours
    categories: CategoryKeys  # the learning categories (and everything under them) that count
    topics: tuple[Text, ...] = ()  # descriptive only: what the category covers, shown on the pack page
    floors: dict[Key, Floor] = Field(default_factory=dict)


class HoursRule(SectionBase):
    yearly_minimum: Hours
    categories: Annotated[dict[Key, LearningCategory], Field(min_length=1)]
    mandatory: dict[Key, MandatoryCategory]

    @property
    def mandatory_total(self) -> int:
        return sum(category.hours for category in self.mandatory.values())

    @property
    def other_hours(self) -> int:
        """The business-related hours beyond the mandatory ones (Hsinchu: 其餘與業務相關學習時數)."""
        return self.yearly_minimum - self.mandatory_total

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        """Category key → the keys directly under it (in the pack's order)."""
        out: dict[str, list[str]] = {}
        for key, category in self.categories.items():
            if category.parent is not None:
                out.setdefault(category.parent, []).append(key)
        return {key: tuple(keys) for key, keys in out.items()}

    def subtree(self, keys: Iterable[str]) -> frozenset[str]:
        """`keys` and every category under them (a category's hours count for its ancestors)."""
        found: set[str] = set()
        stack = list(keys)
        while stack:
            key = stack.pop()
            if key in found:
                continue
            found.add(key)
            stack.extend(self.children.get(key, ()))
        return frozenset(found)

    @cached_property
    def key_of_code(self) -> dict[str, str]:
        """Portal category code → the category that carries it."""
        return {c.portal_code: key for key, c in self.categories.items() if c.portal_code is not None}

    def category_name(self, key: str) -> str:
        category = self.categories.get(key)
        return category.name if category is not None else ""

    def depth(self, key: str) -> int:
        """0 for a top category, 1 for one under it …"""
        depth, seen = 0, {key}
        parent = self.categories[key].parent if key in self.categories else None
        while parent is not None and parent in self.categories and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = self.categories[parent].parent
        return depth

    def ordered_categories(self) -> list[tuple[str, LearningCategory, int]]:
        """Every category as (key, category, depth), each followed by those under it: the order of
        a category picker."""
        out: list[tuple[str, LearningCategory, int]] = []

        def visit(key: str, depth: int) -> None:
            out.append((key, self.categories[key], depth))
            for child in self.children.get(key, ()):
                visit(child, depth + 1)

        for key, category in self.categories.items():
            if category.parent is None or category.parent not in self.categories:
                visit(key, 0)
        return out


# --- attendance and certification ---------------------------------------------------------------


class AbsenceRule(Frozen):
    threshold: Ratio
    comparison: Annotated[AbsenceComparison, Field(strict=False)]
    unexcused_forfeits: StrictBool
    # Minutes of late arrival (and, separately, of early leave) in one session that are tolerated;
    # beyond them the minutes count as absence without leave. 0: every minute counts (不得遲到早退).
    late_grace_minutes: Annotated[StrictInt, Field(ge=0, le=120)] = 0


class AttendanceRule(SectionBase):
    absence: AbsenceRule


class CertificationRule(SectionBase):
    deadline_working_days: Annotated[StrictInt, Field(ge=1, le=60)]


# --- study and subsidy --------------------------------------------------------------------------


class StudyQuota(Frozen):
    ratio: Ratio
    minimum: Annotated[StrictInt, Field(ge=0, le=1000)]
    counted_modes: Annotated[tuple[Mode, ...], Field(min_length=1)]


class StudyRule(SectionBase):
    modes: Annotated[tuple[Mode, ...], Field(min_length=1)]
    quota: StudyQuota
    weekly_leave_hours_cap: Annotated[StrictInt, Field(ge=0, le=40)]
    leave_includes_travel: StrictBool
    application_deadline: MonthDay | None
    roster_deadline: MonthDay | None
    timetable_deadline_weeks: Annotated[StrictInt, Field(ge=1, le=52)] | None
    head_study_needs_higher_approval: StrictBool


class GoodResults(Frozen):
    every_subject_passed: StrictBool
    minimum_average: Annotated[StrictInt, Field(ge=0, le=100)]


class SubsidyRule(SectionBase):
    """When `enabled` is false the other keys may be left out (Chiayi: no subsidy since 2007)."""

    enabled: StrictBool
    eligible_modes: tuple[Mode, ...] = ()
    cap_per_semester: Money | None = None
    good_results: GoodResults | None = None
    claim_months_after_grades: Annotated[StrictInt, Field(ge=1, le=24)] | None = None
    without_grades_report_months: Annotated[StrictInt, Field(ge=1, le=24)] | None = None


# --- learning-category taxonomy -----------------------------------------------------------------


class Programme(Frozen):
    name: Text
    courses: tuple[Text, ...] = ()


class Track(Frozen):
    name: Text
    items: tuple[Text, ...] = ()
    programmes: tuple[Programme, ...] = ()


class CategoryTaxonomy(SectionBase):
    label: Text
    tracks: Annotated[dict[Key, Track], Field(min_length=1)]


# --- overseas study (Taipei City) ---------------------------------------------------------------


class GradeRange(Frozen):
    min_grade: Grade
    max_grade: Grade

    def __contains__(self, grade: object) -> bool:
        return isinstance(grade, int) and self.min_grade <= grade <= self.max_grade


class AgeLimit(Frozen):
    max_age: Annotated[StrictInt, Field(ge=18, le=70)]
    grades: GradeRange | None = None


class OverseasKind(Frozen):
    name: Text
    max_months: Months
    age_limits: Annotated[tuple[AgeLimit, ...], Field(min_length=1)]
    funding_cap_total: Money
    funding_cap_per_year: Money | None = None
    needs_central_approval: StrictBool = False

    def max_age_for(self, grade: int) -> int | None:
        """The age limit for a grade (None when no limit names that grade)."""
        for limit in self.age_limits:
            if limit.grades is None or grade in limit.grades:
                return limit.max_age
        return None


class OverseasEligibility(Frozen):
    minimum_grade: Grade
    exclude_confidential: StrictBool
    continuous_service_years: Annotated[StrictInt, Field(ge=0, le=40)]
    rating_years: Annotated[StrictInt, Field(ge=1, le=10)]
    required_rating: Literal["甲", "乙", "丙", "丁"]
    no_discipline: StrictBool
    age_extension_years_per_birth: Annotated[StrictInt, Field(ge=0, le=10)]


class LanguageProof(Frozen):
    valid_years: Annotated[StrictInt, Field(ge=1, le=10)]
    submit_months_before_start: Annotated[StrictInt, Field(ge=0, le=24)]


class OverseasStudyRule(SectionBase):
    eligibility: OverseasEligibility
    kinds: Annotated[dict[Key, OverseasKind], Field(min_length=1)]
    language_proof: LanguageProof


# --- registration (報名) -------------------------------------------------------------------------


class RegistrationRule(SectionBase):
    """How registration for classes works: schedule clashes, reminders, newcomers, deputies."""

    clash: Annotated[ClashHandling, Field(strict=False)]
    reminder_days_before: Annotated[StrictInt, Field(ge=0, le=60)]
    newcomer_months: Months
    deputy_required: StrictBool


# --- surveys and reflections (滿意度問卷、心得寫作) ------------------------------------------------

Points = Annotated[StrictInt, Field(ge=0, le=100)]
SURVEY_MAX_OPEN_DAYS = 90  # a sanity bound: no survey stays open longer after its class


class SurveyRule(SectionBase):
    """When a class's survey opens and for how long, when those who have not answered are reminded,
    how 5-point answers convert to the 100-point satisfaction index, and whether a class's required
    reflection (心得寫作) is a condition of completion."""

    open_days: Annotated[StrictInt, Field(ge=1, le=SURVEY_MAX_OPEN_DAYS)]  # days open after the class ends
    reminder_days: tuple[Annotated[StrictInt, Field(ge=1, le=90)], ...] = ()  # days after opening
    # Points on the 100-point index for 非常不滿意, 不滿意, 普通, 滿意, 非常滿意 (in that order).
    index_points: Annotated[tuple[Points, Points, Points, Points, Points], Field(strict=False)]
    reflection_gates_completion: StrictBool


# --- the national portal's upload file (終身學習入口網站) -------------------------------------------


class EnvironmentFile(Frozen):
    """The separate environmental-education file (環境教育終身學習網): which yearly-rule category's
    portal codes go in it, and its fixed course-method code."""

    requirement: Key  # a key of hours.mandatory, e.g. environmental_education
    method_code: PortalCode  # 課程方法代碼


class PortalFormat(SectionBase):
    """What the national lifelong-learning portal's batch upload file needs: its row limit and the
    fixed codes ordinary training is reported with (see docs/research/national-portal-upload.md)."""

    max_rows_per_file: Annotated[StrictInt, Field(ge=1, le=100_000)]
    degree_credit_code: PortalCode  # 學位學分: 6 = 無 (ordinary training)
    hours_unit_code: PortalCode  # 訓練總數單位: 1 = 小時
    mode_codes: dict[Key, PortalCode]  # 學習性質 by learning mode: digital 1, classroom 2, blended 3
    city_codes: dict[Text, PortalCode] = Field(default_factory=dict)  # 上課縣市 name → code
    environment: EnvironmentFile | None = None


# --- the document and the effective pack --------------------------------------------------------


class PackDocument(Frozen):
    """One YAML file: what one jurisdiction's plan for one year says."""

    format: Literal[1]
    title: Text
    basis: tuple[Annotated[StrictStr, Field(min_length=1, max_length=300)], ...] = ()
    hours: HoursRule | None = None
    attendance: AttendanceRule | None = None
    certification: CertificationRule | None = None
    study: StudyRule | None = None
    subsidy: SubsidyRule | None = None
    categories: CategoryTaxonomy | None = None
    overseas_study: OverseasStudyRule | None = None
    registration: RegistrationRule | None = None
    portal: PortalFormat | None = None
    survey: SurveyRule | None = None

    def section(self, name: str) -> SectionBase | None:
        value = getattr(self, name)
        return value if isinstance(value, SectionBase) else None

    def present_sections(self) -> list[str]:
        return [name for name in Section.values if self.section(name) is not None]


@dataclass(frozen=True)
class PackOrigin:
    """Where a section of an effective pack came from."""

    jurisdiction_code: str
    jurisdiction_name: str
    year: int
    revision: int
    pack_id: int | None = None


@dataclass(frozen=True)
class PackLayer:
    """A stored pack as read: its validated document and where it is stored."""

    document: PackDocument
    origin: PackOrigin


@dataclass(frozen=True)
class Pack:
    """The rules in force for one jurisdiction and year. Read `pack.hours.yearly_minimum` etc.

    `origins[section]` tells where each present section came from; `inherited` lists the
    sections taken from the national default.
    """

    jurisdiction_code: str
    year: int
    title: str
    hours: HoursRule
    study: StudyRule
    subsidy: SubsidyRule
    attendance: AttendanceRule | None = None
    certification: CertificationRule | None = None
    categories: CategoryTaxonomy | None = None
    overseas_study: OverseasStudyRule | None = None
    registration: RegistrationRule | None = None
    portal: PortalFormat | None = None
    survey: SurveyRule | None = None
    origins: Mapping[str, PackOrigin] = field(default_factory=dict)
    inherited: tuple[str, ...] = ()

    def section(self, name: str) -> SectionBase | None:
        value = getattr(self, name)
        return value if isinstance(value, SectionBase) else None

    @property
    def backdated(self) -> tuple[str, ...]:
        """Sections taken from a national pack of a later year (none existed for `year`)."""
        return tuple(name for name, origin in self.origins.items() if origin.year > self.year)

    def require_attendance(self) -> AttendanceRule:
        if self.attendance is None:
            raise self._missing(Section.ATTENDANCE)
        return self.attendance

    def require_certification(self) -> CertificationRule:
        if self.certification is None:
            raise self._missing(Section.CERTIFICATION)
        return self.certification

    def require_overseas_study(self) -> OverseasStudyRule:
        if self.overseas_study is None:
            raise self._missing(Section.OVERSEAS_STUDY)
        return self.overseas_study

    def require_registration(self) -> RegistrationRule:
        if self.registration is None:
            raise self._missing(Section.REGISTRATION)
        return self.registration

    def require_portal(self) -> PortalFormat:
        if self.portal is None:
            raise self._missing(Section.PORTAL)
        return self.portal

    def require_survey(self) -> SurveyRule:
        if self.survey is None:
            raise self._missing(Section.SURVEY)
        return self.survey

    def _missing(self, section: Section) -> PeiliError:
        return PeiliError(
            Error.POLICY_SECTION_MISSING,
            _("「%(code)s」%(year)s 年的政策參數沒有「%(section)s」規定，全國預設亦未訂定。")
            % {"code": self.jurisdiction_code, "year": self.year - ROC_OFFSET, "section": section.label},
            details={"jurisdiction": self.jurisdiction_code, "year": self.year, "section": str(section)},
        )
