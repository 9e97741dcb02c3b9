"""Reading one cell's value as text or a date, as every importer reads them, before its own checks.
Pure: no ORM."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from peili.core import roc
from peili.core.tabular import Cell
from peili.core.text import Refusal, nfc, refusal

_TRAILING_TIME = re.compile(r"^(.+?)[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def code_text(value: Cell) -> str:
    """A cell as compact text: NFKC (full-width → half-width), trimmed, integral floats as integers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def plain_text(value: Cell) -> str:
    """Names and titles: NFC, trimmed, inner runs of whitespace made one space."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(" ".join(str(value).split()))


def text_refusal(value: Cell, *, name: bool = False) -> Refusal | None:
    """Why a text cell cannot be taken (`core.text.refusal`), judged on the cell as written with
    only its ends trimmed: a line break or a tab inside a name is refused, not made a space."""
    if not isinstance(value, str):
        return None
    return refusal(nfc(value.strip()), name=name)


def refusal_params(found: Refusal) -> dict[str, object]:
    """The `%(char)s` and `%(kind)s` of the text.* problem messages."""
    return {"char": found.char if found.code == "text.formula_start" else found.shown, "kind": found.kind_label}


def cell_date(value: Cell) -> date:
    """A date cell: a real spreadsheet date, or text in ROC or Gregorian writing (a trailing time
    dropped); `roc.parse_date` raises with the reason when it is neither."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = code_text(value)
    if m := _TRAILING_TIME.match(text):
        text = m.group(1)
    return roc.parse_date(text)
