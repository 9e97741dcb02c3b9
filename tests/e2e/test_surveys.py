"""Surveys in the browser: a learner answers a class's survey on a 375-px phone — keeps it
unfinished, comes back, is told what is missing, submits — and writes a reflection; an organizer
builds a template and reads the results with their charts. Every page checked with axe-core and for CSP violations.

Needs the demo surveys (peili/demo/surveys.py): 「淨零排放與環境教育」's survey open for `learner`
and its reflection to write, and 「公文寫作與溝通」 with four classes of answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.helpers import check_page, login, visit


def test_answering_on_a_phone(phone_page: Page) -> None:
    page = phone_page
    login(page, "learner")
    expect(page.get_by_role("heading", name="待填課後問卷")).to_be_visible()
    visit(page, "/surveys/")
    check_page(page)
    page.get_by_role("region", name="待填問卷").get_by_role("link", name=re.compile("淨零排放與環境教育")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("課後問卷"))).to_be_visible()
    check_page(page)
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # Answer the first question, keep it for later, come back: the answer is still there.
    first = page.locator("fieldset.survey-scale").first
    first.get_by_text("非常滿意").click()
    page.get_by_role("button", name="暫存，稍後再填").click()
    expect(page.get_by_text("已暫存作答，可隨時回來繼續填寫。")).to_be_visible()
    expect(page.locator("fieldset.survey-scale").first.get_by_label("非常滿意")).to_be_checked()

    # Submitting with required questions unanswered names them and keeps what was chosen.
    page.get_by_role("button", name="送出問卷").click()
    expect(page.get_by_role("alert").filter(has_text="未填或填答有誤")).to_be_visible()
    expect(page.locator("fieldset.survey-scale").first.get_by_label("非常滿意")).to_be_checked()
    expect(page.get_by_text("此題必答。").first).to_be_visible()
    check_page(page)

    # Answer every scale question and the required single choice, and submit.
    for scale in page.locator("fieldset.survey-scale").all():
        scale.get_by_text("滿意", exact=True).click()
    page.get_by_text("會", exact=True).click()
    page.get_by_role("button", name="送出問卷").click()
    expect(page.get_by_text("已送出問卷，感謝您的填答！")).to_be_visible()
    expect(page.get_by_text("目前沒有待填的問卷。")).to_be_visible()
    check_page(page)


def test_building_a_template(page: Page) -> None:
    login(page, "organizer")
    visit(page, "/surveys/templates/")
    check_page(page)
    page.get_by_role("link", name="新增問卷範本").click()
    page.get_by_label("範本名稱").fill("瀏覽器測試問卷")
    page.get_by_role("button", name="建立範本").click()
    expect(page.get_by_role("heading", name="題組與題目（第 1 版）")).to_be_visible()
    check_page(page)

    # Add a free-text question to the first section (htmx swaps the builder in place).
    first = page.locator(".survey-builder-add").first
    first.locator("summary").click()
    first.get_by_label("題型").select_option("text")
    first.get_by_role("textbox", name="題目", exact=True).fill("最有收穫的一段是？")
    first.get_by_role("button", name="新增題目").click()
    expect(page.get_by_text("最有收穫的一段是？").first).to_be_visible()
    check_page(page)


def test_results_with_charts(page: Page) -> None:
    login(page, "organizer")
    visit(page, "/surveys/results/")
    check_page(page)
    row = page.get_by_role("row").filter(has_text="公文寫作與溝通").first
    row.get_by_role("link", name=re.compile("課程結果")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("公文寫作與溝通"))).to_be_visible()
    # The index's formula is stated; the trend is a line chart and each question a bar chart.
    expect(page.get_by_text(re.compile("滿意度指數 = ")).first).to_be_visible()
    expect(page.locator("svg.survey-line")).to_be_visible()
    assert page.locator("svg.survey-bar").count() >= 10
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="匯出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    phone = page.context.new_page()
    phone.set_viewport_size({"width": 375, "height": 800})
    phone.goto(page.url)
    expect(phone.locator("svg.survey-line")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_writing_a_reflection_on_a_phone(phone_page: Page, new_page: Callable[..., Page]) -> None:
    page = phone_page
    login(page, "learner")
    visit(page, "/surveys/")
    page.get_by_role("region", name="心得寫作").get_by_role("link", name=re.compile("淨零排放與環境教育")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^心得寫作"))).to_be_visible()
    check_page(page)
    box = page.get_by_role("textbox")
    box.fill("課程很實用。")
    # The count follows the typing (whitespace not counted), as the server counts.
    expect(page.locator("#reflection-count")).to_contain_text("目前 6 字")
    page.get_by_role("button", name="送出").click()
    expect(page.get_by_role("alert")).to_contain_text("心得至少須 100 字，目前 6 字。")
    expect(box).to_have_value("課程很實用。")
    check_page(page)
    page.get_by_role("button", name="暫存").click()
    expect(page.get_by_role("textbox")).to_have_value("課程很實用。")

    organizer = new_page()
    login(organizer, "organizer")
    visit(organizer, page.url.replace("/reflection/", "/reflections/"))
    expect(organizer.get_by_role("heading", level=1, name=re.compile("^心得審閱"))).to_be_visible()
    check_page(organizer)
