"""A learner registers for a class that needs consent, their supervisor consents from 待我同意, and the
learner cancels — every page checked with axe-core and for CSP violations.

Needs a published class in the demo (peili/demo/catalog.py). The classes offered for nomination (the
personnel officer's page) tell which exist; without any, the test is skipped with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import check_page, login, visit

LEARNER = "張雅婷"  # demo `learner`, in the unit of the demo `supervisor` 黃國華


def _open_classes(page: Page) -> list[str]:
    login(page, "officer")
    visit(page, "/registrations/nominate/")
    values = page.locator("#id_course_class option").evaluate_all("(options) => options.map(o => o.value)")
    return [v for v in values if v]


def _class_needing_consent(page: Page, class_ids: list[str]) -> str | None:
    for class_id in class_ids:
        visit(page, f"/registrations/classes/{class_id}/register/")
        if page.get_by_role("button", name="確認報名").count() and page.get_by_text("本班期須經主管同意").count():
            return class_id
    return None


def test_register_consent_and_cancel(page: Page, new_page: Callable[..., Page]) -> None:
    class_ids = _open_classes(page)
    if not class_ids:
        pytest.skip("the demo world has no published class open for registration (peili/demo/catalog.py not loaded)")

    learner = new_page()
    login(learner, "learner")
    class_id = _class_needing_consent(learner, class_ids)
    if class_id is None:
        pytest.skip("no demo class that the learner may join needs a supervisor's consent")

    # Two clicks: the meal and the deputy, then confirm.
    meal = learner.get_by_label("素食")
    if meal.count():
        meal.check()
    deputy = learner.locator("#id_deputy option").nth(1)
    if deputy.count():
        learner.locator("#id_deputy").select_option(index=1)
    else:
        learner.get_by_label("或填寫職務代理人姓名").fill("代理同仁")
    learner.get_by_role("button", name="確認報名").click()
    expect(learner).to_have_url(re.compile(r"/registrations/$"))
    expect(learner.get_by_text("待主管同意後才會錄取")).to_be_visible()
    check_page(learner)

    supervisor = new_page()
    login(supervisor, "supervisor")
    visit(supervisor, "/registrations/consents/")
    row = supervisor.get_by_role("row").filter(has_text=LEARNER).first
    row.get_by_role("button", name=re.compile("^同意")).click()
    expect(supervisor.get_by_text(re.compile(f"已同意.*{LEARNER}"))).to_be_visible()
    check_page(supervisor)

    visit(learner, "/registrations/")
    row = learner.get_by_role("row").filter(has_text="已錄取").first
    expect(row).to_be_visible()
    learner.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=re.compile("^取消報名")).click()
    expect(learner.get_by_text(re.compile("已取消「"))).to_be_visible()
    check_page(learner)
    visit(learner, "/registrations/notifications/")
    expect(learner.get_by_text(re.compile("報名已錄取|報名已取消")).first).to_be_visible()
