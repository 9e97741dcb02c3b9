"""Read an uploaded learning-records file: bytes in, the header and a stream of rows out.

Decoding is the HR import's (`peili.org.importing.reading`): CSV as UTF-8 (with or without BOM)
when it strictly is, else Big5 through `cp950`, UTF-16 with a BOM too; a few undecodable Big5
造字 are carried as U+FFFD and reported cell by cell. .xlsx is read with openpyxl in read-only
mode (first worksheet; real date cells stay dates). The header row is the first of the first ten
that is a known layout's (`columns.detect_layout`).

Unlike the staff list, a records file may hold a million rows: the rows are not collected here but
streamed in chunks (`Table.chunks`) to the checks, which keep only what they need of each.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from peili.org.importing.reading import (
    HEADER_SEARCH_ROWS,
    REPLACEMENT,
    Cell,
    _Unreadable,
    _xlsx_rows,
    decode,
)
from peili.records.importing.columns import HeaderMap, detect_layout, match_headers
from peili.records.importing.enums import Layout, ProblemCode
from peili.records.importing.problems import Problem, problem

__all__ = ["REPLACEMENT", "Cell", "Chunk", "Table", "read_table"]

# Rows come in chunks: their numbers as the user sees them (the file's first row is 1), and their cells.
Chunk = tuple[list[int], list[Sequence[Cell]]]
CHUNK_ROWS = 20_000


@dataclass
class Table:
    kind: str  # "xlsx" | "csv" | "" (unreadable)
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp950", or "" for xlsx
    layout: Layout | None = None
    header_row: int = 0
    headers: HeaderMap | None = None
    chunks: Iterator[Chunk] = field(default_factory=lambda: iter(()))
    size_hint: int = 0  # about how many rows the file has (for progress)
    problems: list[Problem] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return not self.problems and self.headers is not None


def _unreadable(code: ProblemCode) -> Table:
    return Table("", "", problems=[problem(0, "", "", code)])


def _data_chunks(table: Table, records: Iterator[Sequence[Cell]], first: int) -> Iterator[Chunk]:
    """The rows after the header in chunks, numbered, blank ones skipped; a file that stops being
    readable half-way (a broken .xlsx) leaves its problem in `table.problems`."""
    number = first
    numbers: list[int] = []
    rows: list[Sequence[Cell]] = []
    try:
        for cells in records:
            number += 1
            if any(cells):
                numbers.append(number)
                rows.append(cells)
                if len(rows) == CHUNK_ROWS:
                    yield numbers, rows
                    numbers, rows = [], []
    except _Unreadable as unreadable:
        table.problems.append(problem(0, "", "", ProblemCode(unreadable.problem.code)))
    if rows:
        yield numbers, rows


def _tabulate(table: Table, records: Iterable[Sequence[Cell]]) -> Table:
    iterator = iter(records)
    try:
        for number in range(1, HEADER_SEARCH_ROWS + 1):
            cells = next(iterator, None)
            if cells is None:
                break
            layout = detect_layout(cells)
            if layout is not None:
                table.layout, table.header_row = layout, number
                table.headers = match_headers(layout, cells)
                table.chunks = _data_chunks(table, iterator, number)
                return table
    except _Unreadable as unreadable:
        table.problems.append(problem(0, "", "", ProblemCode(unreadable.problem.code)))
        return table
    table.problems.append(problem(1, "", "", ProblemCode.FILE_NO_HEADER))
    return table


def read_table(data: bytes, filename: str = "") -> Table:
    """Open an uploaded file. Problems that make it unreadable are in `table.problems`; the rows
    are read as `table.rows` is iterated."""
    name = filename.lower()
    if not data.strip():
        return _unreadable(ProblemCode.FILE_EMPTY)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: old binary .xls (or an encrypted .xlsx)
        return _unreadable(ProblemCode.FILE_XLSX if name.endswith(".xlsx") else ProblemCode.FILE_XLS)
    if data.startswith(b"PK\x03\x04"):
        table = Table("xlsx", "")

        def progress(_done: int, total: int) -> None:
            table.size_hint = total

        return _tabulate(table, _xlsx_rows(data, progress))
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods", ".pdf", ".zip")):
        return _unreadable(ProblemCode.FILE_FORMAT)
    try:
        text, encoding = decode(data)
    except _Unreadable:
        return _unreadable(ProblemCode.FILE_ENCODING)
    if "\x00" in text:
        return _unreadable(ProblemCode.FILE_FORMAT)
    table = Table("csv", encoding, size_hint=text.count("\n"))
    return _tabulate(table, _csv_records(text, _delimiter(text), table))


def _csv_records(text: str, delimiter: str, table: Table) -> Iterator[list[str]]:
    """The records of CSV text. Without a double quote anywhere (the portal's files never quote)
    a record is a line and its cells are split at the delimiter, several times faster than the
    csv module, with the same result; otherwise the csv module reads it."""
    unified = text.replace("\r\n", "\n")
    if '"' in unified or "\r" in unified:
        del unified
        yield from _checked(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), table)
        return
    lines = unified.split("\n")
    del unified
    if lines and not lines[-1]:
        lines.pop()  # the line end after the last record
    for line in lines:
        yield line.split(delimiter) if line else []


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the header (one of the first lines, below any title
    line) uses most."""
    lines = text[:20_000].split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    counts = {d: max(line.count(d) for line in lines) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _checked(reader: Iterator[list[str]], table: Table) -> Iterator[list[str]]:
    """CSV records; a malformed file (a quote never closed) stops with `file.format`."""
    try:
        yield from reader
    except csv.Error:
        table.problems.append(problem(0, "", "", ProblemCode.FILE_FORMAT))
