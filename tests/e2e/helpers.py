"""What every browser test does on every page: sign in, visit, and check accessibility and the CSP.

`visit()` and `check_page()` run axe-core and fail on any "serious" or "critical" violation, and
fail on any Content-Security-Policy violation or uncaught script error the page reported.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Error, Locator, Page, Response, expect

from peili.demo.data import DEMO_PASSWORD

FAILING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 375, "height": 812}
HOME = re.compile(r"^https?://[^/]+/$")  # the home page's URL, whatever the server's port

_axe = Axe()
# Documents axe has already passed (same markup at the same width): checking them again can only
# give the same answer. The login page alone is reached some forty times in a run.
_PASSED: set[tuple[int, str]] = set()
_TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*')
# Minor and moderate findings: (rule id, impact, help) → the pages; listed at the end of the run.
NOTED: dict[tuple[str, str, str], set[str]] = {}


def watch(page: Page) -> Page:
    """Collect the page's CSP violations and uncaught script errors (checked by `check_page`)."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP violation on {page.url}: {message.text}")

    def on_page_error(error: Error) -> None:
        problems.append(f"uncaught script error on {page.url}: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.e2e_problems = problems  # type: ignore[attr-defined]
    return page


def assert_no_page_problems(page: Page) -> None:
    problems: list[str] = getattr(page, "e2e_problems", [])
    if problems:
        reported = list(problems)
        problems.clear()
        pytest.fail("The browser reported:\n  " + "\n  ".join(reported), pytrace=False)


def _describe(violation: dict[str, Any]) -> str:
    lines = [f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
    for node in violation["nodes"]:
        target = " ".join(str(t) for t in node["target"])
        lines.append(f"    at {target}    {node['html'][:160]}")
    return "\n".join(lines)


def axe_check(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on serious or critical violations."""
    markup = _TOKENS.sub(r"\1", page.evaluate("document.documentElement.outerHTML"))
    key = ((page.viewport_size or {}).get("width", 0), hashlib.sha256(markup.encode()).hexdigest())
    if key in _PASSED:
        return
    violations = _axe.run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    for violation in others:
        NOTED.setdefault((violation["id"], violation["impact"], violation["help"]), set()).add(page.url)
    if not failing:
        _PASSED.add(key)
        return
    pytest.fail(
        f"axe-core found {len(failing)} serious/critical violation(s) on {page.url}:\n"
        + "\n".join(_describe(v) for v in failing),
        pytrace=False,
    )


def check_page(page: Page) -> None:
    """What every page the tests arrive at must pass: no CSP or script errors, no serious axe violations."""
    page.wait_for_load_state("load")
    assert_no_page_problems(page)
    axe_check(page)
    assert_no_page_problems(page)


def visit(page: Page, path: str, *, status: int = 200) -> Response:
    """Open `path`, expect the HTTP status of the final response, and check the page."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
    check_page(page)
    return response


def submit_login(page: Page, username: str, password: str) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登入", exact=True).click()
    page.wait_for_load_state("load")


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form and land on the home page (both pages checked)."""
    visit(page, "/accounts/login/")
    submit_login(page, username, password)
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("button", name="登出")).to_be_visible()
    check_page(page)


def nav_labels(page: Page) -> list[str]:
    return [label.strip() for label in main_nav(page).get_by_role("link").all_inner_texts()]


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="主選單")


def body_scroll_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))
