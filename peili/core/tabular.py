"""Reading an untrusted table file — CSV or .xlsx — into numbered rows of cells, within bounds.

Both importers (the HR staff list, learning records) read uploaded and command-line files through
here; each then finds its header and checks the cells. A file that cannot be read, or that goes past
a bound, is refused with a `Refusal`: a stable code (`FileProblem`) and a Chinese message, raised by
`open_rows` for what can be seen up front and by the row iterator for what shows while reading.

CSV is decoded as UTF-8 (with or without BOM) when it strictly is, else as Big5 through `cp950`
(which, unlike strict `big5`, has 碁 and 銹); UTF-16 with a BOM is accepted too. A file that is
neither is refused, unless only a handful of characters fail (typically Big5 造字, user-defined
characters no codec knows): those cells then carry U+FFFD for the importer to report.

The bounds (`Limits`, settings with defaults — see the README):
- the file's size;
- for .xlsx, before openpyxl touches it, from the zip's directory: the total its parts inflate to,
  and how many times larger than compressed the whole file or any large part is. The declared sizes
  can be relied on: `zipfile` stops inflating a part at its declared size (a part that says less
  than it holds fails its CRC check);
- the rows (the row number a sheet gives and the rows read), the columns of any row, the characters
  of any cell — each refused as soon as it is passed, before the rest of the file is read;
- the time: rows stop with `file.too_slow` once reading (and, for a streaming importer, checking
  what was read) has taken longer than the bound.
A sheet's `<dimension>` is never trusted: only the rows actually in the sheet are read (openpyxl's
read-only worksheet fills every row to the dimension's width and height, so a 5 KB file claiming
A1:XFD1048576 would take half an hour).

XML: no part of a workbook may have a document type declaration (Office never writes one): every XML
part's prolog is looked at before openpyxl parses anything, and the sheet is parsed here with
defusedxml, DTDs forbidden, its elements counted as they open. openpyxl parses the other parts with
defusedxml too (`openpyxl.DEFUSEDXML`, true when defusedxml is installed — a dependency for this).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._reader import CELL_TAG, DATA_TAG, DIMENSION_TAG, ROW_TAG, WorkSheetParser

from peili.core.errors import PeiliError

Cell = str | int | float | bool | date | datetime | clock_time | None
# A row as the user sees it: its number in the file (the first row is 1) and its cells.
Row = tuple[int, Sequence[Cell]]

REPLACEMENT = "\ufffd"
# A decoding is accepted with this many undecodable characters at most (reported cell by cell).
MAX_BAD_CHARACTERS = 20
# The ratio bound applies to parts larger than this: small parts (styles, themes, relationships)
# compress far better than data and are harmless whatever their ratio.
RATIO_MIN_BYTES = 1024 * 1024
# What a sheet's XML may hold besides its cells (all far above anything a spreadsheet program
# writes; each bounds memory before the limits on rows and columns can act): elements opened before
# the first row or within one row, per allowed column; and how deep elements may nest.
ELEMENTS_PER_COLUMN = 64
ELEMENTS_OUTSIDE_ROWS = 100_000
MAX_DEPTH = 32
# How far into an XML part its prolog (declaration, comments, DOCTYPE) may reach.
PROLOG_BYTES = 64 * 1024
# Check the clock every this many CSV records (a clock read per record would cost more than the read).
CLOCK_EVERY = 1024


class FileProblem(models.TextChoices):
    """Why a file cannot be read: a stable code (the problems CSV, the command and the API carry it)
    and the message shown. Some messages carry `%(name)s` placeholders."""

    EMPTY = "file.empty", _("檔案是空的。")
    FORMAT = "file.format", _("無法辨識的檔案格式：請上傳 Excel（.xlsx）或 CSV（.csv）檔。")
    XLS = "file.xls", _("不支援舊版 Excel（.xls）檔：請在 Excel 中另存為 .xlsx 或 CSV 後再上傳。")
    XLSX_UNREADABLE = "file.xlsx_unreadable", _("無法開啟這個 Excel 檔：檔案可能已損毀或有密碼保護。")
    XLSX_UNSAFE = (
        "file.xlsx_unsafe",
        _("這個 Excel 檔含有文件類型定義（DTD）或實體宣告，基於安全不予讀取：請在 Excel 中另存新檔後再上傳。"),
    )
    XLSX_TOO_LARGE = (
        "file.xlsx_too_large",
        _("這個 Excel 檔解壓縮後超過 %(max)s MB，無法讀取：請分檔，或另存為 CSV 後再上傳。"),
    )
    XLSX_RATIO = (
        "file.xlsx_ratio",
        _("這個 Excel 檔解壓縮後是原檔的 %(max)s 倍以上，不像一般的試算表，基於安全不予讀取。"),
    )
    ENCODING = (
        "file.encoding",
        _("無法辨識檔案的文字編碼：CSV 檔請以 UTF-8 或 Big5 儲存（Excel 可選「CSV UTF-8」）。"),
    )
    TOO_LARGE = "file.too_large", _("檔案超過 %(max)s MB，請分檔上傳。")
    TOO_MANY_ROWS = "file.too_many_rows", _("資料超過 %(max)s 列，請分檔匯入。")
    TOO_MANY_COLUMNS = (
        "file.too_many_columns",
        _("第 %(row)s 列超過 %(max)s 欄：請刪除多餘的欄位後再上傳。"),
    )
    CELL_TOO_LONG = "file.cell_too_long", _("第 %(row)s 列有儲存格的內容超過 %(max)s 個字。")
    TOO_SLOW = (
        "file.too_slow",
        _("讀取檔案超過 %(seconds)s 秒仍未完成，已停止，未匯入任何資料：請分檔，或另存為 CSV 後再上傳。"),
    )


class Refusal(PeiliError):
    """A file that cannot be read, with where (row 0: the file as a whole; a column's letter) and why."""

    def __init__(self, code: FileProblem, *, row: int = 0, column: str = "", **params: object) -> None:
        template = str(code.label)
        message = template % {"row": row, **params} if "%(" in template else template
        details = {"row": row, "column": column} if row else None
        super().__init__(str(code), message, status=413 if code == FileProblem.TOO_LARGE else 400, details=details)
        self.row = row
        self.column = column


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_ratio: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    seconds: float

    @classmethod
    def for_uploads(cls, **changes: Any) -> Limits:
        """The bounds of a file uploaded through a page (and the importers' default)."""
        return cls(
            max_bytes=settings.PEILI_IMPORT_MAX_BYTES,
            max_uncompressed_bytes=settings.PEILI_IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.PEILI_IMPORT_MAX_RATIO,
            max_rows=settings.PEILI_IMPORT_MAX_ROWS,
            max_columns=settings.PEILI_IMPORT_MAX_COLUMNS,
            max_cell_chars=settings.PEILI_IMPORT_MAX_CELL_CHARS,
            seconds=settings.PEILI_IMPORT_READ_SECONDS,
        ).replace(**changes)

    @classmethod
    def for_commands(cls, **changes: Any) -> Limits:
        """The bounds of a file an administrator names to a command on the server: larger files."""
        return cls.for_uploads(max_bytes=settings.PEILI_IMPORT_COMMAND_MAX_BYTES).replace(**changes)

    def replace(self, **changes: Any) -> Limits:
        return dataclasses.replace(self, **changes)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"


@dataclass
class Opened:
    """An opened file: its kind ("csv" | "xlsx"), encoding (CSV only), about how many rows it has
    (for progress: the sheet's own claim, or the CSV's lines — filled in as soon as known) and its
    rows, read as they are iterated. Iterating may raise `Refusal`."""

    kind: str
    encoding: str
    rows: Iterator[Row] = field(default_factory=lambda: iter(()))
    size_hint: int = 0


# -- up front ---------------------------------------------------------------------------------------


def _kind(data: bytes, filename: str, limits: Limits) -> str:
    """The kind of file, "xlsx" or "csv", or a refusal from what its size, first bytes and name tell."""
    if len(data) > limits.max_bytes:
        raise Refusal(FileProblem.TOO_LARGE, max=_megabytes(limits.max_bytes))
    name = filename.lower()
    if not data.strip():
        raise Refusal(FileProblem.EMPTY)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: old binary .xls (or an encrypted .xlsx)
        raise Refusal(FileProblem.XLSX_UNREADABLE if name.endswith(".xlsx") else FileProblem.XLS)
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods", ".pdf", ".zip")):
        raise Refusal(FileProblem.FORMAT)
    return "csv"


def check(data: bytes, filename: str, limits: Limits) -> None:
    """Refuse a file before it is kept or queued, with what can be known quickly: its size and
    format; for .xlsx its zip directory and XML prologs; for CSV everything (decoding, rows,
    columns, cells — a fraction of a second for the largest upload)."""
    if _kind(data, filename, limits) == "xlsx":
        _inspect(data, limits)
        return
    for _row in _open_csv(data, limits, time.monotonic() + limits.seconds).rows:
        pass


def open_rows(data: bytes, filename: str, limits: Limits) -> Opened:
    """Open a file for reading (raises `Refusal`); its rows are read as `.rows` is iterated."""
    deadline = time.monotonic() + limits.seconds
    if _kind(data, filename, limits) == "xlsx":
        return _open_xlsx(data, limits, deadline)
    return _open_csv(data, limits, deadline)


# -- CSV --------------------------------------------------------------------------------------------


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


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Raises `Refusal` when the bytes are no known encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise Refusal(FileProblem.ENCODING) from None
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
    # (e.g. one Big5 造字 in a name); the importer then names each cell that holds one.
    candidates = [(data.decode("utf-8", errors="replace"), "utf-8-sig" if bom else "utf-8")]
    if not bom:
        candidates.append((data.decode("cp950", errors="peili-big5-replace"), "cp950"))
    text, encoding = min(candidates, key=lambda c: c[0].count(REPLACEMENT))
    if text.count(REPLACEMENT) > MAX_BAD_CHARACTERS:
        raise Refusal(FileProblem.ENCODING)
    return text, encoding


# The header may sit below a title or a printed date: the delimiter is looked for this far down.
DELIMITER_SEARCH_LINES = 10


def delimiter_of(text: str) -> str:
    """Comma, tab or semicolon: whichever the header (one of the first lines, below any title
    line) uses most."""
    lines = text[:20_000].split("\n", DELIMITER_SEARCH_LINES)[:DELIMITER_SEARCH_LINES]
    counts = {d: max(line.count(d) for line in lines) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(data: bytes, limits: Limits, deadline: float) -> Opened:
    text, encoding = decode(data)
    if "\x00" in text:
        raise Refusal(FileProblem.FORMAT)
    if not text.strip():
        raise Refusal(FileProblem.EMPTY)
    delimiter = delimiter_of(text)
    unified = text.replace("\r\n", "\n")
    lines = unified.count("\n") + 1
    if '"' in unified or "\r" in unified:
        del unified
        rows = _quoted_rows(text, delimiter, limits, deadline)
    else:
        del text
        if lines > limits.max_rows:
            # Without quotes a line is a record: too many is known before reading any.
            raise Refusal(FileProblem.TOO_MANY_ROWS, max=f"{limits.max_rows:,}")
        rows = _plain_rows(unified, delimiter, limits, deadline)
    return Opened("csv", encoding, rows, size_hint=min(lines, limits.max_rows))


def _plain_rows(unified: str, delimiter: str, limits: Limits, deadline: float) -> Iterator[Row]:
    """The rows of CSV text without a double quote or a carriage return anywhere (once CRLF is LF;
    the portal's files never quote): a record is a line and its cells are split at the delimiter,
    several times faster than the csv module, with the same result. A line no longer than the cell
    bound cannot hold a cell past it, so only longer lines have their cells measured."""
    max_columns, max_chars = limits.max_columns, limits.max_cell_chars
    lines = unified.split("\n")
    del unified
    if lines and not lines[-1]:
        lines.pop()  # the line end after the last record
    for number, line in enumerate(lines, start=1):
        cells = line.split(delimiter) if line else []
        if len(cells) > max_columns:
            raise Refusal(FileProblem.TOO_MANY_COLUMNS, row=number, max=f"{max_columns:,}")
        if len(line) > max_chars:
            _check_cells(number, cells, limits)
        if number % CLOCK_EVERY == 0 and time.monotonic() > deadline:
            raise Refusal(FileProblem.TOO_SLOW, seconds=f"{limits.seconds:,.0f}")
        yield number, cells


def _quoted_rows(text: str, delimiter: str, limits: Limits, deadline: float) -> Iterator[Row]:
    """The rows of CSV text read by the csv module, within the bounds. A record it cannot read is
    `file.format`; its own bound on a field (131,072 characters) is a cell too long like any other.
    (A quote never closed takes the rest of the file into its cell, as Excel reads it.)"""
    max_rows, max_columns = limits.max_rows, limits.max_columns
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if number > max_rows:
                raise Refusal(FileProblem.TOO_MANY_ROWS, max=f"{max_rows:,}")
            if len(record) > max_columns:
                raise Refusal(FileProblem.TOO_MANY_COLUMNS, row=number, max=f"{max_columns:,}")
            _check_cells(number, record, limits)
            if number % CLOCK_EVERY == 0 and time.monotonic() > deadline:
                raise Refusal(FileProblem.TOO_SLOW, seconds=f"{limits.seconds:,.0f}")
            yield number, record
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise Refusal(FileProblem.CELL_TOO_LONG, row=number + 1, max=f"{limits.max_cell_chars:,}") from None
        raise Refusal(FileProblem.FORMAT) from None


def _check_cells(number: int, cells: Sequence[str], limits: Limits) -> None:
    for position, cell in enumerate(cells, start=1):
        if len(cell) > limits.max_cell_chars:
            raise _cell_too_long(number, position, limits)


def _cell_too_long(row: int, column: int, limits: Limits) -> Refusal:
    return Refusal(FileProblem.CELL_TOO_LONG, row=row, column=column_letter(column), max=f"{limits.max_cell_chars:,}")


def column_letter(index: int) -> str:
    """1 → A, 27 → AA, as a spreadsheet names its columns."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- .xlsx ------------------------------------------------------------------------------------------

_DECLARED_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_XML_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii"}


def _prolog_verdict(head: bytes) -> FileProblem | None:
    """None when an XML part begins with a plain prolog — declaration, comments, processing
    instructions — followed by an element within `PROLOG_BYTES`; `file.xlsx_unsafe` for a DOCTYPE
    (where entities are declared) or a prolog too long to see past; `file.xlsx_unreadable` for an
    encoding other than UTF-8/16 (its prolog could not be read here) or no element at all."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    elif head.startswith(b"<\x00"):
        text = head.decode("utf-16-le", errors="ignore")
    elif head.startswith(b"\x00<"):
        text = head.decode("utf-16-be", errors="ignore")
    else:
        text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="ignore")
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if text.startswith("<?", position):
            end = text.find("?>", position)
            if end < 0:
                return FileProblem.XLSX_UNREADABLE
            declared = _DECLARED_ENCODING.search(text, position, end)
            if declared and declared.group(1).lower() not in _XML_ENCODINGS:
                return FileProblem.XLSX_UNREADABLE
            position = end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
            if end < 0:
                return FileProblem.XLSX_UNSAFE
            position = end + 3
        elif text.startswith("<!", position):
            return FileProblem.XLSX_UNSAFE
        elif position >= len(text):
            return FileProblem.XLSX_UNSAFE if len(head) >= PROLOG_BYTES else FileProblem.XLSX_UNREADABLE
        else:
            return None  # an element (or, for a broken part, anything else: openpyxl refuses that)


def _inspect(data: bytes, limits: Limits) -> None:
    """The zip's directory and its XML parts' prologs, before anything is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception:  # any failure to read the directory of an uploaded file means "unreadable"
        raise Refusal(FileProblem.XLSX_UNREADABLE) from None
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed_bytes:
        raise Refusal(FileProblem.XLSX_TOO_LARGE, max=_megabytes(limits.max_uncompressed_bytes))
    ratio = limits.max_ratio
    if total > RATIO_MIN_BYTES and total > ratio * len(data):
        raise Refusal(FileProblem.XLSX_RATIO, max=f"{ratio:,}")
    for member in members:
        # A part's compressed size is the directory's word too: no more than the whole file.
        compressed = max(min(member.compress_size, len(data)), 1)
        if member.file_size > RATIO_MIN_BYTES and member.file_size > ratio * compressed:
            raise Refusal(FileProblem.XLSX_RATIO, max=f"{ratio:,}")
    with archive:
        for member in members:
            if not member.filename.lower().endswith((".xml", ".rels")) or member.file_size == 0:
                continue
            try:
                with archive.open(member) as part:
                    head = part.read(PROLOG_BYTES)
            except Exception:  # a part that cannot be inflated: unreadable
                raise Refusal(FileProblem.XLSX_UNREADABLE) from None
            verdict = _prolog_verdict(head)
            if verdict is not None:
                raise Refusal(verdict)


def _open_xlsx(data: bytes, limits: Limits, deadline: float) -> Opened:
    _inspect(data, limits)
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        listed = list(reader.parser.find_sheets())
    except DefusedXmlException:
        raise Refusal(FileProblem.XLSX_UNSAFE) from None
    except Exception:  # any parser failure on an uploaded file means "unreadable"
        raise Refusal(FileProblem.XLSX_UNREADABLE) from None
    targets = [rel.target for _sheet, rel in listed if "chartsheet" not in rel.Type]
    if not targets:
        reader.archive.close()
        raise Refusal(FileProblem.EMPTY)
    if targets[0] not in reader.valid_files:
        reader.archive.close()
        raise Refusal(FileProblem.XLSX_UNREADABLE)
    workbook = reader.wb
    opened = Opened("xlsx", "")
    parser = WorkSheetParser(
        None,
        reader.shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    opened.rows = _sheet_rows(
        archive=reader.archive, target=targets[0], parser=parser, limits=limits, deadline=deadline, opened=opened
    )
    return opened


def _sheet_rows(
    *,
    archive: zipfile.ZipFile,
    target: str,
    parser: WorkSheetParser,
    limits: Limits,
    deadline: float,
    opened: Opened,
) -> Iterator[Row]:
    """The sheet's rows with cells, its XML parsed here (defusedxml, no DTD) and each row handed to
    openpyxl's parser for the cell values. Elements are counted as they open, so memory is bounded
    before a row is complete: a row of two million cells is refused at the first cell past the
    limit. Rows must be numbered in ascending order, as every spreadsheet program writes them;
    empty rows are counted and skipped."""
    max_rows, max_columns = limits.max_rows, limits.max_columns
    row_budget = max_columns * ELEMENTS_PER_COLUMN
    try:
        with archive, archive.open(target) as source:
            depth = number = 0
            opened_elements = 0  # since the last row ended
            cells = 0  # in the current row
            rows_read = 0
            in_row = False
            for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
                tag = element.tag
                if event == "start":
                    depth += 1
                    opened_elements += 1
                    if depth > MAX_DEPTH:
                        raise Refusal(FileProblem.XLSX_UNREADABLE)
                    if tag == ROW_TAG:
                        in_row, cells, opened_elements = True, 0, 1
                        rows_read += 1
                        number = _row_number(element.get("r"), number)
                        if number > max_rows or rows_read > max_rows:
                            raise Refusal(FileProblem.TOO_MANY_ROWS, max=f"{max_rows:,}")
                    elif tag == CELL_TAG and in_row:
                        cells += 1
                        if cells > max_columns:
                            raise Refusal(FileProblem.TOO_MANY_COLUMNS, row=number, max=f"{max_columns:,}")
                    if opened_elements > (row_budget if in_row else ELEMENTS_OUTSIDE_ROWS):
                        raise Refusal(FileProblem.XLSX_UNREADABLE)
                    continue
                depth -= 1
                if tag == ROW_TAG:
                    in_row, opened_elements = False, 0
                    if len(element):
                        parser.row_counter = number - 1
                        _number, parsed = parser.parse_row(element)
                        element.clear()
                        yield number, _values(number, parsed, limits)
                    else:
                        element.clear()
                    if time.monotonic() > deadline:
                        raise Refusal(FileProblem.TOO_SLOW, seconds=f"{limits.seconds:,.0f}")
                elif tag == DIMENSION_TAG:
                    opened.size_hint = _claimed_rows(element.get("ref", ""), max_rows)
                elif tag == DATA_TAG:
                    return  # what follows the cells (merged ranges, print settings…) is not read
    except Refusal:
        raise
    except DefusedXmlException:
        raise Refusal(FileProblem.XLSX_UNSAFE) from None
    except Exception:  # any parser failure on an uploaded file means "unreadable"
        raise Refusal(FileProblem.XLSX_UNREADABLE) from None


def _row_number(claimed: str | None, previous: int) -> int:
    """A row's number: the one it gives (after the previous row's) or the next."""
    if claimed is None:
        return previous + 1
    number = int(claimed) if claimed.isdigit() else -1
    if number <= previous:
        raise Refusal(FileProblem.XLSX_UNREADABLE)
    return number


def _values(number: int, parsed: Sequence[dict[str, Any]], limits: Limits) -> tuple[Cell, ...]:
    """A row's values by column (the sheet may skip empty cells), within the limits."""
    if not parsed:
        return ()
    width = max(cell["column"] for cell in parsed)
    if width > limits.max_columns:
        raise Refusal(FileProblem.TOO_MANY_COLUMNS, row=number, max=f"{limits.max_columns:,}")
    values: list[Cell] = [None] * width
    for cell in parsed:
        value = cell["value"]
        if isinstance(value, str) and len(value) > limits.max_cell_chars:
            raise _cell_too_long(number, cell["column"], limits)
        if cell["column"] >= 1:
            values[cell["column"] - 1] = value
    return tuple(values)


def _claimed_rows(ref: str, max_rows: int) -> int:
    """How many rows a `<dimension ref="A1:V2000">` claims (for progress only), at most `max_rows`."""
    digits = re.search(r"(\d+)\s*$", ref)
    return min(int(digits.group(1)), max_rows) if digits else 0


def normalise(cells: Sequence[Cell]) -> tuple[Cell, ...]:
    """NFC text, trailing empty cells dropped."""
    out = [unicodedata.normalize("NFC", c) if isinstance(c, str) and not c.isascii() else c for c in cells]
    while out and (out[-1] is None or out[-1] == ""):
        out.pop()
    return tuple(out)
