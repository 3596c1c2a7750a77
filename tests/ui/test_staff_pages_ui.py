"""Every staff page, as each role meets it, at a desk (1366×768) and on a phone (390×844):
kept as screenshots (test-artifacts/screenshots/staff-*), with axe at the desk, no console
error and, on the phone, nothing wider than the screen (a wide table scrolls inside its own
box) and no word that matters cut on it (`WHOLE_ON_PHONE`). Each role signs in once for the
module; every page is then a fresh load. The enterprise's pages are walked the same way by
test_phone_pages_ui.py (issue 19: screenshots of every page at both widths). The appeal
lists' filtered views (an escalation level, overdue) are pages of their own here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.ui.conftest import PHONE, SHOTS, Session, check_page

pytestmark = pytest.mark.e2e

DESK = {"width": 1366, "height": 768}

#: Each role's pages (the router's, with a seeded id where a page takes one).
PAGES: dict[str, list[str]] = {
    "admin": [
        "/home",
        "/appeals",
        "/appeals?escalation=1",
        "/knowledge",
        "/admin/triage",
        "/admin/enterprises",
        "/admin/enterprises/import",
        "/enterprises/{uscc}",  # 如东恒润's history (企业画像)
        "/admin/commissioners",
        "/admin/departments",
        "/admin/users",
        "/admin/webhooks",
        "/admin/calendar",
        "/admin/meetings",
        "/admin/policies",
        "/admin/policies/new",
        "/admin/financing",
        "/reports",
        "/notices",
        "/inbox",
    ],
    "supervisor": ["/home", "/appeals", "/department/ledger", "/notices/new"],
    "comm-designated": ["/home", "/workbench", "/appeals?overdue=true"],
    "dept-tax": ["/home", "/department", "/department/ledger", "/review/applications"],
    "operator-12345": ["/home", "/console"],
}
CASES = [(user, path) for user, paths in PAGES.items() for path in paths]

#: Inputs whose whole placeholder must fit on a phone, by page.
WHOLE_PLACEHOLDERS = {"/admin/enterprises": ["input[data-field=q]"]}

#: What must read whole at 390 px, as a list of what does not: the missing-calendar banner's
#: sentence (its last word, 暂定, is the point) and the placeholders named (measured in the
#: input's own font).
WHOLE_ON_PHONE = r"""(placeholders) => {
    const cut = []
    const b = document.querySelector('[data-testid=calendar-warning] .warning-text')
    if (b && (b.scrollWidth > b.clientWidth || b.scrollHeight > b.clientHeight))
        cut.push(`the banner: ${b.textContent}`)
    const ctx = document.createElement('canvas').getContext('2d')
    for (const input of placeholders.flatMap((s) => [...document.querySelectorAll(s)])) {
        const style = getComputedStyle(input)
        ctx.font = style.font
        const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight)
        if (ctx.measureText(input.placeholder).width > input.clientWidth - padding)
            cut.push(`placeholder: ${input.placeholder}`)
    }
    return cut
}"""


def _slug(user: str, path: str) -> str:
    return f"staff-{user}-" + re.sub(r"[/?=&]+", "-", path.strip("/")).replace("{uscc}", "uscc")


@pytest.fixture(scope="module")
def signed_in(browser: Any, live: Any) -> Iterator[Any]:
    """Each role's session, signed in at its first page and kept for the module."""
    sessions: dict[str, Session] = {}

    def get(user: str) -> Session:
        if user not in sessions:
            sessions[user] = Session(browser, live, DESK)
            sessions[user].sign_in(user)
        s = sessions[user]
        s.page.set_viewport_size(DESK)
        s.problems.clear()
        return s

    yield get
    for s in sessions.values():
        s.close()


@pytest.mark.parametrize(("user", "path"), CASES, ids=[_slug(u, p) for u, p in CASES])
def test_a_staff_page_at_both_widths(signed_in: Any, live: Any, user: str, path: str) -> None:
    name = _slug(user, path)
    placeholders = WHOLE_PLACEHOLDERS.get(path, [])
    if "{uscc}" in path:
        status, me = live.call("GET", "/api/v1/me", None, "ent-hengrun")
        assert status == 200, me
        path = path.replace("{uscc}", me["enterprise_uscc"])
    s = signed_in(user)
    page = s.go(path)
    page.locator("main h1").first.wait_for()
    check_page(page, f"{name}-1366")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)  # the layout's own switch to the drawer
    # the same page's words and roles at either width: axe once (above), the phone's picture
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{path} is {wide} px wide on a phone"
    cut = page.evaluate(WHOLE_ON_PHONE, placeholders)
    assert not cut, f"{path} on a phone: {cut}"
    assert not s.problems, s.problems
