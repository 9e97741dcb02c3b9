"""The organizer sets up a class through the pages and publishes it; a learner finds it in the catalog."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from peili.core import roc
from tests.e2e.helpers import check_page, login, visit


def _roc(day: date) -> str:
    return roc.format_short(day)


def test_organizer_creates_and_publishes_a_class_and_a_learner_finds_it(new_page) -> None:
    title = f"資安通識 E2E {uuid.uuid4().hex[:6]}"
    start = date.today() + timedelta(days=40)
    page: Page = new_page()
    login(page, "organizer")
    visit(page, "/classes/manage/")
    page.get_by_role("link", name="新增課程").click()
    check_page(page)
    page.get_by_label("課程名稱").fill(title)
    page.get_by_role("button", name="建立課程").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)

    page.get_by_label("認證時數").fill("3")
    page.get_by_label("報名開始").fill(f"{_roc(date.today())} 00:00")
    page.get_by_label("報名截止").fill(f"{_roc(start - timedelta(days=7))} 17:00")
    page.get_by_label("取消報名期限").fill(f"{_roc(start - timedelta(days=3))} 17:00")
    page.get_by_role("button", name="儲存").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("班期設定")

    session_form = page.locator("form[action$='/sessions/']")
    session_form.get_by_label("日期").fill(_roc(start))
    session_form.get_by_label("開始時間").fill("09:00")
    session_form.get_by_label("結束時間").fill("12:00")
    session_form.get_by_label("時數").fill("3")
    session_form.get_by_role("button", name="新增節次").click()
    check_page(page)
    expect(page.get_by_text("已新增節次。")).to_be_visible()

    page.get_by_role("link", name=f"編輯 {_roc(start)} 節次").click()
    check_page(page)
    page.get_by_label("開始時間").fill("09:30")
    page.get_by_label("時數").fill("2.5")
    page.get_by_role("button", name="儲存節次").click()
    check_page(page)
    expect(page.get_by_text("已更新節次。")).to_be_visible()
    expect(page.get_by_text("09:30–12:00")).to_be_visible()
    page.get_by_role("link", name=f"編輯 {_roc(start)} 節次").click()
    page.get_by_label("開始時間").fill("09:00")
    page.get_by_label("時數").fill("3")
    page.get_by_role("button", name="儲存節次").click()
    check_page(page)

    hours_form = page.locator("form[action$='/hours/']")
    hours_form.get_by_label("學習類別 1").select_option(value="information_security_general")
    hours_form.get_by_label("時數 1").fill("3")
    hours_form.get_by_role("button", name="儲存時數分配").click()
    check_page(page)
    page.get_by_role("button", name="發布班期").click()
    check_page(page)
    expect(page.get_by_text("班期已發布")).to_be_visible()

    learner: Page = new_page()
    login(learner, "learner")
    visit(learner, "/classes/")
    learner.get_by_label("課程名稱").fill(title)
    learner.get_by_role("button", name="查詢").click()
    check_page(learner)
    learner.get_by_role("link", name=f"{title} 第1期", exact=True).click()
    check_page(learner)
    expect(learner.get_by_text("您符合本班期的報名資格。")).to_be_visible()
    expect(learner.get_by_text(_roc(start))).to_be_visible()


def test_a_learner_is_refused_the_setup_pages(page: Page) -> None:
    login(page, "learner")
    visit(page, "/classes/manage/", status=403)
    visit(page, "/classes/plans/", status=403)


def test_the_organizer_plan_pages_pass_axe(page: Page) -> None:
    login(page, "organizer")
    visit(page, "/classes/plans/")
    visit(page, "/classes/plans/new/")
