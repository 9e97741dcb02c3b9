"""Pure validation of a staff list: `validate(table, facts)` checks every row and collects every
problem; rows without problems become `PersonRecord`s. No ORM, no request: the facts it needs
(agencies with their paths, existing units, the uploader's scope, today) come in a `Facts`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from openpyxl.utils import get_column_letter

from peili.core import roc
from peili.core.text import not_big5, shown_char
from peili.imports.cells import cell_date, code_text, plain_text, refusal_params, text_refusal
from peili.imports.enums import BaseProblemCode
from peili.org.enums import Gender
from peili.org.importing.columns import COLUMN_BY_KEY, COLUMNS, HeaderMap, match_headers
from peili.org.importing.enums import ProblemCode
from peili.org.importing.problems import Problem, problem, sort_key
from peili.org.importing.reading import REPLACEMENT, Cell, RawRow, RawTable
from peili.org.rules import grade_problem, national_id_bad_character, national_id_problem, normalise_national_id
from peili.policy.vocabulary import RANK_GRADES, EducationLevel, PersonnelCategory, Rating

MIN_AGE = 15
MAX_AGE = 100
MAX_BIRTHS = 20
UNIT_CODE_MAX = 20

_AGENCY_CODE = re.compile(r"^[0-9A-Z]{10}$")
_BLANKS = frozenset({"", "-", "--", "—", "n/a", "na"})
_TRUE = frozenset({"是", "y", "yes", "1", "true", "t", "v", "○"})
_FALSE = frozenset({"否", "n", "no", "0", "false", "f"})
_GENDERS = {
    "男": Gender.MALE,
    "男性": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "1": Gender.MALE,
    "女": Gender.FEMALE,
    "女性": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "2": Gender.FEMALE,
    "其他": Gender.OTHER,
    "x": Gender.OTHER,
}
_CATEGORY_LABELS = {
    "委任": PersonnelCategory.JUNIOR,
    "薦任": PersonnelCategory.SENIOR,
    "簡任": PersonnelCategory.SELECTED,
    "約聘": PersonnelCategory.CONTRACT,
    "約聘人員": PersonnelCategory.CONTRACT,
    "約僱": PersonnelCategory.HIRED,
    "約雇": PersonnelCategory.HIRED,
    "約僱人員": PersonnelCategory.HIRED,
    "臨時人員": PersonnelCategory.TEMPORARY,
    "臨時": PersonnelCategory.TEMPORARY,
    "技工工友": PersonnelCategory.WORKER,
    "技工": PersonnelCategory.WORKER,
    "工友": PersonnelCategory.WORKER,
    "技工、工友": PersonnelCategory.WORKER,
    "警消": PersonnelCategory.POLICE_FIRE,
    "警察": PersonnelCategory.POLICE_FIRE,
    "消防": PersonnelCategory.POLICE_FIRE,
    "教師": PersonnelCategory.TEACHER,
    "其他": PersonnelCategory.OTHER,
}
_CATEGORIES = {**{c.value: c for c in PersonnelCategory}, **_CATEGORY_LABELS}
_CHINESE_NUMBERS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
    "十三": 13,
    "十四": 14,
}
# HR files are written in Chinese whatever language the uploader reads: the labels are taken in zh-hant.
with translation.override("zh-hant"):
    _EDUCATION_LABELS = {str(level.label): level.value for level in EducationLevel}
_EDUCATION = {
    **{str(level.value): level.value for level in EducationLevel},
    **_EDUCATION_LABELS,
    "國中": 20,
    "國小": 20,
    "高中": 30,
    "高職": 30,
    "學士": 50,
}
_RATINGS = frozenset(r.value for r in Rating)


@dataclass(frozen=True, slots=True)
class AgencyFact:
    code: str
    name: str
    path: str
    is_active: bool = True


@dataclass(frozen=True)
class Scope:
    """Where the uploader may import people: everywhere (administrator, system import) or the agency
    subtrees of their personnel-officer roles (materialised paths, so a prefix test)."""

    full: bool = False
    paths: tuple[str, ...] = ()

    def covers(self, path: str) -> bool:
        return self.full or any(path.startswith(p) for p in self.paths)


@dataclass(frozen=True)
class Facts:
    agencies: Mapping[str, AgencyFact]
    units: Mapping[tuple[str, str], str]  # (agency code, unit code) → unit name
    scope: Scope
    today: date


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One clean row, in the model's terms (agency and unit by code)."""

    row: int
    national_id: str
    employee_number: str
    name: str
    gender: str
    birth_date: date
    agency: str
    unit: str | None
    job_title: str
    category: str
    grade: int | None
    is_supervisor: bool
    is_confidential: bool
    public_service_start: date | None
    agency_start: date | None
    education_level: int | None
    email: str
    births_count: int | None
    is_active: bool
    left_on: date | None
    ratings: tuple[tuple[int, str], ...] = ()  # (Gregorian year, 甲/乙/丙/丁); blank cells left out


@dataclass
class Validation:
    records: list[PersonRecord]
    problems: list[Problem]
    columns: frozenset[str]  # keys of the known columns present in the file
    headers: HeaderMap
    new_units: dict[tuple[str, str], str] = field(default_factory=dict)  # (agency, unit code) → name
    row_count: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def national_id_text(value: Cell) -> str:
    """A national ID cell, normalised (`org.rules.normalise_national_id`) but not NFKC-folded as
    `code_text` folds codes: ① or 𝟗 must be refused, not read as 1 and 9."""
    return normalise_national_id("" if value is None else str(value))


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class _RowChecker:
    """Checks one table row by row; state shared across rows (duplicates, new units) lives here."""

    def __init__(self, headers: HeaderMap, facts: Facts, rating_years: list[int]) -> None:
        self.headers = headers
        self.facts = facts
        self.rating_years = rating_years
        self.index = headers.index
        self.problems: list[Problem] = []
        self.new_units: dict[tuple[str, str], str] = {}
        self._new_unit_rows: dict[tuple[str, str], int] = {}
        self._unit_by_name: dict[tuple[str, str], str] = {(a, n): c for (a, c), n in facts.units.items()}
        self._agency_problems: dict[str, tuple[ProblemCode, dict[str, object]] | None] = {}
        self.grade_column_needed = False
        self._dates: dict[Cell, date | str] = {}
        self.national_id_rows: dict[str, list[int]] = {}
        self.employee_rows: dict[tuple[str, str], list[int]] = {}
        self.today = facts.today
        self.today_shown = roc.format_short(facts.today)
        self.labels = {key: headers.label(key) for key in COLUMN_BY_KEY}

    # -- helpers -----------------------------------------------------------------------------
    def _report(
        self, row: int, key: str, value: object, code: ProblemCode | BaseProblemCode, /, **params: object
    ) -> None:
        self.problems.append(problem(row, self.labels[key], value, code, **params))

    def _length_ok(self, row: int, key: str, raw: Cell, text: str) -> bool:
        limit = COLUMN_BY_KEY[key].max_length
        if limit is not None and len(text) > limit:
            self._report(row, key, raw, BaseProblemCode.VALUE_TOO_LONG, max=limit)
            return False
        return True

    def _required(self, row: int, key: str, raw: Cell, text: str) -> bool:
        """False (and reported) when a required column present in the file is blank in this row."""
        if text:
            return True
        if key in self.index:
            self._report(row, key, raw, BaseProblemCode.VALUE_REQUIRED)
        return False

    def _optional_date(self, row: int, key: str, raw: Cell) -> tuple[date | None, bool]:
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in _BLANKS):
            return None, True
        if isinstance(raw, date):
            return (raw.date() if isinstance(raw, datetime) else raw), True
        # The same dates recur (first of the month, common birthdays): parse each text once.
        parsed = self._dates.get(raw)
        if parsed is None:
            try:
                parsed = cell_date(raw)
            except roc.ROCDateError as error:
                parsed = error.reason.rstrip("。")
            self._dates[raw] = parsed
        if isinstance(parsed, str):
            self._report(row, key, raw, ProblemCode.DATE_INVALID, reason=parsed)
            return None, False
        return parsed, True

    def _boolean(self, row: int, key: str, raw: Cell) -> tuple[bool | None, bool]:
        text = code_text(raw).lower()
        if text in _BLANKS:
            return None, True
        if text in _TRUE:
            return True, True
        if text in _FALSE:
            return False, True
        self._report(row, key, raw, ProblemCode.BOOLEAN_INVALID)
        return None, False

    def _small_int(self, text: str) -> int | None:
        return int(text) if text.isdigit() and len(text) <= 3 else None

    def _agency_problem(self, code: str) -> tuple[ProblemCode, dict[str, object]] | None:
        if code in self._agency_problems:
            return self._agency_problems[code]
        found: tuple[ProblemCode, dict[str, object]] | None = None
        agency = self.facts.agencies.get(code)
        if not _AGENCY_CODE.match(code):
            found = (ProblemCode.AGENCY_FORMAT, {})
        elif agency is None:
            found = (ProblemCode.AGENCY_UNKNOWN, {})
        elif not self.facts.scope.covers(agency.path):
            found = (ProblemCode.AGENCY_OUT_OF_SCOPE, {"agency": agency.name})
        elif not agency.is_active:
            found = (ProblemCode.AGENCY_INACTIVE, {"agency": agency.name})
        self._agency_problems[code] = found
        return found

    # -- one row -----------------------------------------------------------------------------
    def check(self, raw_row: RawRow) -> PersonRecord | None:
        row, cells = raw_row.number, raw_row.cells
        before = len(self.problems)
        width = len(cells)
        values = {key: cells[position] if position < width else None for key, position in self.index.items()}
        unusable: set[str] = set()
        for key, value in values.items():
            if isinstance(value, str) and REPLACEMENT in value:
                self._report(row, key, value, BaseProblemCode.CELL_UNDECODABLE)
                unusable.add(key)
        for key in unusable:
            values[key] = None
        for year in self.rating_years:
            position = self.headers.ratings[year]
            value = cells[position] if position < width else None
            if isinstance(value, str) and REPLACEMENT in value:
                self.problems.append(
                    problem(row, self.headers.rating_label(year), value, BaseProblemCode.CELL_UNDECODABLE)
                )
        cell = values.get

        # 身分證字號
        raw = cell("national_id")
        national_id = national_id_text(raw)
        if national_id:
            self.national_id_rows.setdefault(national_id, []).append(row)
            reason = national_id_problem(national_id)
            if reason == "national_id.characters":
                bad = national_id_bad_character(national_id) or ""
                self._report(row, "national_id", raw, BaseProblemCode.NATIONAL_ID_CHARACTERS, char=shown_char(bad))
            elif reason is not None:
                code = {
                    "national_id.length": BaseProblemCode.NATIONAL_ID_LENGTH,
                    "national_id.format": BaseProblemCode.NATIONAL_ID_FORMAT,
                }.get(reason, BaseProblemCode.NATIONAL_ID_CHECKSUM)
                self._report(row, "national_id", raw, code)
        elif "national_id" not in unusable:
            self._required(row, "national_id", raw, national_id)

        # 員工編號
        raw = cell("employee_number")
        employee_number = code_text(raw)
        if employee_number.lower() in _BLANKS:
            employee_number = ""
        self._length_ok(row, "employee_number", raw, employee_number)

        # 姓名
        raw = cell("name")
        name = plain_text(raw)
        if (
            "name" not in unusable
            and self._required(row, "name", raw, name)
            and self._length_ok(row, "name", raw, name)
        ):
            refused = text_refusal(raw, name=True)
            if "?" in name or "？" in name:
                self._report(row, "name", raw, ProblemCode.NAME_REPLACEMENT)
            elif refused is not None:
                self._report(row, "name", raw, BaseProblemCode(refused.code), **refusal_params(refused))
            elif unwritable := not_big5(name):  # a warning: the portal file needs them replaced
                self._report(row, "name", raw, ProblemCode.TEXT_NOT_BIG5, chars="、".join(map(shown_char, unwritable)))

        # 性別
        raw = cell("gender")
        text = code_text(raw).lower()
        gender = _GENDERS.get(text)
        if gender is None and "gender" not in unusable and self._required(row, "gender", raw, text):
            self._report(row, "gender", raw, ProblemCode.GENDER_INVALID)

        # 出生日期
        raw = cell("birth_date")
        birth: date | None = None
        if "birth_date" not in unusable and self._required(row, "birth_date", raw, code_text(raw)):
            birth, _ok = self._optional_date(row, "birth_date", raw)
            if birth is not None:
                if birth > self.today:
                    self._report(row, "birth_date", raw, ProblemCode.DATE_FUTURE, today=self.today_shown)
                    birth = None
                elif not MIN_AGE <= _age(birth, self.today) <= MAX_AGE:
                    self._report(row, "birth_date", raw, ProblemCode.BIRTH_IMPLAUSIBLE, low=MIN_AGE, high=MAX_AGE)
                    birth = None
        birth_shown = roc.format_short(birth) if birth else ""

        # 機關代碼
        raw = cell("agency")
        agency_code = code_text(raw).upper()
        agency_ok = False
        if agency_code:
            found = self._agency_problem(agency_code)
            if found is None:
                agency_ok = True
            else:
                self._report(row, "agency", raw, found[0], **found[1])
        elif "agency" not in unusable:
            self._required(row, "agency", raw, agency_code)
        if employee_number and agency_code:
            self.employee_rows.setdefault((agency_code, employee_number), []).append(row)

        # 單位代碼、單位名稱
        unit = self._unit(row, agency_code if agency_ok else "", cell("unit"), cell("unit_name"))

        # 職稱
        raw = cell("job_title")
        job_title = plain_text(raw)
        self._length_ok(row, "job_title", raw, job_title)

        # 人員類別、職等
        raw = cell("category")
        text = code_text(raw)
        category = _CATEGORIES.get(text) or _CATEGORIES.get(text.lower())
        if category is None and "category" not in unusable and self._required(row, "category", raw, text):
            self._report(
                row,
                "category",
                raw,
                ProblemCode.CATEGORY_INVALID,
                choices="、".join(str(c.label) for c in PersonnelCategory),
            )
        grade = self._grade(row, cell("grade"), category)

        # 主管、機要
        is_supervisor, _ok = self._boolean(row, "is_supervisor", cell("is_supervisor"))
        is_confidential, _ok = self._boolean(row, "is_confidential", cell("is_confidential"))

        # 初任公職日期、到職日期
        raw_service = cell("public_service_start")
        service_start, _ok = self._optional_date(row, "public_service_start", raw_service)
        if service_start and birth:
            if service_start < birth:
                self._report(row, "public_service_start", raw_service, ProblemCode.DATE_BEFORE_BIRTH, birth=birth_shown)
            elif _age(birth, service_start) < MIN_AGE:
                self._report(
                    row, "public_service_start", raw_service, ProblemCode.DATE_TOO_YOUNG, age=MIN_AGE, birth=birth_shown
                )
        raw_start = cell("agency_start")
        agency_start, _ok = self._optional_date(row, "agency_start", raw_start)
        if agency_start:
            if birth and agency_start < birth:
                self._report(row, "agency_start", raw_start, ProblemCode.DATE_BEFORE_BIRTH, birth=birth_shown)
            elif birth and _age(birth, agency_start) < MIN_AGE:
                self._report(row, "agency_start", raw_start, ProblemCode.DATE_TOO_YOUNG, age=MIN_AGE, birth=birth_shown)
            elif service_start and agency_start < service_start:
                self._report(
                    row,
                    "agency_start",
                    raw_start,
                    ProblemCode.START_BEFORE_SERVICE,
                    start=roc.format_short(service_start),
                )

        # 學歷代碼
        raw = cell("education_level")
        text = code_text(raw)
        education: int | None = None
        if text.lower() not in _BLANKS:
            education = _EDUCATION.get(text)
            if education is None:
                self._report(row, "education_level", raw, ProblemCode.EDUCATION_INVALID)

        # 電子郵件
        raw = cell("email")
        email = code_text(raw)
        if email.lower() in _BLANKS:
            email = ""
        elif self._length_ok(row, "email", raw, email):
            try:
                validate_email(email)
            except ValidationError:
                self._report(row, "email", raw, ProblemCode.EMAIL_INVALID)

        # 生育子女數
        raw = cell("births_count")
        text = code_text(raw)
        births: int | None = None
        if text.lower() not in _BLANKS:
            births = self._small_int(text)
            if births is None or births > MAX_BIRTHS:
                self._report(row, "births_count", raw, ProblemCode.BIRTHS_INVALID)

        # 在職、離職日期
        raw_active = cell("is_active")
        is_active, _ok = self._boolean(row, "is_active", raw_active)
        raw_left = cell("left_on")
        left_on, _ok = self._optional_date(row, "left_on", raw_left)
        if left_on is not None:
            if is_active:
                self._report(row, "left_on", raw_left, ProblemCode.LEFT_WHILE_ACTIVE)
            elif left_on > self.today:
                self._report(row, "left_on", raw_left, ProblemCode.DATE_FUTURE, today=self.today_shown)
            elif agency_start and left_on < agency_start:
                self._report(
                    row, "left_on", raw_left, ProblemCode.LEFT_BEFORE_START, start=roc.format_short(agency_start)
                )
            elif birth and left_on < birth:
                self._report(row, "left_on", raw_left, ProblemCode.DATE_BEFORE_BIRTH, birth=birth_shown)
        if is_active is None:
            is_active = left_on is None

        # 考績
        ratings: list[tuple[int, str]] = []
        for year in self.rating_years:
            position = self.headers.ratings[year]
            raw = cells[position] if position < len(cells) else None
            if isinstance(raw, str) and REPLACEMENT in raw:
                continue
            text = code_text(raw)
            if text.lower() in _BLANKS:
                continue
            if text in _RATINGS:
                ratings.append((year, text))
            else:
                self.problems.append(problem(row, self.headers.rating_label(year), raw, ProblemCode.RATING_INVALID))

        if any(p.is_error for p in self.problems[before:]) or not (
            national_id and name and gender and birth and category
        ):
            return None
        return PersonRecord(
            row=row,
            national_id=national_id,
            employee_number=employee_number,
            name=name,
            gender=gender,
            birth_date=birth,
            agency=agency_code,
            unit=unit,
            job_title=job_title,
            category=category,
            grade=grade,
            is_supervisor=bool(is_supervisor),
            is_confidential=bool(is_confidential),
            public_service_start=service_start,
            agency_start=agency_start,
            education_level=education,
            email=email,
            births_count=births,
            is_active=is_active,
            left_on=left_on,
            ratings=tuple(ratings),
        )

    def _grade(self, row: int, raw: Cell, category: str | None) -> int | None:
        text = code_text(raw)
        grade: int | None = None
        if text.lower() not in _BLANKS:
            bare = text.removeprefix("第").removesuffix("職等").removesuffix("等").strip()
            grade = _CHINESE_NUMBERS.get(bare) or self._small_int(bare)
            if grade is None or not 1 <= grade <= 14:
                self._report(row, "grade", raw, ProblemCode.GRADE_INVALID)
                return None
        if category is None:
            return grade
        reason = grade_problem(category, grade)
        if reason is not None:
            label = PersonnelCategory(category).label
            if reason == "grade.missing":
                if "grade" in self.index:
                    self._report(row, "grade", raw, ProblemCode.GRADE_MISSING, category=label)
                else:  # no 職等 column at all: reported once, on the header row
                    self.grade_column_needed = True
            elif reason == "grade.out_of_range":
                low, high = RANK_GRADES[category]
                self._report(row, "grade", raw, ProblemCode.GRADE_OUT_OF_RANGE, category=label, low=low, high=high)
            else:
                self._report(row, "grade", raw, ProblemCode.GRADE_NOT_APPLICABLE, category=label)
        return grade

    def _unit(self, row: int, agency: str, raw_code: Cell, raw_name: Cell) -> str | None:
        """The unit code for a row; a unit not yet in the agency is noted in `new_units`."""
        code = code_text(raw_code)
        name = plain_text(raw_name)
        code = "" if code.lower() in _BLANKS else code
        name = "" if name.lower() in _BLANKS else name
        if not self._length_ok(row, "unit", raw_code, code) or not self._length_ok(row, "unit_name", raw_name, name):
            return None
        if not agency or not (code or name):
            return None
        agency_name = self.facts.agencies[agency].name
        if not code:
            known = self._unit_by_name.get((agency, name))
            if known is not None:
                return known
            if len(name) > UNIT_CODE_MAX:
                self._report(row, "unit_name", raw_name, ProblemCode.UNIT_CODE_MISSING, agency=agency_name)
                return None
            code = name
        key = (agency, code)
        if key in self.facts.units:
            return code
        if key in self.new_units:
            if name and name != self.new_units[key]:
                self._report(
                    row,
                    "unit_name",
                    raw_name,
                    ProblemCode.UNIT_NAME_CONFLICT,
                    row=self._new_unit_rows[key],
                    name=self.new_units[key],
                )
                return None
            return code
        if not name:
            self._report(row, "unit", raw_code, ProblemCode.UNIT_NAME_MISSING, agency=agency_name, unit=code)
            return None
        self.new_units[key] = name
        self._new_unit_rows[key] = row
        self._unit_by_name.setdefault((agency, name), code)
        return code

    def duplicates(self) -> list[Problem]:
        found: list[Problem] = []
        for national_id, rows in self.national_id_rows.items():
            if len(rows) > 1:
                for row in rows:
                    others = "、".join(str(r) for r in rows if r != row)
                    found.append(
                        problem(
                            row, self.labels["national_id"], national_id, ProblemCode.DUPLICATE_NATIONAL_ID, rows=others
                        )
                    )
        for (_agency, number), rows in self.employee_rows.items():
            if len(rows) > 1:
                for row in rows:
                    others = "、".join(str(r) for r in rows if r != row)
                    found.append(
                        problem(
                            row,
                            self.labels["employee_number"],
                            number,
                            ProblemCode.DUPLICATE_EMPLOYEE_NUMBER,
                            rows=others,
                        )
                    )
        return found


def header_problems(headers: HeaderMap, header_row: int, today: date) -> tuple[list[Problem], list[int]]:
    """Problems with the header row, and the rating years that can be read."""
    problems: list[Problem] = []
    for position, first in headers.duplicates:
        problems.append(
            problem(
                header_row,
                headers.headers[position],
                "",
                ProblemCode.COLUMN_DUPLICATE,
                column=headers.headers[position],
                first=get_column_letter(first + 1),
            )
        )
    for position in headers.unknown:
        problems.append(problem(header_row, headers.headers[position], "", ProblemCode.COLUMN_UNKNOWN))
    for column in COLUMNS:
        if column.required and column.key not in headers.index:
            problems.append(
                problem(header_row, column.header, "", BaseProblemCode.COLUMN_MISSING, column=column.header)
            )
    years: list[int] = []
    low, high = 1, roc.roc_year(today)
    for year in sorted(headers.ratings):
        if not low <= year - roc.ROC_OFFSET <= high:
            problems.append(
                problem(header_row, headers.rating_label(year), "", ProblemCode.COLUMN_RATING_YEAR, low=low, high=high)
            )
        else:
            years.append(year)
    return problems, years


def validate(table: RawTable, facts: Facts, *, progress: Callable[[int, int], None] | None = None) -> Validation:
    """Check every row of `table`; collect every problem. Pure: no database, no request."""
    headers = match_headers(table.headers)
    problems = list(table.problems)
    if not table.readable:
        return Validation([], sorted(problems, key=sort_key), headers.keys, headers, row_count=len(table.rows))
    found, rating_years = header_problems(headers, table.header_row, facts.today)
    problems.extend(found)
    checker = _RowChecker(headers, facts, rating_years)
    records: list[PersonRecord] = []
    total = len(table.rows)
    for position, raw_row in enumerate(table.rows, start=1):
        record = checker.check(raw_row)
        if record is not None:
            records.append(record)
        if progress is not None and position % 5000 == 0:
            progress(position, total)
    problems.extend(checker.problems)
    if checker.grade_column_needed:
        grade = COLUMN_BY_KEY["grade"].header
        problems.append(problem(table.header_row, grade, "", BaseProblemCode.COLUMN_MISSING, column=grade))
    duplicates = checker.duplicates()
    problems.extend(duplicates)
    if duplicates:
        duplicated_rows = {p.row for p in duplicates}
        records = [r for r in records if r.row not in duplicated_rows]
    problems.sort(key=sort_key)
    return Validation(
        records=records,
        problems=problems,
        columns=headers.keys,
        headers=headers,
        new_units=checker.new_units,
        row_count=total,
    )
