"""Pure rules that read a policy pack: no ORM, no request. Exact arithmetic with `Fraction`.

The numbers (1/3, 1/10, the minimum of 1, …) come from the pack; only the way they are applied
lives here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from django.utils.translation import gettext as _

from peili.core.errors import NotFound, PeiliError
from peili.core.roc import ROC_OFFSET
from peili.policy.codes import Error
from peili.policy.enums import REQUIRED_SECTIONS, AbsenceComparison, Section
from peili.policy.schema import (
    AbsenceRule,
    AttendanceRule,
    CategoryTaxonomy,
    CertificationRule,
    HoursRule,
    OverseasStudyRule,
    Pack,
    PackLayer,
    PackOrigin,
    PortalFormat,
    RegistrationRule,
    SectionBase,
    StudyQuota,
    StudyRule,
    SubsidyRule,
    SurveyRule,
)

Quantity = int | Decimal | Fraction
T = TypeVar("T", bound=SectionBase)


def as_fraction(value: Quantity) -> Fraction:
    """An exact fraction of an int, Decimal or Fraction (floats are refused: 0.1 is not exact)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
        raise TypeError(f"expected int, Decimal or Fraction, got {type(value).__name__}")
    return Fraction(value)


# --- the 1/3 absence rule -----------------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceFacts:
    """One learner in one course: its certified hours, hours on leave, hours absent without leave."""

    course_hours: Quantity
    leave_hours: Quantity = 0
    unexcused_hours: Quantity = 0


@dataclass(frozen=True)
class AbsenceOutcome:
    forfeits: bool
    reason: str | None  # "absence.unexcused" | "absence.over_threshold" | None
    missed_fraction: Fraction


def absence_outcome(facts: AbsenceFacts, rule: AbsenceRule) -> AbsenceOutcome:
    """Whether a learner loses the course's hours under the pack's absence rule.

    Missed hours are leave plus unexcused absence, compared with `threshold × course hours`:
    strictly more (`strict`, Hsinchu 逾三分之一) or at least (`inclusive`, Chiayi 三分之一以上).
    With `unexcused_forfeits` any unexcused absence alone forfeits the hours.
    """
    course = as_fraction(facts.course_hours)
    leave = as_fraction(facts.leave_hours)
    unexcused = as_fraction(facts.unexcused_hours)
    if course <= 0:
        raise ValueError("course_hours must be positive")
    if leave < 0 or unexcused < 0:
        raise ValueError("leave_hours and unexcused_hours must not be negative")
    missed = (leave + unexcused) / course
    if unexcused > 0 and rule.unexcused_forfeits:
        return AbsenceOutcome(True, "absence.unexcused", missed)
    threshold = rule.threshold.fraction
    over = missed > threshold if rule.comparison == AbsenceComparison.STRICT else missed >= threshold
    return AbsenceOutcome(over, "absence.over_threshold" if over else None, missed)


def absence_forfeits(
    leave_hours: Quantity, course_hours: Quantity, unexcused_hours: Quantity, rule: AbsenceRule
) -> bool:
    """Shorthand for `absence_outcome(...).forfeits`."""
    facts = AbsenceFacts(course_hours=course_hours, leave_hours=leave_hours, unexcused_hours=unexcused_hours)
    return absence_outcome(facts, rule).forfeits


# --- the study quota ----------------------------------------------------------------------------


def study_quota(budgeted_headcount: int, rule: StudyQuota) -> int:
    """How many staff may be in quota-counted study at once: `ratio × headcount`, rounded down
    ("不超過"), but never fewer than the minimum ("人數不足 1 人時，以 1 人計")."""
    if budgeted_headcount < 0:
        raise ValueError("budgeted_headcount must not be negative")
    return max(rule.minimum, math.floor(budgeted_headcount * rule.ratio.fraction))


# --- the effective pack -------------------------------------------------------------------------


def inherit(own: PackLayer | None, fallback: PackLayer | None) -> dict[str, tuple[SectionBase, PackOrigin]]:
    """Each section from `own` when it has it, else from `fallback` (the national default).

    A section is taken whole: keys are never merged across packs, so what one pack says about
    a subject is complete in itself.
    """
    sections: dict[str, tuple[SectionBase, PackOrigin]] = {}
    for name in Section.values:
        for layer in (own, fallback):
            value = layer.document.section(name) if layer is not None else None
            if layer is not None and value is not None:
                sections[name] = (value, layer.origin)
                break
    return sections


def effective_from(jurisdiction_code: str, year: int, own: PackLayer | None, fallback: PackLayer | None) -> Pack:
    """Build the effective pack, or raise when a required section is found in neither layer."""
    if own is None and fallback is None:
        raise NotFound(
            Error.POLICY_NO_PACK,
            _("「%(code)s」在 %(year)d 年（含）以前沒有政策參數包，也沒有全國預設參數包。")
            % {"code": jurisdiction_code, "year": year - ROC_OFFSET},
            details={"jurisdiction": jurisdiction_code, "year": year},
        )
    sections = inherit(own, fallback)
    missing = [name for name in REQUIRED_SECTIONS if name not in sections]
    if missing:
        raise PeiliError(
            Error.POLICY_SECTION_MISSING,
            _("「%(code)s」%(year)d 年的政策參數缺少「%(sections)s」，全國預設也沒有。")
            % {
                "code": jurisdiction_code,
                "year": year - ROC_OFFSET,
                "sections": "、".join(str(Section(n).label) for n in missing),
            },
            details={"jurisdiction": jurisdiction_code, "year": year, "sections": missing},
        )
    title_layer = own if own is not None else fallback
    assert title_layer is not None
    own_origin = own.origin if own is not None else None
    return Pack(
        jurisdiction_code=jurisdiction_code,
        year=year,
        title=title_layer.document.title,
        hours=_typed(sections, Section.HOURS, HoursRule),
        study=_typed(sections, Section.STUDY, StudyRule),
        subsidy=_typed(sections, Section.SUBSIDY, SubsidyRule),
        attendance=_optional(sections, Section.ATTENDANCE, AttendanceRule),
        certification=_optional(sections, Section.CERTIFICATION, CertificationRule),
        categories=_optional(sections, Section.CATEGORIES, CategoryTaxonomy),
        overseas_study=_optional(sections, Section.OVERSEAS_STUDY, OverseasStudyRule),
        registration=_optional(sections, Section.REGISTRATION, RegistrationRule),
        portal=_optional(sections, Section.PORTAL, PortalFormat),
        survey=_optional(sections, Section.SURVEY, SurveyRule),
        origins={name: origin for name, (_value, origin) in sections.items()},
        inherited=tuple(name for name, (_value, origin) in sections.items() if origin != own_origin),
    )


def _optional(sections: dict[str, tuple[SectionBase, PackOrigin]], name: str, kind: type[T]) -> T | None:
    found = sections.get(name)
    if found is None:
        return None
    value = found[0]
    assert isinstance(value, kind)
    return value


def _typed(sections: dict[str, tuple[SectionBase, PackOrigin]], name: str, kind: type[T]) -> T:
    value = _optional(sections, name, kind)
    assert value is not None
    return value
