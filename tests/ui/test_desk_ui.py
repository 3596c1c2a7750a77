"""Repeats and direct answers at the hotline desk (issue 17): an unregistered caller rings
again about the same problem — the console offers its open appeal and the operator records a
repeat call on it instead of a new appeal; another caller's question is answered on the call
and filed closed. Screenshots: test-artifacts/screenshots/desk-*.png."""

from __future__ import annotations

import uuid

import pytest

from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e

PHONE = "13761234567"


def choose(page, scope, option: str) -> None:
    scope.click()
    page.get_by_role("option", name=option).first.click()


def start_call(page, phone: str, content: str) -> None:
    page.locator('[data-field="caller_phone"]').fill(phone)
    page.locator('[data-field="kind"]').get_by_text("未登记", exact=False).first.click()
    page.locator('[data-field="enterprise_name"]').fill("如东某家庭农场")
    choose(page, page.locator('[data-field="category"]'), "其他")
    page.locator('[data-field="content"]').fill(content)


def test_a_repeat_call_is_recorded_on_the_callers_open_appeal(open_session, live):
    status, earlier = live.call(
        "POST",
        "/api/v1/hotline/calls",
        {
            "line": "12345",
            "caller_phone": PHONE,
            "enterprise_name": "如东某家庭农场",
            "category": "other",
            "content": "农场门口的灌溉渠堵塞,雨天积水进大棚。",
        },
        as_user="operator-center",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert status == 201
    operator = open_session("operator-12345")
    page = operator.go("/console")
    start_call(page, PHONE, "又打来说灌溉渠堵塞积水进大棚,还没人处理。")
    offered = page.locator(f'[data-similar="{earlier["id"]}"]')
    offered.wait_for(timeout=10_000)
    assert "同一来电号码" in offered.inner_text()
    check_page(page, "desk-similar-offered")
    offered.get_by_test_id("record-repeat").click()
    page.get_by_test_id("call-result").wait_for()
    assert "已记为重复来电" in page.get_by_test_id("result-kind").inner_text()
    assert page.get_by_test_id("case-number").inner_text().strip() == earlier["id"]
    check_page(page, "desk-repeat-recorded")
    _, appeal = live.call("GET", f"/api/v1/appeals/{earlier['id']}", as_user="admin")
    assert appeal["repeat_calls"] == 1 and appeal["timeline"][-1]["type"] == "repeat_call"
    assert not operator.problems, operator.problems


def test_a_question_answered_on_the_call_is_filed_closed(open_session, live):
    operator = open_session("operator-12345")
    page = operator.go("/console")
    start_call(page, "13761230000", "问:个体户办营业执照需要什么材料?")
    page.locator('[data-field="answered"]').click()
    page.locator('[data-field="answer"]').fill(
        "带身份证到政务服务中心一楼市场监管窗口办理,当场出照。"
    )
    page.get_by_test_id("submit-call").click()
    page.get_by_test_id("call-result").wait_for()
    assert "已直接答复并办结" in page.get_by_test_id("result-kind").inner_text()
    number = page.get_by_test_id("case-number").inner_text().strip()
    check_page(page, "desk-answered-on-call")
    _, appeal = live.call("GET", f"/api/v1/appeals/{number}", as_user="admin")
    assert (appeal["status"], appeal["closed_as"]) == ("closed", "answered_on_call")
    assert [e["type"] for e in appeal["timeline"]] == ["filed", "reply", "closed"]
    assert not operator.problems, operator.problems
