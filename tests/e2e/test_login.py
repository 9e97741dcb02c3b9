"""Sign-in errors and the lock after repeated failures (counted per username and address)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from peili.demo.data import DEMO_PASSWORD
from tests.e2e.helpers import HOME, check_page, submit_login, visit

WRONG = "not-the-password"
INVALID = "帳號或密碼不正確"
LOCKED = "登入失敗次數過多"


def test_wrong_password_is_refused_then_the_right_one_works(page: Page) -> None:
    visit(page, "/accounts/login/")
    submit_login(page, "reviewer", WRONG)
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text(INVALID)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("#id_username")).to_have_value("reviewer")

    submit_login(page, "reviewer", DEMO_PASSWORD)
    expect(page).to_have_url(HOME)
    check_page(page)
    expect(page.get_by_role("button", name="登出")).to_be_visible()


def test_five_failures_lock_the_username(page: Page) -> None:
    # A username of its own, so the lock touches no other test's account.
    username = "e2e-lockout"
    visit(page, "/accounts/login/")
    for attempt in range(1, 6):
        submit_login(page, username, f"{WRONG}-{attempt}")
        check_page(page)
        expect(page.get_by_role("alert")).to_contain_text(INVALID)
        expect(page.get_by_role("alert")).not_to_contain_text(LOCKED)

    submit_login(page, username, WRONG)
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text(LOCKED)
    expect(page.get_by_role("alert")).to_contain_text("15 分鐘")
