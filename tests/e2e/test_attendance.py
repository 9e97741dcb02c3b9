"""Attendance in the browser: the organizer puts a session's sign-in QR code on screen and a learner
signs in from a second browser context (a phone) with the code's link; then the organizer closes an
ended class under the absence rule — every page checked with axe-core and for CSP violations.

Needs the demo attendance classes (peili/demo/attendance.py): 「公務倫理與廉政實務」 with a session
today and 「淨零排放與環境教育」, which ended yesterday and waits to be closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.e2e.helpers import check_page, login, visit


def test_qr_sign_in_from_a_phone(page: Page, new_page: Callable[..., Page]) -> None:
    login(page, "organizer")
    visit(page, "/attendance/")
    check_page(page)
    row = page.get_by_role("row").filter(has_text="公務倫理與廉政實務").first
    row.get_by_role("link", name="簽到畫面").click()
    expect(page.get_by_role("heading", name=re.compile("^簽到："))).to_be_visible()
    panel = page.locator("#screen-panel")
    expect(panel.locator("svg.qr-code")).to_be_visible()
    expect(page.get_by_text(re.compile(r"已簽到 \d+ / \d+ 人"))).to_be_visible()
    check_page(page)
    scan_url = panel.get_attribute("data-scan-url")
    assert scan_url
    assert "/attendance/s/" in scan_url

    phone = new_page(phone=True)
    login(phone, "learner")
    phone.goto(urlsplit(scan_url).path)
    expect(phone.get_by_role("button", name="確認簽到")).to_be_visible()
    check_page(phone)
    phone.get_by_role("button", name="確認簽到").click()
    expect(phone.get_by_text(re.compile("簽到完成|已經簽到過了"))).to_be_visible()
    check_page(phone)

    # A forged or stale code gets a clear answer.
    phone.goto("/attendance/s/1-in-1-forged/")
    expect(phone.get_by_text("無法辨識這個 QR code")).to_be_visible()


def test_closing_an_ended_class(page: Page) -> None:
    login(page, "organizer")
    visit(page, "/attendance/?status=to_close")
    row = page.get_by_role("row").filter(has_text="淨零排放與環境教育").first
    row.get_by_role("link", name="辦理結訓").click()
    expect(page.get_by_role("heading", name=re.compile("^辦理結訓"))).to_be_visible()
    expect(page.get_by_text("未完訓：未請假缺課").first).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="確認結訓並登錄時數").click()
    expect(page.get_by_text("已結訓，完訓人員的時數已登錄。")).to_be_visible()
    expect(page.get_by_role("heading", name="完訓結果")).to_be_visible()
    check_page(page)
    visit(page, "/attendance/?status=due")
    expect(page.get_by_role("row").filter(has_text="淨零排放與環境教育").first).to_be_visible()
    check_page(page)


def test_a_seminar_of_2000_has_its_roster_saved_and_is_closed(page: Page, seed: Callable[..., dict]) -> None:
    """A class of 2,000 (seeded in bulk): its roster is saved a page of 100 at a time — the pager
    saves the page it leaves — and the class is closed from its closing page; each page posts far
    fewer fields than Django's limit of 1,000, which stays as it is for every form."""
    seminar = seed("seed_seminar", "2000")
    login(page, "organizer")
    visit(page, f"/attendance/sessions/{seminar['session_id']}/")
    expect(page.get_by_text("共 2000 人。")).to_be_visible()
    expect(page.get_by_text("第 1 / 20 頁")).to_be_visible()
    rows = page.locator("#roster-form tbody tr")
    expect(rows).to_have_count(100)
    first = rows.nth(0)
    first.get_by_role("checkbox", name=re.compile("簽到$")).check()
    first.get_by_role("spinbutton", name=re.compile("請假分鐘$")).fill("140")
    rows.nth(1).get_by_role("checkbox", name=re.compile("簽到$")).check()
    page.get_by_role("button", name="儲存出勤紀錄").click()
    expect(page.get_by_text("已儲存出勤紀錄。")).to_be_visible()
    check_page(page)
    expect(rows.nth(0).get_by_role("spinbutton", name=re.compile("請假分鐘$"))).to_have_value("140")

    rows.nth(2).get_by_role("checkbox", name=re.compile("簽到$")).check()
    page.get_by_role("button", name="下一頁").click()  # saves page 1 on the way
    expect(page.get_by_text("第 2 / 20 頁")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="上一頁").click()
    expect(page.get_by_text("第 1 / 20 頁")).to_be_visible()
    expect(rows.nth(2).get_by_role("checkbox", name=re.compile("簽到$"))).to_be_checked()

    visit(page, f"/attendance/classes/{seminar['class_id']}/close/")
    expect(page.get_by_text(re.compile("共 2000 人，依出勤紀錄 \\d+ 人完訓"))).to_be_visible()
    expect(page.get_by_text("2 小時 20 分").first).to_be_visible()
    page.get_by_role("button", name="確認結訓並登錄時數").click()
    expect(page.get_by_text("已結訓，完訓人員的時數已登錄。")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="完訓結果")).to_be_visible()
    expect(page.get_by_text("第 1 / 20 頁")).to_be_visible()
    check_page(page)
