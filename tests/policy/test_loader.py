"""Reading packs: every preset validates; every malformed pack is refused with the exact line,
key path, code and Chinese reason."""

from __future__ import annotations

from fractions import Fraction

import pytest

from peili.core.errors import PeiliError
from peili.policy import loader
from peili.policy.enums import AbsenceComparison, StudyMode
from peili.policy.loader import Problem, validate
from peili.policy.services import PRESETS

# Line numbers below refer to this text (line 1 is "format: 1").
BASE = """\
format: 1
title: 測試參數包
hours:
  yearly_minimum: 20
  mandatory:
    major_policy:
      name: 當前政府重大政策
      hours: 1
      categories: [major_policy]
    democratic_governance:
      name: 民主治理價值
      hours: 5
      categories: [democratic_governance]
      floors:
        gender_mainstreaming:
          name: 性別主流化
          hours: 1
          categories: [gender_mainstreaming]
  categories:
    major_policy: {name: 當前政府重大政策}
    democratic_governance: {name: 民主治理價值}
    gender_mainstreaming: {name: 性別主流化, parent: democratic_governance}
attendance:
  absence:
    threshold: {numerator: 1, denominator: 3}
    comparison: strict
    unexcused_forfeits: true
"""

STUDY = """\
format: 1
title: 進修測試
study:
  modes: [part_time, after_hours]
  quota:
    ratio: {numerator: 1, denominator: 10}
    minimum: 1
    counted_modes: [part_time]
  weekly_leave_hours_cap: 8
  leave_includes_travel: false
  application_deadline: {month: 6, day: 30}
  roster_deadline: null
  timetable_deadline_weeks: null
  head_study_needs_higher_approval: true
subsidy:
  enabled: true
  eligible_modes: [after_hours]
  cap_per_semester: 20000
  good_results: {every_subject_passed: true, minimum_average: 70}
  claim_months_after_grades: 2
"""


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.splitlines()
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


def delete_line(text: str, number: int) -> str:
    lines = text.splitlines()
    del lines[number - 1]
    return "\n".join(lines) + "\n"


def problems(text: str, *, complete: bool = False) -> list[tuple[int, str, str, str]]:
    result = validate(text, complete=complete)
    assert result.document is None
    return [(p.line, p.path, p.code, p.message) for p in result.problems]


# --- the presets --------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.code)
def test_every_preset_validates(preset):
    result = validate(preset.source(), complete=preset.is_national_default)
    assert result.problems == ()
    assert result.ok


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.code)
def test_every_preset_cites_its_source(preset):
    source = preset.source()
    assert source.startswith("# ")
    assert loader.load(source).basis != ()


def test_national_preset_values():
    doc = loader.load(PRESETS[0].source(), complete=True)
    assert doc.hours is not None
    assert doc.study is not None
    assert doc.subsidy is not None
    assert doc.hours.yearly_minimum == 20
    assert {k: c.hours for k, c in doc.hours.mandatory.items()} == {
        "major_policy": 1,
        "environmental_education": 4,
        "democratic_governance": 5,
    }
    assert doc.hours.mandatory["democratic_governance"].floors["gender_mainstreaming"].hours == 1
    assert doc.study.quota.ratio.fraction == Fraction(1, 10)
    assert doc.study.quota.counted_modes == (StudyMode.FULL_TIME, StudyMode.PART_TIME)
    assert doc.study.weekly_leave_hours_cap == 8
    assert doc.subsidy.cap_per_semester == 20000
    assert doc.subsidy.good_results is not None
    assert doc.subsidy.good_results.minimum_average == 70
    assert doc.attendance is None
    assert doc.certification is None


def test_hsinchu_preset_values():
    doc = loader.load((PRESETS[1]).source())
    assert doc.hours is not None
    assert doc.attendance is not None
    assert doc.certification is not None
    assert doc.hours.other_hours == 10
    assert doc.attendance.absence.comparison == AbsenceComparison.STRICT
    assert doc.attendance.absence.threshold.fraction == Fraction(1, 3)
    assert doc.attendance.absence.unexcused_forfeits is True
    assert doc.certification.deadline_working_days == 7
    assert doc.study is not None
    assert doc.study.modes == (StudyMode.PART_TIME, StudyMode.AFTER_HOURS)
    assert doc.study.head_study_needs_higher_approval is True
    assert doc.subsidy is None
    assert doc.categories is not None
    assert [t.name for t in doc.categories.tracks.values()] == [
        "領導管理培力",
        "公共政策培力",
        "專業職能培力",
        "發展學習培力",
    ]


def test_kaohsiung_preset_values():
    doc = loader.load(PRESETS[2].source())
    assert doc.subsidy is not None
    assert doc.subsidy.good_results is not None
    assert doc.subsidy.enabled is True
    assert doc.subsidy.eligible_modes == (StudyMode.AFTER_HOURS,)
    assert doc.subsidy.cap_per_semester == 10000
    assert doc.subsidy.good_results.every_subject_passed is True
    assert doc.subsidy.claim_months_after_grades == 2
    assert doc.subsidy.without_grades_report_months == 2
    assert doc.hours is None
    assert doc.categories is not None
    assert [t.name for t in doc.categories.tracks.values()] == ["領導訓練", "在職訓練", "專業訓練", "終身學習"]


def test_chiayi_preset_values():
    doc = loader.load(PRESETS[3].source())
    assert doc.attendance is not None
    assert doc.study is not None
    assert doc.subsidy is not None
    assert doc.attendance.absence.comparison == AbsenceComparison.INCLUSIVE
    assert doc.attendance.absence.unexcused_forfeits is False
    assert doc.study.leave_includes_travel is True
    assert doc.study.application_deadline is not None
    assert doc.study.roster_deadline is not None
    assert (doc.study.application_deadline.month, doc.study.application_deadline.day) == (6, 30)
    assert (doc.study.roster_deadline.month, doc.study.roster_deadline.day) == (9, 30)
    assert doc.study.timetable_deadline_weeks == 3
    assert doc.subsidy.enabled is False
    assert doc.subsidy.cap_per_semester == 0
    assert doc.categories is not None
    assert [t.name for t in doc.categories.tracks.values()] == [
        "政策學院",
        "管理學院",
        "創意學院",
        "法律學院",
        "專業學院",
        "人力發展學院",
    ]
    assert [p.name for p in doc.categories.tracks["professional"].programmes] == [
        "會計業務與採購學程",
        "公文與品質學程",
        "法紀與廉政風氣學程",
    ]


def test_taipei_preset_values():
    doc = loader.load(PRESETS[4].source())
    overseas = doc.overseas_study
    assert overseas is not None
    assert overseas.eligibility.minimum_grade == 5
    assert overseas.eligibility.exclude_confidential is True
    assert overseas.eligibility.required_rating == "甲"
    assert overseas.eligibility.rating_years == 2
    assert overseas.eligibility.age_extension_years_per_birth == 2
    research, master, doctorate = (overseas.kinds[k] for k in ("research", "master", "doctorate"))
    assert [research.max_age_for(g) for g in (4, 5, 9, 10, 14)] == [None, 55, 55, 60, 60]
    assert master.max_age_for(7) == 50
    assert (research.max_months, master.max_months, doctorate.max_months) == (6, 12, 36)
    assert (research.funding_cap_total, master.funding_cap_total) == (500_000, 1_000_000)
    assert (doctorate.funding_cap_per_year, doctorate.funding_cap_total) == (1_000_000, 3_000_000)
    assert overseas.language_proof.valid_years == 2
    assert overseas.language_proof.submit_months_before_start == 1


def test_base_fixture_is_valid():
    assert validate(BASE).ok
    assert validate(STUDY).ok


# --- malformed packs ----------------------------------------------------------------------------


def test_syntax_error_reports_the_line():
    text = replace_line(BASE, 26, "    comparison: strict: x")
    assert problems(text) == [
        (26, "", "syntax", "YAML 語法錯誤：此處不能出現「:」：值裡有冒號時請加引號，或檢查縮排。"),
    ]


def test_unclosed_bracket_reports_the_opening_line():
    text = BASE + "basis: [甲, 乙\n"
    assert problems(text) == [(28, "", "syntax", "YAML 語法錯誤：方括號清單 [ ] 沒有正確結束。")]


def test_tab_indentation():
    text = replace_line(BASE, 4, "\tyearly_minimum: 20")
    assert problems(text) == [(4, "", "syntax", "YAML 語法錯誤：不能使用 Tab 縮排，請改用空白。")]


def test_wrong_type():
    text = replace_line(BASE, 4, "  yearly_minimum: twenty")
    assert problems(text) == [
        (4, "hours.yearly_minimum", "wrong_type", "須為整數，目前寫的是文字「twenty」。"),
    ]


def test_quoted_number_is_not_an_integer():
    text = replace_line(BASE, 4, '  yearly_minimum: "20"')
    assert problems(text) == [(4, "hours.yearly_minimum", "wrong_type", "須為整數，目前寫的是文字「20」。")]


def test_fractional_hours_are_refused():
    text = replace_line(BASE, 8, "      hours: 1.5")
    assert problems(text) == [
        (8, "hours.mandatory.major_policy.hours", "wrong_type", "須為整數，目前寫的是小數 1.5。"),
    ]


def test_boolean_must_be_true_or_false():
    text = replace_line(BASE, 27, "    unexcused_forfeits: 1")
    assert problems(text) == [
        (27, "attendance.absence.unexcused_forfeits", "wrong_type", "須為 true 或 false，目前寫的是整數 1。"),
    ]


def test_unknown_key_with_suggestion_and_the_missing_key_it_was_meant_to_be():
    text = replace_line(BASE, 27, "    unexcused_forfeit: true")
    assert problems(text) == [
        (24, "attendance.absence.unexcused_forfeits", "missing", "缺少必要的鍵「unexcused_forfeits」。"),
        (
            27,
            "attendance.absence.unexcused_forfeit",
            "unknown_key",
            "不認得的鍵「unexcused_forfeit」。是否要寫「unexcused_forfeits」？",
        ),
    ]


def test_unknown_top_level_key():
    text = BASE + "holidays: 3\n"
    assert problems(text) == [(28, "holidays", "unknown_key", "不認得的鍵「holidays」。")]


def test_missing_key_is_reported_on_its_parent_line():
    text = delete_line(BASE, 11)  # democratic_governance.name
    assert problems(text) == [
        (10, "hours.mandatory.democratic_governance.name", "missing", "缺少必要的鍵「name」。"),
    ]


def test_out_of_range():
    text = replace_line(BASE, 4, "  yearly_minimum: 0")
    assert problems(text) == [
        (4, "hours.yearly_minimum", "out_of_range", "須大於或等於 1，目前寫的是整數 0。"),
    ]


def test_invalid_choice():
    text = replace_line(BASE, 26, "    comparison: more_than")
    assert problems(text) == [
        (
            26,
            "attendance.absence.comparison",
            "invalid_choice",
            "須為下列之一：strict、inclusive，目前寫的是文字「more_than」。",
        ),
    ]


def test_invalid_category_key():
    text = replace_line(BASE, 6, "    Major-Policy:")
    assert problems(text) == [
        (
            6,
            "hours.mandatory.Major-Policy",
            "invalid_key",
            "鍵「Major-Policy」須以小寫英文字母開頭，只含小寫英文字母、數字與底線（最多 40 字）。",
        ),
    ]


def test_portal_code_written_as_a_number():
    text = replace_line(BASE, 20, "    major_policy: {name: 當前政府重大政策, portal_code: 522}")
    assert problems(text) == [
        (
            20,
            "hours.categories.major_policy.portal_code",
            "wrong_type",
            '須為文字，目前寫的是整數 522。代碼等數字文字請加引號，例如 "522"。',
        ),
    ]


def test_a_requirement_must_name_a_category_that_exists():
    text = replace_line(BASE, 9, "      categories: [major_polcy]")
    assert problems(text) == [
        (
            9,
            "hours.mandatory.major_policy.categories[0]",
            "unknown_category",
            "學習類別「major_polcy」不在 hours.categories 之中。是否要寫「major_policy」？",
        ),
    ]


def test_a_requirement_must_name_at_least_one_category():
    text = replace_line(BASE, 9, "      categories: []")
    assert problems(text) == [(9, "hours.mandatory.major_policy.categories", "out_of_range", "至少要有 1 項。")]
    text = delete_line(BASE, 9)
    assert problems(text) == [(6, "hours.mandatory.major_policy.categories", "missing", "缺少必要的鍵「categories」。")]


def test_a_floor_must_lie_inside_its_category():
    text = replace_line(BASE, 18, "          categories: [major_policy]")
    assert problems(text) == [
        (
            18,
            "hours.mandatory.democratic_governance.floors.gender_mainstreaming.categories[0]",
            "floor_outside_category",
            "「性別主流化」的學習類別「當前政府重大政策」不在「民主治理價值」的類別之下，下限須計在該類別之內。",
        ),
    ]


def test_a_category_parent_must_exist_and_never_loop():
    text = replace_line(BASE, 22, "    gender_mainstreaming: {name: 性別主流化, parent: democratic}")
    assert problems(text) == [
        (
            22,
            "hours.categories.gender_mainstreaming.parent",
            "unknown_category",
            "學習類別「democratic」不在 hours.categories 之中。是否要寫「democratic_governance」？",
        ),
    ]
    text = replace_line(BASE, 21, "    democratic_governance: {name: 民主治理價值, parent: gender_mainstreaming}")
    assert [(p[0], p[1], p[2]) for p in problems(text)] == [
        (21, "hours.categories.democratic_governance.parent", "category_cycle"),
        (22, "hours.categories.gender_mainstreaming.parent", "category_cycle"),
    ]


def test_a_portal_code_belongs_to_one_category():
    text = replace_line(BASE, 20, '    major_policy: {name: 當前政府重大政策, portal_code: "201"}')
    text = replace_line(text, 21, '    democratic_governance: {name: 民主治理價值, portal_code: "201"}')
    assert problems(text) == [
        (
            21,
            "hours.categories.democratic_governance.portal_code",
            "duplicate",
            "入口網代碼「201」已給了學習類別「major_policy」，一個代碼只能屬於一個類別。",
        ),
    ]


def test_a_pack_may_not_drop_the_categories():
    lines = BASE.splitlines()
    text = "\n".join(lines[:18] + lines[22:]) + "\n"
    assert problems(text) == [(3, "hours.categories", "missing", "缺少必要的鍵「categories」。")]


def test_the_portal_code_of_a_category_is_written_in_place_keeping_the_rest():
    source = "# 註解\n" + BASE
    filled = loader.with_category_codes(source, {"major_policy": "101", "gender_mainstreaming": "303"})
    assert filled.replace(', portal_code: "101"', "").replace(', portal_code: "303"', "") == source
    document = loader.load(filled)
    assert document.hours.categories["major_policy"].portal_code == "101"
    cleared = loader.with_category_codes(filled, {"major_policy": None})
    assert loader.load(cleared).hours.categories["major_policy"].portal_code is None
    assert "# 註解" in cleared


def test_gender_floor_larger_than_democratic_governance_hours():
    text = replace_line(BASE, 17, "          hours: 6")
    assert problems(text) == [
        (
            17,
            "hours.mandatory.democratic_governance.floors.gender_mainstreaming.hours",
            "floor_exceeds_category",
            "「性別主流化」至少 6 小時，超過「民主治理價值」的 5 小時。",
        ),
    ]


def test_mandatory_hours_above_the_yearly_minimum():
    text = replace_line(BASE, 4, "  yearly_minimum: 5")
    assert problems(text) == [
        (
            5,
            "hours.mandatory",
            "mandatory_exceeds_minimum",
            "必修時數合計 6 小時，超過年度最低學習時數 5 小時（hours.yearly_minimum）。",
        ),
    ]


def test_mandatory_hours_equal_to_the_minimum_are_fine():
    assert validate(replace_line(BASE, 4, "  yearly_minimum: 6")).ok


def test_fraction_above_one():
    text = replace_line(BASE, 25, "    threshold: {numerator: 4, denominator: 3}")
    assert problems(text) == [
        (25, "attendance.absence.threshold.numerator", "fraction_above_one", "比例不可大於 1：分子 4 大於分母 3。"),
    ]


def test_zero_denominator():
    text = replace_line(BASE, 25, "    threshold: {numerator: 1, denominator: 0}")
    assert problems(text) == [
        (25, "attendance.absence.threshold.denominator", "out_of_range", "須大於或等於 1，目前寫的是整數 0。"),
    ]


def test_duplicate_key():
    text = replace_line(BASE, 27, "    unexcused_forfeits: true\n    comparison: inclusive")
    assert problems(text) == [
        (28, "attendance.absence.comparison", "duplicate_key", "鍵「comparison」重複（第 26 行已出現過）。"),
    ]


def test_key_that_yaml_reads_as_a_boolean():
    text = BASE + "yes: 1\n"
    assert problems(text) == [
        (
            28,
            "",
            "key_not_text",
            "鍵「yes」必須是文字（yes、no、on、off、數字等會被當成其他型別，請改名或加引號）。",
        ),
    ]


def test_aliases_are_refused_on_the_line_that_uses_them():
    text = replace_line(BASE, 2, "title: &t 測試參數包") + "basis: [*t]\n"
    assert problems(text) == [(28, "basis[0]", "alias", "不支援 YAML 錨點與別名（& 與 *），請直接寫出內容。")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (1, "", "empty", "內容是空的。")),
        ("# 只有註解\n", (1, "", "empty", "內容是空的。")),
        ("- 甲\n- 乙\n", (1, "", "not_mapping", "最上層必須是「鍵: 值」的對照（例如 format: 1）。")),
        ("format: 1\n---\nformat: 1\n", (2, "", "syntax", "YAML 語法錯誤：只能有一份文件：請移除多出來的「---」。")),
        (
            "format: 1\ntitle: !!python/name:os.system x\n",
            (2, "", "syntax", "YAML 語法錯誤：不支援的 YAML 標籤（以 ! 開頭）。"),
        ),
    ],
)
def test_documents_that_are_not_packs(text, expected):
    assert problems(text) == [expected]


@pytest.mark.parametrize(("character", "code"), [("\x07", "0007"), ("\x89", "0089"), ("\x00", "0000")])
def test_a_control_character_is_a_problem_on_its_line_not_a_crash(character, code):
    text = f"format: 1\ntitle: 甲{character}乙\n"
    assert problems(text) == [(2, "", "unprintable", f"第 2 行含有不能使用的控制字元（U+{code}），請刪除後再試。")]


def test_wrong_format_version():
    text = replace_line(BASE, 1, "format: 2")
    assert problems(text) == [(1, "format", "invalid_choice", "須為下列之一：1，目前寫的是整數 2。")]


def test_too_large():
    assert problems("#" * 200_001) == [(1, "", "too_large", "內容過長（上限 200000 字）。")]


def test_several_problems_are_all_reported_in_line_order():
    text = replace_line(replace_line(BASE, 26, "    comparison: maybe"), 4, "  yearly_minimum: -1")
    assert [(line, code) for line, _path, code, _msg in problems(text)] == [(4, "out_of_range"), (26, "invalid_choice")]


def test_national_default_must_be_complete():
    assert problems(BASE, complete=True) == [
        (1, "study", "section_required", "全國預設參數包必須包含「進修」（study）區段。"),
        (1, "subsidy", "section_required", "全國預設參數包必須包含「進修補助」（subsidy）區段。"),
    ]


def test_invalid_calendar_date():
    text = replace_line(STUDY, 11, "  application_deadline: {month: 2, day: 30}")
    assert problems(text) == [(11, "study.application_deadline.day", "invalid_date", "2 月沒有 30 日。")]


def test_counted_mode_must_be_offered():
    text = replace_line(STUDY, 8, "    counted_modes: [full_time, part_time]")
    assert problems(text) == [
        (
            8,
            "study.quota.counted_modes[0]",
            "mode_not_offered",
            "「全時進修」不在本參數包的進修類型（study.modes）之中。",
        ),
    ]


def test_enabled_subsidy_needs_its_cap():
    text = delete_line(STUDY, 18)  # cap_per_semester
    assert problems(text) == [
        (15, "subsidy.cap_per_semester", "missing", "有補助（enabled: true）時必須填寫「cap_per_semester」。"),
    ]


def test_disabled_subsidy_may_not_name_a_cap():
    text = "format: 1\ntitle: 不補助\nsubsidy:\n  enabled: false\n  cap_per_semester: 5000\n"
    assert problems(text) == [
        (5, "subsidy.cap_per_semester", "inconsistent", "不補助（enabled: false）時補助上限應為 0 或不填。"),
    ]


def test_funding_caps_must_agree():
    taipei = PRESETS[4].source().replace("funding_cap_per_year: 1000000", "funding_cap_per_year: 900000")
    result = validate(taipei)
    assert [(p.path, p.code, p.message) for p in result.problems] == [
        (
            "overseas_study.kinds.doctorate.funding_cap_total",
            "inconsistent",
            "合計上限 3000000 元超過每年上限 × 年數（900000 元 × 3 年）。",
        ),
    ]
    line = taipei.splitlines().index("      funding_cap_total: 3000000") + 1
    assert result.problems[0].line == line


def test_load_raises_with_the_problems_as_details():
    with pytest.raises(PeiliError) as caught:
        loader.load(replace_line(BASE, 4, "  yearly_minimum: 0"))
    assert caught.value.code == "policy.invalid"
    assert caught.value.message == "政策參數包有 1 個問題，沒有儲存。"
    assert caught.value.details == [
        {
            "line": 4,
            "path": "hours.yearly_minimum",
            "code": "out_of_range",
            "message": "須大於或等於 1，目前寫的是整數 0。",
        }
    ]


def test_problem_text():
    problem = Problem(4, "hours.yearly_minimum", "out_of_range", "須大於或等於 1。")
    assert str(problem) == "第 4 行：hours.yearly_minimum：須大於或等於 1。"


def test_data_round_trip():
    doc = loader.load(BASE)
    assert loader.from_data(loader.to_data(doc)) == doc


def test_flatten():
    assert loader.flatten({"a": {"b": 1, "c": [1, 2]}, "d": [{"e": None}], "f": None}) == {
        "a.b": 1,
        "a.c": [1, 2],
        "d[0].e": None,
        "f": None,
    }


def test_unknown_key_inside_a_named_entry_gets_a_suggestion():
    taipei = PRESETS[4].source().replace("      max_months: 12", "      max_month: 12")
    line = taipei.splitlines().index("      max_month: 12") + 1
    assert [(p.line, p.path, p.code, p.message) for p in validate(taipei).problems] == [
        (line - 2, "overseas_study.kinds.master.max_months", "missing", "缺少必要的鍵「max_months」。"),
        (
            line,
            "overseas_study.kinds.master.max_month",
            "unknown_key",
            "不認得的鍵「max_month」。是否要寫「max_months」？",
        ),
    ]


def test_hostile_nesting_is_refused_not_crashed():
    from peili.policy import loader

    result = loader.validate("hours: " + "[" * 3000 + "]" * 3000)
    assert [(p.line, p.code) for p in result.problems] == [(1, "too_deep")]


# --- the survey section ---------------------------------------------------------------------------

SURVEY = """\
format: 1
title: 問卷
survey:
  open_days: 7
  reminder_days: [3, 6]
  index_points: [20, 40, 60, 80, 100]
  reflection_gates_completion: false
"""


def test_a_survey_section_validates():
    result = validate(SURVEY)
    assert result.ok
    assert result.document.survey.index_points == (20, 40, 60, 80, 100)


def test_reminders_must_ascend_and_come_before_closing():
    text = replace_line(SURVEY, 5, "  reminder_days: [3, 3, 7]")
    assert problems(text) == [
        (5, "survey.reminder_days[1]", "not_ascending", "提醒日須由小到大且不重複：第 2 個（3）未大於前一個。"),
        (5, "survey.reminder_days[2]", "after_closing", "第 7 日提醒時問卷已截止（開放 7 日）。"),
    ]


def test_index_points_must_not_fall_and_there_must_be_five():
    text = replace_line(SURVEY, 6, "  index_points: [20, 40, 30, 80, 100]")
    assert problems(text) == [
        (
            6,
            "survey.index_points[2]",
            "not_ascending",
            "滿意度換算分數須由「非常不滿意」到「非常滿意」遞增：第 3 個（30）小於前一個。",
        ),
    ]
    assert not validate(replace_line(SURVEY, 6, "  index_points: [20, 40, 60, 80]")).ok
