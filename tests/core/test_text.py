"""What names and titles may hold (peili.core.text)."""

from __future__ import annotations

import pytest

from peili.core.text import name_refusal, nfc, not_big5, refusal


@pytest.mark.parametrize(
    "name",
    ["王小明", "瓦歷斯‧諾幹", "Mary O'Brien-Smith", "李 小明", "王堃", "陳\ue000明", "張三豐 Jr.", "𠀀𡘙"],
)
def test_names_people_have_are_taken(name):
    assert name_refusal(name) is None


@pytest.mark.parametrize(
    ("name", "code", "char", "kind", "message"),
    [
        ("=cmd|' /C calc'!A0", "text.formula_start", "=", "", "姓名不能以「=」開頭：試算表會把它當成公式。"),
        ("+886", "text.formula_start", "+", "", "姓名不能以「+」開頭：試算表會把它當成公式。"),
        ("-王", "text.formula_start", "-", "", "姓名不能以「-」開頭：試算表會把它當成公式。"),
        ("@王", "text.formula_start", "@", "", "姓名不能以「@」開頭：試算表會把它當成公式。"),
        (
            "王\n明",
            "text.character",
            "\n",
            "control",
            "姓名含有不可使用的字元 U+000A：控制字元（例如換行、定位字元）。",
        ),
        ("\t王明", "text.character", "\t", "control", None),
        ("王\x00明", "text.character", "\x00", "control", None),
        ("王\u2028明", "text.character", "\u2028", "control", None),
        (
            "王\u202e明",
            "text.character",
            "\u202e",
            "format",
            "姓名含有不可使用的字元 U+202E：看不見的格式字元（例如文字方向控制、零寬字元）。",
        ),
        ("王\u200d明", "text.character", "\u200d", "format", None),
        ("王\ufeff明", "text.character", "\ufeff", "format", None),
        ("王\U000e0001明", "text.character", "\U000e0001", "format", None),
        ("王\u0378", "text.character", "\u0378", "unassigned", None),
        (
            "王😀明",
            "text.character",
            "😀",
            "symbol",
            "姓名含有不可使用的字元 「😀」（U+1F600）：表情符號或其他符號。",
        ),
        ("王☺明", "text.character", "☺", "symbol", None),
        ("王\u2764\ufe0f", "text.character", "\u2764", "symbol", None),
        ("王1\ufe0f\u20e3", "text.character", "\ufe0f", "symbol", None),
        ("王+明", "text.character", "+", "symbol", None),
    ],
)
def test_what_no_name_holds_is_refused_with_its_reason(name, code, char, kind, message):
    found = name_refusal(name)
    assert found is not None
    assert (found.code, found.char, found.kind) == (code, char, kind)
    if message is not None:
        assert found.message("姓名") == message


def test_titles_may_hold_symbols_but_not_what_nobody_sees_or_a_formula():
    assert refusal("C++ 程式設計 ☺") is None
    assert refusal("資安 101") is None
    assert refusal("課程\u202e名稱").kind == "format"
    assert refusal("=1+1").code == "text.formula_start"
    assert refusal("") is None


def test_characters_the_portal_file_cannot_write():
    assert not_big5("王小明碁銹") == ""  # cp950 has 碁 and 銹
    assert not_big5("堃喆犇峯温堃") == "堃喆犇峯温"
    assert not_big5("陳\ue000明") == "\ue000"  # a private-use 造字


def test_nfc():
    assert nfc("e\u0301") == "é"
    assert nfc("王小明") == "王小明"
