"""Pure checks of a learning-records file: `parse(table, options)` reads every row, groups the rows
that make one record (a course split across category codes comes as one row per code), and
reports every problem with its row, column, value, a stable code and the Chinese message;
`resolve(parsed, people, scope, existing)` matches the records to people (by national ID), checks
the importer's scope and finds what was imported before. No ORM: the service loads the people and
the existing keys and passes them in.

Built for a million rows: each distinct cell value (a date, an hours figure, a national ID, a
course name) is parsed once and remembered, and a row costs a few dictionary look-ups.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple, cast

from django.utils import translation

from peili.core import roc
from peili.core.tabular import REPLACEMENT, Cell
from peili.core.text import FORMULA_START, Refusal, shown_char
from peili.imports.cells import cell_date, code_text, plain_text, refusal_params, text_refusal
from peili.imports.enums import BaseProblemCode
from peili.org.importing.rules import Scope, national_id_text
from peili.org.rules import national_id_bad_character, national_id_problem
from peili.records import rules as ledger
from peili.records.enums import LearningMode
from peili.records.importing.columns import COLUMNS, HeaderMap
from peili.records.importing.enums import Layout, ProblemCode
from peili.records.importing.problems import Problem, problem, sort_key
from peili.records.importing.reading import Chunk, Table

ZERO = Decimal(0)
# The ledger's hours columns hold six digits, one of them after the point.
MAX_HOURS = Decimal(100_000)
# `LearningRecord.external_key` is 64 characters.
MAX_KEY_LENGTH = 64
HASH_PREFIX = "h:"
# Problems kept for the report (the counts are always complete): errors first, then warnings.
MAX_KEPT = 100_000

_CODE = re.compile(r"^[0-9A-Za-z]{1,10}$")
_PAIR_SEPARATORS = re.compile(r"[;；,，、\s]+")
_PAIR = re.compile(r"^([0-9A-Za-z]{1,10})[:：=](.+)$")
_PAIR_MARK = re.compile(r"[:：=]")
_ID_PROBLEMS = {
    "national_id.missing": BaseProblemCode.VALUE_REQUIRED,
    "national_id.length": BaseProblemCode.NATIONAL_ID_LENGTH,
    "national_id.format": BaseProblemCode.NATIONAL_ID_FORMAT,
    "national_id.checksum": BaseProblemCode.NATIONAL_ID_CHECKSUM,
}
# Files are written in Chinese whatever language the importer reads: the labels are taken in zh-hant.
with translation.override("zh-hant"):
    _MODE_LABELS = {str(mode.label): mode.value for mode in LearningMode}
_MODE_WORDS = {**_MODE_LABELS, **{mode.value: mode.value for mode in LearningMode}, "數位學習": "digital"}

ProgressCallback = Callable[[int, int], None]
# Told of each chunk's new records (their keys and national IDs known), so that the service can
# look them up while the rest of the file is read.
RecordsCallback = Callable[[list["Entry"]], None]


@dataclass(frozen=True)
class Options:
    """What the checks need besides the file."""

    today: date
    mode_codes: Mapping[str, str]  # learning mode → the portal's 學習性質 code (the pack's portal.mode_codes)
    hours_unit_code: str = ""  # the portal's 訓練總數單位 code for hours ("" = not checked)
    source_system: str = ""  # names the system the file's record ids come from


@dataclass(frozen=True, slots=True)
class PersonFact:
    """A person the file names, as stored."""

    id: int
    name: str
    agency_path: str


class Entry:
    """One learning record gathered from one or more rows."""

    __slots__ = (
        "bad",
        "certified",
        "classroom",
        "code_rows",
        "digital",
        "end",
        "key",
        "mode",
        "name",
        "national_id",
        "person_id",
        "provider",
        "record_id",
        "row",
        "split",
        "start",
        "term",
        "title",
    )

    def __init__(  # noqa: PLR0917 - made a million times, positionally
        self,
        row: int,
        national_id: str,
        title: str,
        start: date,
        end: date,
        term: str,
    ) -> None:
        self.row = row  # the first row of the record
        self.national_id = national_id
        self.name = ""
        self.title = title
        self.provider = ""
        self.start = start
        self.end = end
        self.term = term
        self.mode = ""
        self.certified = ZERO
        self.digital: Decimal | None = ZERO
        self.classroom: Decimal | None = ZERO
        self.split: dict[str, Decimal | None] = {}
        self.code_rows: dict[str, int] | None = None  # code → its row, once a record has a second row
        self.record_id = ""
        self.key = ""
        self.bad = False
        self.person_id = 0

    @property
    def year(self) -> int:
        return ledger.learning_year(self.end)

    def hours_split(self) -> dict[str, Decimal]:
        return {code: hours or ZERO for code, hours in self.split.items()}


class Problems:
    """Every problem found, counted; the first `MAX_KEPT` errors and warnings kept for the report."""

    def __init__(self, limit: int = MAX_KEPT) -> None:
        self.limit = limit
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.error_count = 0
        self.warning_count = 0

    def add(self, found: Problem) -> None:
        if found.is_error:
            self.error_count += 1
            if len(self.errors) < self.limit:
                self.errors.append(found)
        else:
            self.warning_count += 1
            if len(self.warnings) < self.limit:
                self.warnings.append(found)

    @property
    def total(self) -> int:
        return self.error_count + self.warning_count

    def sorted(self) -> list[Problem]:
        return sorted([*self.errors, *self.warnings], key=sort_key)


@dataclass
class Parsed:
    layout: Layout | None
    header_row: int = 0
    labels: dict[str, str] = field(default_factory=dict)  # column key → its header as written
    row_count: int = 0
    entries: list[Entry] = field(default_factory=list)
    bad_rows: int = 0  # rows that could not be placed in any record (a bad national ID, course or date)
    file_ok: bool = True  # False: the file or its columns are wrong, so no row can be loaded
    problems: Problems = field(default_factory=Problems)


@dataclass
class Plan:
    """What a load would do: the records to write, those imported before, and what cannot be loaded."""

    new: list[Entry] = field(default_factory=list)
    duplicates: list[Entry] = field(default_factory=list)
    bad: int = 0  # records (and stray rows) with an error

    def pairs(self) -> set[tuple[int, int]]:
        """(person id, year) of every record to write: the standings to recompute."""
        return {(e.person_id, e.year) for e in self.new}


# -- cell values -----------------------------------------------------------------------------------


class _Bad:
    """A cell value that is wrong, remembered like a good one (the same bad value recurs)."""

    __slots__ = ("code", "params")

    def __init__(self, code: ProblemCode | BaseProblemCode, /, **params: object) -> None:
        self.code = code
        self.params = params


_REQUIRED = _Bad(BaseProblemCode.VALUE_REQUIRED)


def _blank(raw: Cell) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def national_id_value(raw: Cell) -> str | _Bad:
    text = national_id_text(raw)
    reason = national_id_problem(text)
    if reason == "national_id.characters":
        return _Bad(BaseProblemCode.NATIONAL_ID_CHARACTERS, char=shown_char(national_id_bad_character(text) or ""))
    return text if reason is None else _Bad(_ID_PROBLEMS[reason])


def _refused(found: Refusal) -> _Bad:
    return _Bad(BaseProblemCode(found.code), **refusal_params(found))


def date_value(raw: Cell) -> date | _Bad:
    if _blank(raw):
        return _REQUIRED
    try:
        return cell_date(raw)
    except roc.ROCDateError as error:
        return _Bad(ProblemCode.DATE_INVALID, reason=error.reason.rstrip("。"))


def hours_value(raw: Cell, *, blank: Decimal | None = None, required: bool = True) -> Decimal | _Bad | None:
    """Hours as the portal certifies them: a number with at most one decimal place, not negative."""
    if _blank(raw):
        return _REQUIRED if required else blank
    if isinstance(raw, bool):
        return _Bad(ProblemCode.HOURS_INVALID)
    try:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(code_text(raw))
    except InvalidOperation:
        return _Bad(ProblemCode.HOURS_INVALID)
    if not value.is_finite():
        return _Bad(ProblemCode.HOURS_INVALID)
    # Bounded before quantizing: a number beyond the context's 28 digits (1e308) cannot be quantized.
    if value >= MAX_HOURS:
        return _Bad(ProblemCode.HOURS_TOO_LARGE, max=ledger.hours_text(MAX_HOURS))
    if value <= -MAX_HOURS:
        return _Bad(ProblemCode.HOURS_NEGATIVE)
    if value != value.quantize(Decimal("0.1"), rounding="ROUND_DOWN"):
        return _Bad(ProblemCode.HOURS_INVALID)
    if value < 0:
        return _Bad(ProblemCode.HOURS_NEGATIVE)
    return value.quantize(Decimal("0.1")) + ZERO  # one decimal place, as stored


def text_value(raw: Cell, max_length: int | None, *, required: bool = True, title: bool = False) -> str | _Bad:
    """A text cell: refused with characters nobody sees; a title also when it starts like a formula
    (a term or provider of "-" is a blank some systems write)."""
    text = plain_text(raw)
    if not text:
        return _REQUIRED if required else ""
    if REPLACEMENT in text:
        return _Bad(BaseProblemCode.CELL_UNDECODABLE)
    refused = text_refusal(raw)
    if refused is not None and (title or refused.code != FORMULA_START):
        return _refused(refused)
    if max_length is not None and len(text) > max_length:
        return _Bad(BaseProblemCode.VALUE_TOO_LONG, max=max_length)
    return text


def name_value(raw: Cell) -> str | _Bad:
    """A person's name only confirms the match by national ID: an undecodable 造字 in it is no error
    (the name then differs from the stored one and is reported as a warning)."""
    text = plain_text(raw)
    if not text:
        return _REQUIRED
    # U+FFFD (an undecodable 造字, a symbol to `core.text`) is let through, as said above.
    refused = text_refusal(raw.replace(REPLACEMENT, "") if isinstance(raw, str) else raw, name=True)
    if refused is not None:
        return _refused(refused)
    return text if len(text) <= 60 else _Bad(BaseProblemCode.VALUE_TOO_LONG, max=60)


def code_value(raw: Cell) -> str | _Bad:
    text = code_text(raw)
    if not text:
        return _REQUIRED
    return text.upper() if _CODE.match(text) else _Bad(ProblemCode.CODE_INVALID)


def mode_words(mode_codes: Mapping[str, str]) -> dict[str, str]:
    """What a 學習性質 cell may say → the learning mode: 數位／實體／混成, the internal names, and the
    portal's codes (1, 2, 3 in the national pack)."""
    words = dict(_MODE_WORDS)
    for mode, code in mode_codes.items():
        words[str(code)] = mode
    return words


def mode_choices(mode_codes: Mapping[str, str]) -> str:
    with translation.override("zh-hant"):
        labels = {mode.value: str(mode.label) for mode in LearningMode}
    return "、".join(f"{labels.get(mode, mode)}（{code}）" for mode, code in mode_codes.items()) or "、".join(
        labels.values()
    )


def _key_text(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


def content_key(national_id: str, title: str, start: date, end: date, term: str) -> str:
    """The de-duplication key of a record without a record id: a stable hash of who, what and when
    (the course name without spaces, full-width folded, case-folded; the term when the file has one)."""
    text = f"{national_id}\x1f{_key_text(title)}\x1f{start.isoformat()}\x1f{end.isoformat()}\x1f{_key_text(term)}"
    return HASH_PREFIX + hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


class _ContentKeys:
    """`content_key` for many records, the dates' and terms' texts remembered."""

    def __init__(self) -> None:
        self.days: dict[date, str] = {}
        self.terms: dict[str, str] = {}

    def key(self, entry: Entry) -> str:
        days, terms = self.days, self.terms
        start = days.get(entry.start) or days.setdefault(entry.start, entry.start.isoformat())
        end = days.get(entry.end) or days.setdefault(entry.end, entry.end.isoformat())
        term = terms.get(entry.term)
        if term is None:
            term = terms[entry.term] = _key_text(entry.term)
        text = f"{entry.national_id}\x1f{_key_text(entry.title)}\x1f{start}\x1f{end}\x1f{term}"
        return HASH_PREFIX + hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def record_id_key(source_system: str, record_id: str) -> str:
    return f"{source_system}:{record_id}"


def names_match(in_file: str, stored: str) -> bool:
    return _key_text(in_file) == _key_text(stored)


# -- reading the rows -----------------------------------------------------------------------------
#
# A chunk of rows is read column by column: each column's cells are mapped through a memo of the
# values seen so far (`_Memo`: a dict whose misses parse), which runs in C for every repeated value;
# a column is scanned for wrong values only when its memo holds one. Then one loop over the chunk
# gathers the rows into records.


class _Memo(dict[Cell, object]):
    """Parsed values by cell: a miss parses the cell and remembers the result, good or bad."""

    def __init__(self, parse: Callable[[Cell], object]) -> None:
        super().__init__()
        self.parse = parse
        self.has_bad = False

    def __missing__(self, raw: Cell) -> object:
        value = self.parse(raw)
        if value.__class__ is _Bad:
            self.has_bad = True
        self[raw] = value
        return value


class _Read(NamedTuple):
    """A chunk read column by column."""

    numbers: list[int]  # each row's number in the file
    rows: list[Sequence[Cell]]
    keys: list[list[object]]  # the key columns' values, column by column
    values: list[list[object]]  # the other columns' values
    bad_keys: set[int]  # places in the chunk of rows with a wrong key value (reported)
    bad_values: set[int]  # ... with another wrong value (reported)


def _shown(value: object) -> str:
    if isinstance(value, date):
        return roc.format_short(value)
    if isinstance(value, Decimal):
        return ledger.hours_text(value)
    return "" if value is None else str(value)


class _Checker:
    """Reads the chunks of one table; the memos and the records gathered so far live here.
    Subclasses know their layout's columns and how rows make a record."""

    key_columns: tuple[str, ...] = ()  # the columns that say which record a row belongs to
    value_columns: tuple[str, ...] = ()

    def __init__(self, headers: HeaderMap, options: Options, parsed: Parsed) -> None:
        self.headers = headers
        self.options = options
        self.parsed = parsed
        self.problems = parsed.problems
        self.labels = parsed.labels
        self.lengths = {c.key: c.max_length for c in COLUMNS[headers.layout]}
        self.width = max(headers.index.values(), default=0) + 1
        self.records: dict[tuple[object, ...], Entry] = {}
        self.modes = mode_words(options.mode_codes)
        self.mode_choices = mode_choices(options.mode_codes)
        self.today_shown = roc.format_short(options.today)
        parsers = self.parsers()
        self.memos = {key: _Memo(parsers[key]) for key in (*self.key_columns, *self.value_columns)}
        self.content_keys = _ContentKeys()

    def parsers(self) -> dict[str, Callable[[Cell], object]]:
        raise NotImplementedError

    def report(self, row: int, key: str, raw: object, code: ProblemCode | BaseProblemCode, /, **params: object) -> None:
        self.problems.add(problem(row, self.labels.get(key, key), raw, code, **params))

    def columns(
        self, numbers: list[int], rows: list[Sequence[Cell]], keys: Sequence[str]
    ) -> tuple[list[list[object]], set[int]]:
        """The chunk's values of each column in `keys` (an absent column: its blank value on every
        row), and the rows (by place in the chunk) where any of them is wrong — each wrong cell
        reported."""
        index = self.headers.index
        values: list[list[object]] = []
        bad: set[int] = set()
        for key in keys:
            memo = self.memos[key]
            position = index.get(key)
            if position is None:
                values.append([memo[None]] * len(rows))
                continue
            column = list(map(memo.__getitem__, map(itemgetter(position), rows)))
            values.append(column)
            if memo.has_bad:
                label = self.labels[key]
                for place, value in enumerate(column):
                    if value.__class__ is _Bad:
                        wrong = cast("_Bad", value)
                        raw = rows[place][position]
                        self.problems.add(problem(numbers[place], label, raw, wrong.code, **wrong.params))
                        bad.add(place)
        return values, bad

    def run(
        self,
        chunks: Iterator[Chunk],
        progress: ProgressCallback | None,
        total: int,
        on_records: RecordsCallback | None,
    ) -> None:
        width = self.width
        count = 0
        entries = self.parsed.entries
        for numbers, chunk in chunks:
            rows = chunk
            if min(map(len, chunk)) < width:
                rows = [r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in chunk]
            keys, bad_keys = self.columns(numbers, rows, self.key_columns)
            values, bad_values = self.columns(numbers, rows, self.value_columns)
            known = len(entries)
            self.gather(_Read(numbers, rows, keys, values, bad_keys, bad_values))
            if on_records is not None:
                on_records(entries[known:])
            count += len(rows)
            if progress is not None:
                progress(count, total)
        self.parsed.row_count = count

    def gather(self, read: _Read) -> None:
        """Gather a chunk's rows into records."""
        raise NotImplementedError

    def mode_value(self, raw: Cell) -> str | _Bad:
        text = code_text(raw)
        if not text:
            return _REQUIRED
        found = self.modes.get(text) or self.modes.get(text.lower())
        return found if found is not None else _Bad(ProblemCode.MODE_INVALID, choices=self.mode_choices)

    def finish(self, entries: list[Entry]) -> None:
        """The checks of whole records, once every row is read; the key of each good one."""
        today = self.options.today
        for entry in entries:
            if entry.end < entry.start:
                self.report(
                    entry.row,
                    "end_date",
                    roc.format_short(entry.end),
                    ProblemCode.DATE_ORDER,
                    start=roc.format_short(entry.start),
                )
                entry.bad = True
            elif entry.end > today:
                self.report(
                    entry.row, "end_date", roc.format_short(entry.end), ProblemCode.DATE_FUTURE, today=self.today_shown
                )
                entry.bad = True


class _PortalChecker(_Checker):
    """The portal's layout: one row per person, course and category code. Rows with the same
    national ID, course name, dates and term are one record: each row gives its code's hours
    (訓練總數) and its share of digital and classroom hours, which are summed."""

    key_columns = ("national_id", "title", "start_date", "end_date", "term")
    value_columns = ("name", "code", "hours", "mode", "digital_hours", "classroom_hours", "unit")

    def parsers(self) -> dict[str, Callable[[Cell], object]]:
        unit_code = self.options.hours_unit_code

        def unit_value(raw: Cell) -> str | _Bad:
            text = code_text(raw)
            if text and unit_code and text != unit_code:
                return _Bad(ProblemCode.HOURS_UNIT, code=unit_code)
            return text

        title_length, term_length = self.lengths["title"], self.lengths["term"]
        return {
            "national_id": national_id_value,
            "title": lambda raw: text_value(raw, title_length, title=True),
            "start_date": date_value,
            "end_date": date_value,
            "term": lambda raw: text_value(raw, term_length, required=False),
            "name": name_value,
            "code": code_value,
            "hours": hours_value,
            "unit": unit_value,
            "mode": self.mode_value,
            "digital_hours": hours_value,
            "classroom_hours": hours_value,
        }

    def gather(self, read: _Read) -> None:
        records = self.records
        entries = self.parsed.entries
        content_key_of = self.content_keys.key
        numbers, bad_keys, bad_values = read.numbers, read.bad_keys, read.bad_values
        checked = bool(bad_keys or bad_values)
        place = -1
        row_values: tuple[Any, ...]
        for key, row_values in zip(zip(*read.keys, strict=True), zip(*read.values, strict=True), strict=True):
            place += 1
            if checked and place in bad_keys:
                self.parsed.bad_rows += 1
                continue
            entry = records.get(key)
            if entry is None:
                entry = records[key] = Entry(numbers[place], *key)
                entry.key = content_key_of(entry)
                entries.append(entry)
                if checked and place in bad_values:
                    entry.bad = True
                    continue
                name, code, hours, mode, digital, classroom, _unit = row_values
                entry.name, entry.mode = name, mode
                entry.split[code] = hours
                entry.certified, entry.digital, entry.classroom = hours, digital, classroom
                if digital + classroom != hours:
                    self._mode_mismatch(numbers[place], hours, digital, classroom)
                    entry.bad = True
                continue
            if checked and place in bad_values:
                entry.bad = True
                continue
            self._another_row(entry, numbers[place], read.rows[place], row_values)

    def _another_row(self, entry: Entry, number: int, cells: Sequence[Cell], values: tuple[Any, ...]) -> None:
        """A further row of a record: another category code's hours."""
        name, code, hours, mode, digital, classroom, _unit = values
        if not entry.bad and (name != entry.name or mode != entry.mode):
            key, other = ("name", entry.name) if name != entry.name else ("mode", entry.mode)
            other = self.options.mode_codes.get(other, other) if key == "mode" else other
            raw = cells[self.headers.index[key]]
            self.report(number, key, raw, ProblemCode.GROUP_INCONSISTENT, row=entry.row, other=other)
            entry.bad = True
        split = entry.split
        if code in split:
            first = entry.code_rows.get(code, entry.row) if entry.code_rows else entry.row
            self.report(number, "code", code, ProblemCode.ROW_DUPLICATE, row=first, code=code)
            entry.bad = True
            return
        if entry.code_rows is None:
            entry.code_rows = dict.fromkeys(split, entry.row)
        entry.code_rows[code] = number
        split[code] = hours
        if digital + classroom != hours:
            self._mode_mismatch(number, hours, digital, classroom)
            entry.bad = True
        entry.certified += hours
        entry.digital += digital
        entry.classroom += classroom

    def _mode_mismatch(self, number: int, hours: Decimal, digital: Decimal, classroom: Decimal) -> None:
        self.report(
            number,
            "hours",
            ledger.hours_text(hours),
            ProblemCode.HOURS_MODE_MISMATCH,
            digital=ledger.hours_text(digital),
            classroom=ledger.hours_text(classroom),
            what=self.labels["hours"],
            hours=ledger.hours_text(hours),
        )

    def finish(self, entries: list[Entry]) -> None:
        super().finish(entries)
        for entry in entries:
            if not entry.bad and entry.certified <= 0:
                self.report(entry.row, "hours", "0", ProblemCode.HOURS_ZERO)
                entry.bad = True


class _TemplateChecker(_Checker):
    """Peili's template: one row per record with its split written `201:2;303:1` (or one code and
    its hours in 類別時數), or one row per record and code, the record's own columns repeated."""

    key_columns = ("national_id", "title", "start_date", "end_date", "term", "record_id")
    value_columns = (
        "name",
        "provider",
        "certified_hours",
        "digital_hours",
        "classroom_hours",
        "mode",
        "codes",
        "code_hours",
    )

    def parsers(self) -> dict[str, Callable[[Cell], object]]:
        title_length, term_length = self.lengths["title"], self.lengths["term"]
        provider_length = self.lengths["provider"]
        optional_hours = partial(hours_value, required=False)
        return {
            "national_id": national_id_value,
            "title": lambda raw: text_value(raw, title_length, title=True),
            "start_date": date_value,
            "end_date": date_value,
            "term": lambda raw: text_value(raw, term_length, required=False),
            "record_id": self.record_id_value,
            "name": name_value,
            "provider": lambda raw: text_value(raw, provider_length, required=False),
            "certified_hours": hours_value,
            "digital_hours": optional_hours,
            "classroom_hours": optional_hours,
            "mode": self.mode_value,
            "codes": split_value,
            "code_hours": optional_hours,
        }

    def record_id_value(self, raw: Cell) -> str | _Bad:
        """Record ids name records only together with the source system's name (without it, ids of
        two systems could collide): otherwise they are ignored and the content key is used."""
        system = self.options.source_system
        text = code_text(raw)
        if not system or not text:
            return ""
        if len(record_id_key(system, text)) > MAX_KEY_LENGTH:
            return _Bad(ProblemCode.RECORD_ID_TOO_LONG, max=MAX_KEY_LENGTH)
        return text

    def gather(self, read: _Read) -> None:
        records = self.records
        entries = self.parsed.entries
        numbers, bad_keys, bad_values = read.numbers, read.bad_keys, read.bad_values
        checked = bool(bad_keys or bad_values)
        system = self.options.source_system
        key: tuple[Any, ...]
        row_values: tuple[Any, ...]
        rows = zip(zip(*read.keys, strict=True), zip(*read.values, strict=True), strict=True)
        for place, (key, row_values) in enumerate(rows):
            if checked and place in bad_keys:
                self.parsed.bad_rows += 1
                continue
            record_id = key[5]
            record_key = ("id", record_id) if record_id else key[:5]
            number = numbers[place]
            entry = records.get(record_key)
            if entry is None:
                entry = records[record_key] = Entry(number, *key[:5])
                entry.record_id = record_id
                entry.key = record_id_key(system, record_id) if record_id else self.content_keys.key(entry)
                entries.append(entry)
                if checked and place in bad_values:
                    entry.bad = True
                    continue
                name, provider, certified, digital, classroom, mode, _codes, _code_hours = row_values
                entry.name, entry.provider, entry.mode = name, provider, mode
                entry.certified, entry.digital, entry.classroom = certified, digital, classroom
            elif checked and place in bad_values:
                entry.bad = True
                continue
            elif not entry.bad and self._differs(entry, number, read.rows[place], key, row_values):
                entry.bad = True
            self._add(entry, number, row_values[6], row_values[7])

    def _differs(
        self,
        entry: Entry,
        number: int,
        cells: Sequence[Cell],
        keys: Sequence[object],
        values: Sequence[object],
    ) -> bool:
        """A second row of a record must repeat the record's columns: the first that differs is reported."""
        name, provider, certified, digital, classroom, mode, _codes, _code_hours = values
        national_id, title, start, end, term, _record_id = keys
        pairs = (
            ("national_id", national_id, entry.national_id),
            ("name", name, entry.name),
            ("title", title, entry.title),
            ("start_date", start, entry.start),
            ("end_date", end, entry.end),
            ("term", term, entry.term),
            ("provider", provider, entry.provider),
            ("mode", mode, entry.mode),
            ("certified_hours", certified, entry.certified),
            ("digital_hours", digital, entry.digital),
            ("classroom_hours", classroom, entry.classroom),
        )
        for key, here, first in pairs:
            if here != first:
                position = self.headers.index.get(key)
                raw = cells[position] if position is not None else here
                self.report(number, key, raw, ProblemCode.GROUP_INCONSISTENT, row=entry.row, other=_shown(first))
                return True
        return False

    def _add(
        self, entry: Entry, number: int, pairs: tuple[tuple[str, Decimal | None], ...], code_hours: Decimal | None
    ) -> None:
        if code_hours is not None:
            if len(pairs) == 1 and pairs[0][1] is None:
                pairs = ((pairs[0][0], code_hours),)
            elif code_hours != sum((h or ZERO for _c, h in pairs), ZERO):
                self.report(number, "code_hours", ledger.hours_text(code_hours), ProblemCode.SPLIT_FORMAT)
                entry.bad = True
                return
        split = entry.split
        for code, hours in pairs:
            if code in split:
                first = entry.code_rows.get(code, entry.row) if entry.code_rows else entry.row
                self.report(number, "codes", code, ProblemCode.ROW_DUPLICATE, row=first, code=code)
                entry.bad = True
                continue
            if split and number != entry.row:
                if entry.code_rows is None:
                    entry.code_rows = dict.fromkeys(split, entry.row)
                entry.code_rows[code] = number
            split[code] = hours

    def finish(self, entries: list[Entry]) -> None:
        super().finish(entries)
        split_column = "code_hours" if "code_hours" in self.headers.index else "codes"
        for entry in entries:
            if entry.bad:
                continue
            row = entry.row
            missing = [code for code, hours in entry.split.items() if hours is None]
            if missing and len(entry.split) > 1:
                self.report(row, split_column, "", ProblemCode.SPLIT_HOURS_MISSING)
                entry.bad = True
                continue
            if missing:
                entry.split[missing[0]] = entry.certified
            if entry.certified <= 0:
                self.report(row, "certified_hours", ledger.hours_text(entry.certified), ProblemCode.HOURS_ZERO)
                entry.bad = True
                continue
            split = entry.hours_split()
            if not ledger.split_matches(entry.certified, split):
                self.report(
                    row,
                    split_column,
                    ";".join(f"{c}:{ledger.hours_text(h)}" for c, h in split.items()),
                    ProblemCode.SPLIT_MISMATCH,
                    total=ledger.hours_text(ledger.split_total(split)),
                    hours=ledger.hours_text(entry.certified),
                )
                entry.bad = True
            self._mode_hours(entry)

    def _mode_hours(self, entry: Entry) -> None:
        """Digital and classroom hours: both blank → from the learning mode (a blended course must
        give them); otherwise a blank one is 0 and they add up to the certified hours."""
        if entry.digital is None and entry.classroom is None:
            if entry.mode == LearningMode.BLENDED:
                self.report(entry.row, "digital_hours", "", ProblemCode.MODE_HOURS_REQUIRED)
                entry.bad = True
                return
            digital = entry.mode == LearningMode.DIGITAL
            entry.digital, entry.classroom = (entry.certified, ZERO) if digital else (ZERO, entry.certified)
            return
        entry.digital = entry.digital or ZERO
        entry.classroom = entry.classroom or ZERO
        if entry.digital + entry.classroom != entry.certified:
            self.report(
                entry.row,
                "certified_hours",
                ledger.hours_text(entry.certified),
                ProblemCode.HOURS_MODE_MISMATCH,
                digital=ledger.hours_text(entry.digital),
                classroom=ledger.hours_text(entry.classroom),
                what=self.labels["certified_hours"],
                hours=ledger.hours_text(entry.certified),
            )
            entry.bad = True


def split_value(raw: Cell) -> tuple[tuple[str, Decimal | None], ...] | _Bad:
    """A template's 類別代碼 cell: `201` → ((201, None),); `201:2;303:1` → ((201, 2), (303, 1))."""
    text = code_text(raw)
    if not text:
        return _REQUIRED
    if _CODE.match(text):
        return ((text.upper(), None),)
    parts = [p for p in _PAIR_SEPARATORS.split(text) if p]
    if all(_CODE.match(p) for p in parts):  # 201;303: several codes, no hours
        return _Bad(ProblemCode.SPLIT_HOURS_MISSING)
    if len(parts) == 1 and not _PAIR_MARK.search(text):  # one code, mistyped
        return _Bad(ProblemCode.CODE_INVALID)
    pairs: list[tuple[str, Decimal | None]] = []
    for part in parts:
        match = _PAIR.match(part)
        if match is None:
            return _Bad(ProblemCode.SPLIT_FORMAT)
        hours = hours_value(match.group(2))
        if not isinstance(hours, Decimal):
            return _Bad(ProblemCode.SPLIT_FORMAT)
        pairs.append((match.group(1).upper(), hours))
    return tuple(pairs)


_CHECKERS: dict[Layout, type[_Checker]] = {Layout.PORTAL: _PortalChecker, Layout.TEMPLATE: _TemplateChecker}


def parse(
    table: Table,
    options: Options,
    *,
    progress: ProgressCallback | None = None,
    on_records: RecordsCallback | None = None,
) -> Parsed:
    """Read and check every row of an opened file (see the module's docstring). Each record's key
    is known as soon as its first row is read; `on_records` is told of each chunk's new records."""
    parsed = Parsed(layout=table.layout, header_row=table.header_row)
    for found in table.problems:
        parsed.problems.add(found)
    headers = table.headers
    if table.problems or headers is None:
        parsed.file_ok = False
        return parsed
    parsed.labels = {c.key: headers.label(c.key) for c in COLUMNS[headers.layout]}
    for column in headers.missing():
        parsed.problems.add(
            problem(table.header_row, column.header, "", BaseProblemCode.COLUMN_MISSING, column=column.header)
        )
    for position, first in headers.duplicates:
        text = headers.headers[position]
        parsed.problems.add(
            problem(table.header_row, text, text, ProblemCode.COLUMN_DUPLICATE, column=text, first=first + 1)
        )
    if parsed.problems.error_count:
        parsed.file_ok = False
        return parsed
    known = len(table.problems)
    checker = _CHECKERS[headers.layout](headers, options, parsed)
    checker.run(table.chunks, progress, table.size_hint, on_records)
    for found in table.problems[known:]:  # the file stopped being readable half-way
        parsed.problems.add(found)
        parsed.file_ok = False
    if parsed.row_count == 0 and parsed.file_ok:
        parsed.problems.add(problem(table.header_row, "", "", ProblemCode.FILE_NO_ROWS))
        parsed.file_ok = False
    checker.finish(parsed.entries)
    return parsed


# -- people and records imported before -----------------------------------------------------------


def resolve(
    parsed: Parsed,
    people: Mapping[str, PersonFact],
    scope: Scope,
    existing: Set[str],
) -> Plan:
    """Match each record to its person (by national ID) and sort the records into new ones, those
    imported before (`existing` keys: skipped, not an error) and those that cannot be loaded.
    Problems go to `parsed.problems`."""
    plan = Plan(bad=parsed.bad_rows)
    if not parsed.file_ok:
        return plan
    id_label = parsed.labels.get("national_id", "")
    name_label = parsed.labels.get("name", "")
    add = parsed.problems.add
    names_checked: dict[tuple[str, str], bool] = {}
    first_rows: dict[str, int] = {}
    for entry in parsed.entries:
        person = people.get(entry.national_id)
        if person is None:
            add(problem(entry.row, id_label, entry.national_id, ProblemCode.PERSON_UNKNOWN))
            entry.bad = True
        elif not scope.covers(person.agency_path):
            add(problem(entry.row, id_label, entry.national_id, ProblemCode.PERSON_OUTSIDE_SCOPE))
            entry.bad = True
        else:
            entry.person_id = person.id
            if entry.name and entry.name != person.name:
                same = names_checked.get((entry.name, person.name))
                if same is None:
                    same = names_checked[(entry.name, person.name)] = names_match(entry.name, person.name)
                if not same:
                    add(problem(entry.row, name_label, entry.name, ProblemCode.NAME_DIFFERS, name=person.name))
        if not entry.bad:
            # Two records of the file with one key: the same course written twice (the course name
            # differing only in spaces or full-width letters).
            first = first_rows.setdefault(entry.key, entry.row)
            if first != entry.row:
                add(
                    problem(
                        entry.row, parsed.labels.get("title", ""), entry.title, ProblemCode.RECORD_DUPLICATE, row=first
                    )
                )
                entry.bad = True
        if entry.bad:
            plan.bad += 1
        elif entry.key in existing:
            plan.duplicates.append(entry)
        else:
            plan.new.append(entry)
    return plan
