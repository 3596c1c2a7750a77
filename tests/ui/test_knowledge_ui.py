"""The knowledge base through the UI: an operator types what a caller asks on the hotline
console and sees the article about it suggested (an expired one marked), reads it without
leaving the call; the service centre turns a commissioner's reply into a draft article from
the appeal's page in one step, publishes it, and the operator then finds it. Text anyone
typed shows as text. Every page passes axe on the way; the screenshots are kept."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e

GRADUATES = "企业招用高校毕业生社保补贴"


def _article(live: Any, **fields: Any) -> dict[str, Any]:
    body = {"category": "labor", "keywords": [], **fields}
    status, article = live.call("POST", "/api/v1/knowledge", body, as_user="admin")
    assert status == 201, article
    return article


def _replied_appeal(live: Any) -> dict[str, Any]:
    """A web appeal of 恒润 answered by its commissioner."""
    status, appeal = live.call(
        "POST",
        "/api/v1/appeals",
        {
            "category": "talent",
            "title": "引进的硕士能否申请人才公寓",
            "content": "如东恒润机械制造有限公司新引进两名硕士研究生,联系人张伟 13812345678,"
            "想了解能否申请人才公寓、怎么申请。",
            "contact_name": "张伟",
            "contact_phone": "13812345678",
        },
        as_user="ent-hengrun",
    )
    assert status == 201, appeal
    for step, fields in (
        ("accept", {}),
        ("reply", {"content": "可由单位向县人才服务中心统一申请人才公寓,每季度集中配租。"}),
    ):
        status, appeal = live.call(
            "POST",
            f"/api/v1/appeals/{appeal['id']}/events",
            {"type": step, "version": appeal["version"], **fields},
            as_user="comm-designated",
        )
        assert status == 200, appeal
    return appeal


def test_the_console_suggests_articles_and_a_reply_becomes_one(open_session, live):
    _article(
        live,
        title=GRADUATES,
        question="企业招了应届高校毕业生,能申请什么补贴?",
        answer="企业招用离校 2 年内未就业的高校毕业生并缴纳社保的,可按单位缴费部分给予社保补贴,"
        "期限最长 1 年。每季度初在江苏智慧人社申报。",
        keywords=["高校毕业生", "社保补贴"],
        valid_until="2027-12-31",
    )
    _article(
        live,
        title="2026 年上半年一次性扩岗补助",
        question="招用青年有扩岗补助吗?",
        answer="已于 2026 年 6 月 30 日到期。",
        keywords=["扩岗补助"],
        valid_until="2026-06-30",
    )
    _article(
        live,
        title="<img src=x onerror=alert(1)>稳岗返还",
        question="稳岗返还<script>alert(2)</script>",
        answer="<b>不是粗体</b>:免申即享。",
        keywords=["稳岗返还"],
    )

    operator = open_session("operator-12345")
    page = operator.go("/console")
    content = page.locator('[data-field="content"]')
    content.click()
    content.press_sequentially("来电企业招了几个应届高校毕业生,问有什么补贴", delay=25)
    first = page.get_by_test_id("knowledge-suggestion").first
    expect(first).to_contain_text(GRADUATES, timeout=15_000)
    expect(first.locator("mark").first).to_be_visible()
    check_page(page, "knowledge-console-suggestions")

    first.click()
    dialog = page.get_by_test_id("article-dialog")
    expect(dialog.get_by_test_id("article-answer")).to_contain_text("江苏智慧人社")
    _settled(page)
    page.screenshot(path=str(_shot("knowledge-console-article")), full_page=False)
    dialog.get_by_role("button", name="关闭", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(content).to_have_value("来电企业招了几个应届高校毕业生,问有什么补贴")  # the call is kept

    content.fill("")
    content.press_sequentially("青年扩岗补助还有吗", delay=25)
    expired = page.locator('[data-testid="knowledge-suggestion"]', has_text="扩岗补助")
    expect(expired.get_by_test_id("suggestion-expired")).to_have_text("已过期", timeout=15_000)

    content.fill("")
    content.press_sequentially("稳岗返还什么时候发", delay=25)
    typed = page.locator('[data-testid="knowledge-suggestion"]', has_text="稳岗返还")
    expect(typed).to_contain_text("<img src=x onerror=alert(1)>", timeout=15_000)
    expect(typed).to_contain_text("<b>不是粗体</b>")
    assert typed.locator("img, b, script").count() == 0
    check_page(page, "knowledge-console-typed-text")
    assert operator.dialogs == [] and operator.problems == [], operator.problems

    # the service centre: a commissioner's reply becomes a draft article in one step
    appeal = _replied_appeal(live)
    admin = open_session("admin")
    page = admin.go(f"/appeals/{appeal['id']}")
    expect(page.get_by_test_id("reply")).to_contain_text("人才服务中心")
    check_page(page, "knowledge-appeal-draft-action")
    page.get_by_test_id("draft-article-button").click()
    page.wait_for_url("**/knowledge?status=draft&edit=*")
    editor = page.get_by_test_id("article-editor")
    question = editor.locator('[data-field="question"]')
    expect(question).to_have_value(
        "某企业新引进两名硕士研究生,联系人某某 138****5678,想了解能否申请人才公寓、怎么申请。"
    )
    expect(editor.locator('[data-field="answer"]')).to_have_value(
        "可由单位向县人才服务中心统一申请人才公寓,每季度集中配租。"
    )
    editor.locator('[data-field="title"]').fill("引进人才能否申请人才公寓")
    _settled(page)
    check_page(page, "knowledge-draft-from-reply")
    editor.get_by_test_id("article-save-publish").click()
    expect(editor).to_be_hidden()
    expect(page.get_by_text("没有草稿")).to_be_visible()  # the only draft is published
    page.locator('[data-testid="knowledge-status"]').get_by_text("已发布").click()
    expect(page.get_by_test_id("knowledge-list")).to_contain_text("引进人才能否申请人才公寓")
    _settled(page)
    check_page(page, "knowledge-admin-list")

    # the operator now finds it, on the knowledge base page too
    page = operator.go("/knowledge")
    page.get_by_test_id("knowledge-q").fill("硕士 人才公寓")
    expect(page.get_by_test_id("article-title").first).to_have_text(
        "引进人才能否申请人才公寓", timeout=15_000
    )
    check_page(page, "knowledge-operator-search")
    assert admin.problems == [] and operator.problems == [], admin.problems + operator.problems


def _settled(page: Any) -> None:
    """No dialog fading in or out, no toggle still changing colour (a screenshot or axe
    taken mid-transition sees half the contrast)."""
    page.wait_for_function(
        "() => !document.querySelector('.dialog-fade-enter-active, .dialog-fade-leave-active')"
    )
    page.wait_for_timeout(400)  # Element Plus's buttons ease their colours over 0.3 s


def _shot(name: str) -> Any:
    from tests.ui.conftest import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"
