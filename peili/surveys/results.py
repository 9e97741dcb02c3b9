"""Survey results: a class, a course across its classes and years, an instructor across the classes
a user may see, and an organizing body's subtree over a range of years. Reads only.

Numbers come from `Tally` (counts per survey × question × instructor × value, kept by
`services.response_submit` for named surveys and `services.pool_flush` for anonymous ones, whose
answers reach the results in batches — `Summary.waiting` counts those still waiting), summed in the
database — never from scanning `Answer` rows; answers are read only to list free text. Questions
are grouped by `Question.key`, which a template keeps across versions, so a course whose
questionnaire was edited between years still adds up "the same" question; its text, options and
section are the newest version's.

**The satisfaction index across years.** Each class is scored with the points of the pack in force
for its organizing body's jurisdiction in the year it ended (`selectors.survey_rule`). A group of
classes (a course, a year, an instructor, a body) is split into parts by (jurisdiction, year) —
every class of a part has the same points —, each part's index is computed with its points, and the
parts are weighted by their numbers of scale answers (`rules.combined_index`). When every part has
the same points this is exactly the pooled index: Σ(answers at a point × its score) ÷ answers.

Only scale questions marked `in_index` count in a satisfaction index; a scale question also shows
its own index. The response rate of a group is its responses over its invitations (not a mean of
the classes' rates).

Anonymity: nothing here returns a respondent, a response or a time; free-text answers are listed
in the order of their random keys (`Answer.id`, a UUID), which says nothing of when they came.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from peili.catalog.models import Course, CourseClass, Instructor
from peili.catalog.selectors import classes_for_manager
from peili.core.errors import NotFound
from peili.core.roc import ROC_OFFSET
from peili.org.models import Agency
from peili.policy.selectors import effective_pack
from peili.surveys import rules
from peili.surveys.codes import Error
from peili.surveys.enums import QuestionKind, ScalePoint, SectionKind, SurveyState
from peili.surveys.models import Answer, Question, Survey, Tally

TEXT_PAGE_SIZE = 50

Part = tuple[str, int]  # (jurisdiction code, year): the classes scored with one pack's points
Counts = dict[int, int]  # value → answers (text answers: value None, kept out of Counts)


def as_decimal(value: Fraction | None, places: int = 2) -> Decimal | None:
    """A fraction rounded half up to `places` decimals (for pages, exports and the API)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def percent(value: Fraction | None, places: int = 1) -> Decimal | None:
    return as_decimal(value * 100, places) if value is not None else None


# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """The index's points (非常不滿意 first) and the years of the classes scored with them."""

    points: tuple[int, ...]
    years: tuple[int, ...]

    @property
    def labelled(self) -> list[tuple[str, int]]:
        """(label, points) from 非常滿意 down, as the page states them."""
        return [(str(ScalePoint(point).label), self.points[point - 1]) for point in reversed(rules.SCALE)]

    @property
    def roc_years(self) -> list[int]:
        return [year - ROC_OFFSET for year in self.years]


@dataclass(frozen=True)
class Bucket:
    """One value of a question: a scale point or a choice, its label and its answers."""

    value: int
    label: str
    count: int
    share: Fraction | None  # of the question's answers (of its choices, for multiple choice)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.share)


@dataclass(frozen=True)
class InstructorLine:
    """One instructor's answers to a question of an instructor section."""

    instructor_id: int
    name: str
    count: int
    mean: Fraction | None
    index: Fraction | None


@dataclass(frozen=True)
class QuestionResult:
    key: str
    text: str
    kind: str
    section_title: str
    section_kind: str
    in_index: bool
    count: int  # answers (choices made, for multiple choice; texts written, for text)
    buckets: tuple[Bucket, ...]
    mean: Fraction | None  # scale questions only
    index: Fraction | None  # scale questions only
    instructors: tuple[InstructorLine, ...]
    question_ids: tuple[int, ...]  # the question rows behind the key (one per template version)

    @property
    def is_scale(self) -> bool:
        return self.kind == QuestionKind.SCALE

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT


@dataclass(frozen=True)
class InstructorResult:
    """An instructor's satisfaction index over the instructor sections' questions that count."""

    instructor_id: int
    name: str
    answers: int
    mean: Fraction | None
    index: Fraction | None


@dataclass(frozen=True)
class ClassRow:
    class_id: int
    course_id: int
    course_title: str
    term: int
    start_date: date | None
    end_date: date | None
    opens_at: datetime
    closes_at: datetime
    invited: int
    responded: int
    answers: int  # scale answers in the index
    index: Fraction | None

    @property
    def rate(self) -> Fraction | None:
        return rules.rate(self.responded, self.invited)

    @property
    def rate_percent(self) -> Decimal | None:
        return percent(self.rate)

    @property
    def state(self) -> SurveyState:
        return rules.state(timezone.now(), self.opens_at, self.closes_at)


@dataclass(frozen=True)
class CourseRow:
    course_id: int
    title: str
    classes: int
    invited: int
    responded: int
    answers: int
    index: Fraction | None

    @property
    def rate_percent(self) -> Decimal | None:
        return percent(rules.rate(self.responded, self.invited))


@dataclass(frozen=True)
class TrendPoint:
    """One point of a line chart: a year (course, body) or a class (instructor)."""

    label: str
    year: int | None
    class_id: int | None
    day: date | None  # the class's first day (a class's point)
    invited: int
    responded: int
    answers: int
    index: Fraction | None

    @property
    def rate_percent(self) -> Decimal | None:
        return percent(rules.rate(self.responded, self.invited))


@dataclass(frozen=True)
class Summary:
    classes: int
    invited: int
    responded: int
    answers: int  # scale answers counted in the index
    index: Fraction | None
    anonymous: bool  # any of the surveys is anonymous
    waiting: int = 0  # anonymous answers counted in `responded` but not yet in the results (their batch)

    @property
    def rate(self) -> Fraction | None:
        return rules.rate(self.responded, self.invited)

    @property
    def rate_percent(self) -> Decimal | None:
        return percent(self.rate)


@dataclass(frozen=True)
class Scope:
    """Which surveys (a condition on `Survey`) and, for an instructor, whose answers."""

    surveys: Q
    instructor_id: int | None = None


@dataclass(frozen=True)
class Results:
    scope: Scope
    summary: Summary
    formulas: tuple[Formula, ...]
    questions: tuple[QuestionResult, ...]
    instructors: tuple[InstructorResult, ...] = ()
    classes: tuple[ClassRow, ...] = ()
    courses: tuple[CourseRow, ...] = ()
    trend: tuple[TrendPoint, ...] = ()

    @property
    def text_questions(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.is_text]

    @property
    def chart_questions(self) -> list[QuestionResult]:
        return [q for q in self.questions if not q.is_text]

    def question(self, key: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.key == key), None)


# --- reading the tallies --------------------------------------------------------------------------


def _prefixed(condition: Q, prefix: str) -> Q:
    """A condition on `Survey` rewritten for a model that reaches it through `prefix`."""
    clone = Q()
    clone.connector, clone.negated = condition.connector, condition.negated
    clone.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])  # type: ignore[index]
        for child in condition.children
    ]
    return clone


class _Points:
    """Index points per part, read once per part (the effective pack is kept per process, but each
    read checks its stamp)."""

    def __init__(self) -> None:
        self._known: dict[Part, tuple[int, ...]] = {}

    def __call__(self, part: Part) -> tuple[int, ...]:
        if part not in self._known:
            code, year = part
            self._known[part] = tuple(effective_pack(code, year).require_survey().index_points)
        return self._known[part]

    def index(self, parts: Mapping[Part, Counts]) -> Fraction | None:
        return rules.combined_index((self(part), counts) for part, counts in parts.items())

    def formulas(self) -> tuple[Formula, ...]:
        years: dict[tuple[int, ...], set[int]] = defaultdict(set)
        for (_code, year), points in self._known.items():
            years[points].add(year)
        return tuple(
            Formula(points, tuple(sorted(ys))) for points, ys in sorted(years.items(), key=lambda i: min(i[1]))
        )


def _year(end: date | None, start: date | None) -> int:
    """The year a class is scored in (as `selectors.survey_rule` has it)."""
    return (end or start or timezone.localdate()).year


# Up to this many surveys, tallies are read by their surveys' ids and each row's part is a CASE on
# them: no join at all. Beyond it (a body over many years), by joining the classes.
IN_LIST_LIMIT = 2000


class _Source:
    """Where a scope's tallies are read from, and how each row's part is told."""

    def __init__(self, scope: Scope, surveys: list[_SurveyFacts]) -> None:
        self.scope = scope
        self.by_survey = {s.pk: s for s in surveys}
        self.parts = sorted({s.part for s in surveys})
        self.joined = len(surveys) > IN_LIST_LIMIT

    def tallies(self, *, question_ids: Iterable[int] | None = None) -> QuerySet[Tally]:
        if self.joined:
            tallies = Tally.objects.filter(_prefixed(self.scope.surveys, "survey__"))
        else:
            tallies = Tally.objects.filter(survey_id__in=list(self.by_survey))
        if self.scope.instructor_id is not None:
            tallies = tallies.filter(instructor_id=self.scope.instructor_id)
        if question_ids is not None:
            tallies = tallies.filter(question_id__in=list(question_ids))
        return tallies

    def by_part(self, *fields: str, text: dict[tuple[Any, ...], int] | None = None) -> Grouped:
        """Answers summed by `fields` and part, then value. Text answers (value NULL) go to `text`."""
        tallies = self.tallies()
        if self.joined:
            tallies = tallies.annotate(
                part_code=F("survey__course_class__course__organizer__jurisdiction__code"),
                part_year=ExtractYear(Coalesce("survey__course_class__end_date", "survey__course_class__start_date")),
            )
            names: tuple[str, ...] = ("part_code", "part_year")
        else:
            ids: dict[Part, list[int]] = defaultdict(list)
            for s in self.by_survey.values():
                ids[s.part].append(s.pk)
            whens = [When(survey_id__in=ids[part], then=Value(n)) for n, part in enumerate(self.parts)]
            part_no = Case(*whens, output_field=IntegerField()) if len(whens) > 1 else Value(0)
            tallies = tallies.annotate(part_no=part_no)
            names = ("part_no",)
        rows = tallies.values(*fields, *names, "value").annotate(n=Sum("count")).order_by()
        out: Grouped = defaultdict(lambda: defaultdict(dict))
        this_year = timezone.localdate().year
        for row in rows:
            key = tuple(row[f] for f in fields)
            if row["value"] is None:
                if text is not None:
                    text[key] = text.get(key, 0) + row["n"]
                continue
            part = (row["part_code"], row["part_year"] or this_year) if self.joined else self.parts[row["part_no"]]
            counts = out[key][part]
            counts[row["value"]] = counts.get(row["value"], 0) + row["n"]
        return out

    def per_survey(self, question_ids: Iterable[int]) -> Grouped:
        """The answers to `question_ids` (those in the index) per survey, with the survey's part."""
        rows = self.tallies(question_ids=question_ids).values("survey_id", "value").annotate(n=Sum("count")).order_by()
        out: Grouped = defaultdict(lambda: defaultdict(dict))
        for row in rows:
            survey, value = self.by_survey.get(row["survey_id"]), row["value"]
            if survey is not None and value is not None:
                counts = out[(row["survey_id"],)][survey.part]
                counts[value] = counts.get(value, 0) + row["n"]
        return out


Grouped = dict[tuple[Any, ...], dict[Part, Counts]]


def _merge_parts(*groups: Mapping[Part, Counts]) -> dict[Part, Counts]:
    merged: dict[Part, Counts] = {}
    for group in groups:
        for part, counts in group.items():
            into = merged.setdefault(part, {})
            for value, n in counts.items():
                into[value] = into.get(value, 0) + n
    return merged


def _flatten(parts: Mapping[Part, Counts]) -> Counts:
    return rules.merge(*parts.values())


def _scale_answers(counts: Mapping[int, int]) -> int:
    return sum(n for point, n in counts.items() if point in rules.SCALE)


# --- questions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Meta:
    """A question row, as the results need it."""

    pk: int
    key: str
    text: str
    kind: str
    options: tuple[str, ...]
    in_index: bool
    section_title: str
    section_kind: str
    order: tuple[int, int, int]  # template, section position, position
    version: int


def _metas(version_ids: Iterable[int], *, instructor_only: bool) -> dict[int, _Meta]:
    questions = Question.objects.filter(section__version_id__in=set(version_ids))
    if instructor_only:
        questions = questions.filter(section__kind=SectionKind.INSTRUCTOR)
    rows = questions.values_list(
        "pk",
        "key",
        "text",
        "kind",
        "options",
        "in_index",
        "section__title",
        "section__kind",
        "section__version__template_id",
        "section__position",
        "position",
        "section__version__number",
    )
    return {
        pk: _Meta(pk, key, text, kind, tuple(options or ()), in_index, s_title, s_kind, (tpl, s_pos, pos), number)
        for pk, key, text, kind, options, in_index, s_title, s_kind, tpl, s_pos, pos, number in rows
    }


def _label(meta: _Meta, value: int) -> str:
    if meta.kind == QuestionKind.SCALE:
        return str(ScalePoint(value).label) if value in rules.SCALE else str(value)
    if 0 <= value < len(meta.options):
        return meta.options[value]
    return _("選項 %(n)s") % {"n": value + 1}


def _buckets(meta: _Meta, counts: Counts) -> tuple[Bucket, ...]:
    total = sum(counts.values())
    if meta.kind == QuestionKind.SCALE:
        values = list(rules.SCALE)
    else:
        values = sorted(set(range(len(meta.options))) | set(counts))
    return tuple(
        Bucket(v, _label(meta, v), counts.get(v, 0), Fraction(counts.get(v, 0), total) if total else None)
        for v in values
    )


def _questions(
    metas: Mapping[int, _Meta],
    by_question: Grouped,
    texts: Mapping[tuple[Any, ...], int],
    points: _Points,
    names: Mapping[int, str],
) -> tuple[QuestionResult, ...]:
    """One result per question key, from answers grouped by (question, instructor) and part."""
    newest: dict[str, _Meta] = {}
    ids: dict[str, list[int]] = defaultdict(list)
    for meta in metas.values():
        ids[meta.key].append(meta.pk)
        if meta.key not in newest or meta.version > newest[meta.key].version:
            newest[meta.key] = meta
    answered: dict[int, list[tuple[int | None, dict[Part, Counts]]]] = defaultdict(list)
    for (question_id, instructor_id), group in by_question.items():
        answered[question_id].append((instructor_id, group))
    written: Counter[int] = Counter()
    for (question_id, _instructor_id), n in texts.items():
        written[question_id] += n
    results = []
    for key, meta in sorted(newest.items(), key=lambda item: item[1].order):
        question_ids = set(ids[key])
        groups = [pair for question_id in question_ids for pair in answered.get(question_id, ())]
        parts = _merge_parts(*(group for _instructor, group in groups))
        per_instructor: dict[int, list[dict[Part, Counts]]] = defaultdict(list)
        for instructor_id, group in groups:
            if instructor_id is not None:
                per_instructor[instructor_id].append(group)
        text_count = sum(written[question_id] for question_id in question_ids)
        counts = _flatten(parts)
        scale = meta.kind == QuestionKind.SCALE
        merged = {instructor_id: _merge_parts(*found) for instructor_id, found in per_instructor.items()}
        lines = tuple(
            sorted(
                (
                    InstructorLine(
                        instructor_id,
                        names.get(instructor_id, ""),
                        sum(_flatten(group).values()),
                        rules.mean(_flatten(group)) if scale else None,
                        points.index(group) if scale else None,
                    )
                    for instructor_id, group in merged.items()
                ),
                key=lambda line: (line.name, line.instructor_id),
            )
        )
        results.append(
            QuestionResult(
                key=key,
                text=meta.text,
                kind=meta.kind,
                section_title=meta.section_title,
                section_kind=meta.section_kind,
                in_index=scale and meta.in_index,
                count=text_count if meta.kind == QuestionKind.TEXT else sum(counts.values()),
                buckets=() if meta.kind == QuestionKind.TEXT else _buckets(meta, counts),
                mean=rules.mean(counts) if scale else None,
                index=points.index(parts) if scale else None,
                instructors=lines if meta.section_kind == SectionKind.INSTRUCTOR else (),
                question_ids=tuple(sorted(question_ids)),
            )
        )
    return tuple(results)


def _instructor_results(
    metas: Mapping[int, _Meta], by_question: Grouped, points: _Points, names: Mapping[int, str]
) -> tuple[InstructorResult, ...]:
    per: dict[int, dict[Part, Counts]] = defaultdict(dict)
    for (question_id, instructor_id), group in by_question.items():
        meta = metas.get(question_id)
        if instructor_id is not None and meta is not None and meta.in_index and meta.kind == QuestionKind.SCALE:
            per[instructor_id] = _merge_parts(per[instructor_id], group)
    out = [
        InstructorResult(
            instructor_id,
            names.get(instructor_id, ""),
            _scale_answers(_flatten(group)),
            rules.mean(_flatten(group)),
            points.index(group),
        )
        for instructor_id, group in per.items()
    ]
    return tuple(sorted(out, key=lambda r: (r.name, r.instructor_id)))


def _index_parts(metas: Mapping[int, _Meta], by_question: Grouped) -> dict[Part, Counts]:
    """The answers that count in the satisfaction index, by part."""
    chosen = [
        group
        for (question_id, _instructor), group in by_question.items()
        if (meta := metas.get(question_id)) is not None and meta.in_index and meta.kind == QuestionKind.SCALE
    ]
    return _merge_parts(*chosen)


# --- surveys --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SurveyFacts:
    pk: int
    version_id: int
    anonymous: bool
    invited: int
    responded: int
    tallied: int
    opens_at: datetime
    closes_at: datetime
    class_id: int
    term: int
    start_date: date | None
    end_date: date | None
    course_id: int
    course_title: str
    code: str

    @property
    def part(self) -> Part:
        return (self.code, _year(self.end_date, self.start_date))


def _surveys(condition: Q) -> list[_SurveyFacts]:
    rows = (
        Survey.objects.filter(condition)
        .order_by("course_class__start_date", "course_class__term", "pk")
        .values_list(
            "pk",
            "version_id",
            "anonymous",
            "invited_count",
            "response_count",
            "tallied_count",
            "opens_at",
            "closes_at",
            "course_class_id",
            "course_class__term",
            "course_class__start_date",
            "course_class__end_date",
            "course_class__course_id",
            "course_class__course__title",
            "course_class__course__organizer__jurisdiction__code",
        )
    )
    return [_SurveyFacts(*row) for row in rows]


def _summary(surveys: list[_SurveyFacts], index_parts: Mapping[Part, Counts], points: _Points) -> Summary:
    return Summary(
        classes=len(surveys),
        invited=sum(s.invited for s in surveys),
        responded=sum(s.responded for s in surveys),
        answers=_scale_answers(_flatten(index_parts)),
        index=points.index(index_parts),
        anonymous=any(s.anonymous for s in surveys),
        waiting=sum(s.responded - s.tallied for s in surveys),
    )


def _class_rows(surveys: list[_SurveyFacts], per_survey: Grouped, points: _Points) -> tuple[ClassRow, ...]:
    rows = []
    for s in surveys:
        group = per_survey.get((s.pk,), {})
        rows.append(
            ClassRow(
                class_id=s.class_id,
                course_id=s.course_id,
                course_title=s.course_title,
                term=s.term,
                start_date=s.start_date,
                end_date=s.end_date,
                opens_at=s.opens_at,
                closes_at=s.closes_at,
                invited=s.invited,
                responded=s.responded,
                answers=_scale_answers(_flatten(group)),
                index=points.index(group),
            )
        )
    return tuple(rows)


def _year_trend(
    surveys: list[_SurveyFacts], index_parts: Mapping[Part, Counts], points: _Points
) -> tuple[TrendPoint, ...]:
    years = sorted({s.part[1] for s in surveys})
    out = []
    for year in years:
        in_year = [s for s in surveys if s.part[1] == year]
        parts = {part: counts for part, counts in index_parts.items() if part[1] == year}
        out.append(
            TrendPoint(
                label=_("%(y)s 年") % {"y": year - ROC_OFFSET},
                year=year,
                class_id=None,
                day=None,
                invited=sum(s.invited for s in in_year),
                responded=sum(s.responded for s in in_year),
                answers=_scale_answers(_flatten(parts)),
                index=points.index(parts),
            )
        )
    return tuple(out)


def _names(ids: Iterable[int]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(Instructor.objects.filter(pk__in=wanted).values_list("pk", "name"))


@dataclass(frozen=True)
class _Built:
    """What every scope shares: the questions of the surveys' versions and the answers to them."""

    source: _Source
    points: _Points
    metas: dict[int, _Meta]
    by_question: Grouped
    questions: tuple[QuestionResult, ...]
    index_parts: dict[Part, Counts]
    names: dict[int, str]

    @property
    def in_index(self) -> list[int]:
        return [pk for pk, m in self.metas.items() if m.kind == QuestionKind.SCALE and m.in_index]


def _build(scope: Scope, surveys: list[_SurveyFacts], *, instructor_only: bool = False) -> _Built:
    points = _Points()
    source = _Source(scope, surveys)
    texts: dict[tuple[Any, ...], int] = {}
    by_question = source.by_part("question_id", "instructor_id", text=texts)
    metas = _metas({s.version_id for s in surveys}, instructor_only=instructor_only)
    names = _names(instructor for _q, instructor in by_question)
    questions = _questions(metas, by_question, texts, points, names)
    index_parts = _index_parts(metas, by_question)
    for s in surveys:  # every class's pack appears in the formula, even one without answers yet
        points(s.part)
    return _Built(source, points, metas, by_question, questions, index_parts, names)


# --- the scopes -----------------------------------------------------------------------------------


def class_results(course_class: CourseClass) -> Results:
    scope = Scope(Q(course_class_id=course_class.pk))
    surveys = _surveys(scope.surveys)
    built = _build(scope, surveys)
    return Results(
        scope=scope,
        summary=_summary(surveys, built.index_parts, built.points),
        formulas=built.points.formulas(),
        questions=built.questions,
        instructors=_instructor_results(built.metas, built.by_question, built.points, built.names),
    )


def course_results(course: Course) -> Results:
    """A course across all its classes and years: per question, per instructor, per class, and the
    trend by year."""
    scope = Scope(Q(course_class__course_id=course.pk))
    surveys = _surveys(scope.surveys)
    built = _build(scope, surveys)
    per_survey = built.source.per_survey(built.in_index)
    return Results(
        scope=scope,
        summary=_summary(surveys, built.index_parts, built.points),
        formulas=built.points.formulas(),
        questions=built.questions,
        instructors=_instructor_results(built.metas, built.by_question, built.points, built.names),
        classes=_class_rows(surveys, per_survey, built.points),
        trend=_year_trend(surveys, built.index_parts, built.points),
    )


def instructor_results_for_user(user: Any, instructor_id: int) -> tuple[Instructor, Results]:
    """An instructor's results in the classes the user manages (all, for an administrator):
    `instructor.not_found` when the instructor does not exist or taught none of them, alike."""
    instructor = Instructor.objects.filter(pk=instructor_id).first()
    results = instructor_results(instructor, classes_for_manager(user)) if instructor else None
    if instructor is None or results is None or not results.summary.classes:
        raise NotFound(Error.INSTRUCTOR_NOT_FOUND, _("您主辦的班期中沒有這位講座的問卷結果。"))
    return instructor, results


def instructor_results(instructor: Instructor, classes: QuerySet[CourseClass]) -> Results:
    """An instructor's answers (the instructor sections) in the `classes` given — those the user may
    see — that the instructor taught or was rated in, per question and per class, with the index
    class by class. The response rate is that of the classes."""
    answered = Tally.objects.filter(instructor_id=instructor.pk).values("survey_id")
    taught = Survey.objects.filter(course_class__sessions__instructors=instructor).values("pk")
    scope = Scope(
        Q(course_class__in=classes.order_by().values("pk")) & (Q(pk__in=answered) | Q(pk__in=taught)),
        instructor.pk,
    )
    surveys = _surveys(scope.surveys)
    built = _build(scope, surveys, instructor_only=True)
    rows = _class_rows(surveys, built.source.per_survey(built.in_index), built.points)
    trend = tuple(
        TrendPoint(
            label=_("%(course)s 第%(term)s期") % {"course": row.course_title, "term": row.term},
            year=_year(row.end_date, row.start_date),
            class_id=row.class_id,
            day=row.start_date,
            invited=row.invited,
            responded=row.responded,
            answers=row.answers,
            index=row.index,
        )
        for row in rows
    )
    return Results(
        scope=scope,
        summary=_summary(surveys, built.index_parts, built.points),
        formulas=built.points.formulas(),
        questions=built.questions,
        classes=rows,
        trend=trend,
    )


def body_condition(agency: Agency, first_year: int, last_year: int) -> Q:
    """The surveys of classes organized in the agency's subtree that ended in the years given."""
    span = (date(first_year, 1, 1), date(last_year, 12, 31))
    return Q(course_class__course__organizer__path__startswith=agency.path) & (
        Q(course_class__end_date__range=span)
        | Q(course_class__end_date__isnull=True, course_class__start_date__range=span)
    )


def body_results(agency: Agency, first_year: int, last_year: int) -> Results:
    """An organizing body and the bodies under it, over a range of years: per question, per course,
    and the trend by year."""
    scope = Scope(body_condition(agency, first_year, last_year))
    surveys = _surveys(scope.surveys)
    built = _build(scope, surveys)
    per_survey = built.source.per_survey(built.in_index)
    courses: dict[int, list[_SurveyFacts]] = defaultdict(list)
    for s in surveys:
        courses[s.course_id].append(s)
    rows = []
    for course_id, of_course in courses.items():
        group = _merge_parts(*(per_survey.get((s.pk,), {}) for s in of_course))
        rows.append(
            CourseRow(
                course_id=course_id,
                title=of_course[0].course_title,
                classes=len(of_course),
                invited=sum(s.invited for s in of_course),
                responded=sum(s.responded for s in of_course),
                answers=_scale_answers(_flatten(group)),
                index=built.points.index(group),
            )
        )
    return Results(
        scope=scope,
        summary=_summary(surveys, built.index_parts, built.points),
        formulas=built.points.formulas(),
        questions=built.questions,
        courses=tuple(sorted(rows, key=lambda r: (r.title, r.course_id))),
        trend=_year_trend(surveys, built.index_parts, built.points),
    )


def class_rows(classes: Iterable[CourseClass]) -> list[ClassRow]:
    """Rows of the results index for a page of classes that have a survey (three queries)."""
    ids = [c.pk for c in classes]
    if not ids:
        return []
    scope = Scope(Q(course_class_id__in=ids))
    surveys = _surveys(scope.surveys)
    in_index = Question.objects.filter(
        section__version_id__in={s.version_id for s in surveys}, kind=QuestionKind.SCALE, in_index=True
    ).values_list("pk", flat=True)
    per_survey = _Source(scope, surveys).per_survey(list(in_index))
    by_class = {row.class_id: row for row in _class_rows(surveys, per_survey, _Points())}
    return [by_class[pk] for pk in ids if pk in by_class]


# --- free text ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextAnswer:
    text: str
    instructor: str
    course_title: str
    term: int


def _text(row: TextRow) -> TextAnswer:
    text, instructor, course_title, term = row
    return TextAnswer(text, instructor or "", course_title, term)


class _KnownCount(Paginator):
    """A paginator told how many there are (the tallies have counted them): no COUNT query."""

    def __init__(self, object_list: Any, per_page: int, *, known: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = known


class _TextRows:
    """Sliced lazily by the paginator; each slice is one query."""

    def __init__(self, answers: QuerySet[Answer, TextRow]) -> None:
        self.answers = answers

    def __getitem__(self, item: slice) -> list[TextAnswer]:
        return [_text(row) for row in self.answers[item]]

    def __len__(self) -> int:  # pragma: no cover - the paginator is given the count
        raise TypeError("the count is known")


TextRow = tuple[str, str | None, str, int]


def _text_answers(results: Results, question: QuestionResult) -> QuerySet[Answer, TextRow]:
    answers = Answer.objects.filter(
        _prefixed(results.scope.surveys, "response__survey__"), question_id__in=question.question_ids
    )
    if results.scope.instructor_id is not None:
        answers = answers.filter(instructor_id=results.scope.instructor_id)
    # The random key orders them: not the order they came in, for anonymous surveys above all.
    return answers.order_by("id").values_list(
        "text",
        "instructor__name",
        "response__survey__course_class__course__title",
        "response__survey__course_class__term",
    )


def text_page(results: Results, question: QuestionResult, number: Any) -> Page:
    """A page of a text question's answers (TEXT_PAGE_SIZE each): the text, the instructor it was
    written about, the class — never who wrote it or when."""
    return _KnownCount(_TextRows(_text_answers(results, question)), TEXT_PAGE_SIZE, known=question.count).get_page(
        number
    )


def text_answers(results: Results) -> Iterator[tuple[QuestionResult, TextAnswer]]:
    """Every text answer, question by question (for the export)."""
    for question in results.text_questions:
        for row in _text_answers(results, question).iterator(chunk_size=2000):
            yield question, _text(row)
