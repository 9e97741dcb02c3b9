"""What names and titles may hold, checked where they come in (both importers, the forms). Pure.

A name or a title is shown on pages, written into spreadsheets and sent to the national portal in
Big5. Some characters have no place in one:

- characters nobody sees — control characters (a line break, a tab, NUL), format characters (a
  right-to-left override that reorders what is shown around it, a zero-width space or joiner
  that makes two equal-looking names differ), line and paragraph separators, surrogates and
  unassigned code points;
- a first character a spreadsheet takes for the start of a formula (`= + - @`,
  `peili.core.spreadsheets`): the portal's upload file is not neutralised, so such a value is
  refused before it can reach one;
- in a person's name, emoji and other symbols (`+`, `©`, ☺, the parts emoji are built from).

They are refused with the character and its kind named. Characters a name may well have but Big5
cannot write (堃, 喆, 犇, 峯, 温, 造字 in the private-use area) are only reported (`not_big5`), so
the portal file can be prepared in time. Text is compared and stored in NFC (`nfc`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peili.core.spreadsheets import FORMULA_STARTS

# The encoding of the national portal's upload file (`peili.records.portal.ENCODING`).
BIG5 = "cp950"
# Planes 2 and 3 are reserved for CJK ideographs: a newer extension this Python does not know yet is
# a character of a name, not an unassigned code point.
_IDEOGRAPH_PLANES = range(0x20000, 0x40000)
# Emoji parts that are not symbols themselves: the emoji presentation selector, the keycap, and the
# text presentation selector.
_EMOJI_PARTS = frozenset({"\ufe0f", "\ufe0e", "\u20e3"})


class CharacterKind(models.TextChoices):
    """Why a character is refused; the label completes 「含有…」."""

    CONTROL = "control", gettext_lazy("控制字元（例如換行、定位字元）")
    FORMAT = "format", gettext_lazy("看不見的格式字元（例如文字方向控制、零寬字元）")
    UNASSIGNED = "unassigned", gettext_lazy("不是有效字元的編碼")
    SYMBOL = "symbol", gettext_lazy("表情符號或其他符號")


FORMULA_START = "text.formula_start"
CHARACTER = "text.character"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a text is refused: `code` is FORMULA_START (`char` is its first character) or CHARACTER
    (`char` is the first refused character, `kind` says what it is)."""

    code: str
    char: str
    kind: str = ""

    @property
    def shown(self) -> str:
        return shown_char(self.char)

    @property
    def kind_label(self) -> str:
        return str(CharacterKind(self.kind).label) if self.kind else ""

    def message(self, what: str) -> str:
        """The reason in Chinese, `what` naming the field (「姓名」, 「課程名稱」)."""
        if self.code == FORMULA_START:
            return _("%(what)s不能以「%(char)s」開頭：試算表會把它當成公式。") % {"what": what, "char": self.char}
        return _("%(what)s含有不可使用的字元 %(char)s：%(kind)s。") % {
            "what": what,
            "char": self.shown,
            "kind": self.kind_label,
        }


def shown_char(char: str) -> str:
    """A character as a person can find it: 「☺」（U+263A）, or only U+202E when it cannot be seen
    (control, format, separator, private-use and unassigned characters)."""
    code = f"U+{ord(char):04X}"
    return code if unicodedata.category(char)[0] in "CZ" else f"「{char}」（{code}）"


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _kind(char: str, *, symbols: bool) -> str | None:
    category = unicodedata.category(char)
    if category in {"Cc", "Zl", "Zp", "Cs"}:
        return CharacterKind.CONTROL
    if category == "Cf":
        return CharacterKind.FORMAT
    if category == "Cn" and ord(char) not in _IDEOGRAPH_PLANES:
        return CharacterKind.UNASSIGNED
    if symbols and (category[0] == "S" or char in _EMOJI_PARTS):
        return CharacterKind.SYMBOL
    return None


def refusal(text: str, *, name: bool = False) -> Refusal | None:
    """Why `text` (a title, or with `name` a person's name) cannot be taken, or None."""
    if not text:
        return None
    if text.startswith(FORMULA_STARTS) and text[0] not in "\t\r":
        return Refusal(FORMULA_START, text[0])
    if not name and text.isascii() and text.isprintable():
        return None  # the common case: nothing in printable ASCII is refused in a title
    for char in text:
        kind = _kind(char, symbols=name)
        if kind is not None:
            return Refusal(CHARACTER, char, kind)
    return None


def name_refusal(text: str) -> Refusal | None:
    """Why `text` cannot be a person's name, or None."""
    return refusal(text, name=True)


def not_big5(text: str) -> str:
    """The characters of `text` the portal's Big5 file cannot write, each once, in order."""
    try:
        text.encode(BIG5)
    except UnicodeEncodeError:
        pass
    else:
        return ""
    found: dict[str, None] = {}
    for char in text:
        if char not in found:
            try:
                char.encode(BIG5)
            except UnicodeEncodeError:
                found[char] = None
    return "".join(found)
