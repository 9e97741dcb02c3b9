"""The checks themselves: a CSP violation and a serious axe violation must fail a test.

Guards against a silent harness (say, Chromium rewording its CSP console message)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.helpers import check_page, visit


def test_inline_script_and_style_are_reported(page: Page) -> None:
    visit(page, "/accounts/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.head.appendChild(script);
            const style = document.createElement("style");
            style.textContent = "body { color: red }";
            document.head.appendChild(style);
        }"""
    )
    assert page.evaluate("window.injected") is None  # the CSP blocked it
    with pytest.raises(pytest.fail.Exception, match="CSP violation") as failure:
        check_page(page)
    assert "script" in str(failure.value)
    assert "style" in str(failure.value)


def test_serious_axe_violation_is_reported(page: Page) -> None:
    visit(page, "/accounts/login/")
    page.evaluate(
        """() => {
            const image = document.createElement("img");
            image.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            image.id = "no-alt";
            document.querySelector("main").appendChild(image);
        }"""
    )
    with pytest.raises(pytest.fail.Exception, match=r"\[critical\] image-alt") as failure:
        check_page(page)
    assert "#no-alt" in str(failure.value)
