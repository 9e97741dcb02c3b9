"""Opening an uploaded file for an importer: bytes in, numbered rows of cells out.

The bytes are read by `peili.core.tabular`, which bounds everything about an untrusted file: CSV
as UTF-8 (with or without BOM) when it strictly is, else Big5 through `cp950`, UTF-16 with a BOM
too — a few undecodable Big5 造字 are carried as U+FFFD for the importer to report cell by cell;
.xlsx (first worksheet; real date cells stay dates); every bound on size, rows, columns, cells and
time, and every refusal with its code (`problems.refused` makes it the file's one problem). Each
importer looks for its header row among the first `HEADER_SEARCH_ROWS` rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from peili.core.tabular import Cell

# The header row may sit below a title or a printed date: look this far down for it.
HEADER_SEARCH_ROWS = 10


def is_blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)
