"""Each demo role signs in through the real form and sees exactly its navigation; every page it
may open answers, and every page it may not answers with the 403 page.

Expectations follow NAVIGATION (peili/core/context_processors.py) and the predicates in
peili/*/permissions.py, for the demo accounts in peili/demo/data.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peili.demo.data import DEMO_PASSWORD
from tests.e2e.helpers import HOME, check_page, login, main_nav, nav_labels, submit_login, visit

# Label → URL, in NAVIGATION's order.
PAGES = {
    "首頁": "/",
    "我的資料": "/org/me/",
    "課程報名": "/classes/",
    "我的報名": "/registrations/",
    "我的學習時數": "/records/",
    "問卷與心得": "/surveys/",
    "待我同意": "/registrations/consents/",
    "薦送報名": "/registrations/nominate/",
    "班期管理": "/classes/manage/",
    "結訓與認證": "/attendance/",
    "問卷結果": "/surveys/results/",
    "問卷範本": "/surveys/templates/",
    "年度計畫": "/classes/plans/",
    "人員": "/org/people/",
    "人員匯入": "/org/import/",
    "學習時數達成": "/records/compliance/",
    "學習紀錄匯入": "/records/import/",
    "機關": "/org/agencies/",
    "政策參數": "/policy/",
    "帳號與角色": "/accounts/users/",
    "行事曆": "/calendar/",
    "稽核紀錄": "/audit/",
}
OFFICER = [
    "首頁",
    "我的資料",
    "課程報名",
    "我的報名",
    "我的學習時數",
    "問卷與心得",
    "待我同意",
    "薦送報名",
    "人員",
    "人員匯入",
    "學習時數達成",
    "學習紀錄匯入",
    "機關",
    "政策參數",
]
# What each demo account's nav shows:
#   我的資料, 我的報名, 我的學習時數 — has a person record (not admin, not reviewer); 課程報名 — everyone signed in
#   待我同意 — admin, personnel officer, supervisor; 薦送報名 — admin, personnel officer
#   問卷與心得 — has a person record
#   班期管理, 結訓與認證, 問卷結果, 問卷範本, 年度計畫 — admin, organizer
#   人員 — admin, personnel officer, supervisor; 人員匯入, 學習時數達成, 學習紀錄匯入 — admin, personnel officer
#   機關, 政策參數 — admin, personnel officer, organizer; the last three — admin only
EXPECTED_NAV = {
    "admin": [
        "首頁",
        "課程報名",
        "待我同意",
        "薦送報名",
        "班期管理",
        "結訓與認證",
        "問卷結果",
        "問卷範本",
        "年度計畫",
        "人員",
        "人員匯入",
        "學習時數達成",
        "學習紀錄匯入",
        "機關",
        "政策參數",
        "帳號與角色",
        "行事曆",
        "稽核紀錄",
    ],
    "officer": OFFICER,
    "officer-taipei": OFFICER,
    "officer-chiayi": OFFICER,
    "organizer": [
        "首頁",
        "我的資料",
        "課程報名",
        "我的報名",
        "我的學習時數",
        "問卷與心得",
        "班期管理",
        "結訓與認證",
        "問卷結果",
        "問卷範本",
        "年度計畫",
        "機關",
        "政策參數",
    ],
    "supervisor": ["首頁", "我的資料", "課程報名", "我的報名", "我的學習時數", "問卷與心得", "待我同意", "人員"],
    "learner": ["首頁", "我的資料", "課程報名", "我的報名", "我的學習時數", "問卷與心得"],
    "reviewer": ["首頁", "課程報名"],
}
DISPLAY_NAMES = {
    "admin": "系統管理者",
    "officer": "人事承辦人 陳怡君",
    "officer-taipei": "人事承辦人 蔡佳穎",
    "officer-chiayi": "人事承辦人 許建宏",
    "organizer": "訓練承辦人 林冠宇",
    "supervisor": "主管 黃國華",
    "learner": "學員 張雅婷",
    "reviewer": "審查委員 吳正雄",
}


@pytest.mark.parametrize("username", list(EXPECTED_NAV))
def test_role_sees_its_navigation_and_pages(page: Page, username: str) -> None:
    login(page, username)
    expect(page.locator(".who")).to_have_text(DISPLAY_NAMES[username])
    expect(page.get_by_role("heading", level=1)).to_contain_text(DISPLAY_NAMES[username])
    assert nav_labels(page) == EXPECTED_NAV[username]

    for label in EXPECTED_NAV[username]:
        visit(page, PAGES[label])
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(main_nav(page).get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
        assert nav_labels(page) == EXPECTED_NAV[username], f"nav changed on {PAGES[label]}"

    for label, path in PAGES.items():
        if label not in EXPECTED_NAV[username]:
            visit(page, path, status=403)
            expect(page.get_by_role("heading", level=1)).to_have_text("沒有權限")


def test_nav_link_opens_its_page(page: Page) -> None:
    login(page, "officer")
    main_nav(page).get_by_role("link", name="機關", exact=True).click()
    expect(page).to_have_url(re.compile(r"/org/agencies/$"))
    check_page(page)
    expect(page.get_by_role("link", name="新竹市政府人事處")).to_be_visible()


def test_learner_is_refused_the_accounts_page(page: Page) -> None:
    login(page, "learner")
    visit(page, "/accounts/users/", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("沒有權限")
    page.get_by_role("link", name="回首頁").click()
    expect(page).to_have_url(HOME)
    check_page(page)


def test_signed_out_visitor_is_sent_to_the_login_page(page: Page) -> None:
    visit(page, "/org/people/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/org/people/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("登入培力")
    expect(main_nav(page)).to_have_count(0)


def test_login_returns_to_the_page_asked_for(page: Page) -> None:
    visit(page, "/org/agencies/")
    submit_login(page, "organizer", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/org/agencies/$"))
    check_page(page)


def test_logout(page: Page) -> None:
    login(page, "reviewer")
    page.get_by_role("button", name="登出").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    check_page(page)
    visit(page, "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_unknown_page_shows_the_404_page(page: Page) -> None:
    login(page, "learner")
    visit(page, "/no-such-page/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("找不到頁面")
