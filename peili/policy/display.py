"""A pack's parameters as rows of readable Chinese, for the detail, revision and compare pages.

Each row has a stable key (the dotted path of the parameter) so that two packs can be lined up
row by row; the value is the text shown, and what the comparison compares.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from peili.core.money import format_ntd
from peili.policy.enums import AbsenceComparison, ClashHandling, Section, StudyMode
from peili.policy.schema import (
    AttendanceRule,
    CategoryTaxonomy,
    CertificationRule,
    GradeRange,
    HoursRule,
    MonthDay,
    OverseasStudyRule,
    PackOrigin,
    PortalFormat,
    RegistrationRule,
    SectionBase,
    StudyRule,
    SubsidyRule,
    SurveyRule,
)
from peili.policy.vocabulary import RANK_GRADES, PersonnelCategory


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class SectionView:
    name: str
    label: str
    rows: list[Row]
    origin: PackOrigin | None = None  # None: the section is not set anywhere
    inherited: bool = False

    @property
    def present(self) -> bool:
        return self.origin is not None


@dataclass(frozen=True)
class CompareRow:
    section: str
    label: str
    left: str
    right: str
    left_inherited: bool = False
    right_inherited: bool = False

    @property
    def differs(self) -> bool:
        return self.left != self.right


@dataclass(frozen=True)
class CompareSection:
    name: str
    label: str
    rows: list[CompareRow] = field(default_factory=list)

    @property
    def differing(self) -> int:
        return sum(1 for row in self.rows if row.differs)


NOT_SET = "—"


def list_join(items: Iterable[str]) -> str:
    """Items of a list: 甲、乙 (English: a, b)."""
    return pgettext("list separator", "、").join(items)


def clause_join(items: Iterable[str]) -> str:
    """Clauses: 甲；乙 (English: a; b)."""
    return pgettext("clause separator", "；").join(items)


def _h(hours: int) -> str:
    return ngettext("%(n)d 小時", "%(n)d 小時", hours) % {"n": hours}


def _modes(modes: tuple[StudyMode, ...]) -> str:
    return list_join(str(StudyMode(m).label) for m in modes) or NOT_SET


def _yes_no(value: bool, yes: str, no: str) -> str:
    return yes if value else no


def _month_day(value: MonthDay | None, template: str) -> str:
    if value is None:
        return _("未規定")
    return template % {"m": value.month, "d": value.day}


def _grade(grade: int) -> str:
    for category, (low, high) in RANK_GRADES.items():
        if low <= grade <= high:
            return _("%(series)s第 %(g)d 職等") % {"series": PersonnelCategory(category).label, "g": grade}
    return _("第 %(g)d 職等") % {"g": grade}


def _grades(grades: GradeRange | None) -> str:
    if grades is None:
        return _("各職等")
    if grades.min_grade == grades.max_grade:
        return _grade(grades.min_grade)
    return _("%(lo)s至%(hi)s") % {"lo": _grade(grades.min_grade), "hi": _grade(grades.max_grade)}


def _hours_rows(rule: HoursRule) -> Iterator[Row]:
    yield Row("hours.yearly_minimum", _("年度最低學習時數"), _h(rule.yearly_minimum))
    yield Row("hours.mandatory_total", _("其中必修時數合計"), _h(rule.mandatory_total))
    yield Row("hours.other_hours", _("其餘與業務相關時數"), _h(rule.other_hours))

    def names(keys: Iterable[str]) -> str:
        return list_join(rule.category_name(key) or key for key in keys)

    for key, category in rule.mandatory.items():
        base = f"hours.mandatory.{key}"
        yield Row(base, _("必修：%(name)s") % {"name": category.name}, _h(category.hours))
        yield Row(
            f"{base}.categories",
            _("　%(name)s計入的學習類別") % {"name": category.name},
            _("%(names)s（含其下各類別）") % {"names": names(category.categories)},
        )
        for floor_key, floor in category.floors.items():
            yield Row(
                f"{base}.floors.{floor_key}",
                _("　其中「%(name)s」至少") % {"name": floor.name},
                _h(floor.hours)
                if names(floor.categories) == floor.name
                else _("%(hours)s（%(names)s）") % {"hours": _h(floor.hours), "names": names(floor.categories)},
            )
        if category.topics:
            yield Row(f"{base}.topics", _("　%(name)s涵蓋主題") % {"name": category.name}, list_join(category.topics))
    for key, learning, depth in rule.ordered_categories():
        parent = rule.categories.get(learning.parent) if learning.parent else None
        label = _("學習類別：%(name)s") % {"name": learning.name}
        if parent is not None:
            label = "　" * depth + _("學習類別：%(name)s（屬%(parent)s）") % {
                "name": learning.name,
                "parent": parent.name,
            }
        code = (
            _("入口網代碼 %(code)s") % {"code": learning.portal_code}
            if learning.portal_code
            else _("入口網代碼未設定（產生上傳檔時須填入）")
        )
        yield Row(f"hours.categories.{key}", label, code)


def _attendance_rows(rule: AttendanceRule) -> Iterator[Row]:
    absence = rule.absence
    sentence = (
        _("缺課（含請假）時數逾課程時數 %(t)s 者，不予登錄時數")
        if absence.comparison == AbsenceComparison.STRICT
        else _("缺課（含請假）時數達課程時數 %(t)s 以上者，不予登錄時數")
    )
    yield Row("attendance.absence", _("缺課規則"), sentence % {"t": absence.threshold})
    yield Row("attendance.absence.threshold", _("缺課門檻"), _("課程時數的 %(t)s") % {"t": absence.threshold})
    yield Row(
        "attendance.absence.comparison",
        _("門檻邊界"),
        str(AbsenceComparison(absence.comparison).label),
    )
    yield Row(
        "attendance.absence.unexcused_forfeits",
        _("未請假缺課"),
        _yes_no(absence.unexcused_forfeits, _("一律不予登錄時數"), _("併入缺課時數計算")),
    )


def _certification_rows(rule: CertificationRule) -> Iterator[Row]:
    yield Row(
        "certification.deadline_working_days",
        _("時數認證登錄期限"),
        _("課程結束後 %(n)d 個工作日內") % {"n": rule.deadline_working_days},
    )


def _study_rows(rule: StudyRule) -> Iterator[Row]:
    quota = rule.quota
    yield Row("study.modes", _("進修類型"), _modes(rule.modes))
    yield Row(
        "study.quota",
        _("進修人數上限"),
        _("編制內預算員額的 %(r)s（無條件捨去），不足 %(m)d 人以 %(m)d 人計") % {"r": quota.ratio, "m": quota.minimum},
    )
    yield Row("study.quota.counted_modes", _("計入人數上限的進修類型"), _modes(quota.counted_modes))
    yield Row("study.weekly_leave_hours_cap", _("每人每週公假進修時數上限"), _h(rule.weekly_leave_hours_cap))
    yield Row(
        "study.leave_includes_travel",
        _("公假是否含路程時間"),
        _yes_no(rule.leave_includes_travel, _("含路程時間"), _("不含路程時間")),
    )
    yield Row(
        "study.application_deadline",
        _("進修申請期限"),
        _month_day(rule.application_deadline, _("每年 %(m)d 月 %(d)d 日前（逾期不受理）")),
    )
    yield Row(
        "study.roster_deadline",
        _("進修人員名冊報送期限"),
        _month_day(rule.roster_deadline, _("每年 %(m)d 月 %(d)d 日前")),
    )
    yield Row(
        "study.timetable_deadline_weeks",
        _("課表提送期限"),
        _("每學期開始後 %(n)d 週內") % {"n": rule.timetable_deadline_weeks}
        if rule.timetable_deadline_weeks is not None
        else _("未規定"),
    )
    yield Row(
        "study.head_study_needs_higher_approval",
        _("機關首長本人進修"),
        _yes_no(rule.head_study_needs_higher_approval, _("須報上級機關核准"), _("未另規定")),
    )


def _subsidy_rows(rule: SubsidyRule) -> Iterator[Row]:
    yield Row("subsidy.enabled", _("進修費用補助"), _yes_no(rule.enabled, _("有補助"), _("不補助")))
    yield Row("subsidy.eligible_modes", _("可補助的進修類型"), _modes(rule.eligible_modes))
    yield Row(
        "subsidy.cap_per_semester",
        _("每人每學期補助上限"),
        format_ntd(rule.cap_per_semester) if rule.cap_per_semester is not None else NOT_SET,
    )
    results = rule.good_results
    if results is None:
        results_text = NOT_SET
    elif results.every_subject_passed:
        results_text = _("各科及格且平均 %(n)d 分以上") % {"n": results.minimum_average}
    else:
        results_text = _("平均 %(n)d 分以上") % {"n": results.minimum_average}
    yield Row("subsidy.good_results", _("成績條件"), results_text)
    yield Row(
        "subsidy.claim_months_after_grades",
        _("申請期限"),
        _("收到成績通知後 %(n)d 個月內") % {"n": rule.claim_months_after_grades}
        if rule.claim_months_after_grades is not None
        else NOT_SET,
    )
    yield Row(
        "subsidy.without_grades_report_months",
        _("無成績評定者"),
        _("進修結束後 %(n)d 個月內檢附進修報告申請") % {"n": rule.without_grades_report_months}
        if rule.without_grades_report_months is not None
        else _("未規定"),
    )


def _categories_rows(rule: CategoryTaxonomy) -> Iterator[Row]:
    yield Row("categories.label", _("分類名稱"), rule.label)
    for key, track in rule.tracks.items():
        parts = [list_join(track.items)] if track.items else []
        parts += [
            _("%(name)s：%(courses)s") % {"name": p.name, "courses": list_join(p.courses) or NOT_SET}
            for p in track.programmes
        ]
        yield Row(f"categories.tracks.{key}", track.name, clause_join(parts) or NOT_SET)


def _overseas_rows(rule: OverseasStudyRule) -> Iterator[Row]:
    e = rule.eligibility
    yield Row(
        "overseas_study.eligibility.minimum_grade", _("最低職等"), _("%(g)s以上") % {"g": _grade(e.minimum_grade)}
    )
    yield Row(
        "overseas_study.eligibility.exclude_confidential",
        _("機要人員"),
        _yes_no(e.exclude_confidential, _("不得申請"), _("得申請")),
    )
    yield Row(
        "overseas_study.eligibility.continuous_service_years",
        _("連續任職年資"),
        _("%(n)d 年以上") % {"n": e.continuous_service_years},
    )
    yield Row(
        "overseas_study.eligibility.ratings",
        _("考績"),
        (
            _("最近 %(n)d 年年終考績均考列甲等")
            if e.required_rating == "甲"
            else _("最近 %(n)d 年年終考績均在%(r)s等以上")
        )
        % {"n": e.rating_years, "r": e.required_rating},
    )
    yield Row(
        "overseas_study.eligibility.no_discipline",
        _("懲處"),
        _yes_no(e.no_discipline, _("未受懲戒、刑事處分或記過以上處分"), _("未限制")),
    )
    yield Row(
        "overseas_study.eligibility.age_extension_years_per_birth",
        _("生育放寬年齡"),
        _("女性每生育一胎延長 %(n)d 年") % {"n": e.age_extension_years_per_birth}
        if e.age_extension_years_per_birth
        else _("不放寬"),
    )
    for key, kind in rule.kinds.items():
        base = f"overseas_study.kinds.{key}"
        period = _("%(n)d 個月") % {"n": kind.max_months}
        if kind.needs_central_approval:
            period += _("（須報行政院專案核定）")
        yield Row(f"{base}.max_months", _("%(name)s：期間上限") % {"name": kind.name}, period)
        ages = clause_join(
            _("%(grades)s %(age)d 歲以下") % {"grades": _grades(limit.grades), "age": limit.max_age}
            for limit in kind.age_limits
        )
        yield Row(f"{base}.age_limits", _("%(name)s：年齡上限") % {"name": kind.name}, ages)
        if kind.funding_cap_per_year is not None:
            funding = _("每年最高 %(year)s，合計最高 %(total)s") % {
                "year": format_ntd(kind.funding_cap_per_year),
                "total": format_ntd(kind.funding_cap_total),
            }
        else:
            funding = _("最高 %(total)s") % {"total": format_ntd(kind.funding_cap_total)}
        yield Row(f"{base}.funding", _("%(name)s：補助上限") % {"name": kind.name}, funding)
    proof = rule.language_proof
    yield Row(
        "overseas_study.language_proof",
        _("語言能力證明"),
        _("%(y)d 年內之證明，於進修開始 %(m)d 個月前提出")
        % {"y": proof.valid_years, "m": proof.submit_months_before_start},
    )


def _registration_rows(rule: RegistrationRule) -> Iterator[Row]:
    yield Row("registration.clash", _("與已報名班期時間衝突"), str(ClashHandling(rule.clash).label))
    yield Row(
        "registration.reminder_days_before",
        _("開課提醒"),
        _("開課前 %(n)d 日寄送") % {"n": rule.reminder_days_before} if rule.reminder_days_before else _("不寄送"),
    )
    yield Row(
        "registration.newcomer_months",
        _("新進人員認定"),
        _("到職 %(n)d 個月內") % {"n": rule.newcomer_months},
    )
    yield Row(
        "registration.deputy_required",
        _("職務代理人"),
        _yes_no(rule.deputy_required, _("報名時須填寫"), _("免填")),
    )


def _portal_rows(rule: PortalFormat) -> Iterator[Row]:
    yield Row("portal.max_rows_per_file", _("每檔筆數上限"), _("每檔 %(n)s 筆") % {"n": f"{rule.max_rows_per_file:,}"})
    yield Row("portal.degree_credit_code", _("學位學分代碼"), rule.degree_credit_code)
    yield Row("portal.hours_unit_code", _("訓練總數單位代碼"), rule.hours_unit_code)
    yield Row(
        "portal.mode_codes", _("學習性質代碼"), "、".join(f"{mode} {code}" for mode, code in rule.mode_codes.items())
    )
    yield Row(
        "portal.city_codes",
        _("上課縣市代碼"),
        "、".join(f"{name} {code}" for name, code in rule.city_codes.items()) or _("未設定"),
    )


def _survey_rows(rule: SurveyRule) -> Iterator[Row]:
    yield Row("survey.open_days", _("問卷開放填答"), _("結訓後 %(n)d 日") % {"n": rule.open_days})
    yield Row(
        "survey.reminder_days",
        _("未填答提醒"),
        _("開放後第 %(days)s 日") % {"days": "、".join(str(d) for d in rule.reminder_days)}
        if rule.reminder_days
        else _("不寄送"),
    )
    yield Row(
        "survey.index_points",
        _("滿意度指數換算"),
        _("非常滿意 %(p5)d、滿意 %(p4)d、普通 %(p3)d、不滿意 %(p2)d、非常不滿意 %(p1)d 分")
        % dict(zip(("p1", "p2", "p3", "p4", "p5"), rule.index_points, strict=True)),
    )
    yield Row(
        "survey.reflection_gates_completion",
        _("心得寫作"),
        _yes_no(rule.reflection_gates_completion, _("班期要求心得者，須經審閱通過始完訓"), _("不影響完訓")),
    )


def section_rows(name: str, section: SectionBase) -> list[Row]:
    if isinstance(section, HoursRule):
        rows = list(_hours_rows(section))
    elif isinstance(section, AttendanceRule):
        rows = list(_attendance_rows(section))
    elif isinstance(section, CertificationRule):
        rows = list(_certification_rows(section))
    elif isinstance(section, StudyRule):
        rows = list(_study_rows(section))
    elif isinstance(section, SubsidyRule):
        rows = list(_subsidy_rows(section))
    elif isinstance(section, CategoryTaxonomy):
        rows = list(_categories_rows(section))
    elif isinstance(section, OverseasStudyRule):
        rows = list(_overseas_rows(section))
    elif isinstance(section, RegistrationRule):
        rows = list(_registration_rows(section))
    elif isinstance(section, PortalFormat):
        rows = list(_portal_rows(section))
    elif isinstance(section, SurveyRule):
        rows = list(_survey_rows(section))
    else:  # pragma: no cover - every section type is listed above
        raise TypeError(type(section).__name__)
    if section.note:
        rows.append(Row(f"{name}.note", _("說明"), section.note))
    return rows


def describe(
    sections: Mapping[str, tuple[SectionBase, PackOrigin]], own: PackOrigin | None = None
) -> list[SectionView]:
    """Every section in the standard order; those found nowhere come out empty (not set)."""
    views = []
    for name in Section.values:
        label = str(Section(name).label)
        found = sections.get(name)
        if found is None:
            views.append(SectionView(name, label, []))
            continue
        value, origin = found
        views.append(SectionView(name, label, section_rows(name, value), origin, inherited=origin != own))
    return views


def compare(left: list[SectionView], right: list[SectionView]) -> list[CompareSection]:
    """Line two packs up row by row (matched on the parameter key)."""
    out = []
    for a, b in zip(left, right, strict=True):
        section = CompareSection(a.name, a.label)
        a_rows = {row.key: row for row in a.rows}
        b_rows = {row.key: row for row in b.rows}
        if not a_rows and not b_rows:
            section.rows.append(CompareRow(section=a.label, label=a.label, left=_("未設定"), right=_("未設定")))
        for key in dict.fromkeys([*a_rows, *b_rows]):
            ra, rb = a_rows.get(key), b_rows.get(key)
            labels = list(dict.fromkeys(r.label for r in (ra, rb) if r is not None))
            section.rows.append(
                CompareRow(
                    section=a.label,
                    label="／".join(labels),
                    left=ra.value if ra else _("未設定"),
                    right=rb.value if rb else _("未設定"),
                    left_inherited=a.inherited and ra is not None,
                    right_inherited=b.inherited and rb is not None,
                )
            )
        out.append(section)
    return out
