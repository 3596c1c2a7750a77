"""The case view walked in the browser: at 1366×768 the commissioner accepts with one click
(the primary button), transfers and replies, each step saying what it did; at 390×844 the
enterprise sees the reply, rates it unresolved (重办) and then sees the earlier reply labelled
上次答复 rather than 「尚未答复」. Screenshots go to test-artifacts/caseview/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.conftest import PHONE, ROOT, act, check_page, status_text, verdict

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}
SHOTS = ROOT / "test-artifacts" / "caseview"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def toast(page: Any) -> str:
    """The words the last step left (its ElMessage)."""
    message = page.locator(".case-done").last
    message.wait_for()
    return message.inner_text().strip()


def primary(page: Any) -> Any:
    return page.locator("[data-testid=action-panel] [data-primary=true]")


def test_commissioner_accepts_in_one_click_transfers_and_replies(open_session, live):
    body = {"category": "land", "title": "二期厂房用地指标", "content": "二期厂房需新增用地指标。"}
    status, appeal = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201
    number = appeal["id"]

    owner = open_session("comm-designated", LAPTOP)
    page = owner.go(f"/appeals/{number}")
    page.get_by_test_id("case-number").wait_for()
    assert primary(page).inner_text().strip() == "受理"
    assert page.locator("[data-testid=action-panel] .el-button--primary").count() == 1
    # the irreversible steps stand apart
    apart = page.get_by_test_id("irreversible-actions")
    assert "不可撤销" in apart.inner_text()
    assert apart.locator('[data-action="merge"]').count() == 1
    shot(page, "1366-received")

    act(page, "accept")  # one click, no form
    assert page.locator("[data-form]").count() == 0
    said = toast(page)
    assert said.startswith("已受理，请在 ") and said.endswith(" 前答复。"), said
    assert status_text(page) == "办理中"
    shot(page, "1366-accepted")

    page.locator('[data-action="transfer"]').click()
    suggested = page.get_by_test_id("transfer-suggested")
    suggested.wait_for()
    suggested.locator('[data-unit="natural-resources"] .el-checkbox').click()
    act_version = page.get_by_test_id("case-number").get_attribute("data-version")
    page.locator('[data-form="transfer"] button[type=submit]').click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=act_version,
    )
    assert page.locator(".case-done", has_text="已转办至县自然资源和规划局。").count() == 1
    # the part is open: nothing is primary for the owner until the department answers
    assert primary(page).count() == 0
    check_page(page, "caseview-1366-transferred")

    dept = open_session("dept-natural-resources", LAPTOP)
    page2 = dept.go(f"/appeals/{number}")
    page2.get_by_test_id("part-sign-by").wait_for()
    assert primary(page2).inner_text().strip() == "签收"
    act(page2, "accept_part")
    assert "前答复本部门办理事项" in toast(page2)
    assert primary(page2).get_attribute("data-action") == "department_reply"
    act(page2, "department_reply", {"textarea": "已纳入年度用地计划，下月报批。"})
    assert "本部门答复已提交" in toast(page2)

    page = owner.go(f"/appeals/{number}")
    primary(page).wait_for()
    assert primary(page).inner_text().strip() == "答复企业"  # every part answered
    act(page, "reply", {"textarea": "用地指标已纳入年度计划，下月报批，请留意短信。"})
    assert toast(page) == "已答复企业，等待企业评价。"
    assert status_text(page) == "已答复"
    check_page(page, "caseview-1366-replied")
    assert not owner.problems and not dept.problems, owner.problems + dept.problems


def test_the_enterprise_on_a_phone_sees_the_earlier_reply_after_reopening(open_session, live):
    body = {"category": "financing", "title": "技改贷款贴息", "content": "申请技改贷款贴息的条件？"}
    status, appeal = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201
    answer = "可申报县技改贴息，材料清单已发企业邮箱。"
    for event in ({"type": "accept"}, {"type": "reply", "content": answer}):
        status, appeal = live.call(
            "POST",
            f"/api/v1/appeals/{appeal['id']}/events",
            {"version": appeal["version"], **event},
            as_user="comm-designated",
        )
        assert status == 200, appeal

    ent = open_session("ent-hengrun", PHONE)
    page = ent.go(f"/appeals/{appeal['id']}")
    primary(page).wait_for()
    assert primary(page).inner_text().strip() == "评价答复"
    check_page(page, "caseview-390-replied")

    verdict(page, "confirm", resolved=False, stars=2)
    assert "诉求将重新办理" in toast(page)
    assert status_text(page) == "办理中"
    earlier = page.get_by_test_id("earlier-reply")
    earlier.wait_for()
    text = earlier.inner_text()
    assert "上次答复" in text and answer in text
    assert "企业评价：未解决（重办）" in page.get_by_test_id("earlier-verdict").inner_text()
    assert "尚未答复" not in page.get_by_test_id("reply-card").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.wait_for_selector(".case-done", state="detached", timeout=10000)
    check_page(page, "caseview-390-reopened")
    shot(page, "390-reopened")
    assert not ent.problems, ent.problems
