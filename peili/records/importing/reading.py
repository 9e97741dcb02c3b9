"""Read an uploaded learning-records file: bytes in, the header and a stream of rows out.

The bytes are read by `peili.core.tabular`, shared by every importer: CSV as UTF-8 (with or
without BOM) when it strictly is, else Big5 through `cp950`, UTF-16 with a BOM too — a few
undecodable Big5 造字 are carried as U+FFFD and reported cell by cell; .xlsx (first worksheet; real
date cells stay dates); every bound on size, rows, columns, cells and time, and every refusal with
its code. The header row is the first of the first ten that is a known layout's
(`columns.detect_layout`).

Unlike the staff list, a records file may hold a million rows: the rows are not collected here but
streamed in chunks (`Table.chunks`) to the checks, which keep only what they need of each. A file
that goes past a bound half-way leaves its problem in `table.problems` when the chunks stop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from peili.core.tabular import REPLACEMENT, Cell, Limits, Opened, Refusal, Row, open_rows
from peili.imports.reading import HEADER_SEARCH_ROWS
from peili.records.importing.columns import HeaderMap, detect_layout, match_headers
from peili.records.importing.enums import Layout, ProblemCode
from peili.records.importing.problems import Problem, problem, refused

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


def _data_chunks(table: Table, rows: Iterator[Row]) -> Iterator[Chunk]:
    """The rows after the header in chunks, blank ones skipped; a file that stops being readable
    half-way (a broken .xlsx, a bound passed) leaves its problem in `table.problems`."""
    numbers: list[int] = []
    cells_of: list[Sequence[Cell]] = []
    try:
        for number, cells in rows:
            if any(cells):
                numbers.append(number)
                cells_of.append(cells)
                if len(cells_of) == CHUNK_ROWS:
                    yield numbers, cells_of
                    numbers, cells_of = [], []
    except Refusal as refusal:
        table.problems.append(refused(refusal))
        return
    if cells_of:
        yield numbers, cells_of


def _tabulate(table: Table, opened: Opened) -> Table:
    for number, cells in opened.rows:
        if number > HEADER_SEARCH_ROWS:
            break
        layout = detect_layout(cells)
        if layout is not None:
            table.layout, table.header_row = layout, number
            table.headers = match_headers(layout, cells)
            table.size_hint = opened.size_hint or table.size_hint
            table.chunks = _data_chunks(table, opened.rows)
            return table
    table.problems.append(problem(1, "", "", ProblemCode.FILE_NO_HEADER))
    return table


def read_table(data: bytes, filename: str = "", *, limits: Limits | None = None) -> Table:
    """Open an uploaded file (within `limits`, by default an upload's). Problems that make it
    unreadable are in `table.problems`; the rows are read as `table.chunks` is iterated."""
    table = Table("", "")
    try:
        opened = open_rows(data, filename, limits or Limits.for_uploads())
        table.kind, table.encoding, table.size_hint = opened.kind, opened.encoding, opened.size_hint
        return _tabulate(table, opened)
    except Refusal as refusal:
        table.layout, table.header_row, table.headers = None, 0, None
        table.problems.append(refused(refusal))
        return table
