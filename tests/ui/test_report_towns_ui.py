"""The report dashboard's towns, handling figures and legibility (issue 21 part 5, issue 18's
figures, issue 19 item 10) in Chromium: March 2026 with an appeal given to the town 掘港街道
as a part (signed for and answered by the town's user) and an appeal of 星海 (城中街道)
answered by its commissioner. The dashboard is read at 1366×768 and at 390×844: the towns
are marked among the units and have their own tables, the handling figures are shown, the
department chart is drawn with one 0–100 % axis, nothing scrolls sideways, and axe passes.
Screenshots of both widths (the page and the chart) are kept under test-artifacts/."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.ui.conftest import PHONE, SHOTS, check_page

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}


def _march(live: Any) -> str:
    """Plays March on the business clock and builds its report; returns the report's id."""

    def ev(appeal: dict[str, Any], user: str, kind: str, **fields: Any) -> dict[str, Any]:
        body = {"type": kind, "version": appeal["version"], **fields}
        status, data = live.call(
            "POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user
        )
        assert status == 200, data
        return data

    def clock(now: str) -> None:
        assert live.call("POST", "/api/v1/dev/clock", {"now": now})[0] == 200

    def file(user: str, category: str, title: str) -> dict[str, Any]:
        body = {"category": category, "title": title, "content": title + "，请协调。"}
        status, appeal = live.call("POST", "/api/v1/appeals", body, as_user=user)
        assert status == 201, appeal
        return appeal

    clock("2026-03-10T09:00:00+08:00")
    land = ev(file("ent-hengrun", "land", "厂区道路征地"), "comm-designated", "accept")
    land = ev(land, "comm-designated", "transfer", departments=["town-juegang"])
    land = ev(land, "town-juegang", "accept_part")
    land = ev(land, "town-juegang", "department_reply", content="征地事宜已与村组对接。")
    land = ev(land, "comm-designated", "reply", content="掘港街道已协调征地。")
    ev(land, "ent-hengrun", "confirm", resolved=True, satisfaction=5)
    labour = ev(file("ent-xinghai", "labor", "技术工人招聘难"), "comm-above-100m", "accept")
    ev(labour, "comm-above-100m", "reply", content="已组织专场招聘会。")
    clock("2026-04-02T09:00:00+08:00")
    status, report = live.call(
        "POST", "/api/v1/reports", {"month": "2026-03"}, as_user="supervisor"
    )
    assert status == 202, report
    for _ in range(120):  # the local stack's poller feeds the report queue's consumer
        _, got = live.call("GET", f"/api/v1/reports/{report['id']}", as_user="supervisor")
        if got["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert got["status"] == "done", got
    return str(report["id"])


def _part_shots(page: Any, name: str) -> None:
    """The chart, the handling figures and the towns' tables, each at the page's scale."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for part, selector in (
        ("chart", "[data-chart=departments]"),
        ("process", "[data-testid=process]"),
        ("towns", "[data-testid=towns]"),
    ):
        page.locator(selector).screenshot(path=str(SHOTS / f"{name}-{part}.png"))


def test_the_dashboard_shows_the_towns_and_reads_at_both_widths(open_session, live):
    try:
        report_id = _march(live)
        for viewport, name in ((LAPTOP, "report-towns-1366"), (PHONE, "report-towns-phone")):
            supervisor = open_session("supervisor", viewport=viewport)
            page = supervisor.go(f"/reports/{report_id}")
            page.locator("[data-chart=departments] canvas").wait_for()
            # the town among the units, marked
            units = page.get_by_test_id("department-table")
            row = units.locator('[data-department="town-juegang"]')
            assert row.get_by_test_id("town-tag").inner_text() == "区镇"
            # the towns' own tables
            town = page.get_by_test_id("town-units").locator('[data-town="town-juegang"]')
            assert town.locator("[data-metric=transferred]").inner_text() == "1"
            assert town.locator("[data-metric=sign_rate]").inner_text() == "100.0%"
            filers = page.get_by_test_id("town-filers")
            jg = filers.locator('[data-town="掘港街道"]')
            assert jg.locator("[data-metric=received]").inner_text() == "1"
            assert jg.locator("[data-metric=satisfaction_rate]").inner_text() == "100.0%"
            chengzhong = filers.locator('[data-town="城中街道"] [data-metric=received]')
            assert chengzhong.inner_text() == "1"
            assert filers.locator('[data-town="马塘镇"]').count() == 1  # zeros shown
            # issue 18's figures
            process = page.get_by_test_id("process")
            assert "签收及时率" in process.locator("[data-metric=sign_rate]").inner_text()
            for key in ("parts_overdue", "paused", "direct_rate", "repeat_calls", "withdrawn"):
                assert process.locator(f"[data-metric={key}]").count() == 1, key
            # the chart's words: rates only, one axis
            label = page.locator("[data-chart=departments]").get_attribute("aria-label") or ""
            assert "掘港街道，按时答复率 100.0%，签收及时率 100.0%" in label
            box = page.locator("[data-chart=departments] canvas").bounding_box()
            assert box and box["width"] >= min(viewport["width"] - 120, 400), box
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            page.get_by_test_id("towns").scroll_into_view_if_needed()
            _part_shots(page, name)
            check_page(page, name)
            assert not supervisor.problems, supervisor.problems
    finally:
        live.call("POST", "/api/v1/dev/clock", {"now": None})
