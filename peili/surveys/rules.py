"""Pure rules of surveys and reflections: checking a submitted questionnaire, the satisfaction
index and means, when a survey is open and when reminders are owed, a reflection's length.

No ORM here: inputs are frozen facts (`Item`: one question as it appears on the form, repeated per
instructor in an instructor section) and plain mappings; every number of policy comes from the
pack's `survey` section (`open_days`, `reminder_days`, `index_points`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

from peili.surveys.enums import QuestionKind, ReflectionStatus, SurveyState

SCALE = range(1, 6)  # stored scale points: 1 非常不滿意 … 5 非常滿意
# Sanity bounds of the form, not policy: a free-text answer and an option list.
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class Item:
    """One question on the form: `field` is its form field name (the question, and the instructor
    in an instructor section)."""

    question_id: int
    key: str  # the question's key, stable across template versions
    kind: str
    required: bool
    option_count: int = 0
    instructor_id: int | None = None

    @property
    def field(self) -> str:
        return field_name(self.key, self.instructor_id)


def field_name(question_key: str, instructor_id: int | None) -> str:
    """Named by the question's key (not its row), so an unfinished answer kept while the template
    moved to a new version still fills the same questions."""
    return f"q-{question_key}" if instructor_id is None else f"q-{question_key}-{instructor_id}"


@dataclass(frozen=True)
class Value:
    """One stored answer: a scale point, an option index, or text."""

    question_id: int
    instructor_id: int | None
    value: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Checked:
    values: tuple[Value, ...]
    errors: Mapping[str, str] = field(default_factory=dict)  # field → error code

    @property
    def ok(self) -> bool:
        return not self.errors


# Error codes of one question (the page words them; the API returns them in `details`).
REQUIRED = "required"
INVALID = "invalid_choice"
TOO_LONG = "too_long"


def _integers(raw: Sequence[str]) -> list[int] | None:
    try:
        return [int(item) for item in raw]
    except (TypeError, ValueError):
        return None


def check_answers(items: Iterable[Item], data: Mapping[str, Sequence[str]]) -> Checked:
    """Check a submission against the form: each required question answered, each value one of its
    choices, text within bounds. Values of unknown fields are ignored; an empty text is no answer."""
    values: list[Value] = []
    errors: dict[str, str] = {}
    for item in items:
        raw = [str(v) for v in data.get(item.field, ()) if str(v).strip() != ""]
        if not raw:
            if item.required:
                errors[item.field] = REQUIRED
            continue
        if item.kind == QuestionKind.TEXT:
            text = "\n".join(raw).strip()
            if len(text) > TEXT_LIMIT:
                errors[item.field] = TOO_LONG
                continue
            values.append(Value(item.question_id, item.instructor_id, text=text))
            continue
        numbers = _integers(raw)
        if numbers is None:
            errors[item.field] = INVALID
            continue
        allowed = SCALE if item.kind == QuestionKind.SCALE else range(item.option_count)
        if any(n not in allowed for n in numbers) or (item.kind != QuestionKind.MULTIPLE and len(numbers) > 1):
            errors[item.field] = INVALID
            continue
        for number in sorted(set(numbers)):
            values.append(Value(item.question_id, item.instructor_id, value=number))
    return Checked(tuple(values), errors)


def drafted(items: Iterable[Item], data: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """What an unfinished answer keeps: the form's own fields only, as many values as a question can
    take (one; a multiple choice's options), each at most TEXT_LIMIT characters (an option's index or
    a scale point far less) — so a sealed draft fits `sealed_size`."""
    kept: dict[str, list[str]] = {}
    for item in items:
        if item.field not in data:
            continue
        values = [str(v) for v in data[item.field]]
        if item.kind == QuestionKind.TEXT:
            kept[item.field] = [v[:TEXT_LIMIT] for v in values[:1]]
        else:
            many = max(1, item.option_count) if item.kind == QuestionKind.MULTIPLE else 1
            kept[item.field] = [v[:CHOICE_CHARS] for v in values[:many]]
    return kept


# --- anonymous answers: sealing and batches ---------------------------------------------------------

# A choice's value as typed into a draft: a scale point or an option's index.
CHOICE_CHARS = 8
# Bytes one value takes in a sealed submission or draft, besides its text (its question, instructor
# or field name and the JSON around them), with room to spare; and the envelope.
SEALED_PER_VALUE = 96
SEALED_BASE = 256
# One character of text in JSON at worst: a control character escaped as \uXXXX.
SEALED_PER_CHAR = 6


def sealed_size(items: Iterable[Item]) -> int:
    """The length every sealed submission and draft of a form is padded to: the largest either can
    be (every multiple choice ticked in full, every text at its limit), so a blob's length says
    nothing of what it holds."""
    total = SEALED_BASE
    for item in items:
        values = max(1, item.option_count) if item.kind == QuestionKind.MULTIPLE else 1
        total += values * (SEALED_PER_VALUE + len(item.field))
        if item.kind == QuestionKind.TEXT:
            total += SEALED_PER_CHAR * TEXT_LIMIT
    return total


def batch_ready(waiting: int, batch: int, *, last: bool) -> bool:
    """Whether an anonymous survey's waiting submissions are written now: once `batch` (the
    setting, at least 2) are waiting — so no batch holds a single answer that the times of the
    invitations' marks could tie to one person — or, at the survey's last batch, whatever waits."""
    return waiting >= batch or (last and waiting > 0)


def merge_with_earlier(waiting: int, batch: int, *, last: bool) -> bool:
    """Whether the last batch, smaller than a batch, is written together with every earlier response
    of the survey (all rewritten under new keys in one shuffled batch): otherwise those few
    answers would stand apart as a batch of their own."""
    return last and 0 < waiting < batch


# --- results ------------------------------------------------------------------------------------


def mean(counts: Mapping[int, int]) -> Fraction | None:
    """The mean scale point (1–5) of a question's answers, exact; None without answers."""
    total = sum(counts.values())
    if not total:
        return None
    return Fraction(sum(point * n for point, n in counts.items()), total)


def satisfaction_index(counts: Mapping[int, int], points: Sequence[int]) -> Fraction | None:
    """The 100-point satisfaction index of scale answers: Σ(answers at a point × that point's
    score) ÷ answers, with the scores from the pack (`survey.index_points`, 非常不滿意 first).
    None without answers."""
    total = sum(n for point, n in counts.items() if point in SCALE)
    if not total:
        return None
    return Fraction(sum(points[point - 1] * n for point, n in counts.items() if point in SCALE), total)


def merge(*tallies: Mapping[int, int]) -> dict[int, int]:
    """Counts added up (answers to several questions, or one question across classes)."""
    merged: dict[int, int] = {}
    for counts in tallies:
        for point, n in counts.items():
            merged[point] = merged.get(point, 0) + n
    return merged


def rate(responded: int, invited: int) -> Fraction | None:
    """The response rate (0–1); None when nobody was asked."""
    return Fraction(responded, invited) if invited else None


# --- when -----------------------------------------------------------------------------------------


def closing_day(ended_on: date, open_days: int) -> date:
    """The last day answers are taken: the class's last day plus the pack's open days."""
    return ended_on + timedelta(days=open_days)


def state(now: datetime, opens_at: datetime, closes_at: datetime) -> SurveyState:
    if now < opens_at:
        return SurveyState.SCHEDULED
    if now > closes_at:
        return SurveyState.CLOSED
    return SurveyState.OPEN


def reminders_owed(opened_on: date, today: date, reminder_days: Sequence[int], closes_on: date) -> int:
    """How many reminders should have gone out by `today`: one for each of the pack's reminder days
    (days after opening) that has come, none once the survey has closed."""
    if today > closes_on:
        return 0
    elapsed = (today - opened_on).days
    return sum(1 for day in reminder_days if day <= elapsed)


# --- reflections ----------------------------------------------------------------------------------


def reflection_length(text: str) -> int:
    """Characters that count towards a reflection's length: everything but whitespace (a Chinese
    text is counted in characters, as 字數 is)."""
    return sum(1 for ch in text if not ch.isspace())


def reflection_long_enough(text: str, min_chars: int) -> bool:
    return reflection_length(text) >= min_chars


def reflection_allows_completion(required: bool, gates_completion: bool, status: str | None) -> bool:
    """Whether the reflection lets a person complete the class: always when the class asks for none
    or the pack does not make it a condition; otherwise only once it is accepted."""
    if not required or not gates_completion:
        return True
    return status == ReflectionStatus.ACCEPTED


# --- results across packs (added with the results pages) -------------------------------------------


def combined_index(parts: Iterable[tuple[Sequence[int], Mapping[int, int]]]) -> Fraction | None:
    """The satisfaction index of scale answers scored under several packs' points (classes of
    different years or jurisdictions): each part's index weighted by its number of scale answers —
    which is Σ(answers at a point × that part's score for it) ÷ all answers, and exactly the pooled
    index when every part has the same points. None without answers."""
    weighted = total = 0
    for points, counts in parts:
        for point, n in counts.items():
            if point in SCALE:
                weighted += points[point - 1] * n
                total += n
    return Fraction(weighted, total) if total else None
