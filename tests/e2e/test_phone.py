"""At a 375-px phone width the nav folds behind the 選單 button and nothing scrolls sideways."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import PHONE, body_scroll_width, check_page, login, main_nav, visit


def assert_fits_the_phone(page: Page) -> None:
    width = body_scroll_width(page)
    assert width <= PHONE["width"], f"{page.url}: the page is {width} px wide on a {PHONE['width']}-px phone"


def test_nav_folds_behind_the_menu_button(phone_page: Page) -> None:
    page = phone_page
    login(page, "officer")
    toggle = page.get_by_role("button", name="選單")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(main_nav(page)).to_be_hidden()
    assert_fits_the_phone(page)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(main_nav(page)).to_be_visible()
    check_page(page)  # the open menu is checked too
    assert_fits_the_phone(page)

    main_nav(page).get_by_role("link", name="人員", exact=True).click()
    expect(page).to_have_url(re.compile(r"/org/people/$"))
    check_page(page)
    expect(main_nav(page)).to_be_hidden()

    toggle.click()
    expect(main_nav(page)).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(main_nav(page)).to_be_hidden()


def test_login_page_fits_the_phone(phone_page: Page) -> None:
    visit(phone_page, "/accounts/login/")
    expect(phone_page.get_by_role("button", name="選單")).to_have_count(0)  # no nav before signing in
    assert_fits_the_phone(phone_page)


# Every kind of administrator page is checked at this width by test_crawl.py.
def test_learner_pages_fit_the_phone(phone_page: Page) -> None:
    login(phone_page, "learner")
    for path in ("/", "/org/me/"):
        visit(phone_page, path)
        assert_fits_the_phone(phone_page)


def test_refusal_page_fits_the_phone(phone_page: Page) -> None:
    login(phone_page, "learner")
    visit(phone_page, "/accounts/users/", status=403)
    assert_fits_the_phone(phone_page)


def test_person_page_fits_the_phone(phone_page: Page) -> None:
    login(phone_page, "officer")
    visit(phone_page, "/org/people/?q=張雅婷")
    phone_page.get_by_role("link", name="張雅婷", exact=True).click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("張雅婷")
    check_page(phone_page)
    assert_fits_the_phone(phone_page)
