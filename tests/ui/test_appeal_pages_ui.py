"""The service centre's 今日到期 and 逾期 counters open the appeals list filtered the same way,
and the list says 共 N 条 — the counter's figure — with numbered pages instead of 「加载更多」
(issue 19). Screenshots: test-artifacts/screenshots/appeals-*.png."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from chalicelib.clock import BEIJING
from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e


def file_many(live: Any, n: int) -> list[dict[str, Any]]:
    made = []
    for i in range(n):
        status, appeal = live.call(
            "POST",
            "/api/v1/appeals",
            {"category": "land", "title": f"分页检查诉求 {i + 1}", "content": "用地指标。"},
            as_user="ent-hengrun",
        )
        assert status == 201, appeal
        made.append(appeal)
    return made


def test_the_counter_opens_its_list_and_the_list_counts_the_same(open_session, live):
    made = file_many(live, 23)
    # the day the new appeals fall due: the county's 今日到期 holds them
    due = datetime.fromisoformat(made[0]["reply_due_at"]).astimezone(BEIJING)
    status, _ = live.call(
        "POST", "/api/v1/dev/clock", {"now": due.replace(hour=9).isoformat()}, as_user="admin"
    )
    assert status in (200, 204), _
    s = open_session("admin")
    page = s.go("/home")
    tile = page.locator('[data-counter="due_today"]')
    figure = tile.get_by_test_id("counter-value")
    page.wait_for_function(
        "() => /^\\d+$/.test(document.querySelector('[data-counter=due_today] "
        "[data-testid=counter-value]')?.textContent.trim() ?? '')"
    )
    n = int(figure.inner_text())
    assert n >= 23
    tile.click()
    page.wait_for_url(re.compile(r"/appeals\?due=today$"))
    total = page.get_by_test_id("list-total")
    total.wait_for()
    assert total.inner_text() == f"共 {n} 条"
    assert page.get_by_test_id("load-more").count() == 0
    rows = page.locator("[data-testid=appeal-table] tbody tr")
    assert rows.count() == 20
    check_page(page, "appeals-due-today")

    # page 2 by number: the rest, and the page in the address (a reload stays there)
    page.locator("[data-testid=pager] .el-pager li", has_text="2").click()
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=appeal-table] tbody tr').length === n",
        arg=n - 20 if n < 40 else 20,
    )
    page.reload()
    page.get_by_test_id("list-total").wait_for()
    assert page.locator("[data-testid=pager] .el-pager li.is-active").inner_text() == "2"
    assert not s.problems, s.problems
