"""Pure rules about people: national ID numbers and rank/grade consistency. No ORM."""

from __future__ import annotations

import re

from peili.core.masking import mask_national_id
from peili.policy.vocabulary import RANK_GRADES

__all__ = [  # mask_national_id is core.masking's: one mask everywhere (A12****789)
    "grade_problem",
    "make_national_id",
    "mask_national_id",
    "national_id_bad_character",
    "national_id_checksum_ok",
    "national_id_problem",
    "normalise_national_id",
]

# Letter → two-digit area code of the Republic of China national ID (身分證字號).
_LETTER_CODES = {
    "A": 10,
    "B": 11,
    "C": 12,
    "D": 13,
    "E": 14,
    "F": 15,
    "G": 16,
    "H": 17,
    "I": 34,
    "J": 18,
    "K": 19,
    "L": 20,
    "M": 21,
    "N": 22,
    "O": 35,
    "P": 23,
    "Q": 24,
    "R": 25,
    "S": 26,
    "T": 27,
    "U": 28,
    "V": 29,
    "W": 32,
    "X": 30,
    "Y": 31,
    "Z": 33,
}
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
# Citizens: second digit 1 or 2. Resident certificates of the 2021 format (foreign staff and
# teachers): 8 or 9, with the same check digit. ASCII digits only: `\d` and `int()` would take
# Arabic-Indic (٩) or full-width digits, and `A12345678٩` would be a second person beside A123456789.
_NATIONAL_ID = re.compile(r"^[A-Z][1289][0-9]{8}$")
_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
# Full-width Latin letters and digits (Ａ１２…, what a Chinese input method types in full-width
# mode) are the same ID and folded to ASCII, on purpose and nothing else: other digits (٩, ①, 𝟗)
# and look-alike letters (Cyrillic А) are refused, not guessed at.
_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + n): chr(0x30 + n) for n in range(10)},
        **{chr(0xFF21 + n): chr(0x41 + n) for n in range(26)},
        **{chr(0xFF41 + n): chr(0x61 + n) for n in range(26)},
        "\u3000": " ",
    }
)


def normalise_national_id(value: str) -> str:
    """Trimmed, spaces removed, full-width letters and digits folded to ASCII, upper case. Anything
    else is left as it is, for `national_id_problem` to refuse and show."""
    text = value.strip().translate(_FULL_WIDTH).replace(" ", "")
    return text.upper() if text.isascii() else text


def national_id_bad_character(value: str) -> str | None:
    """The first character of a (normalised) ID that is not an ASCII letter or digit, or None."""
    return next((char for char in value if char not in _ASCII_ALNUM), None)


def national_id_checksum_ok(value: str) -> bool:
    """True when `value` is a well-formed national ID with a valid check digit."""
    value = normalise_national_id(value)
    if not _NATIONAL_ID.match(value):
        return False
    code = _LETTER_CODES[value[0]]
    digits = [code // 10, code % 10, *(int(c) for c in value[1:])]
    return sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 10 == 0


def national_id_problem(value: str) -> str | None:
    """Why `value` is not a valid national ID (a reason code), or None when it is."""
    value = normalise_national_id(value)
    if not value:
        return "national_id.missing"
    if national_id_bad_character(value) is not None:
        return "national_id.characters"
    if len(value) != 10:
        return "national_id.length"
    if not _NATIONAL_ID.match(value):
        return "national_id.format"
    if not national_id_checksum_ok(value):
        return "national_id.checksum"
    return None


def make_national_id(letter: str, body: str) -> str:
    """Complete the check digit for `letter` + 8 digits (`body`, starting with 1 or 2). For demo data and tests."""
    code = _LETTER_CODES[letter]
    digits = [code // 10, code % 10, *(int(c) for c in body)]
    partial = sum(d * w for d, w in zip(digits, _WEIGHTS[:10], strict=True))
    return f"{letter}{body}{(10 - partial % 10) % 10}"


def grade_problem(category: str, grade: int | None) -> str | None:
    """Why a grade does not fit a personnel category (a reason code), or None."""
    bounds = RANK_GRADES.get(category)
    if bounds is None:
        return "grade.not_applicable" if grade is not None else None
    if grade is None:
        return "grade.missing"
    low, high = bounds
    if not low <= grade <= high:
        return "grade.out_of_range"
    return None
