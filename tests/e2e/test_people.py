"""National IDs on the person pages: masked for a supervisor, in full for the personnel officer in
scope and for the person themself; out of scope is refused."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.helpers import check_page, login, visit

MASKED = re.compile(r"^[A-Z][0-9]{2}\*{4}[0-9]{3}$")
FULL = re.compile(r"^[A-Z][12][0-9]{8}$")
# 張雅婷 (demo account `learner`) works in 新竹市政府人事處 考訓科, the unit the demo supervisor
# 黃國華 heads; the demo personnel officer's scope is 新竹市政府 and everything under it.
STAFF = "張雅婷"


def national_id_on_detail(page: Page) -> str:
    term = page.locator("dl.facts dt", has_text="身分證字號")
    return term.locator("xpath=following-sibling::dd[1]").inner_text().strip()


def open_from_people_list(page: Page, name: str) -> str:
    """Search the people list for `name`, open the person page; return the ID as the list shows it."""
    visit(page, "/org/people/")
    page.get_by_label("姓名、員工編號或身分證字號").fill(name)
    page.get_by_role("button", name="查詢").click()
    expect(page).to_have_url(re.compile(r"/org/people/\?"))
    check_page(page)
    row = page.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))
    expect(row).to_have_count(1)
    listed = row.locator("code").inner_text().strip()
    row.get_by_role("link", name=name, exact=True).click()
    expect(page).to_have_url(re.compile(r"/org/people/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    check_page(page)
    return listed


def test_supervisor_sees_staff_id_masked(page: Page) -> None:
    login(page, "supervisor")
    listed = open_from_people_list(page, STAFF)
    shown = national_id_on_detail(page)
    assert MASKED.match(shown), f"supervisor sees {shown!r}, expected a masked ID like A12****789"
    assert shown == listed


def test_personnel_officer_in_scope_sees_full_id(page: Page) -> None:
    login(page, "officer")
    listed = open_from_people_list(page, STAFF)
    assert MASKED.match(listed), f"the list shows {listed!r}; lists always mask"
    shown = national_id_on_detail(page)
    assert FULL.match(shown), f"officer sees {shown!r}, expected the full ID"
    assert (shown[:3], shown[-3:]) == (listed[:3], listed[-3:])


def test_person_sees_own_id_in_full(page: Page) -> None:
    login(page, "learner")
    visit(page, "/org/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text(STAFF)
    assert FULL.match(national_id_on_detail(page))


def test_officer_of_another_city_is_refused(new_page: Callable[..., Page]) -> None:
    hsinchu = new_page()
    login(hsinchu, "officer")
    open_from_people_list(hsinchu, STAFF)
    person_path = re.sub(r"^https?://[^/]+", "", hsinchu.url)

    taipei = new_page()
    login(taipei, "officer-taipei")
    visit(taipei, person_path, status=403)
    expect(taipei.get_by_role("heading", level=1)).to_have_text("沒有權限")

    # ...and the Taipei officer's list does not show the Hsinchu person at all.
    visit(taipei, f"/org/people/?q={STAFF}")
    expect(taipei.get_by_role("link", name=STAFF, exact=True)).to_have_count(0)
