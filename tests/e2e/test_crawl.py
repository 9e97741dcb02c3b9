"""Every page the administrator can reach by following links, once per kind of page, at desktop
and phone width: each answers 200 and passes `check_page` (axe-core, CSP); on the phone nothing
scrolls sideways.

Links are followed breadth-first from the navigation, three clicks deep. Pages of one kind are
visited once: path segments holding digits (ids, agency codes, years) are treated as one.
Only GET links inside <main> are followed; every write in the app is a POST form.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.e2e.helpers import PHONE, body_scroll_width, login, visit

DEPTH = 3
MAX_PAGES = 80
SKIP = re.compile(r"^/(api|i18n|static|accounts/logout)/|\.[a-z0-9]+$")  # and downloads (template.xlsx)


def kind_of(path: str) -> str:
    return "/".join("#" if re.search(r"\d", segment) else segment for segment in path.split("/"))


def same_site_paths(page: Page, scope: str) -> list[str]:
    hrefs = page.locator(f"{scope} a[href]:not([download])").evaluate_all("links => links.map(a => a.href)")
    origin = urlsplit(page.url)
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or parts.query:
            continue
        if not SKIP.search(parts.path):
            paths.append(parts.path)
    return paths


def crawl(page: Page) -> tuple[list[str], list[str]]:
    """Visit every kind of page; return the paths visited and the problems found (all of them,
    so one run lists every page that needs fixing)."""
    frontier = same_site_paths(page, "#site-nav")  # also when folded away on the phone
    seen_kinds: set[str] = set()
    visited: list[str] = []
    problems: list[str] = []
    for _depth in range(DEPTH + 1):
        next_frontier: list[str] = []
        for path in frontier:
            if kind_of(path) in seen_kinds:
                continue
            seen_kinds.add(kind_of(path))
            assert len(visited) < MAX_PAGES, f"more than {MAX_PAGES} kinds of page: {visited}"
            visited.append(path)
            try:
                visit(page, path)
                if page.viewport_size and page.viewport_size["width"] == PHONE["width"]:
                    width = body_scroll_width(page)
                    assert width <= PHONE["width"], f"{path}: {width} px wide on a {PHONE['width']}-px phone"
            except (AssertionError, pytest.fail.Exception) as problem:
                problems.append(str(problem))
            next_frontier.extend(same_site_paths(page, "main"))
        frontier = next_frontier
    return visited, problems


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_kind_of_admin_page(new_page, viewport: str) -> None:
    page = new_page(phone=viewport == "phone")
    login(page, "admin")
    visited, problems = crawl(page)
    assert len(visited) >= 10, f"only reached {visited}"
    if problems:
        pytest.fail(f"{len(problems)} of {len(visited)} pages failed:\n" + "\n".join(problems), pytrace=False)
