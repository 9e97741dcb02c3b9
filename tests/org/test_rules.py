import pytest
from hypothesis import given
from hypothesis import strategies as st

from peili.org.rules import (
    grade_problem,
    make_national_id,
    mask_national_id,
    national_id_bad_character,
    national_id_checksum_ok,
    national_id_problem,
    normalise_national_id,
)


@pytest.mark.parametrize("value", ["A123456789", "a123456789", " F131104093 ", "Z200000004", "A800000014"])
def test_valid_national_ids(value):
    assert national_id_checksum_ok(value)
    assert national_id_problem(value) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "national_id.missing"),
        ("A12345678", "national_id.length"),
        ("A1234567890", "national_id.length"),
        ("A323456789", "national_id.format"),
        ("1123456789", "national_id.format"),
        ("A123456788", "national_id.checksum"),
    ],
)
def test_invalid_national_ids(value, code):
    assert national_id_problem(value) == code


@given(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), st.sampled_from("12"), st.integers(0, 9_999_999))
def test_made_ids_always_validate(letter, gender, body):
    national_id = make_national_id(letter, f"{gender}{body:07d}")
    assert national_id_checksum_ok(national_id)
    # Changing the check digit always breaks it.
    wrong = national_id[:-1] + str((int(national_id[-1]) + 1) % 10)
    assert not national_id_checksum_ok(wrong)


def test_mask():
    assert mask_national_id("A123456789") == "A12****789"
    assert mask_national_id("") == ""


@pytest.mark.parametrize(
    ("category", "grade", "problem"),
    [
        ("junior", 5, None),
        ("junior", 6, "grade.out_of_range"),
        ("senior", 6, None),
        ("senior", 10, "grade.out_of_range"),
        ("selected", 14, None),
        ("selected", None, "grade.missing"),
        ("contract", None, None),
        ("contract", 7, "grade.not_applicable"),
    ],
)
def test_grade_problem(category, grade, problem):
    assert grade_problem(category, grade) == problem


# -- characters of IDs and names (issue 11, item 12) --------------------------------------------------


@pytest.mark.parametrize(
    ("value", "char"),
    [
        ("A12345678٩", "٩"),  # an Arabic-Indic 9: int() and \d take it for 9
        ("A12345678۹", "۹"),  # an extended Arabic-Indic 9
        ("A12345678①", "①"),
        ("A12345678𝟗", "𝟗"),  # a mathematical 9 (NFKC would fold it)
        ("А123456789", "А"),  # a Cyrillic A
        ("A1234\t56789", "\t"),
        ("A12345\u200b6789", "\u200b"),
    ],
)
def test_an_id_with_anything_but_ascii_letters_and_digits_is_refused(value, char):
    assert national_id_problem(value) == "national_id.characters"
    assert national_id_bad_character(normalise_national_id(value)) == char
    assert not national_id_checksum_ok(value)


def test_full_width_letters_and_digits_are_the_same_id():
    """Folded explicitly (an ID typed in full-width mode), and only those: see normalise_national_id."""
    assert normalise_national_id("Ａ１２３４５６７８９") == "A123456789"
    assert normalise_national_id("ａ123456789\u3000") == "A123456789"
    assert national_id_problem("Ａ１２３４５６７８９") is None
