"""A town's home in Chromium (issue 21 part 4): 掘港街道's user lands on its five counters —
待签收, 办理中, 今日到期, 逾期, 督办 — each opening the unit's filtered list, and this month's
figures beside the county's average, read at 1366×768 and 390×844 without sideways
scrolling; axe passes. Screenshots of both widths are kept under test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import PHONE, check_page

pytestmark = pytest.mark.e2e

TOWN = "town-juegang"
LAPTOP = {"width": 1366, "height": 768}


def _post(live: Any, appeal: dict[str, Any], kind: str, user: str, **fields: Any) -> dict:
    body = {"type": kind, "version": appeal["version"], **fields}
    status, data = live.call("POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user)
    assert status == 200, data
    return data


def _filed(live: Any, title: str) -> dict[str, Any]:
    body = {"category": "land", "title": title, "content": title + "，请协调。"}
    status, appeal = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201, appeal
    return _post(live, appeal, "accept", "comm-designated")


def _counter(page: Any, name: str) -> int:
    return int(page.locator(f"[data-counter={name}] [data-testid=counter-value]").inner_text())


def test_a_towns_home_counts_its_work_and_puts_its_month_beside_the_county(open_session, live):
    status, before = live.call("GET", "/api/v1/me/counters", as_user=TOWN)
    assert status == 200, before
    signed = _post(
        live, _filed(live, "厂区道路征地"), "transfer", "comm-designated", departments=[TOWN]
    )
    _post(live, signed, "accept_part", TOWN)
    _post(live, _filed(live, "供水管线迁改"), "transfer", "comm-designated", departments=[TOWN])
    _post(
        live,
        _filed(live, "项目用地指标"),
        "supervise",
        "supervisor",
        due_working_days=5,
        departments=[TOWN],
    )
    status, month = live.call("GET", f"/api/v1/departments/{TOWN}/month", as_user=TOWN)
    assert status == 200, month
    assert month["unit"]["transferred"] >= 2 and month["unit"]["supervised"] >= 1

    for viewport, name in ((LAPTOP, "unit-home-town-1366"), (PHONE, "unit-home-town-phone")):
        town = open_session(TOWN, viewport=viewport)
        page = town.go("/home")
        page.locator("[data-counter=supervised_open] [data-testid=counter-value]").filter(
            has_not_text="—"
        ).wait_for()
        # the heading names the unit once its directory entry has loaded
        expect(page.locator("h1")).to_have_text("掘港街道工作台")
        names = page.locator("[data-counter] .name").all_inner_texts()
        assert names == ["待签收", "办理中", "今日到期", "逾期", "督办中"]
        assert _counter(page, "awaiting_sign") == before["awaiting_sign"] + 1
        assert _counter(page, "in_progress") == before["in_progress"] + 1
        assert _counter(page, "supervised_open") == before["supervised_open"] + 1
        # this month beside the county
        figures = page.get_by_test_id("unit-month")
        figures.locator("caption").wait_for()
        row = figures.locator("[data-figure=transferred]")
        assert row.get_by_test_id("unit-value").inner_text() == str(month["unit"]["transferred"])
        county = f"{month['county']['transferred']:.1f}"
        assert row.get_by_test_id("county-value").inner_text() == county
        assert "实时统计" in figures.locator("caption").inner_text()
        if viewport["width"] > 1000:  # the top bar names a town's user by its unit's kind
            assert page.get_by_test_id("who").inner_text().endswith("区镇")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        figures.scroll_into_view_if_needed()
        check_page(page, name)
        # a counter opens the unit's list, filtered as it counts
        page.locator("[data-counter=supervised_open]").click()
        page.wait_for_url("**/department/ledger?kind=supervised&accepted=false")
        page.get_by_text("项目用地指标").first.wait_for()
        assert not town.problems, town.problems
