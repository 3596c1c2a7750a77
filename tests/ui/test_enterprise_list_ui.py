"""企业管理 at 1366×768 (issue 19 item 6): the filters narrow the register and say 共 N 条,
numbered pages walk it, and a changed filter goes back to page 1. Screenshots:
test-artifacts/screenshots/enterprise-list-*.png."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}


def _total(page: Any) -> int:
    text = page.get_by_test_id("enterprise-total").inner_text()
    found = re.fullmatch(r"共 (\d+) 条", text)
    assert found, text
    return int(found.group(1))


def _rows(page: Any) -> list[str]:
    return page.locator("[data-testid=enterprise-table] tbody tr[data-row]").evaluate_all(
        "rows => rows.map(r => r.dataset.row)"
    )


def _settled(page: Any) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=enterprise-table]')"
        "?.getAttribute('aria-busy') !== 'true'"
    )
    page.wait_for_load_state("networkidle")


def _pick(page: Any, field: str, label: str) -> None:
    page.locator(f'[data-testid=enterprise-filters] [data-field="{field}"]').click()
    page.locator(".el-select-dropdown__item:visible", has_text=label).first.click()
    _settled(page)


def test_filters_count_and_pages_at_1366(open_session, live):
    every = live.call("GET", "/api/v1/enterprises?sort=name&limit=100", as_user="admin")[1]
    admin = open_session("admin", LAPTOP)
    page = admin.go("/admin/enterprises")
    page.get_by_test_id("enterprise-total").wait_for()
    _settled(page)
    assert _total(page) == every["total"] >= 32
    assert _rows(page) == [e["uscc"] for e in every["items"][:20]]  # pinyin order, page 1
    assert page.get_by_text("加载更多").count() == 0
    pager = page.get_by_test_id("enterprise-pager")
    # Element Plus's own words in Chinese (its locale follows the app's, i18n/elementLocale.ts)
    assert pager.locator("button.btn-prev").get_attribute("aria-label") == "上一页"
    check_page(page, "enterprise-list-1-all")

    pager.locator(".el-pager li", has_text=re.compile(r"^2$")).click()
    _settled(page)
    assert _rows(page) == [e["uscc"] for e in every["items"][20:40]]
    assert pager.locator(".el-pager li.is-active").inner_text() == "2"

    # a filter goes back to page 1 and counts what it admits
    _pick(page, "size_class", "规上")
    want = [e["uscc"] for e in every["items"] if e["size_class"] == "designated"]
    assert _total(page) == len(want) and _rows(page) == want[:20]
    page.locator('[data-testid=enterprise-filters] [data-field="key_tech"]').click()
    _settled(page)
    want = [
        e["uscc"]
        for e in every["items"]
        if e["size_class"] == "designated" and e["flags"]["key_tech"]
    ]
    assert _total(page) == len(want) and _rows(page) == want[:20]
    check_page(page, "enterprise-list-2-filtered")

    # a town and latest activity first
    page.get_by_test_id("enterprise-reset").click()
    _settled(page)
    town = next(e["town"] for e in every["items"] if e.get("town"))
    box = page.locator(
        '[data-testid=enterprise-filters] [data-field="town"] input, input[data-field="town"]'
    ).first
    box.fill(town)
    box.press("Enter")
    _settled(page)
    want = [e["uscc"] for e in every["items"] if e.get("town") == town]
    assert _total(page) == len(want) and sorted(_rows(page)) == sorted(want[:20])
    _pick(page, "sort", "最近更新在前")
    check_page(page, "enterprise-list-3-town-recent")
    assert not admin.problems, admin.problems
