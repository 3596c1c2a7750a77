"""Project applications (R1.4) and attachments (R1.6) through the UI: the service centre opens
an application window on a published policy (Beijing times, materials, the tax bureau as
reviewer); 如东恒润, on its phone, applies with a real PDF for every required material; the
tax bureau starts the review and rejects it with a reason; the enterprise follows the
progress (steps and history, the screenshot of the issue), downloads its file and has each
step in its inbox. And an appeal filed with an attachment shows it, downloadable, on the
appeal's page."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import PHONE, check_page

pytestmark = pytest.mark.e2e

BEIJING = ZoneInfo("Asia/Shanghai")
TITLE = "如东县工业企业智能化改造专项资金申报指南"
PROJECT = "年产 2 万台数控机床智能化改造项目"
REASON = "项目设备投资额未达到 500 万元的申报门槛"


def _pdf(folder: Path, name: str, text: str = "xingqitong") -> Path:
    """A small but real PDF (its first bytes say PDF, as the server checks)."""
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        f"% {text}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    path = folder / name
    path.write_bytes(body.encode())
    return path


def _published_policy(live: Any) -> dict[str, Any]:
    status, policy = live.call(
        "POST",
        "/api/v1/policies",
        {
            "title": TITLE,
            "issuer": "县工业和信息化局",
            "body": "第一条 对实施智能化改造的规上工业企业给予专项资金支持。",
            "effective_from": "2026-01-01",
            "conditions": {"industries": ["industry"]},
        },
        as_user="admin",
    )
    assert status == 201, policy
    status, done = live.call(
        "POST", f"/api/v1/policies/{policy['id']}/publish", {"version": 1}, as_user="admin"
    )
    assert status == 200, done
    return done["policy"]


def _wait_version_change(page: Any, before: str | None) -> None:
    page.wait_for_function(
        "v => document.querySelector('[data-testid=application-number]')?.dataset.version !== v",
        arg=before,
    )


def _step(page: Any, action: str, note: str | None = None) -> None:
    before = page.get_by_test_id("application-number").get_attribute("data-version")
    page.locator(f'[data-action="{action}"]').click()
    form = page.locator(f'[data-form="{action}"]')
    if note is not None:
        form.locator("textarea[data-field=note]").fill(note)
    form.get_by_test_id("step-submit").click()
    _wait_version_change(page, before)


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"


def test_apply_review_reject_and_follow_the_progress(open_session, live, tmp_path):
    policy = _published_policy(live)
    now = datetime.now(BEIJING).replace(second=0, microsecond=0)
    opens, closes = now - timedelta(hours=1), now + timedelta(days=30)

    # the service centre opens the window: Beijing times, two required materials and one
    # optional, the tax bureau reviews
    admin = open_session("admin")
    page = admin.go(f"/admin/policies/{policy['id']}")
    editor = page.get_by_test_id("window-editor")
    editor.locator("input[data-field=opens_at]").fill(opens.strftime("%Y-%m-%dT%H:%M"))
    editor.locator("input[data-field=closes_at]").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    editor.locator("select[data-field=reviewer_department_id] option[value=tax]").wait_for(
        state="attached"
    )
    editor.locator("select[data-field=reviewer_department_id]").select_option("tax")
    names = editor.locator("input[data-field=material_name]")
    names.nth(0).fill("项目可行性研究报告")
    editor.get_by_test_id("material-add").click()
    names.nth(1).fill("设备购置合同及发票")
    editor.get_by_test_id("material-add").click()
    names.nth(2).fill("其他证明材料")
    editor.locator("[data-material=m3] [data-field=material_required]").click()  # optional
    editor.locator("textarea[data-field=instructions]").fill(
        "请于截止前提交全部材料,逾期不予受理。"
    )
    version = page.get_by_test_id("admin-policy-title").get_attribute("data-version")
    editor.get_by_test_id("window-save").click()
    page.wait_for_function(
        "v => document.querySelector('[data-testid=admin-policy-title]')?.dataset.version !== v",
        arg=version,
    )
    _, saved = live.call("GET", f"/api/v1/policies/{policy['id']}")
    window = saved["application"]
    assert window["reviewer_name"] == "国家税务总局如东县税务局"
    assert [(m["id"], m["required"]) for m in window["materials"]] == [
        ("m1", True),
        ("m2", True),
        ("m3", False),
    ]
    assert datetime.fromisoformat(window["opens_at"]) == opens
    assert datetime.fromisoformat(window["closes_at"]) == closes
    expect(page.locator(".el-message")).to_have_count(0, timeout=10_000)
    check_page(page, "admin-application-window")

    # 如东恒润 reads the window on its phone and applies
    ent = open_session("ent-hengrun", PHONE)
    page = ent.go(f"/policies/{policy['id']}")
    panel = page.get_by_test_id("application-window")
    expect(panel.get_by_test_id("window-state")).to_have_text("申报中")
    expect(panel.get_by_test_id("window-period")).to_have_text(
        f"{opens:%Y-%m-%d %H:%M} 至 {closes:%Y-%m-%d %H:%M}（北京时间）"
    )
    expect(panel.get_by_test_id("window-reviewer")).to_have_text("国家税务总局如东县税务局")
    _no_sideways_scroll(page)
    check_page(page, "policy-application-window-phone")
    panel.get_by_test_id("apply-link").click()
    page.wait_for_url(f"**/policies/{policy['id']}/apply")

    form = page.get_by_test_id("apply-form")
    form.locator("input[data-field=project_name]").fill(PROJECT)
    form.locator("textarea[data-field=summary]").fill("购置五轴加工中心 12 台,建设数字化车间。")
    form.locator("input[data-field=amount]").fill("300")
    form.locator("input[data-field=contact_name]").fill("张伟")
    form.locator("input[data-field=contact_phone]").fill("13812345678")
    feasibility = _pdf(tmp_path, "可行性研究报告.pdf", "feasibility")
    m1 = form.locator("[data-material=m1]")
    m1.get_by_test_id("attachment-input").set_input_files(str(feasibility))
    expect(m1.locator("li[data-status=done]")).to_have_count(1)
    # a program is refused before it is sent; the second required material is missing
    m2 = form.locator("[data-material=m2]")
    bad = tmp_path / "setup.exe"
    bad.write_bytes(b"MZ\x90\x00")
    m2.get_by_test_id("attachment-input").set_input_files(str(bad))
    expect(m2.locator("li[data-status=error]")).to_contain_text("不支持这种文件类型")
    form.get_by_test_id("apply-submit").click()
    expect(m2.get_by_test_id("material-error")).to_have_text("请上传此项材料")
    m2.get_by_test_id("attachment-remove").click()
    m2.get_by_test_id("attachment-input").set_input_files(
        str(_pdf(tmp_path, "设备购置合同.pdf", "contract"))
    )
    expect(m2.locator("li[data-status=done]")).to_have_count(1)
    _no_sideways_scroll(page)
    check_page(page, "application-form-phone")
    form.get_by_test_id("apply-submit").click()
    page.wait_for_url("**/applications/SB-*")
    application_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("application-status").first).to_have_text("已提交")
    expect(page.locator("[data-testid=application-actions] [data-action=withdraw]")).to_have_count(
        1
    )

    # the tax bureau finds it in its queue, starts the review, and rejects it with a reason
    dept = open_session("dept-tax")
    page = dept.go("/review/applications")
    row = page.locator(f'[data-testid=review-queue] tr[data-application="{application_id}"]')
    expect(row).to_contain_text(PROJECT)
    check_page(page, "application-review-queue")
    row.get_by_role("link", name=application_id).click()
    page.wait_for_url(f"**/applications/{application_id}")
    _step(page, "review")
    expect(page.get_by_test_id("application-status").first).to_have_text("审核中")
    page.locator('[data-action="reject"]').click()
    page.locator('[data-form="reject"]').get_by_test_id("step-submit").click()
    expect(page.locator('[data-form="reject"] .el-form-item__error')).to_have_text(
        "驳回必须填写理由"
    )
    _step(page, "reject", REASON)
    expect(page.get_by_test_id("application-status").first).to_have_text("驳回")
    expect(page.get_by_test_id("application-actions")).to_have_count(0)
    check_page(page, "application-reviewer")

    # the enterprise follows the progress: steps, reason, history with who and when
    page = ent.go("/inbox")
    item = page.locator("[data-notification]").filter(has_text="项目申报被驳回")
    expect(item).to_contain_text(application_id)
    item.first.locator("button").click()
    page.wait_for_url(f"**/applications/{application_id}")
    progress = page.get_by_test_id("application-progress")
    steps = progress.locator("[data-step]")
    expect(steps).to_have_count(3)
    assert [steps.nth(i).get_attribute("data-step") for i in range(3)] == [
        "submitted",
        "under_review",
        "rejected",
    ]
    expect(steps.nth(2)).to_contain_text("驳回")
    expect(progress.get_by_test_id("rejection-reason")).to_contain_text(REASON)
    history = page.locator("[data-testid=application-history] li")
    expect(history).to_have_count(3)
    expect(history.nth(1)).to_contain_text("钱峰(县税务局)")
    expect(history.nth(2)).to_contain_text(REASON)
    expect(page.get_by_test_id("application-actions")).to_have_count(0)
    files = page.locator("[data-testid=application-materials] [data-material=m1]")
    expect(files).to_contain_text("可行性研究报告.pdf")
    with page.expect_download() as got:
        files.get_by_test_id("attachment-download").click()
    download = got.value
    assert download.suggested_filename == "可行性研究报告.pdf"
    assert Path(download.path()).read_bytes() == feasibility.read_bytes()
    _no_sideways_scroll(page)
    page.get_by_test_id("application-progress").scroll_into_view_if_needed()
    check_page(page, "application-progress")

    # the list of its applications
    page = ent.go("/applications")
    card = page.locator(f'[data-testid=my-applications] [data-application="{application_id}"]')
    expect(card).to_contain_text(PROJECT)
    expect(card.get_by_test_id("application-status")).to_have_text("驳回")
    check_page(page, "my-applications-phone")
    for s in (admin, ent, dept):
        assert not s.problems, s.problems


def test_an_appeal_filed_with_an_attachment_shows_it_for_download(open_session, live, tmp_path):
    ent = open_session("ent-xinghai", PHONE)
    page = ent.go("/my/appeals/new")
    page.locator("select[data-field=category]").select_option("financing")
    page.locator("input[data-field=title]").fill("设备抵押贷款评估费用过高")
    page.locator("textarea[data-field=content]").fill("评估报告见附件,请帮助协调。")
    evidence = _pdf(tmp_path, "评估报告.pdf", "appraisal")
    field = page.get_by_test_id("appeal-attachments")
    field.get_by_test_id("attachment-input").set_input_files(str(evidence))
    expect(field.locator("li[data-status=done]")).to_have_count(1)
    page.get_by_role("button", name="提交诉求").click()
    page.get_by_test_id("open-filed").click()
    page.wait_for_url("**/appeals/XQT-*")
    listed = page.get_by_test_id("appeal-attachments")
    expect(listed).to_contain_text("评估报告.pdf")
    expect(listed.locator("[data-attachment] .kind")).to_have_text("PDF")
    with page.expect_download() as got:
        listed.get_by_test_id("attachment-download").click()
    assert got.value.suggested_filename == "评估报告.pdf"
    assert Path(got.value.path()).read_bytes() == evidence.read_bytes()
    _no_sideways_scroll(page)
    check_page(page, "appeal-attachments-phone")
    assert not ent.problems, ent.problems
