"""Read an uploaded staff list into a `RawTable`: bytes in, cells out, nothing interpreted yet.

The bytes are read by `peili.core.tabular`, which every importer shares: CSV as UTF-8 (with or
without BOM), Big5 through `cp950` or UTF-16 with a BOM; .xlsx (first worksheet; cells that are
real dates stay dates); every bound on size, rows, columns, cells and time, and every refusal with
its code. Here the header row is found among the first rows and the rows are kept; text is
NFC-normalised. A file that cannot be read has its one problem in `table.problems`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from peili.core.tabular import REPLACEMENT, Cell, Limits, Opened, Refusal, decode, normalise, open_rows
from peili.imports.reading import HEADER_SEARCH_ROWS, is_blank
from peili.org.importing.columns import header_score
from peili.org.importing.enums import ProblemCode
from peili.org.importing.problems import Problem, problem, refused

__all__ = ["REPLACEMENT", "Cell", "RawRow", "RawTable", "decode", "read_table"]

Progress = Callable[[int, int], None]

MAX_ROWS = 200_000
# Progress is reported every this many rows read.
PROGRESS_EVERY = 2000


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


def _tabulate(table: RawTable, opened: Opened, progress: Progress | None) -> RawTable:
    for count, (number, raw) in enumerate(opened.rows, start=1):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, opened.size_hint)
        cells = normalise(raw)
        if table.header_row == 0:
            if number > HEADER_SEARCH_ROWS:
                break
            if header_score(cells) >= 2:
                table.header_row, table.headers = number, cells
            continue
        if is_blank(cells):
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


def read_table(
    data: bytes, filename: str = "", *, progress: Progress | None = None, limits: Limits | None = None
) -> RawTable:
    """Read an uploaded file (within `limits`, by default an upload's). Problems that make it
    unreadable are in `table.problems`, and then no row is kept."""
    table = RawTable("", "")
    try:
        opened = open_rows(data, filename, limits or Limits.for_uploads())
        table.kind, table.encoding = opened.kind, opened.encoding
        return _tabulate(table, opened, progress)
    except Refusal as refusal:
        table.header_row, table.headers, table.rows = 0, (), []
        table.problems = [refused(refusal)]
        return table
