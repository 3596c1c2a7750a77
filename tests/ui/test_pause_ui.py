"""Pause and resume (挂起) in the UI: the owner pauses from the appeal page's actions with a
reason and the materials asked for; the page and the workbench list show 「已挂起」 and the
deadline stopped; the enterprise reads the reason and the materials; the owner resumes and
the page says what the pause did to the deadline."""

from __future__ import annotations

import pytest

from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e

MATERIALS = "请补充土地权属证明和厂房规划图"


def test_the_owner_pauses_and_resumes_and_the_enterprise_reads_why(open_session, live):
    body = {"category": "land", "title": "厂房扩建用地", "content": "扩建厂房需要新增用地指标。"}
    status, appeal = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201
    status, appeal = live.call(
        "POST",
        f"/api/v1/appeals/{appeal['id']}/events",
        {"type": "accept", "version": appeal["version"]},
        as_user="comm-designated",
    )
    assert status == 200
    number = appeal["id"]

    owner = open_session("comm-designated")
    page = owner.go(f"/appeals/{number}")
    page.get_by_test_id("case-number").wait_for()
    assert page.locator('[data-action="pause"]').inner_text().strip() == "挂起"
    page.locator('[data-action="pause"]').click()
    form = page.locator('[data-form="pause"]')
    form.wait_for()
    # the reason: 等待企业补充材料 by default; the note is then the materials, read by the firm
    assert "需企业补充的材料" in form.inner_text()
    form.locator("textarea[data-field=pause-note]").fill(MATERIALS)
    check_page(page, "commissioner-pause-form")
    version = page.get_by_test_id("case-number").get_attribute("data-version")
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=version,
    )
    page.get_by_test_id("paused-tag").wait_for()
    assert page.get_by_test_id("paused-tag").inner_text().strip() == "已挂起"
    current = page.get_by_test_id("pause-current").inner_text()
    assert "等待企业补充材料" in current and MATERIALS in current
    assert "已挂起，期限暂停计算" in page.locator(".deadline").first.inner_text()
    assert page.locator('[data-action="resume"]').count() == 1
    assert page.locator('[data-action="request_extension"]').count() == 0
    check_page(page, "commissioner-appeal-paused")

    page = owner.go("/workbench")
    row = page.locator(f'[data-appeal="{number}"]')
    row.wait_for()
    assert row.get_by_test_id("paused-tag").count() == 1

    firm = open_session("ent-hengrun")
    page = firm.go(f"/appeals/{number}")
    page.get_by_test_id("paused-tag").wait_for()
    assert MATERIALS in page.get_by_test_id("pause-current").inner_text()
    check_page(page, "enterprise-appeal-paused")

    page = owner.go(f"/appeals/{number}")
    page.locator('[data-action="resume"]').wait_for()
    version = page.get_by_test_id("case-number").get_attribute("data-version")
    page.locator('[data-action="resume"]').click()  # no fields: one click resumes
    page.wait_for_function(
        "v => document.querySelector('[data-testid=case-number]')?.dataset.version !== v",
        arg=version,
    )
    assert page.get_by_test_id("paused-tag").count() == 0
    page.get_by_test_id("pause-past").wait_for()
    body_text = page.locator("body").inner_text()
    assert "恢复办理" in body_text  # on the timeline, with what the pause did
    assert "挂起期间无工作日，期限不变" in page.get_by_test_id("pause-shift").inner_text()
    assert "awaiting_enterprise" not in body_text  # the reason in words, never its code
    check_page(page, "commissioner-appeal-resumed")
