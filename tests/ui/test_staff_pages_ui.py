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
    # a policy with an application window, as the department reviewing it reads it
    "dept-tax": [
        "/home",
        "/department",
        "/department/ledger",
        "/review/applications",
        "/policies/{policy}",
    ],
    "operator-12345": ["/home", "/console"],
}
CASES = [(user, path) for user, paths in PAGES.items() for path in paths]

#: Fields whose whole placeholder must show, at a desk and on a phone, by page (its path
#: without the query): an input's on its one line, a textarea's wrapped over its rows.
WHOLE_PLACEHOLDERS = {
    "/admin/enterprises": ["input[data-field=q]"],
    "/appeals": ["input[data-field=q]"],
    "/workbench": ["[data-testid=workbench-search] input"],
    "/knowledge": ["input[data-testid=knowledge-q]"],
    "/console": ["input[data-field=enterprise]", "textarea[data-field=content]"],
    "/admin/calendar": ["textarea[data-field=holidays]", "textarea[data-field=working_weekends]"],
}
#: Selects whose chosen option must read whole, by page.
WHOLE_SELECTS = {"/admin/calendar": ["[data-testid=calendar-year]"]}

#: What must read whole, as a list of what does not: on a phone, the missing-calendar
#: banner's sentence (its last word, 暂定, is the point) and 「北京时间」 wherever it is written
#: (its four characters on one line); at either width, the placeholders named (measured in
#: the field's own font: an input's on one line, a textarea's laid out as the textarea lays
#: it out, within its rows) and the selects' chosen words.
WHOLE_ON_PHONE = r"""({placeholders, selects, phone}) => {
    const cut = []
    const b = document.querySelector('[data-testid=calendar-warning] .warning-text')
    if (phone && b && (b.scrollWidth > b.clientWidth || b.scrollHeight > b.clientHeight))
        cut.push(`the banner: ${b.textContent}`)
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = phone ? texts.nextNode() : null; n; n = texts.nextNode()) {
        const at = n.data.indexOf('北京时间')
        if (at < 0 || !n.parentElement?.checkVisibility()) continue
        const range = document.createRange()
        const tops = new Set([0, 1, 2, 3].map((i) => {
            range.setStart(n, at + i)
            range.setEnd(n, at + i + 1)
            return Math.round(range.getBoundingClientRect().top)
        }))
        if (tops.size > 1) cut.push(`北京时间 across lines: ${n.data}`)
    }
    const ctx = document.createElement('canvas').getContext('2d')
    for (const selector of placeholders) {
        const fields = [...document.querySelectorAll(selector)]
        if (!fields.length) cut.push(`no field ${selector}`)
        for (const field of fields) {
            const style = getComputedStyle(field)
            const px = (p) => parseFloat(style[p])
            const across = field.clientWidth - px('paddingLeft') - px('paddingRight')
            if (field.tagName === 'TEXTAREA') {
                // the placeholder as the textarea draws it: its width, font and wrapping
                const copy = document.createElement('div')
                const like = ['font', 'lineHeight', 'letterSpacing', 'whiteSpace', 'overflowWrap']
                for (const p of [...like, 'wordBreak'])
                    copy.style[p] = style[p]
                const at = {position: 'absolute', visibility: 'hidden', width: `${across}px`}
                Object.assign(copy.style, at)
                copy.textContent = field.placeholder
                document.body.append(copy)
                const tall = copy.getBoundingClientRect().height
                const wide = copy.scrollWidth
                copy.remove()
                const room = field.clientHeight - px('paddingTop') - px('paddingBottom')
                if (tall > room + 0.5 || wide > across + 0.5)
                    cut.push(`placeholder: ${JSON.stringify(field.placeholder)}`
                        + ` (${Math.round(tall)} px tall in ${Math.round(room)})`)
                continue
            }
            ctx.font = style.font
            const wide = ctx.measureText(field.placeholder).width
            if (wide > across)
                cut.push(`placeholder: ${field.placeholder}`
                    + ` (${Math.round(wide)} px in ${Math.round(across)})`)
        }
    }
    for (const selector of selects) {
        const shown = [...document.querySelectorAll(`${selector} .el-select__selected-item`)]
        if (!shown.length) cut.push(`no select ${selector}`)
        for (const s of shown) {
            ctx.font = getComputedStyle(s).font
            const wide = ctx.measureText(s.textContent).width
            if (s.scrollWidth > s.clientWidth || wide > s.clientWidth)
                cut.push(`select: ${s.textContent} (${Math.round(wide)} px in ${s.clientWidth})`)
        }
    }
    return cut
}"""


def _slug(user: str, path: str) -> str:
    slug = re.sub(r"[/?=&]+", "-", path.strip("/"))
    return f"staff-{user}-" + slug.replace("{uscc}", "uscc").replace("{policy}", "policy")


@pytest.fixture(scope="module")
def window_policy(live: Any) -> str:
    """A published policy taking applications in December 2026 (Beijing), reviewed by the
    tax bureau: its page says when, 「北京时间」 after the times."""
    status, policy = live.call(
        "POST",
        "/api/v1/policies",
        {
            "title": "如东县企业研发费用加计扣除辅导申报指南",
            "issuer": "国家税务总局如东县税务局",
            "body": "第一条 对开展研发活动的企业提供加计扣除申报辅导。",
            "effective_from": "2026-01-01",
        },
        as_user="admin",
    )
    assert status == 201, policy
    status, done = live.call(
        "POST", f"/api/v1/policies/{policy['id']}/publish", {"version": 1}, as_user="admin"
    )
    assert status == 200, done
    window = {
        "version": done["policy"]["version"],
        "opens_at": "2026-12-01T09:00:00+08:00",
        "closes_at": "2026-12-31T17:00:00+08:00",
        "materials": [{"id": "plan", "name": "研发项目计划书"}],
        "reviewer_department_id": "tax",
    }
    status, body = live.call(
        "PUT", f"/api/v1/policies/{policy['id']}/application-window", window, as_user="admin"
    )
    assert status == 200, body
    return str(policy["id"])


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
def test_a_staff_page_at_both_widths(
    signed_in: Any, live: Any, request: pytest.FixtureRequest, user: str, path: str
) -> None:
    name = _slug(user, path)
    whole = {
        "placeholders": WHOLE_PLACEHOLDERS.get(path.split("?")[0], []),
        "selects": WHOLE_SELECTS.get(path.split("?")[0], []),
    }
    if "{uscc}" in path:
        status, me = live.call("GET", "/api/v1/me", None, "ent-hengrun")
        assert status == 200, me
        path = path.replace("{uscc}", me["enterprise_uscc"])
    if "{policy}" in path:
        path = path.replace("{policy}", request.getfixturevalue("window_policy"))
    s = signed_in(user)
    page = s.go(path)
    page.locator("main h1").first.wait_for()
    check_page(page, f"{name}-1366")
    cut = page.evaluate(WHOLE_ON_PHONE, {**whole, "phone": False})
    assert not cut, f"{path} at a desk: {cut}"
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)  # the layout's own switch to the drawer
    # the same page's words and roles at either width: axe once (above), the phone's picture
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{path} is {wide} px wide on a phone"
    cut = page.evaluate(WHOLE_ON_PHONE, {**whole, "phone": True})
    assert not cut, f"{path} on a phone: {cut}"
    assert not s.problems, s.problems


def _first_days_of_the_date_range(s: Any) -> tuple[Any, list[str]]:
    """全部诉求 opened afresh, its date range's picker open: the page and the first two day
    headings of its first month."""
    page = s.go("/appeals")
    page.locator("main h1").first.wait_for()
    page.locator("main .el-date-editor--daterange input").first.click()
    heads = page.locator(".el-date-range-picker .el-date-table").first.locator("th")
    heads.first.wait_for()
    return page, heads.all_inner_texts()[:2]


def test_a_date_picker_starts_its_week_on_monday_in_chinese(open_session: Any) -> None:
    """Element Plus's date pickers count weeks as dayjs's locale does: in Chinese from Monday
    (一), as Chinese calendars do; in English from Sunday. 全部诉求's date range, at a desk."""
    s = open_session("admin", DESK)
    page, days = _first_days_of_the_date_range(s)
    assert days == ["一", "二"]
    page.wait_for_function("() => !document.querySelector('[class*=-enter-active]')")
    page.screenshot(path=str(SHOTS / "staff-admin-appeals-dates-1366.png"))
    page.keyboard.press("Escape")
    page.get_by_role("button", name="English").click()
    page.locator("html[lang=en]").wait_for(state="attached")
    # a picker already drawn keeps its first day (Element Plus reads it once): a new page
    _, days = _first_days_of_the_date_range(s)
    assert days == ["Sun", "Mon"]
    assert not s.problems, s.problems


#: The pages of WHOLE_PLACEHOLDERS and WHOLE_SELECTS, each with a role that has it.
IN_ENGLISH = {
    "admin": ["/admin/enterprises", "/appeals", "/knowledge", "/admin/calendar"],
    "comm-designated": ["/workbench"],
    "operator-12345": ["/console"],
}


@pytest.mark.parametrize("user", list(IN_ENGLISH))
def test_the_whole_placeholders_in_english_on_a_phone(open_session: Any, user: str) -> None:
    """The same fields read whole in English, at 390 px (English words are wider)."""
    s = open_session(user, PHONE)
    s.page.evaluate("localStorage.setItem('xqt.locale', 'en')")
    cut = {}
    for path in IN_ENGLISH[user]:
        page = s.go(path)
        page.locator("html[lang=en]").wait_for(state="attached")
        page.locator("main h1").first.wait_for()
        page.wait_for_load_state("networkidle")
        whole = {"placeholders": WHOLE_PLACEHOLDERS[path], "selects": WHOLE_SELECTS.get(path, [])}
        cut[path] = page.evaluate(WHOLE_ON_PHONE, {**whole, "phone": True})
        page.screenshot(path=str(SHOTS / f"{_slug(user, path)}-en-390.png"))
    assert not any(cut.values()), f"in English on a phone: {cut}"
    assert not s.problems, s.problems
