"""The project's own corpus of malformed import files, generated here (never committed as binaries).

Each `Case` is a file as an uploader could send it — broken zips, zip bombs, billion laughs and
external entities in every XML part of a workbook, sheets whose `<dimension>` lies, a million
columns, cells longer than Excel allows, too many rows, every encoding mistake a CSV can carry —
built from two clean files (a staff list for the HR import, a portal export for the
learning-records import) so that the mutations reach the checks behind the reading too.

`tests/test_importing_corpus.py` feeds every case through both importers (`make fuzz-imports`;
the normal suite runs the cases marked `quick`). A case says what it must come to:

- `expect`: the file-level code both importers refuse it with (e.g. `file.xlsx_unsafe`);
- `own`: what the importer of its layout answers — `loaded` (whole) or a code; the other
  importer refuses it with some code;
- neither: the rows decide — refused with a code, or loaded whole.

`python -m tests.importing_corpus DIR` writes the files to DIR, to open them by hand.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from tests.org import fixtures as hr
from tests.records import importing_files as rec

HR_TODAY = hr.TODAY
RECORDS_TODAY = rec.TODAY
MB = 1024 * 1024

# The people the records base file names (the corpus test creates them) and the staff the HR base
# file creates.
RECORD_PEOPLE = [rec.nid(n) for n in (1, 2, 3)]
HR_ROWS = 3


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    build: Callable[[], bytes]
    layout: str = ""  # "hr" | "records" | "" (neither: the content is not a table of either)
    expect: str = ""  # the file-level code both importers answer
    own: str = ""  # what the importer of `layout` answers: "loaded" (whole) or a code
    quick: bool = False  # also in the normal test suite
    crash: str = ""  # a known crash, fixed by a change of its own (the test expects it to fail)

    def __post_init__(self) -> None:
        assert not (self.expect and self.own), self.name
        assert not self.own or self.layout, self.name


# -- the clean tables ------------------------------------------------------------------------------


def hr_table() -> list[list[object]]:
    keys = [h.rstrip("*") for h in hr.HEADER]
    rows = [hr.person_row(n) for n in range(1, HR_ROWS + 1)]
    return [list(hr.HEADER), *([row.get(k, "") for k in keys] for row in rows)]


def records_table() -> list[list[object]]:
    rows = [
        rec.portal_row(RECORD_PEOPLE[0], name="王小明", code="201", hours="2", digital="2", mode="1"),
        rec.portal_row(RECORD_PEOPLE[0], name="王小明", code="303", hours="1", digital="1", mode="1"),
        rec.portal_row(RECORD_PEOPLE[1], name="林美玲", title="人權教育", code="301", hours="3"),
        rec.portal_row(RECORD_PEOPLE[2], name="陳志明", title="行政中立", code="301", hours="2"),
    ]
    return [list(rec.PORTAL_HEADER), *rows]


TABLES: dict[str, Callable[[], list[list[object]]]] = {"hr": hr_table, "records": records_table}


def csv_text(table: Sequence[Sequence[object]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in table:
        writer.writerow(["" if c is None else c for c in row])
    return out.getvalue()


# -- a workbook written part by part, as Excel writes it --------------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"
XML_PARTS = [CONTENT_TYPES, ROOT_RELS, WORKBOOK, WORKBOOK_RELS, SHEET, STRINGS, STYLES]

SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def content_types(sheet_type: str = SHEET_TYPE) -> str:
    return (
        DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )


ROOT_RELS_XML = (
    DECLARATION + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_XML = (
    DECLARATION + f'<workbook xmlns="{NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="名冊" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS_XML = (
    DECLARATION + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 1 is a date (built-in number format 14), as Excel stores a typed-in date.
STYLES_XML = (
    DECLARATION + f'<styleSheet xmlns="{NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA (any width: the corpus writes columns past Excel's XFD on purpose)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_serial(value: date) -> int:
    return (value - date(1899, 12, 30)).days


def sheet_xml(
    table: Sequence[Sequence[object]],
    *,
    shared: bool = True,
    dimension: str | None = "auto",
    references: bool = True,
    strings: list[str] | None = None,
    first_row: int = 1,
) -> str:
    """The worksheet part. Text goes to `strings` (the shared-string table) unless `shared` is off
    (inline strings); dates are serial numbers with the date style."""
    index: dict[str, int] = {}
    rows = []
    for r, row in enumerate(table, start=first_row):
        cells = []
        for c, value in enumerate(row, start=1):
            ref = f' r="{column_letter(c)}{r}"' if references else ""
            if value is None or value == "":
                if not references:
                    cells.append("<c/>")  # without references, an empty cell keeps the next in place
                continue
            if isinstance(value, bool):
                cells.append(f'<c{ref} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, datetime | date):
                day = value.date() if isinstance(value, datetime) else value
                cells.append(f'<c{ref} s="1"><v>{excel_serial(day)}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f"<c{ref}><v>{value}</v></c>")
            elif shared and strings is not None:
                text = str(value)
                if text not in index:
                    index[text] = len(strings)
                    strings.append(text)
                cells.append(f'<c{ref} t="s"><v>{index[text]}</v></c>')
            else:
                cells.append(f'<c{ref} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        rows.append(f'<row r="{r}">' + "".join(cells) + "</row>" if references else "<row>" + "".join(cells) + "</row>")
    width = max((len(row) for row in table), default=1)
    last = first_row + len(table) - 1
    ref = f"A1:{column_letter(width)}{max(last, 1)}" if dimension == "auto" else dimension
    dim = f'<dimension ref="{ref}"/>' if ref else ""
    return DECLARATION + f'<worksheet xmlns="{NS}">{dim}<sheetData>' + "".join(rows) + "</sheetData></worksheet>"


def strings_xml(strings: Sequence[str]) -> str:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return DECLARATION + f'<sst xmlns="{NS}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'


def workbook_parts(table: Sequence[Sequence[object]], **sheet_options: object) -> dict[str, bytes]:
    strings: list[str] = []
    sheet = sheet_xml(table, strings=strings, **sheet_options)  # type: ignore[arg-type]
    return {
        CONTENT_TYPES: content_types().encode(),
        ROOT_RELS: ROOT_RELS_XML.encode(),
        WORKBOOK: WORKBOOK_XML.encode(),
        WORKBOOK_RELS: WORKBOOK_RELS_XML.encode(),
        SHEET: sheet.encode(),
        STRINGS: strings_xml(strings).encode(),
        STYLES: STYLES_XML.encode(),
    }


def zipped(parts: Mapping[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def workbook(layout: str, **sheet_options: object) -> bytes:
    return zipped(workbook_parts(TABLES[layout](), **sheet_options))


def with_part(layout: str, name: str, change: Callable[[bytes], bytes | None]) -> bytes:
    """The clean workbook of `layout` with one part changed (None: the part left out)."""
    parts = workbook_parts(TABLES[layout]())
    body = change(parts[name])
    if body is None:
        del parts[name]
    else:
        parts[name] = body
    return zipped(parts)


def with_sheet(layout: str, sheet: str, strings: Sequence[str] = (), *, stored: bool = False) -> bytes:
    """The clean workbook of `layout` with another sheet. `stored`: not compressed, for sheets so
    repetitive that their compression ratio alone would refuse them before the bound they test."""
    parts = workbook_parts(TABLES[layout]())
    parts[SHEET] = sheet.encode()
    if strings:
        parts[STRINGS] = strings_xml(strings).encode()
    return zipped(parts, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)


def sheet_of(rows_xml: str, dimension: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return DECLARATION + f'<worksheet xmlns="{NS}">{dim}<sheetData>{rows_xml}</sheetData></worksheet>'


def header_row_xml(layout: str) -> str:
    header = TABLES[layout]()[0]
    cells = "".join(
        f'<c r="{column_letter(c)}1" t="inlineStr"><is><t>{escape(str(h))}</t></is></c>'
        for c, h in enumerate(header, start=1)
    )
    return f'<row r="1">{cells}</row>'


# -- XML that must never be expanded or fetched ----------------------------------------------------


def _body_after_declaration(body: bytes) -> bytes:
    return body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body


def _root_tag(body: bytes) -> bytes:
    rest = _body_after_declaration(body).lstrip()
    return rest[1:].split(b" ", 1)[0].split(b">", 1)[0]


def _first_text_slot(body: bytes) -> int:
    """Where entity references go: inside the first element's text, or just after the root opens."""
    for marker in (b"<t>", b"<v>"):
        at = body.find(marker)
        if at >= 0:
            return at + len(marker)
    rest_at = len(body) - len(_body_after_declaration(body))
    return body.index(b">", body.index(b"<", rest_at)) + 1


def with_doctype(body: bytes, internal_subset: bytes, reference: bytes) -> bytes:
    declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    rest = _body_after_declaration(body).lstrip()
    doctype = b"<!DOCTYPE " + _root_tag(body) + b" [" + internal_subset + b"]>\n"
    slot = _first_text_slot(rest)
    return declaration + doctype + rest[:slot] + reference + rest[slot:]


def billion_laughs(body: bytes) -> bytes:
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, 10)
    )
    return with_doctype(body, entities, b"&lol9;")


def quadratic_blowup(body: bytes) -> bytes:
    return with_doctype(body, b'<!ENTITY a "' + b"x" * 50_000 + b'">', b"&a;" * 50_000)


def external_entity(body: bytes) -> bytes:
    return with_doctype(body, b'<!ENTITY xxe SYSTEM "file:///etc/passwd">', b"&xxe;")


def external_parameter_entity(body: bytes) -> bytes:
    return with_doctype(body, b'<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;', b"")


def external_dtd(body: bytes) -> bytes:
    rest = _body_after_declaration(body).lstrip()
    return b'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">\n' + rest


def harmless_doctype(body: bytes) -> bytes:
    return with_doctype(body, b"", b"")


# -- zips that lie or explode -----------------------------------------------------------------------


def deflated_member(name: str, chunks: Iterable[bytes]) -> tuple[zipfile.ZipInfo, bytes]:
    """A deflated member written from chunks, without holding the uncompressed whole."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, size, parts = 0, 0, []
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.CRC, info.file_size = crc, size
    data = b"".join(parts)
    info.compress_size = len(data)
    return info, data


def raw_zip(members: Sequence[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """Members already compressed, written with their (possibly lying) sizes."""
    out = io.BytesIO()
    central = []
    for info, data in members:
        offset = out.tell()
        name = info.filename.encode()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                0,
                info.compress_type,
                0,
                0x5C21,
                info.CRC,
                len(data),
                info.file_size,
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(data)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                info.compress_type,
                0,
                0x5C21,
                info.CRC,
                len(data),
                info.file_size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def clean_members(layout: str, *, leave_out: Iterable[str] = ()) -> list[tuple[zipfile.ZipInfo, bytes]]:
    skipped = set(leave_out)
    return [
        deflated_member(name, [body]) for name, body in workbook_parts(TABLES[layout]()).items() if name not in skipped
    ]


def repeated(chunk: bytes, total: int) -> Iterable[bytes]:
    block = chunk * max(1, MB // len(chunk))
    sent = 0
    while sent < total:
        piece = block[: total - sent]
        sent += len(piece)
        yield piece


def bomb_sheet(total: int) -> Iterable[bytes]:
    """A well-formed sheet that inflates to `total` bytes: the header, then empty rows."""
    head = (sheet_of(header_row_xml("hr")).split("</sheetData>")[0]).encode()
    yield head
    yield from repeated(b"<row/>", total - len(head) - 30)
    yield b"</sheetData></worksheet>"


def zip_bomb(layout: str, name: str, total: int, filler: bytes = b"\0") -> bytes:
    members = clean_members(layout, leave_out=[name])
    chunks = bomb_sheet(total) if name == SHEET else repeated(filler, total)
    return raw_zip([*members, deflated_member(name, chunks)])


def many_members_bomb(count: int, each: int) -> bytes:
    members = clean_members("hr")
    members += [deflated_member(f"xl/media/image{n}.png", repeated(b"\0", each)) for n in range(count)]
    return raw_zip(members)


def lying_sizes(layout: str) -> bytes:
    """The sheet says it inflates to 2 KB; it inflates to 50 MB."""
    members = clean_members(layout, leave_out=[SHEET])
    info, data = deflated_member(SHEET, bomb_sheet(50 * MB))
    info.file_size = 2048
    return raw_zip([*members, (info, data)])


def unused_or(name: str, code: str) -> dict[str, str]:
    """What a broken part comes to: `code`, unless it is the package's root relationships, which
    openpyxl never reads (it finds the workbook by its content type): the file then loads."""
    return {"layout": "hr", "own": "loaded"} if name == ROOT_RELS else {"expect": code}


def truncated(data: bytes, share: float) -> bytes:
    return data[: int(len(data) * share)]


def flipped(data: bytes, at: float) -> bytes:
    """One byte inside the sheet's compressed data inverted."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    position = start + int(info.compress_size * at)
    return data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]


# -- CSV helpers -----------------------------------------------------------------------------------


def hr_csv(encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    return csv_text(hr_table(), delimiter).encode(encoding)


def records_csv(encoding: str = "cp950", delimiter: str = ",") -> bytes:
    return csv_text(records_table(), delimiter).encode(encoding)


CSV = {"hr": hr_csv, "records": records_csv}
ENCODING = {"hr": "utf-8", "records": "cp950"}


def csv_with(layout: str, change: Callable[[list[list[object]]], list[list[object]]], encoding: str = "") -> bytes:
    return csv_text(change(TABLES[layout]())).encode(encoding or ENCODING[layout])


def set_cell(row: int, column: int, value: object) -> Callable[[list[list[object]]], list[list[object]]]:
    def change(table: list[list[object]]) -> list[list[object]]:
        table[row][column] = value
        return table

    return change


def randomness(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


# -- the cases -------------------------------------------------------------------------------------


def cases() -> list[Case]:
    out: list[Case] = []

    def add(name: str, filename: str, build: Callable[[], bytes], **options: object) -> None:
        out.append(Case(name, filename, build, **options))  # type: ignore[arg-type]

    layouts = ("hr", "records")

    # Clean files: loaded whole by their importer, refused by the other's header check.
    for layout in layouts:
        add(
            f"{layout}-xlsx-shared-strings",
            "x.xlsx",
            lambda lay=layout: workbook(lay),
            layout=layout,
            own="loaded",
            quick=True,
        )
        add(
            f"{layout}-xlsx-inline-strings",
            "x.xlsx",
            lambda lay=layout: workbook(lay, shared=False),
            layout=layout,
            own="loaded",
        )
        add(
            f"{layout}-xlsx-no-dimension",
            "x.xlsx",
            lambda lay=layout: workbook(lay, dimension=None),
            layout=layout,
            own="loaded",
        )
        add(
            f"{layout}-xlsx-no-references",
            "x.xlsx",
            lambda lay=layout: workbook(lay, references=False),
            layout=layout,
            own="loaded",
        )
        # The sheet claims every cell Excel has (A1:XFD1048576): only what is there is read.
        add(
            f"{layout}-xlsx-dimension-claims-everything",
            "x.xlsx",
            lambda lay=layout: workbook(lay, dimension="A1:XFD1048576"),
            layout=layout,
            own="loaded",
            quick=True,
        )
        add(
            f"{layout}-xlsx-dimension-garbage",
            "x.xlsx",
            lambda lay=layout: workbook(lay, dimension="ZZZZZZ9:A"),
            layout=layout,
        )
        add(f"{layout}-xlsx-named-csv", "x.csv", lambda lay=layout: workbook(lay), layout=layout, own="loaded")
        add(
            f"{layout}-xlsx-stored",
            "x.xlsx",
            lambda lay=layout: zipped(workbook_parts(TABLES[lay]()), zipfile.ZIP_STORED),
            layout=layout,
            own="loaded",
        )
        add(
            f"{layout}-csv-utf8", "x.csv", lambda lay=layout: CSV[lay]("utf-8"), layout=layout, own="loaded", quick=True
        )
        add(
            f"{layout}-csv-utf8-bom",
            "x.csv",
            lambda lay=layout: codecs.BOM_UTF8 + CSV[lay]("utf-8"),
            layout=layout,
            own="loaded",
        )
        add(
            f"{layout}-csv-big5", "x.csv", lambda lay=layout: CSV[lay]("cp950"), layout=layout, own="loaded", quick=True
        )
        add(
            f"{layout}-csv-utf16-tab", "x.txt", lambda lay=layout: CSV[lay]("utf-16", "\t"), layout=layout, own="loaded"
        )
        add(
            f"{layout}-csv-utf16be-bom",
            "x.csv",
            lambda lay=layout: codecs.BOM_UTF16_BE + CSV[lay]("utf-16-be"),
            layout=layout,
            own="loaded",
        )
        add(f"{layout}-csv-semicolon", "x.csv", lambda lay=layout: CSV[lay]("utf-8", ";"), layout=layout, own="loaded")
        add(
            f"{layout}-csv-title-lines",
            "x.csv",
            lambda lay=layout: ("名冊\r\n製表日期 115/01/02\r\n" + csv_text(TABLES[lay]())).encode("utf-8"),
            layout=layout,
            own="loaded",
        )
        add(
            f"{layout}-csv-cr-only",
            "x.csv",
            lambda lay=layout: csv_text(TABLES[lay]()).replace("\r\n", "\r").encode("utf-8"),
            layout=layout,
        )
        add(
            f"{layout}-csv-lf-only-no-final-newline",
            "x.csv",
            lambda lay=layout: csv_text(TABLES[lay]()).replace("\r\n", "\n").rstrip("\n").encode("utf-8"),
            layout=layout,
            own="loaded",
        )

    # Broken zips.
    for layout in layouts:
        for share in (0.02, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97, 0.995):
            add(
                f"{layout}-xlsx-truncated-{share}",
                "x.xlsx",
                lambda lay=layout, s=share: truncated(workbook(lay), s),
                expect="file.xlsx_unreadable",
                quick=share == 0.5,
            )
    for at in (0.0, 0.2, 0.5, 0.8, 0.99):
        add(
            f"xlsx-sheet-bit-flip-{at}",
            "x.xlsx",
            lambda a=at: flipped(workbook("hr"), a),
            expect="file.xlsx_unreadable",
        )
    add("xlsx-zip-header-only", "x.xlsx", lambda: b"PK\x03\x04", expect="file.xlsx_unreadable", quick=True)
    add("xlsx-zip-end-record-only", "x.xlsx", lambda: b"PK\x05\x06" + b"\0" * 18, expect="file.format")
    add("xlsx-zip-of-text", "x.xlsx", lambda: zipped({"readme.txt": b"hello"}), expect="file.xlsx_unreadable")
    add(
        "xlsx-zip-of-ods",
        "x.xlsx",
        lambda: zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-encrypted-ole2",
        "x.xlsx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000,
        expect="file.xlsx_unreadable",
    )
    add("xls-ole2", "x.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, expect="file.xls", quick=True)

    # Zip bombs: refused from the zip's directory, before any part is inflated.
    add("xlsx-bomb-sheet-400mb", "x.xlsx", lambda: zip_bomb("hr", SHEET, 400 * MB), expect="file.xlsx_too_large")
    add("xlsx-bomb-strings-400mb", "x.xlsx", lambda: zip_bomb("hr", STRINGS, 400 * MB), expect="file.xlsx_too_large")
    add(
        "xlsx-bomb-media-400mb",
        "x.xlsx",
        lambda: zip_bomb("hr", "xl/media/image1.png", 400 * MB),
        expect="file.xlsx_too_large",
    )
    add("xlsx-bomb-many-members", "x.xlsx", lambda: many_members_bomb(400, MB), expect="file.xlsx_too_large")
    add("xlsx-bomb-sheet-ratio", "x.xlsx", lambda: zip_bomb("hr", SHEET, 40 * MB), expect="file.xlsx_ratio", quick=True)
    add("xlsx-bomb-records-ratio", "x.xlsx", lambda: zip_bomb("records", SHEET, 40 * MB), expect="file.xlsx_ratio")
    add("xlsx-bomb-styles-ratio", "x.xlsx", lambda: zip_bomb("hr", STYLES, 20 * MB, b" "), expect="file.xlsx_ratio")
    add("xlsx-lying-sizes", "x.xlsx", lambda: lying_sizes("hr"), expect="file.xlsx_unreadable", quick=True)

    # Parts missing, or not what they say.
    for layout in layouts:
        for name in XML_PARTS:
            add(
                f"{layout}-xlsx-missing-{name}", "x.xlsx", lambda lay=layout, n=name: with_part(lay, n, lambda _b: None)
            )
    add(
        "xlsx-sheet-typed-as-text",
        "x.xlsx",
        lambda: with_part("hr", CONTENT_TYPES, lambda _b: content_types("text/plain").encode()),
    )
    add(
        "xlsx-content-types-garbage",
        "x.xlsx",
        lambda: with_part("hr", CONTENT_TYPES, lambda _b: b"not xml at all"),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-no-workbook-type",
        "x.xlsx",
        lambda: with_part(
            "hr",
            CONTENT_TYPES,
            lambda b: b.replace(b"spreadsheetml.sheet.main+xml", b"spreadsheetml.template+xml"),
        ),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-no-sheets",
        "x.xlsx",
        lambda: with_part(
            "hr", WORKBOOK, lambda b: b.replace('<sheet name="名冊" sheetId="1" r:id="rId1"/>'.encode(), b"")
        ),
        expect="file.empty",
    )
    add(
        "xlsx-sheet-target-missing",
        "x.xlsx",
        lambda: with_part("hr", WORKBOOK_RELS, lambda b: b.replace(b"worksheets/sheet1.xml", b"worksheets/nope.xml")),
        expect="file.xlsx_unreadable",
    )

    # Every XML part with a DTD: entities are never expanded, nothing outside the file is fetched.
    for name in XML_PARTS:
        short = name.rsplit("/", 1)[-1]
        add(
            f"xlsx-billion-laughs-{short}",
            "x.xlsx",
            lambda n=name: with_part("hr", n, billion_laughs),
            expect="file.xlsx_unsafe",
            quick=name == STRINGS,
        )
        add(
            f"xlsx-quadratic-blowup-{short}",
            "x.xlsx",
            lambda n=name: with_part("hr", n, quadratic_blowup),
            expect="file.xlsx_unsafe",
        )
        add(
            f"xlsx-external-entity-{short}",
            "x.xlsx",
            lambda n=name: with_part("hr", n, external_entity),
            expect="file.xlsx_unsafe",
            quick=name == WORKBOOK,
        )
        add(
            f"xlsx-external-parameter-entity-{short}",
            "x.xlsx",
            lambda n=name: with_part("hr", n, external_parameter_entity),
            expect="file.xlsx_unsafe",
        )
        add(
            f"xlsx-external-dtd-{short}",
            "x.xlsx",
            lambda n=name: with_part("hr", n, external_dtd),
            expect="file.xlsx_unsafe",
        )
        add(
            f"xlsx-harmless-doctype-{short}",
            "x.xlsx",
            lambda n=name: with_part("hr", n, harmless_doctype),
            expect="file.xlsx_unsafe",
        )
        add(
            f"xlsx-truncated-xml-{short}",
            "x.xlsx",
            lambda n=name: with_part("hr", n, lambda b: b[: len(b) // 2]),
            **unused_or(name, "file.xlsx_unreadable"),
            quick=name == WORKBOOK,
        )
        add(
            f"xlsx-empty-part-{short}",
            "x.xlsx",
            lambda n=name: with_part("hr", n, lambda _b: b""),
            **unused_or(name, "file.xlsx_unreadable"),
        )
        add(
            f"xlsx-garbage-part-{short}",
            "x.xlsx",
            lambda n=name: with_part("hr", n, lambda _b: randomness(len(n), 3000)),
            **unused_or(name, "file.xlsx_unreadable"),
        )
    add(
        "records-xlsx-billion-laughs-sheet",
        "x.xlsx",
        lambda: with_part("records", SHEET, billion_laughs),
        expect="file.xlsx_unsafe",
    )
    add(
        "records-xlsx-external-entity-strings",
        "x.xlsx",
        lambda: with_part("records", STRINGS, external_entity),
        expect="file.xlsx_unsafe",
    )

    # Sheets that are well-formed XML but not what a spreadsheet holds.
    add(
        "xlsx-one-row-20000-cells",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + "<row>" + "<c><v>1</v></c>" * 20_000 + "</row>")),
        expect="file.too_many_columns",
        quick=True,
    )
    add(
        "xlsx-one-row-2-million-cells",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of("<row>" + "<c/>" * 2_000_000 + "</row>"), stored=True),
        expect="file.too_many_columns",
    )
    add(
        "xlsx-cell-at-xfd",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + '<row r="2"><c r="XFD2"><v>1</v></c></row>')),
        expect="file.too_many_columns",
    )
    add(
        "xlsx-cell-past-xfd",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + '<row r="2"><c r="ZZZZ2"><v>1</v></c></row>')),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-row-two-billion",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + '<row r="2000000000"><c><v>1</v></c></row>')),
        expect="file.too_many_rows",
        quick=True,
    )
    add(
        "xlsx-row-number-not-a-number",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + '<row r="two"><c><v>1</v></c></row>')),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-2-million-empty-rows",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + "<row/>" * 2_000_001), stored=True),
        layout="hr",
        own="file.too_many_rows",
    )
    add(
        "xlsx-the-same-row-2-million-times",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + '<row r="2"/>' * 2_000_001), stored=True),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-rows-in-descending-order",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + '<row r="9"><c><v>1</v></c></row><row r="5"/>')),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-cell-nested-100000-deep",
        "x.xlsx",
        lambda: with_sheet(
            "hr", sheet_of(header_row_xml("hr") + "<row><c>" + "<x>" * 100_000 + "</x>" * 100_000 + "</c></row>")
        ),
        expect="file.xlsx_unreadable",
        quick=True,
    )
    add(
        "xlsx-cell-with-300000-values",
        "x.xlsx",
        lambda: with_sheet(
            "hr", sheet_of(header_row_xml("hr") + "<row><c>" + "<v>1</v>" * 300_000 + "</c></row>"), stored=True
        ),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-300000-elements-before-the-rows",
        "x.xlsx",
        lambda: with_sheet(
            "hr",
            DECLARATION
            + f'<worksheet xmlns="{NS}"><cols>'
            + '<col min="1" max="1" width="9"/>' * 300_000
            + "</cols><sheetData>"
            + header_row_xml("hr")
            + "</sheetData></worksheet>",
            stored=True,
        ),
        expect="file.xlsx_unreadable",
    )
    for layout in layouts:
        add(
            f"{layout}-xlsx-shared-string-100k-chars",
            "x.xlsx",
            lambda lay=layout: workbook_with_cell(lay, "名" * 100_000),
            expect="file.cell_too_long",
            quick=layout == "records",
        )
        add(
            f"{layout}-xlsx-inline-string-100k-chars",
            "x.xlsx",
            lambda lay=layout: zipped(workbook_parts(set_cell(1, 2, "x" * 100_000)(TABLES[lay]()), shared=False)),
            expect="file.cell_too_long",
        )
        add(
            f"{layout}-xlsx-header-only",
            "x.xlsx",
            lambda lay=layout: zipped(workbook_parts(TABLES[lay]()[:1])),
            layout=layout,
            own="file.no_rows",
        )
        add(
            f"{layout}-xlsx-header-below-title",
            "x.xlsx",
            lambda lay=layout: zipped(workbook_parts([["名冊"], [], *TABLES[lay]()])),
            layout=layout,
            own="loaded",
        )
        add(
            f"{layout}-xlsx-header-on-row-12",
            "x.xlsx",
            lambda lay=layout: zipped(workbook_parts([["x"]] * 11 + TABLES[lay]())),
            expect="file.no_header",
        )
        add(
            f"{layout}-xlsx-header-only-after-gap",
            "x.xlsx",
            lambda lay=layout: with_sheet(
                lay, sheet_of(header_row_xml(lay) + '<row r="1048576"><c><v>1</v></c></row>')
            ),
            layout=layout,
        )
    add("xlsx-empty-sheet", "x.xlsx", lambda: with_sheet("hr", sheet_of("")), expect="file.no_header", quick=True)
    add(
        "xlsx-shared-string-index-out-of-range",
        "x.xlsx",
        lambda: with_sheet(
            "hr", sheet_of(header_row_xml("hr") + '<row r="2"><c r="A2" t="s"><v>99999</v></c></row>'), ["a"]
        ),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-shared-string-index-negative",
        "x.xlsx",
        lambda: with_sheet(
            "hr", sheet_of(header_row_xml("hr") + '<row r="2"><c r="A2" t="s"><v>-1</v></c></row>'), ["a"]
        ),
    )
    add(
        "xlsx-shared-string-index-text",
        "x.xlsx",
        lambda: with_sheet(
            "hr", sheet_of(header_row_xml("hr") + '<row r="2"><c r="A2" t="s"><v>abc</v></c></row>'), ["a"]
        ),
        expect="file.xlsx_unreadable",
    )
    add(
        "xlsx-number-5000-digits",
        "x.xlsx",
        lambda: with_sheet(
            "hr", sheet_of(header_row_xml("hr") + f'<row r="2"><c r="A2"><v>{"9" * 5000}</v></c></row>')
        ),
    )
    add(
        "xlsx-number-infinite",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + '<row r="2"><c r="K2"><v>1e999</v></c></row>')),
    )
    add(
        "xlsx-date-serial-out-of-range",
        "x.xlsx",
        lambda: with_sheet(
            "hr", sheet_of(header_row_xml("hr") + '<row r="2"><c r="E2" s="1"><v>99999999999</v></c></row>')
        ),
    )
    add(
        "xlsx-date-style-on-text",
        "x.xlsx",
        lambda: with_sheet(
            "hr",
            sheet_of(header_row_xml("hr") + '<row r="2"><c r="E2" s="1" t="inlineStr"><is><t>昨天</t></is></c></row>'),
        ),
    )
    add(
        "xlsx-style-index-out-of-range",
        "x.xlsx",
        lambda: with_sheet("hr", sheet_of(header_row_xml("hr") + '<row r="2"><c r="E2" s="999"><v>1</v></c></row>')),
    )
    add(
        "xlsx-boolean-and-error-cells",
        "x.xlsx",
        lambda: with_sheet(
            "hr",
            sheet_of(
                header_row_xml("hr") + '<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="e"><v>#N/A</v></c>'
                '<c r="C2" t="b"><v>maybe</v></c></row>'
            ),
        ),
    )
    add(
        "xlsx-iso-date-cell",
        "x.xlsx",
        lambda: with_sheet(
            "hr",
            sheet_of(
                header_row_xml("hr")
                + '<row r="2"><c r="E2" t="d"><v>1985-03-01T00:00:00</v></c><c r="F2" t="d"><v>yesterday</v></c></row>'
            ),
        ),
    )
    add(
        "xlsx-rich-text-inline",
        "x.xlsx",
        lambda: with_sheet(
            "hr",
            sheet_of(
                header_row_xml("hr")
                + '<row r="2"><c r="C2" t="inlineStr"><is>'
                + "<r><rPr><b/></rPr><t>王</t></r><r><t>小明</t></r></is></c></row>"
            ),
        ),
    )
    add(
        "xlsx-formulas-without-values",
        "x.xlsx",
        lambda: with_sheet(
            "hr",
            sheet_of(
                header_row_xml("hr")
                + '<row r="2"><c r="A2"><f>CONCAT("A","123456789")</f></c>'
                + '<c r="C2" t="str"><f>"王"&amp;"小明"</f></c></row>'
            ),
        ),
    )
    add(
        "hr-xlsx-formulas-with-cached-values",
        "x.xlsx",
        lambda: with_sheet("hr", formula_sheet()),
        layout="hr",
        own="loaded",
    )
    add(
        "hr-xlsx-real-dates",
        "x.xlsx",
        lambda: zipped(workbook_parts(real_dates(hr_table()))),
        layout="hr",
        own="loaded",
    )
    add(
        "hr-xlsx-dates-as-plain-numbers",
        "x.xlsx",
        lambda: zipped(workbook_parts(dates_as_numbers(hr_table()))),
        layout="hr",
    )
    add(
        "xlsx-utf16-sheet",
        "x.xlsx",
        lambda: with_part(
            "hr", SHEET, lambda b: b.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
        ),
        layout="hr",
    )
    add(
        "xlsx-chartsheet-only",
        "x.xlsx",
        lambda: with_part("hr", WORKBOOK_RELS, lambda b: b.replace(b'/worksheet"', b'/chartsheet"')),
    )

    # Not what the name says.
    for layout in layouts:
        add(
            f"{layout}-csv-named-xlsx",
            "x.xlsx",
            lambda lay=layout: CSV[lay]("utf-8"),
            expect="file.format",
            quick=layout == "hr",
        )
    add(
        "pdf-named-xlsx",
        "x.xlsx",
        lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        expect="file.format",
    )
    add("pdf-named-csv", "x.csv", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    add("png-named-csv", "x.csv", lambda: b"\x89PNG\r\n\x1a\n" + randomness(7, 2000), quick=True)
    add("gzip-named-csv", "x.csv", lambda: b"\x1f\x8b\x08\x00" + zlib.compress(hr_csv()), quick=True)
    add("ods-named-ods", "x.ods", lambda: b"not a zip", expect="file.format")

    # Empty, nearly empty, header only.
    add("csv-empty", "x.csv", lambda: b"", expect="file.empty", quick=True)
    add("csv-whitespace", "x.csv", lambda: b" \r\n\t\r\n", expect="file.empty")
    add("csv-utf8-bom-only", "x.csv", lambda: codecs.BOM_UTF8, expect="file.empty")
    add("csv-utf16-bom-only", "x.csv", lambda: codecs.BOM_UTF16_LE + " \r\n".encode("utf-16-le"), expect="file.empty")
    add("csv-blank-lines", "x.csv", lambda: b"\r\n" * 1000 + b"x", expect="file.no_header")
    add("csv-commas-only", "x.csv", lambda: b",,,,\r\n" * 100, expect="file.no_header")
    add("xlsx-empty", "x.xlsx", lambda: b"", expect="file.empty")
    for layout in layouts:
        add(
            f"{layout}-csv-header-only",
            "x.csv",
            lambda lay=layout: csv_text(TABLES[lay]()[:1]).encode("utf-8"),
            layout=layout,
            own="file.no_rows",
            quick=True,
        )
        add(
            f"{layout}-csv-header-and-blank-lines",
            "x.csv",
            lambda lay=layout: (csv_text(TABLES[lay]()[:1]) + "\r\n" * 50 + ",,,\r\n" * 5).encode("utf-8"),
            layout=layout,
            own="file.no_rows",
        )

    # Bytes that are no text.
    for seed, size in ((1, 64), (2, 5_000), (3, 200_000), (4, 2 * MB)):
        add(f"csv-random-bytes-{size}", "x.csv", lambda s=seed, n=size: randomness(s, n), quick=size == 5_000)
    add(
        "csv-nul-in-a-cell",
        "x.csv",
        lambda: csv_with("hr", set_cell(1, 2, "王\x00明")),
        expect="file.format",
        quick=True,
    )
    add(
        "csv-nul-records",
        "x.csv",
        lambda: csv_with("records", set_cell(1, 6, "王\x00明"), "utf-8"),
        expect="file.format",
    )
    add("csv-utf16-without-bom", "x.csv", lambda: hr_csv("utf-16-le"), expect="file.encoding")
    add("csv-utf32-with-bom", "x.csv", lambda: hr_csv("utf-32"), expect="file.format")
    add("csv-utf8-overlong", "x.csv", lambda: hr_csv() + b"\xc0\xaf,\xe0\x80\xaf\r\n")
    add("csv-utf8-surrogate-bytes", "x.csv", lambda: hr_csv() + b"\xed\xa0\x80\r\n")
    add(
        "csv-mixed-utf8-header-big5-rows",
        "x.csv",
        lambda: csv_text(hr_table()[:1]).encode() + csv_text(hr_table()[1:]).encode("cp950"),
    )
    add(
        "csv-mixed-big5-header-utf8-rows",
        "x.csv",
        lambda: csv_text(records_table()[:1]).encode("cp950") + csv_text(records_table()[1:]).encode(),
    )
    for layout in layouts:
        add(
            f"{layout}-csv-big5-private-use-characters",
            "x.csv",
            lambda lay=layout: csv_text(TABLES[lay]()).encode("cp950").replace("王".encode("cp950"), b"\xfa\x40"),
        )
        add(
            f"{layout}-csv-big5-many-invalid-bytes",
            "x.csv",
            lambda lay=layout: CSV[lay]("cp950") + b"\x81\x30" * 200,
            expect="file.encoding",
        )
        add(
            f"{layout}-csv-big5-cut-mid-character",
            "x.csv",
            lambda lay=layout: CSV[lay]("cp950").rstrip(b"\r\n") + "王".encode("cp950")[:1],
        )

    # Too wide, too long, too many.
    add(
        "csv-million-columns-header",
        "x.csv",
        lambda: b"," * 1_000_000 + b"\r\n",
        expect="file.too_many_columns",
        quick=True,
    )
    for layout in layouts:
        add(
            f"{layout}-csv-million-columns-in-a-row",
            "x.csv",
            lambda lay=layout: CSV[lay]("utf-8") + b"1," * 1_000_000 + b"\r\n",
            expect="file.too_many_columns",
            quick=layout == "records",
        )
        add(
            f"{layout}-csv-257-columns",
            "x.csv",
            lambda lay=layout: CSV[lay]("utf-8") + b"x," * 256 + b"x\r\n",
            expect="file.too_many_columns",
        )
        add(
            f"{layout}-csv-cell-100k-chars",
            "x.csv",
            lambda lay=layout: csv_with(lay, set_cell(1, 2, "名" * 100_000), "utf-8"),
            expect="file.cell_too_long",
            quick=layout == "hr",
        )
        add(
            f"{layout}-csv-quoted-cell-200k-chars",
            "x.csv",
            lambda lay=layout: csv_with(lay, set_cell(1, 2, "a,\n" * 70_000), "utf-8"),
            expect="file.cell_too_long",
        )
        add(
            f"{layout}-csv-quoted-newlines",
            "x.csv",
            lambda lay=layout: csv_with(lay, set_cell(1, 8, "科員\n兼\r\n主任"), "utf-8"),
        )
        add(
            f"{layout}-csv-unclosed-quote",
            "x.csv",
            lambda lay=layout: CSV[lay]("utf-8") + b'"never closed,1,2\r\n' + b"x,y\r\n" * 10,
        )
        add(
            f"{layout}-csv-ragged-rows",
            "x.csv",
            lambda lay=layout: CSV[lay]("utf-8") + b"a\r\na,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z\r\n",
        )
        add(
            f"{layout}-csv-duplicate-headers",
            "x.csv",
            lambda lay=layout: csv_with(lay, lambda t: [[*t[0], t[0][0]], *([*r, ""] for r in t[1:])], "utf-8"),
        )
        add(
            f"{layout}-csv-formula-text",
            "x.csv",
            lambda lay=layout: csv_with(lay, set_cell(1, 2 if lay == "hr" else 6, "=cmd|' /C calc'!A0"), "utf-8"),
        )
        add(
            f"{layout}-csv-control-characters",
            "x.csv",
            lambda lay=layout: csv_with(lay, set_cell(1, 2 if lay == "hr" else 6, "王\u202e明\x07\x1b[31m"), "utf-8"),
        )
        add(
            f"{layout}-csv-emoji-and-arabic-digits",
            "x.csv",
            lambda lay=layout: csv_with(lay, set_cell(1, 0, "A12345678٩"), "utf-8"),
        )
        add(
            f"{layout}-csv-header-on-line-12",
            "x.csv",
            lambda lay=layout: ("x\r\n" * 11 + csv_text(TABLES[lay]())).encode("utf-8"),
            expect="file.no_header",
        )
        add(
            f"{layout}-csv-too-large",
            "x.csv",
            lambda lay=layout: CSV[lay]("utf-8") + (b"#" * 1023 + b"\n") * (31 * 1024),
            expect="file.too_large",
        )
    add("csv-2-million-lines", "x.csv", lambda: hr_csv() + b"x\n" * 2_000_001, expect="file.too_many_rows", quick=True)
    add(
        "csv-2-million-records-quoted",
        "x.csv",
        lambda: hr_csv() + b'"x"\n' * 2_000_001,
        layout="hr",
        own="file.too_many_rows",
    )
    add(
        "records-csv-hours-1e308",
        "x.csv",
        lambda: csv_with("records", set_cell(1, 11, "1e308")),
        layout="records",
        quick=True,
    )
    add(
        "records-csv-hours-nan",
        "x.csv",
        lambda: csv_with("records", set_cell(1, 11, "NaN")),
    )
    add(
        "records-csv-dates-as-serials",
        "x.csv",
        lambda: csv_with("records", lambda t: [t[0], *([*r[:2], "46083", *r[3:]] for r in t[1:])]),
    )
    return out


def workbook_with_cell(layout: str, text: str) -> bytes:
    table = TABLES[layout]()
    table[1][2] = text
    return zipped(workbook_parts(table))


def formula_sheet() -> str:
    """The staff list with its national IDs and names as formulas that carry their values, as a
    saved Excel file has them."""
    table = hr_table()
    strings: list[str] = []
    xml = sheet_xml(table, strings=strings, shared=False)
    for row in table[1:]:
        for value in (row[0], row[2]):
            text = escape(str(value))
            xml = xml.replace(
                f"<is><t>{text}</t></is>",
                f'<f>TRIM("{text}")</f><v>{text}</v>',
                1,
            )
    return xml.replace('t="inlineStr"><f>', 't="str"><f>')


def real_dates(table: list[list[object]]) -> list[list[object]]:
    position = [h.rstrip("*") for h in hr.HEADER].index("出生日期")
    for row in table[1:]:
        row[position] = date(1985, 3, 1)
    return table


def dates_as_numbers(table: list[list[object]]) -> list[list[object]]:
    position = [h.rstrip("*") for h in hr.HEADER].index("出生日期")
    for row in table[1:]:
        row[position] = excel_serial(date(1985, 3, 1))
    return table


def main(argv: Sequence[str]) -> None:
    """Write every case to the folder named on the command line."""
    folder = Path(argv[0] if argv else "import-corpus")
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases():
        suffix = Path(case.filename).suffix
        (folder / f"{case.name}{suffix}").write_bytes(case.build())
    print(f"{len(cases())} files in {folder}")  # noqa: T201 - a command's answer


if __name__ == "__main__":
    main(sys.argv[1:])
