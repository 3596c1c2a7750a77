"""Browser tests: the built SPA (frontend/dist) on the local stack, in Debian's Chromium
driven by Playwright, under the Content-Security-Policy the stack sends.

A missing browser or a missing build is a failure, never a skip: `make test` installs
Chromium and builds the SPA first.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import Stack

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
CASE = re.compile(r"XQT-\d{8}-\d{4,}")
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    assert (ROOT / "frontend" / "dist" / "index.html").is_file(), "build the SPA: make frontend"
    s = Stack(Path(tmp_path_factory.mktemp("ui")) / "data")
    s.data_dir.mkdir()
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium per test process (each xdist worker): every test opens its own context
    (cookies, storage, cache apart), so the files need not launch one each."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is required: apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Session:
    """One signed-in user's browser context, recording console errors and CSP violations."""

    def __init__(self, browser: Any, live: Stack, viewport: dict[str, int]) -> None:
        self.live = live
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))
        self.page.on("dialog", self._dialog)

    def _console(self, msg: Any) -> None:
        if msg.type == "error" and "Failed to load resource" not in msg.text:
            self.problems.append(msg.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def go(self, path: str) -> Any:
        self.page.goto(self.live.url + path)
        return self.page

    def sign_in(self, username: str) -> Any:
        self.go("/login")
        self.page.locator(f'[data-user="{username}"]').click()
        self.page.wait_for_url(lambda url: "/login" not in url)
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(browser: Any, live: Stack) -> Iterator[Any]:
    sessions: list[Session] = []

    def make(username: str | None = None, viewport: dict[str, int] | None = None) -> Session:
        s = Session(browser, live, viewport or DESKTOP)
        sessions.append(s)
        if username:
            s.sign_in(username)
        return s

    yield make
    for s in sessions:
        s.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core findings on the page as it is now (WCAG 2.1 A/AA)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def check_page(page: Any, name: str) -> None:
    """Screenshot (kept as an artifact) and axe: no serious or critical violation."""
    page.wait_for_load_state("networkidle")
    # at rest: no dropdown still closing (its list is checked when it is the thing in use)
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.el-popper')].some(e => e.offsetParent !== null"
        " && getComputedStyle(e).display !== 'none')"
    )
    # nor a toast still fading in or out (half transparent, its words fail the contrast check)
    page.wait_for_function(
        "() => !document.querySelector("
        "'.el-message-fade-enter-active, .el-message-fade-leave-active')"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    found = axe_violations(page)
    assert not found, f"{name}: " + json.dumps(found, ensure_ascii=False, indent=1)


# --- the appeal page's actions (ActionPanel) ------------------------------------------------


#: steps without fields: the click posts them (no form)
IMMEDIATE = {"accept", "accept_part", "resume"}
#: steps that cannot be undone: confirmed in a dialog after the form
IRREVERSIBLE = {"merge", "void"}
#: steps under 「更多操作」
RARE = {"reassign", "set_urgency", "escalate", "supervise"}


def act(page: Any, action: str, fill: dict[str, str] | None = None) -> None:
    """Take a step on the appeal page (open its form, fill it and submit, confirming an
    irreversible one; a step without fields at the click); wait for the result."""
    version = page.locator("[data-testid=case-number]").get_attribute("data-version")
    if action in RARE and not page.locator(f'[data-action="{action}"]').is_visible():
        page.get_by_test_id("more-actions").click()
    page.locator(f'[data-action="{action}"]').click()
    if action not in IMMEDIATE:
        form = page.locator(f'[data-form="{action}"]')
        for selector, value in (fill or {}).items():
            form.locator(selector).fill(value)
        form.locator("button[type=submit]").click()
        if action in IRREVERSIBLE:
            page.locator(".case-confirm .el-button--danger").click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=version,
    )


def verdict(page: Any, action: str, resolved: bool, stars: int) -> None:
    version = page.locator("[data-testid=case-number]").get_attribute("data-version")
    page.locator(f'[data-action="{action}"]').click()
    form = page.locator(f'[data-form="{action}"]')
    form.get_by_text("已解决" if resolved else "未解决（重办）", exact=True).click()
    form.locator(".el-rate__item").nth(stars - 1).click()
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=version,
    )


def status_text(page: Any) -> str:
    return page.locator(".head .el-tag").first.inner_text()
