"""The English switch changes <html lang> and the 中文 switch brings it back (on the same page)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import check_page, login, visit

CHINESE = "zh-Hant-TW"


def switch_round_trip(page: Page, path_pattern: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", CHINESE)

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(path_pattern))
    check_page(page)
    expect(page.get_by_role("button", name="English")).to_have_count(0)

    page.get_by_role("button", name="中文").click()
    expect(html).to_have_attribute("lang", CHINESE)
    expect(page).to_have_url(re.compile(path_pattern))
    check_page(page)
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_language_switch_on_the_login_page(page: Page) -> None:
    visit(page, "/accounts/login/")
    switch_round_trip(page, r"/accounts/login/$")


def test_language_switch_when_signed_in(page: Page) -> None:
    login(page, "officer")
    visit(page, "/org/agencies/")
    switch_round_trip(page, r"/org/agencies/$")
    expect(page.get_by_role("button", name="登出")).to_be_visible()


def test_english_stays_while_browsing(page: Page) -> None:
    login(page, "admin")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page)
    visit(page, "/accounts/users/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
