"""The hours ledger in the browser: a learner opens their transcript, picks a year and downloads it
as PDF; a personnel officer opens the compliance dashboard of their subtree, filters the people
short of hours, opens one's transcript, and sends the reminder after confirming — every page checked
with axe-core and for CSP violations, and at phone width for sideways scrolling.

The demo world (`peili demo`) holds no learning records yet: every active person of the officer's
subtree (新竹市政府 and below) has no hours this year, so all of them are short and most have an
address (the demo gives people email addresses). The reminder is sent once in this file: a second
send the same day reaches nobody.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import PHONE, body_scroll_width, check_page, login, visit


def test_a_learner_reads_and_downloads_their_transcript(page: Page) -> None:
    login(page, "learner")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="我的學習時數").click()
    expect(page.get_by_role("heading", level=1, name="我的學習時數")).to_be_visible()
    check_page(page)
    expect(page.get_by_text("張雅婷").first).to_be_visible()
    this_year = page.locator("section.records-year").first
    expect(this_year.get_by_role("rowheader", name="全年學習時數")).to_be_visible()
    expect(this_year.get_by_text(re.compile(r"尚缺 全年學習時數 \d+ 小時"))).to_be_visible()
    expect(this_year.get_by_role("progressbar", name="環境教育")).to_be_visible()

    page.get_by_label("學習年度", exact=True).select_option(index=1)  # this year alone
    expect(page).to_have_url(re.compile(r"/records/\?year=\d{4}$"))
    expect(page.locator("section.records-year")).to_have_count(1)
    check_page(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下載 PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")


def test_the_transcript_fits_a_phone(new_page: Callable[..., Page]) -> None:
    phone = new_page(phone=True)
    login(phone, "learner")
    visit(phone, "/records/")
    assert body_scroll_width(phone) <= PHONE["width"]


def test_an_officer_filters_the_short_and_reminds_them(page: Page) -> None:
    login(page, "officer")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="學習時數達成").click()
    expect(page.get_by_role("heading", level=1, name="學習時數達成情形")).to_be_visible()
    check_page(page)
    expect(page.get_by_text("新竹市政府 及所屬機關")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("每人認證時數分布"))).to_be_visible()

    page.get_by_label("達成情形", exact=True).select_option("short")
    page.get_by_role("button", name="篩選").click()
    expect(page).to_have_url(re.compile(r"status=short"))
    check_page(page)
    people = page.get_by_role("table").filter(has_text="身分證字號").get_by_role("row")
    expect(people.nth(1)).to_contain_text(re.compile("未達成|無學習紀錄"))  # short: part of the way, or nothing yet
    expect(people.nth(1).get_by_text(re.compile(r"\*\*\*\*"))).to_be_visible()  # masked national IDs

    first = people.nth(1).get_by_role("link").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1, name=f"{name} 的學習時數")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="回學習時數達成情形").click()
    check_page(page)

    page.get_by_role("link", name="寄送提醒給未達成人員").click()
    expect(page.get_by_role("heading", level=1, name="寄送學習時數提醒")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name=re.compile(r"^確認寄送 \d+ 封提醒$")).click()
    expect(page.get_by_text(re.compile(r"已寄出 [1-9]\d* 封提醒"))).to_be_visible()
    check_page(page)


def test_the_dashboard_fits_a_phone(new_page: Callable[..., Page]) -> None:
    phone = new_page(phone=True)
    login(phone, "officer")
    visit(phone, "/records/compliance/?status=short")
    assert body_scroll_width(phone) <= PHONE["width"]


def test_an_officer_of_another_city_cannot_open_this_one(page: Page) -> None:
    login(page, "officer-chiayi")
    visit(page, "/records/compliance/?agency=376570000A", status=403)
