"""Public progress in the browser, at 375 px (a phone: the 受理回执 SMS links here): from the
sign-in page's link to /track, a case number and the phone on the appeal show its status, its
times in Beijing time and its steps; a wrong phone is told plainly; after ten failed tries on
the number, the page says how many minutes to wait — the right phone included. Every state
passes axe and is kept as a screenshot (test-artifacts/screenshots/track-*.png)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e

NARROW = {"width": 375, "height": 812}


def _appeal(live: Any, phone: str) -> dict[str, Any]:
    body = {
        "category": "land",
        "title": "扩建厂房用地指标",
        "content": "计划扩建二期厂房,约需 30 亩工业用地。",
        "contact_name": "张伟",
        "contact_phone": phone,
    }
    status, appeal = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201, appeal
    return appeal


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"the page scrolls sideways at 375 px ({width}px)"


def _look_up(page: Any, case_number: str, phone: str) -> None:
    page.locator("input[name=case_number]").fill(case_number)
    page.locator("input[name=phone]").fill(phone)
    page.locator("[data-testid=track-submit]").click()


def test_progress_by_case_number_and_phone_on_a_phone(open_session, live):
    appeal = _appeal(live, "13812347701")
    status, accepted = live.call(
        "POST",
        f"/api/v1/appeals/{appeal['id']}/events",
        {"type": "accept", "version": appeal["version"]},
        as_user="comm-designated",
    )
    assert status == 200, accepted
    visitor = open_session(viewport=NARROW)  # nobody signed in
    page = visitor.go("/login")
    expect(page.locator("[data-testid=track-link]")).to_have_text("办理进度查询 →")
    _no_sideways_scroll(page)
    check_page(page, "track-login-link")
    page.locator("[data-testid=track-link]").click()
    page.wait_for_url("**/track")
    expect(page.locator("main h1")).to_have_text("诉求办理进度查询")
    _no_sideways_scroll(page)
    check_page(page, "track-empty")

    _look_up(page, appeal["id"].lower(), "+86 138 1234 7701")
    result = page.locator("[data-testid=track-result]")
    expect(result).to_be_visible()
    expect(page.locator("[data-testid=track-id]")).to_have_text(appeal["id"])
    expect(result).to_contain_text("办理中")
    expect(result).to_contain_text("用地")
    due = appeal["reply_due_at"]  # Beijing time, as the API gives it
    expect(result).to_contain_text(f"{due[:10]} {due[11:16]}")
    steps = page.locator("[data-testid=track-steps]")
    expect(steps).to_contain_text("提交诉求")
    expect(steps).to_contain_text("受理")
    for personal in ("张伟", "13812347701", "恒润", appeal["title"], appeal["content"]):
        assert personal not in page.locator("main").inner_text()
    _no_sideways_scroll(page)
    check_page(page, "track-found")

    _look_up(page, appeal["id"], "13800000000")
    expect(page.locator("[data-testid=track-refusal]")).to_have_text(
        "未查到，请核对受理编号和手机号"
    )
    expect(result).to_have_count(0)
    check_page(page, "track-not-found")

    # English through the language switch
    page.get_by_role("button", name="English").click()
    expect(page.locator("main h1")).to_have_text("Check the progress of an appeal")
    _look_up(page, appeal["id"], "13812347701")
    expect(page.locator("[data-testid=track-result]")).to_contain_text("Processing")
    check_page(page, "track-found-en")
    page.get_by_role("button", name="中文").click()
    assert not visitor.problems, visitor.problems


def test_ten_wrong_phones_then_the_page_says_how_long_to_wait(open_session, live):
    appeal = _appeal(live, "13812347702")
    for i in range(10):  # someone guessing, from another tab
        status, _ = live.call(
            "POST",
            "/api/v1/public/lookup",
            {"case_number": appeal["id"], "phone": f"1390000{i:04d}"},
        )
        assert status == 404
    visitor = open_session(viewport=NARROW)
    page = visitor.go("/track")
    _look_up(page, appeal["id"], "13812347702")  # the right phone, too late
    refusal = page.locator("[data-testid=track-refusal]")
    expect(refusal).to_have_text("查询失败次数过多，请 60 分钟后再试")
    _no_sideways_scroll(page)
    check_page(page, "track-throttled")
