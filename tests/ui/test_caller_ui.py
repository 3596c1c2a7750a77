"""The 恒润机械 story on the operator's console (issue 17): the caller says 「恒润机械」, then the
operator tries 「hrjx」, then only the caller's number is known — the enterprise is found each
time, with its history (open appeals first, its commissioner) beside the form. Enter in the
lookup never records the caller as unregistered. Then the staff page of the enterprise, from
the service centre's list and from an appeal. Screenshots: test-artifacts/screenshots/
caller-*.png."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from infra.local.seed import enterprise_records
from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e

HENGRUN = enterprise_records()[0]
PHONE = "13951234567"


def earlier_calls(live: Any) -> list[dict[str, Any]]:
    """Two earlier calls of 恒润 from the caller's number; the first answered already."""
    made = []
    asked = ("技改补助怎么申报?去年的设备投入能不能算。", "新厂房用电增容,供电公司说要排队。")
    for content in asked:
        status, appeal = live.call(
            "POST",
            "/api/v1/hotline/calls",
            {
                "line": "12345",
                "caller_phone": PHONE,
                "uscc": HENGRUN["uscc"],
                "category": "policy",
                "content": content,
            },
            as_user="operator-12345",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert status == 201, appeal
        made.append(appeal)
    first = made[0]
    for body in (
        {"type": "accept", "version": 1},
        {"type": "reply", "version": 2, "content": "已将技改补助申报指南发给企业。"},
    ):
        status, first = live.call(
            "POST", f"/api/v1/appeals/{first['id']}/events", body, as_user="comm-designated"
        )
        assert status == 200, first
    return made


def picked_with_history(page: Any, calls: list[dict[str, Any]]) -> None:
    page.get_by_test_id("picked-enterprise").wait_for()
    assert HENGRUN["uscc"] in page.get_by_test_id("picked-enterprise").inner_text()
    history = page.get_by_test_id("enterprise-history")
    history.get_by_test_id("history-name").wait_for()
    assert history.get_by_test_id("history-name").inner_text() == HENGRUN["name"]
    assert "顾晓燕" in history.get_by_test_id("history-commissioner").inner_text()
    listed = history.locator("[data-testid=history-appeals] [data-appeal]")
    listed.first.wait_for()
    ids = [listed.nth(i).get_attribute("data-appeal") for i in range(listed.count())]
    # the open one (received) before the replied one
    assert ids.index(calls[1]["id"]) < ids.index(calls[0]["id"])


def test_the_hengrun_story_by_short_name_pinyin_and_phone(open_session, live):
    calls = earlier_calls(live)
    operator = open_session("operator-12345")
    page = operator.go("/console")
    lookup = page.locator('input[data-field="enterprise"]')

    # 1. the caller says 「恒润机械」: its short name
    lookup.fill("恒润机械")
    page.locator(f'[role=option][data-uscc="{HENGRUN["uscc"]}"]').wait_for()
    check_page(page, "caller-1a-typed-short-name")  # the options, best first
    lookup.press("Enter")
    picked_with_history(page, calls)
    check_page(page, "caller-1-short-name")

    # 2. again by pinyin initials
    page.get_by_test_id("lookup-again").click()
    lookup.fill("hrjx")
    page.locator(f'[role=option][data-uscc="{HENGRUN["uscc"]}"]').wait_for()
    check_page(page, "caller-2a-typed-pinyin")
    lookup.press("Enter")
    picked_with_history(page, calls)
    check_page(page, "caller-2-pinyin")

    # 3. only the number: the enterprises it called about are offered before a name is typed
    page.get_by_test_id("lookup-again").click()
    page.locator('[data-field="caller_phone"]').fill(PHONE)
    match = page.locator(f'[data-testid=phone-match][data-uscc="{HENGRUN["uscc"]}"]')
    match.wait_for()
    check_page(page, "caller-3a-phone-offers")
    match.click()
    picked_with_history(page, calls)
    check_page(page, "caller-3-phone")

    # Enter on a name nobody registered picks nothing: unregistered is an explicit choice
    page.get_by_test_id("lookup-again").click()
    lookup.fill("如东某水产养殖场")
    page.get_by_test_id("lookup-none").wait_for()
    lookup.press("Enter")
    assert page.get_by_test_id("picked-enterprise").count() == 0
    assert page.locator('[data-field="enterprise_name"]').count() == 0  # still "registered"
    page.get_by_test_id("choose-unregistered").click()
    name = page.locator('[data-field="enterprise_name"] input, input[data-field="enterprise_name"]')
    assert name.first.input_value() == "如东某水产养殖场"
    assert not operator.problems, operator.problems

    # the staff page of the enterprise: from the service centre's list and from an appeal
    admin = open_session("admin")
    page = admin.go("/admin/enterprises")
    search = page.get_by_label("企业名称、简称、拼音或信用代码")
    search.fill("hrjx")
    search.press("Enter")
    row = page.locator(f'[data-row="{HENGRUN["uscc"]}"]')
    row.wait_for()
    row.get_by_test_id("enterprise-history-link").click()
    page.wait_for_url(f"**/enterprises/{HENGRUN['uscc']}")
    picked = page.get_by_test_id("enterprise-history")
    picked.get_by_test_id("history-name").wait_for()
    assert picked.locator("[data-testid=history-appeals] [data-appeal]").count() >= 2
    check_page(page, "caller-4-enterprise-page")
    page = admin.go(f"/appeals/{calls[0]['id']}")
    page.get_by_test_id("appeal-enterprise-link").click()
    page.wait_for_url(f"**/enterprises/{HENGRUN['uscc']}")
    page.get_by_test_id("history-name").wait_for()
    assert not admin.problems, admin.problems
