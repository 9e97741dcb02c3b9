"""What the class setup forms refuse before any service is called: a course name that holds a
character nobody sees or starts like a spreadsheet formula (it goes into the national portal's
upload file, which is not neutralised), and a named list with IDs that are not IDs."""

from __future__ import annotations

import pytest

from peili.catalog.forms import ClassForm, CourseForm
from peili.org.models import Agency
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ('=HYPERLINK("http://x","公務倫理")', "課程名稱不能以「=」開頭：試算表會把它當成公式。"),
        ("-2+3 課程", "課程名稱不能以「-」開頭：試算表會把它當成公式。"),
        ("公務\u202e倫理", "課程名稱含有不可使用的字元 U+202E：看不見的格式字元（例如文字方向控制、零寬字元）。"),
    ],
)
def test_a_course_name_that_could_turn_into_a_formula_or_hides_characters_is_refused(tree, title, message):
    form = CourseForm({"organizer": tree["a"].pk, "title": title}, bodies=Agency.objects.all(), tracks=[])
    assert not form.is_valid()
    assert form.errors["title"] == [message]


def test_a_course_name_may_hold_symbols_and_is_nfc(tree):
    form = CourseForm(
        {"organizer": tree["a"].pk, "title": "C++ 入門 Cafe\u0301"}, bodies=Agency.objects.all(), tracks=[]
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "C++ 入門 Café"


def test_a_named_list_says_which_id_is_wrong_and_why(tree):
    person = PersonFactory(agency=tree["a"], national_id="A123456789")
    form = ClassForm({"named_list": "A12345678\u0669, A123456788"})
    form.is_valid()
    assert form.errors["named_list"] == [
        "A12345678\u0669：身分證字號只能有英文字母與數字 0 至 9，不能有 「\u0669」（U+0669）。",
        "A123456788：身分證字號檢查碼不符，請核對是否輸入錯誤。",
    ]
    wide = ClassForm({"named_list": "Ａ１２３４５６７８９"})
    wide.is_valid()
    assert "named_list" not in wide.errors
    assert wide.cleaned_data["named_list"] == [person]
