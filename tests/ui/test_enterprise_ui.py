"""The enterprise's side in a real browser: filing on a phone, the appeal to closure through
one 重办, user text shown as text, and axe on every page visited."""

from __future__ import annotations

import re

import pytest

from tests.ui.conftest import CASE, PHONE, act, check_page, status_text, verdict

pytestmark = pytest.mark.e2e

XSS = "<img src=x onerror=alert(1)>"


def test_sign_in_page_lists_demo_users_by_role(open_session):
    s = open_session()
    page = s.go("/login")
    page.locator('[data-user="ent-hengrun"]').wait_for()
    for role in ("企业用户", "热线坐席", "服务专员", "职能部门", "县民营企业服务中心"):
        assert page.get_by_role("heading", name=role).is_visible()
    check_page(page, "login")
    assert not s.problems


def test_enterprise_files_an_appeal_on_a_phone(open_session):
    s = open_session("ent-hengrun", PHONE)
    page = s.go("/my/appeals/new")
    page.get_by_role("button", name="提交诉求").click()
    page.locator(".el-form-item__error").nth(2).wait_for()
    assert page.locator(".el-form-item__error").all_inner_texts() == [
        "请选择诉求类别",
        "请填写诉求标题",
        "请填写诉求内容",
    ]
    # the cursor is in the first field in error, not left on the button
    assert page.evaluate("document.activeElement.dataset.field") == "category"
    check_page(page, "enterprise-file-errors")

    page.locator('[data-field="category"]').select_option(label="用地")
    page.locator('[data-field="title"]').fill("二期厂房用地指标")
    page.locator('[data-field="content"]').fill("计划扩建二期厂房,约需 30 亩工业用地。")
    page.locator('[data-field="contact_phone"]').fill("1381234")
    page.get_by_role("button", name="提交诉求").click()
    # the API's refusal appears under the field it names
    phone_item = page.locator(".el-form-item", has=page.locator('[data-field="contact_phone"]'))
    phone_item.locator(".el-form-item__error").wait_for()
    assert phone_item.locator(".el-form-item__error").inner_text() == "不是有效的电话号码"

    page.locator('[data-field="contact_phone"]').fill("13812345678")
    page.get_by_role("button", name="提交诉求").click()
    filed = page.get_by_test_id("filed")
    assert filed.locator("h1").inner_text() == "提交成功，请记下诉求编号"
    assert CASE.fullmatch(filed.get_by_test_id("filed-number").inner_text())
    check_page(page, "enterprise-filed-phone")
    filed.get_by_test_id("open-filed").click()
    page.wait_for_url(re.compile(r"/appeals/XQT-"))
    assert CASE.fullmatch(page.locator("[data-testid=case-number]").inner_text())
    page.get_by_text("剩余 5 个工作日").first.wait_for()  # receipt day not counted
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    check_page(page, "enterprise-appeal-detail-phone")

    page = s.go("/my/appeals")
    page.get_by_text("二期厂房用地指标").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(page, "enterprise-my-appeals-phone")
    assert not s.problems, s.problems


def test_a_web_appeal_closes_by_the_enterprise_after_one_reopening(open_session):
    ent = open_session("ent-hengrun")
    page = ent.go("/my/appeals/new")
    page.locator('[data-field="category"]').select_option(label="融资")
    page.locator('[data-field="title"]').fill("技改贷款贴息")
    page.locator('[data-field="content"]').fill("申请技改贷款贴息的条件?")
    page.get_by_role("button", name="提交诉求").click()
    page.get_by_test_id("open-filed").click()
    page.wait_for_url(re.compile(r"/appeals/XQT-"))
    path = "/appeals/" + page.get_by_test_id("case-number").inner_text().strip()

    owner = open_session("comm-designated")
    page = owner.go(path)
    act(page, "accept")
    assert status_text(page) == "办理中"
    check_page(page, "commissioner-appeal-detail")
    act(page, "reply", {"textarea": "可申报县技改贴息,材料清单已发企业邮箱。"})
    assert status_text(page) == "已答复"

    page = ent.go(path)
    assert page.get_by_test_id("reply").inner_text() == "可申报县技改贴息,材料清单已发企业邮箱。"
    verdict(page, "confirm", resolved=False, stars=2)
    assert status_text(page) == "办理中"  # 重办: back to the commissioner with a new deadline

    page = owner.go(path)
    act(page, "reply", {"textarea": "已联系农商行,本周内上门对接。"})
    page = ent.go(path)
    verdict(page, "confirm", resolved=True, stars=5)
    assert status_text(page) == "已办结"
    events = page.locator(".el-timeline-item").all_inner_texts()
    kinds = [e.split("\n")[1] if "\n" in e else e for e in events]
    assert sum("企业评价" in k for k in kinds) == 2
    check_page(page, "enterprise-appeal-closed")
    assert not owner.problems and not ent.problems


def test_user_text_is_shown_as_text_and_never_runs(open_session, live):
    status, appeal = live.call(
        "POST",
        "/api/v1/appeals",
        {"category": "other", "title": XSS, "content": f"内容 {XSS} 结束"},
        as_user="ent-xinghai",
    )
    assert status == 201
    s = open_session("ent-xinghai")
    page = s.go(f"/appeals/{appeal['id']}")
    page.get_by_role("heading", name=XSS).wait_for()
    assert page.get_by_text(f"内容 {XSS} 结束").is_visible()
    page = s.go("/my/appeals")
    page.get_by_text(XSS).first.wait_for()
    assert page.locator("img[src=x]").count() == 0
    assert s.dialogs == []
    assert not [p for p in s.problems if "alert" in p]


def test_filing_works_with_the_keyboard_alone(open_session):
    """Tab to each field, type, choose with the arrow keys, send with Enter: no mouse."""
    s = open_session("ent-xiaoyang", PHONE)
    page = s.go("/my/appeals/new")
    page.locator("h1").wait_for()

    def tab_to(selector: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement?.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to('[data-field="category"]')
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to('[data-field="title"]')
    page.keyboard.type("键盘提交的诉求")
    tab_to('[data-field="content"]')
    page.keyboard.type("只用键盘填写并提交。")
    tab_to("button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_test_id("open-filed").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/appeals/XQT-"))
    page.get_by_role("heading", name="键盘提交的诉求").wait_for()
    assert not s.problems, s.problems
