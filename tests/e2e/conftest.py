"""Browser tests: the real app, served by `peili runserver` on a temporary SQLite database
holding the demo world, driven by Debian's Chromium through Playwright.

The server is a subprocess (migrate + demo once per session), so the database is never
flushed between tests; every test gets a fresh browser context (no shared cookies).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.e2e.helpers import NOTED, PHONE, watch

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 60.0
# Assertions and actions wait at most this long (Playwright's auto-waiting); pages here are fast.
TIMEOUT_MS = 10_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Whatever the caller's shell says, the server uses its own database and cache and the defaults.
    for name in ("PEILI_CACHE_URL", "CELERY_BROKER_URL", "PEILI_EMAIL_URL", "PEILI_ALLOWED_HOSTS", "PEILI_HTTPS"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PEILI_DATABASE_URL=f"sqlite:///{var_dir / 'e2e.sqlite3'}",
        PEILI_VAR_DIR=str(var_dir),
        # As in production (real 403/404 pages, no debug pages); --insecure below serves the static files.
        PEILI_DEBUG="0",
        PEILI_HTTPS="0",
        PEILI_SECRET_KEY="peili-e2e-throwaway-key-for-a-temporary-database",
        PEILI_LOGIN_MAX_FAILURES="5",
        PEILI_LOGIN_LOCK_SECONDS="900",
        PYTHONUNBUFFERED="1",
    )
    return env


def _run(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        result = subprocess.run(  # noqa: PLW1510
            [sys.executable, "-m", "peili", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    if result.returncode != 0:
        pytest.exit(f"`peili {' '.join(args)}` failed (exit {result.returncode}):\n{_tail(log)}", returncode=3)


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the server's processes (its database, its folder)."""
    return _server_env(tmp_path_factory.mktemp("peili-e2e"))


@pytest.fixture(scope="session")
def seed(server_env: dict[str, str], live_url: str) -> Callable[..., Any]:
    """Run a seeding script of tests/e2e against the server's database: seed("seed_seminar", "2000")
    runs `python -m tests.e2e.seed_seminar 2000` and returns the JSON it prints. For data too big to
    make through the pages (a class of 2,000) — everything else is done in the browser."""

    def run(module: str, *args: str) -> Any:
        result = subprocess.run(  # noqa: PLW1510
            [sys.executable, "-m", f"tests.e2e.{module}", *args],
            cwd=ROOT,
            env=server_env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            pytest.fail(f"seeding with {module} failed:\n{result.stderr[-4000:]}", pytrace=False)
        return json.loads(result.stdout)

    return run


@pytest.fixture(scope="session")
def live_url(server_env: dict[str, str]) -> Iterator[str]:
    """The base URL of a running server with the demo data loaded."""
    env = server_env
    var_dir = Path(env["PEILI_VAR_DIR"])
    log = var_dir / "server.log"
    _run(["migrate", "--no-input", "-v", "0"], env, log)
    _run(["demo"], env, log)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "peili", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(server, f"{url}/accounts/login/", log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.exit(f"the server stopped (exit {server.returncode}):\n{_tail(log)}", returncode=3)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # polling a starting process; not a wait inside a test
    pytest.exit(f"the server did not answer {url} within {SERVER_START_TIMEOUT:.0f} s:\n{_tail(log)}", returncode=3)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.exit(f"{CHROMIUM} is missing: run `bash tests/e2e/ensure_browser.sh` (make e2e does)", returncode=3)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser: Browser, live_url: str) -> Iterator[Callable[..., Page]]:
    """Make a page in a fresh context (its own cookies): new_page() or new_page(phone=True)."""
    contexts: list[BrowserContext] = []

    def make(*, phone: bool = False, **options: Any) -> Page:
        settings: dict[str, Any] = {"base_url": live_url, "locale": "zh-TW", "timezone_id": "Asia/Taipei"}
        if phone:
            settings.update(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return watch(context.new_page())

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A desktop-sized page in a fresh browser context."""
    return new_page()


@pytest.fixture
def phone_page(new_page: Callable[..., Page]) -> Page:
    """A 375-px-wide phone page (touch, mobile viewport) in a fresh browser context."""
    return new_page(phone=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not NOTED:
        return
    terminalreporter.section("axe-core: minor and moderate findings (not failures)")
    for (rule, impact, help_text), urls in sorted(NOTED.items()):
        paths = sorted(re.sub(r"^https?://[^/]+", "", url) for url in urls)
        terminalreporter.write_line(f"[{impact}] {rule}: {help_text}")
        terminalreporter.write_line(f"    {len(paths)} page(s): {', '.join(paths[:8])}{' …' if len(paths) > 8 else ''}")
