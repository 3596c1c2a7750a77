"""A department signs for its part (签收) in the UI: its page lists what waits to be signed
for with the deadline; the appeal page's action signs; the list then says it is signed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.conftest import act, check_page

pytestmark = pytest.mark.e2e


def post(live: Any, appeal: dict[str, Any], user: str, **event: Any) -> dict[str, Any]:
    status, after = live.call(
        "POST",
        f"/api/v1/appeals/{appeal['id']}/events",
        {"version": appeal["version"], **event},
        as_user=user,
    )
    assert status == 200, after
    return after


def test_a_department_signs_for_its_part(open_session, live):
    body = {"category": "land", "title": "厂房扩建用地", "content": "扩建厂房需要新增用地指标。"}
    status, appeal = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201
    appeal = post(live, appeal, "comm-designated", type="accept")
    appeal = post(live, appeal, "comm-designated", type="transfer", departments=["tax"])
    number = appeal["id"]
    due = appeal["departments"][0]["accept_due_at"]
    assert due is not None

    tax = open_session("dept-tax")
    page = tax.go("/department")
    row = page.locator(f'[data-appeal="{number}"]')
    row.wait_for()
    cell = row.get_by_test_id("sign-for")
    assert "待签收" in cell.inner_text()
    assert cell.locator("time").get_attribute("datetime") == due
    check_page(page, "department-to-sign")

    page = tax.go(f"/appeals/{number}")
    page.get_by_test_id("part-sign-by").wait_for()
    assert page.locator('[data-action="accept_part"]').inner_text().strip() == "签收"
    act(page, "accept_part")
    page.get_by_test_id("part-signed").wait_for()
    assert page.locator('[data-action="accept_part"]').count() == 0
    assert "部门签收" in page.locator("body").inner_text()  # on the timeline
    check_page(page, "department-signed-appeal")

    page = tax.go("/department")
    row = page.locator(f'[data-appeal="{number}"]')
    row.wait_for()
    assert "已签收" in row.get_by_test_id("sign-for").inner_text()
    check_page(page, "department-signed-list")

    # the owner's workbench: what waits for its own sign-for, with the deadline
    body = {"category": "other", "title": "用电报装", "content": "新厂房用电报装进度慢。"}
    status, waiting = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201 and waiting["accept_due_at"]
    owner = open_session("comm-designated")
    page = owner.go("/workbench")
    tag = page.locator(f'[data-appeal="{waiting["id"]}"]').get_by_test_id("to-sign")
    tag.wait_for()
    assert "签收截止" in tag.inner_text()
    check_page(page, "commissioner-workbench-sign-for")
