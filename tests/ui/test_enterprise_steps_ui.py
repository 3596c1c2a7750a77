"""The enterprise's own steps in a real browser, on a phone (390×844): from 我的诉求 to its
appeal, 「补充材料」 with a PDF through the upload flow, seen by the owner on the timeline, then
「撤回诉求」 with a reason after a confirmation. 16 px inputs, 44 px tap targets, no sideways
scroll, axe on every state."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import PHONE, check_page, status_text

pytestmark = pytest.mark.e2e


def _pdf(folder: Path, name: str) -> Path:
    """A small but real PDF (its first bytes say PDF, as the server checks)."""
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        "trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    path = folder / name
    path.write_bytes(body.encode())
    return path


def _phone_fit(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"


def _targets_and_fonts(page: Any, scope: str) -> None:
    """Every button in ``scope`` at least 44 px high, every text field 16 px."""
    heights = page.locator(f"{scope} button:visible").evaluate_all(
        "els => els.map(e => [e.innerText.trim(), e.getBoundingClientRect().height])"
    )
    small = [(text, h) for text, h in heights if h < 44]
    assert not small, f"tap targets under 44 px: {small}"
    fonts = page.locator(f"{scope} textarea:visible").evaluate_all(
        "els => els.map(e => getComputedStyle(e).fontSize)"
    )
    assert fonts and set(fonts) == {"16px"}, fonts


def test_an_enterprise_supplements_with_a_file_then_withdraws_on_a_phone(
    open_session, live, tmp_path
):
    status, appeal = live.call(
        "POST",
        "/api/v1/appeals",
        {"category": "land", "title": "三期仓库用地手续", "content": "想了解三期仓库用地手续。"},
        as_user="ent-hengrun",
    )
    assert status == 201, appeal
    for body in (
        {"type": "accept", "version": 1},
        {"type": "transfer", "version": 2, "departments": ["natural-resources"]},
    ):
        status, data = live.call(
            "POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user="comm-designated"
        )
        assert status == 200, data

    s = open_session("ent-hengrun", PHONE)
    page = s.go("/my/appeals")
    page.get_by_role("link", name="三期仓库用地手续").first.click()
    page.wait_for_url(re.compile(rf"/appeals/{appeal['id']}$"))
    own = page.get_by_test_id("enterprise-actions")
    expect(own.locator("[data-step]")).to_have_text(["补充材料", "撤回诉求"])

    # 补充材料: words and a PDF, through the upload flow
    own.locator('[data-step="supplement"]').click()
    form = own.locator('[data-form="supplement"]')
    form.locator("button[type=submit]").click()
    expect(form.locator(".el-form-item__error").first).to_have_text("必填")
    form.locator("textarea[data-field=content]").fill("补充:仓库选址红线图,请一并研究。")
    drawing = _pdf(tmp_path, "选址红线图.pdf")
    files = form.get_by_test_id("supplement-files")
    files.get_by_test_id("attachment-input").set_input_files(str(drawing))
    expect(files.locator("li[data-status=done]")).to_have_count(1)
    _phone_fit(page)
    _targets_and_fonts(page, "[data-testid=enterprise-actions]")
    check_page(page, "enterprise-supplement-form-phone")
    version = page.locator("[data-testid=case-number]").get_attribute("data-version")
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=version,
    )
    shown = page.locator(".el-timeline-item").last
    expect(shown).to_contain_text("企业补充材料")
    expect(shown).to_contain_text("补充:仓库选址红线图,请一并研究。")
    expect(shown.locator("[data-attachment]")).to_contain_text("选址红线图.pdf")
    _phone_fit(page)
    check_page(page, "enterprise-supplement-done-phone")

    # the owner sees it on the timeline and downloads the file
    staff = open_session("comm-designated")
    spage = staff.go(f"/appeals/{appeal['id']}")
    last = spage.locator(".el-timeline-item").last
    expect(last).to_contain_text("企业补充材料")
    expect(last.locator("[data-attachment]")).to_contain_text("选址红线图.pdf")
    expect(spage.get_by_test_id("enterprise-actions")).to_have_count(0)
    check_page(spage, "staff-sees-supplement")

    # 撤回诉求: a reason, then a confirmation; kept once, then withdrawn
    page.bring_to_front()
    own.locator('[data-step="withdraw"]').click()
    form = own.locator('[data-form="withdraw"]')
    expect(form).to_contain_text("撤回后诉求即办结")
    form.locator("textarea[data-field=reason]").fill("已与园区协商解决,不再需要协调。")
    _targets_and_fonts(page, "[data-testid=enterprise-actions]")
    check_page(page, "enterprise-withdraw-form-phone")
    form.locator("button[type=submit]").click()
    box = page.locator(".withdraw-confirm")
    expect(box).to_contain_text(f"确定撤回诉求 {appeal['id']} 吗？撤回后不能恢复。")
    page.wait_for_timeout(400)  # the box's opening transition, for the screenshot
    page.screenshot(
        path=str(Path("test-artifacts/screenshots/enterprise-withdraw-confirm-phone.png"))
    )
    box.get_by_role("button", name="再想想").click()
    expect(box).to_be_hidden()
    assert status_text(page) != "已办结"
    version = page.locator("[data-testid=case-number]").get_attribute("data-version")
    form.locator("button[type=submit]").click()
    box.get_by_role("button", name="确定撤回").click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=version,
    )
    expect(page.get_by_test_id("closed-as")).to_have_text("企业撤回")
    expect(box).to_be_hidden()  # its closing transition over, for the screenshot
    expect(page.get_by_test_id("enterprise-actions")).to_have_count(0)
    expect(page.locator(".el-timeline-item").last).to_contain_text("企业撤回诉求")
    expect(page.locator("[data-part=natural-resources]")).to_contain_text("随诉求撤回关闭")
    _phone_fit(page)
    check_page(page, "enterprise-withdrawn-phone")
    assert not s.problems, s.problems
    assert not staff.problems, staff.problems
