"""Read an uploaded staff list into a `RawTable`: bytes in, cells out, nothing interpreted yet.

CSV is decoded as UTF-8 (with or without BOM) when it strictly is, else as Big5 through the
`cp950` codec (which, unlike strict `big5`, has 碁 and 銹); UTF-16 with a BOM is accepted too.
A file that is neither is refused, unless only a handful of characters fail (typically Big5
造字, user-defined characters no codec knows): then those cells carry U+FFFD and the
validation reports each of them by row and column. Text is NFC-normalised. .xlsx files are read
with openpyxl in read-only mode, first worksheet; cells that are real dates stay dates.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from peili.org.importing.columns import header_score
from peili.org.importing.enums import ProblemCode
from peili.org.importing.problems import Problem, problem

Cell = str | int | float | bool | date | datetime | time | None
Progress = Callable[[int, int], None]

MAX_ROWS = 200_000
# The header row may sit below a title or a printed date: look this far down for it.
HEADER_SEARCH_ROWS = 10
# A decoding is accepted with this many undecodable characters at most (reported cell by cell).
MAX_BAD_CHARACTERS = 20
REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class RawRow:
    number: int  # as the user sees it: the file's first row is 1
    cells: tuple[Cell, ...]


@dataclass
class RawTable:
    kind: str  # "xlsx" | "csv"
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp950", or "" for xlsx
    header_row: int = 0
    headers: tuple[Cell, ...] = ()
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return not self.problems and self.header_row > 0


def _replace_big5_pair(error: UnicodeError) -> tuple[str, int]:
    """Like errors="replace", but one U+FFFD for a whole undecodable two-byte Big5 character (a 造字
    such as 0xFA40), so the rest of the cell reads as written ("王\ufffd明", not "王\ufffd@明")."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    data, start = error.object, error.start
    if 0x81 <= data[start] <= 0xFE and start + 1 < len(data):
        trail = data[start + 1]
        if 0x40 <= trail <= 0x7E or 0xA1 <= trail <= 0xFE:
            return REPLACEMENT, start + 2
    return REPLACEMENT, error.end


codecs.register_error("peili-big5-replace", _replace_big5_pair)


class _Unreadable(Exception):
    def __init__(self, code: ProblemCode, **params: object) -> None:
        super().__init__(code)
        self.problem = problem(0, "", "", code, **params)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Raises `_Unreadable` when the bytes are no known encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _Unreadable(ProblemCode.FILE_ENCODING) from None
    if data.startswith(codecs.BOM_UTF8):
        data, bom = data[len(codecs.BOM_UTF8) :], True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    if not bom:
        try:
            return data.decode("cp950"), "cp950"
        except UnicodeDecodeError:
            pass
    # Neither decodes cleanly. Take the reading with fewer bad characters, if it has only a few
    # (e.g. one Big5 造字 in a name); the validation then names each cell that holds one.
    candidates = [(data.decode("utf-8", errors="replace"), "utf-8-sig" if bom else "utf-8")]
    if not bom:
        candidates.append((data.decode("cp950", errors="peili-big5-replace"), "cp950"))
    text, encoding = min(candidates, key=lambda c: c[0].count(REPLACEMENT))
    if text.count(REPLACEMENT) > MAX_BAD_CHARACTERS:
        raise _Unreadable(ProblemCode.FILE_ENCODING)
    return text, encoding


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str) -> Iterator[tuple[Cell, ...]]:
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    for record in reader:
        yield tuple(record)


def _xlsx_rows(data: bytes, progress: Progress | None) -> Iterator[tuple[Cell, ...]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _Unreadable(ProblemCode.FILE_XLSX) from None
    try:
        if not workbook.worksheets:
            raise _Unreadable(ProblemCode.FILE_EMPTY)
        sheet = workbook.worksheets[0]
        total = sheet.max_row or 0
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception:  # any parser failure on an uploaded file means "unreadable"
                raise _Unreadable(ProblemCode.FILE_XLSX) from None
            number += 1
            if progress is not None and number % 2000 == 0:
                progress(number, total)
            yield values
    finally:
        workbook.close()


def _normalise(cells: Sequence[Cell]) -> tuple[Cell, ...]:
    """NFC text, trailing empty cells dropped."""
    out = [unicodedata.normalize("NFC", c) if isinstance(c, str) and not c.isascii() else c for c in cells]
    while out and (out[-1] is None or out[-1] == ""):
        out.pop()
    return tuple(out)


def _is_blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _tabulate(table: RawTable, records: Iterable[tuple[Cell, ...]]) -> RawTable:
    for number, raw in enumerate(records, start=1):
        cells = _normalise(raw)
        if table.header_row == 0:
            if number > HEADER_SEARCH_ROWS:
                break
            if header_score(cells) >= 2:
                table.header_row, table.headers = number, cells
            continue
        if _is_blank(cells):
            continue
        if len(table.rows) >= MAX_ROWS:
            table.problems.append(problem(number, "", "", ProblemCode.FILE_TOO_MANY_ROWS, max=f"{MAX_ROWS:,}"))
            return table
        table.rows.append(RawRow(number, cells))
    if table.header_row == 0:
        table.problems.append(problem(1, "", "", ProblemCode.FILE_NO_HEADER))
    elif not table.rows:
        table.problems.append(problem(table.header_row, "", "", ProblemCode.FILE_NO_ROWS))
    return table


def read_table(data: bytes, filename: str = "", *, progress: Progress | None = None) -> RawTable:
    """Read an uploaded file. Problems that make it unreadable are in `table.problems`."""
    name = filename.lower()
    if not data.strip():
        return RawTable("", "", problems=[problem(0, "", "", ProblemCode.FILE_EMPTY)])
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: old binary .xls (or an encrypted .xlsx)
        code = ProblemCode.FILE_XLSX if name.endswith(".xlsx") else ProblemCode.FILE_XLS
        return RawTable("", "", problems=[problem(0, "", "", code)])
    try:
        if data.startswith(b"PK\x03\x04"):
            return _tabulate(RawTable("xlsx", ""), _xlsx_rows(data, progress))
        if name.endswith((".xlsx", ".xlsm", ".xls", ".ods", ".pdf", ".zip")):
            return RawTable("", "", problems=[problem(0, "", "", ProblemCode.FILE_FORMAT)])
        text, encoding = decode(data)
        if "\x00" in text:
            return RawTable("", encoding, problems=[problem(0, "", "", ProblemCode.FILE_FORMAT)])
        return _tabulate(RawTable("csv", encoding), _csv_rows(text))
    except _Unreadable as unreadable:
        return RawTable("", "", problems=[unreadable.problem])
    except csv.Error:
        return RawTable("csv", "", problems=[problem(0, "", "", ProblemCode.FILE_FORMAT)])
