"""Policies through the UI (R1.2, R1.3): the service centre drafts a policy for 规上 工业 with
an interpretation, publishes it and watches the push go through every enterprise; a visitor
who never signs in finds it by Chinese keywords and reads it on a phone; 如东恒润 (规上 工业)
sees it under the policies for it, with the reasons, next to a near miss, and has it in its
inbox; its commissioner (on its appeal) and the service centre (from the register) see the
same. The service centre attaches the signed PDF, which the visitor downloads without signing
in. Every page passes axe on the way; the screenshots the issue asks for are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import PHONE, check_page

pytestmark = pytest.mark.e2e

TITLE = "如东县支持规上工业企业技术改造的若干政策"
DOC_NUMBER = "东政发〔2026〕12号"
BODY = [
    "第一条 为推动全县工业企业转型升级,加快技术改造步伐,制定本政策。",
    "第二条 本政策适用于在本县登记注册、纳入统计的规模以上工业企业。",
    "第三条 对年度技改设备投资额 500 万元以上的项目,按设备投资额的 10% 给予补助,"
    "单个企业年度补助最高 200 万元。",
    "第四条 本政策自 2026 年 6 月 1 日起施行,有效期至 2027 年 12 月 31 日。",
]
READING = "一图读懂技改补助"
NEAR_MISS = "重大项目要素保障专项扶持办法"
EXPIRED = "2025年度农业设施用地奖补办法"
PDF_NAME = "东政发〔2026〕12号(盖章版).pdf"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _published(live: Any, **fields: Any) -> dict[str, Any]:
    """A policy published through the API (the other policies the catalogue holds)."""
    body = {
        "issuer": "县发展和改革委员会",
        "body": "第一条 为做好要素保障工作,制定本办法。",
        "effective_from": "2026-01-01",
        **fields,
    }
    status, policy = live.call("POST", "/api/v1/policies", body, as_user="admin")
    assert status == 201, policy
    status, done = live.call(
        "POST",
        f"/api/v1/policies/{policy['id']}/publish",
        {"version": policy["version"]},
        as_user="admin",
    )
    assert status == 200, done
    return done["policy"]


def _eligible(live: Any) -> int:
    """Enterprises of the register that are 规上 工业 (whom the push must tell)."""
    status, page = live.call("GET", "/api/v1/enterprises?limit=100", as_user="admin")
    assert status == 200 and page["next_cursor"] is None, page
    return sum(
        1 for e in page["items"] if e["industry"] == "industry" and e["size_class"] == "designated"
    )


def _pick(page: Any, field: str, *labels: str) -> None:
    """Choose options of an Element Plus select, then close its list."""
    page.locator(f"[data-testid=policy-form] [data-field={field}]").click()
    for label in labels:
        page.get_by_role("option", name=label, exact=True).click()
    page.keyboard.press("Escape")


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"


def test_a_policy_drafted_pushed_found_without_sign_in_and_matched(open_session, live):
    assert live.call("POST", "/api/v1/dev/clock", {"now": "2026-06-15T10:00:00+08:00"})[0] == 200
    try:
        expired = _published(
            live,
            title=EXPIRED,
            effective_from="2025-01-01",
            expires_on="2025-12-31",
            conditions={"industries": ["agriculture"]},
        )
        near = _published(
            live,
            title=NEAR_MISS,
            conditions={"industries": ["industry"], "major_project": True},
        )

        # the service centre drafts the policy, adds its interpretation and publishes it
        admin = open_session("admin")
        page = admin.go("/admin/policies")
        page.locator(f'[data-testid=admin-policies] tr[data-policy="{near["id"]}"]').wait_for()
        check_page(page, "admin-policies")
        page.get_by_test_id("policy-create").click()
        page.wait_for_url("**/admin/policies/new")
        form = page.get_by_test_id("policy-form")
        form.locator("input[data-field=title]").fill(TITLE)
        form.locator("input[data-field=issuer]").fill("县工业和信息化局")
        form.locator("input[data-field=doc_number]").fill(DOC_NUMBER)
        form.locator("textarea[data-field=summary]").fill(
            "对年度技改投入 500 万元以上的规上工业企业,按设备投资额的 10% 给予补助。"
        )
        form.locator("input[data-field=effective_from]").fill("2026-06-01")
        form.locator("input[data-field=expires_on]").fill("2027-12-31")
        body = "\n".join(BODY[:2]) + "\n\n" + "\n".join(BODY[2:])  # a blank line kept out
        form.locator("textarea[data-field=body]").fill(body)
        _pick(page, "industries", "工业")
        _pick(page, "size_classes", "规上")
        expect(page.get_by_test_id("conditions-preview")).to_have_text(
            "推送对象：行业：工业；规模：规上"
        )
        check_page(page, "admin-policy-new")
        page.get_by_test_id("policy-save").click()
        page.wait_for_url("**/admin/policies/P-*")
        policy_id = page.url.rsplit("/", 1)[1]
        expect(page.locator("[data-testid=policy-status]").first).to_have_text("草稿")

        readings = page.get_by_test_id("interpretation-form")
        readings.locator("input[data-field=interpretation_title]").fill(READING)
        readings.locator("textarea[data-field=interpretation_body]").fill(
            "哪些企业可以申请?本县规上工业企业。\n补多少?设备投资额的 10%,最高 200 万元。"
        )
        page.get_by_test_id("interpretation-submit").click()
        page.get_by_test_id("admin-interpretations").get_by_text(READING).wait_for()

        # the signed document, uploaded straight to the bucket, then kept with the policy
        files = page.get_by_test_id("admin-attachments")
        files.get_by_test_id("attachment-input").set_input_files(
            {"name": PDF_NAME, "mimeType": "application/pdf", "buffer": PDF}
        )
        files.locator(f'[data-file="{PDF_NAME}"][data-status=done]').wait_for()
        files.get_by_test_id("attachments-add").click()
        expect(files.get_by_test_id("attachment-name")).to_have_text([PDF_NAME])
        expect(files.locator("[data-attachment] .kind")).to_have_text(["PDF"])
        check_page(page, "admin-policy-attachments")

        page.get_by_test_id("policy-publish").click()
        dialog = page.get_by_test_id("publish-dialog")
        expect(dialog).to_contain_text("行业：工业；规模：规上")
        page.get_by_test_id("publish-confirm").click()
        progress = page.locator("[data-testid=push-progress][data-status=done]")
        progress.wait_for(timeout=30_000)
        bar = progress.get_by_role("progressbar")
        assert bar.get_attribute("aria-valuenow") == "100"
        _, register = live.call("GET", "/api/v1/enterprises?limit=100", as_user="admin")
        total = len(register["items"])
        eligible = _eligible(live)
        assert eligible >= 2  # 如东恒润 and others of the demo register
        expect(progress.get_by_test_id("push-processed")).to_have_text(
            f"已检查 {total} / {total} 家企业"
        )
        assert progress.get_by_test_id("push-matched").get_attribute("data-matched") == str(
            eligible
        )
        expect(page.locator("[data-testid=policy-status]").first).to_have_text("已发布")
        expect(page.locator(".el-message")).to_have_count(0, timeout=10_000)  # toasts gone
        page.wait_for_function(  # the bar's own transition to 100%, for the screenshot
            "() => { const bar = document.querySelector('[data-testid=push-progress]"
            " .el-progress-bar__inner'); return bar && bar.getBoundingClientRect().width >="
            " bar.parentElement.getBoundingClientRect().width - 1 }"
        )
        check_page(page, "admin-policy-push")

        # a visitor who never signs in finds it by Chinese keywords, on a phone
        visitor = open_session(None, PHONE)
        page = visitor.go("/login")
        page.get_by_test_id("public-policies-link").click()
        page.wait_for_url("**/policies")
        page.locator("[data-testid=policy-list] [data-policy]").first.wait_for()
        page.locator("input[data-field=q]").fill("技术改造 规上")
        page.get_by_test_id("policy-search").click()
        page.wait_for_url("**/policies?q=*")
        cards = page.locator("[data-testid=policy-list] [data-policy]")
        expect(cards).to_have_count(1)
        card = page.locator(f'[data-testid=policy-list] [data-policy="{policy_id}"]')
        expect(card).to_contain_text(DOC_NUMBER)
        expect(card).to_contain_text("行业：工业；规模：规上")
        _no_sideways_scroll(page)
        check_page(page, "policies-search-phone")

        # an expired policy is listed on request only, marked
        page.locator("input[data-field=q]").fill("")
        page.get_by_test_id("policy-search").click()
        page.wait_for_url(lambda url: "q=" not in url)
        expect(page.locator(f'[data-policy="{expired["id"]}"]')).to_have_count(0)
        page.locator("[data-field=include_expired]").click()
        page.wait_for_url("**include_expired=true*")
        old = page.locator(f'[data-testid=policy-list] [data-policy="{expired["id"]}"]')
        expect(old.get_by_test_id("expired")).to_have_text("已失效")
        expect(page.locator(f'[data-policy="{policy_id}"] [data-testid=expired]')).to_have_count(0)
        check_page(page, "policies-expired-phone")

        # the industry filter keeps the policies for that industry (or for any)
        page.locator("select[data-field=industry]").select_option("agriculture")
        page.wait_for_url("**industry=agriculture*")
        expect(cards).to_have_count(1)
        expect(cards.first).to_have_attribute("data-policy", expired["id"])
        page.locator("select[data-field=industry]").select_option("")
        page.wait_for_url(lambda url: "industry=" not in url)
        expect(cards).to_have_count(3)

        page.locator(f'[data-policy="{policy_id}"] [data-testid=policy-link]').click()
        page.wait_for_url(f"**/policies/{policy_id}")
        article = page.get_by_test_id("policy")
        expect(page.get_by_test_id("policy-title")).to_have_text(TITLE)
        expect(article.get_by_test_id("doc-number")).to_have_text(DOC_NUMBER)
        expect(article.get_by_test_id("validity")).to_have_text("2026-06-01 至 2027-12-31")
        expect(article.get_by_test_id("conditions")).to_have_text("行业：工业；规模：规上")
        expect(article.locator("[data-testid=policy-body] p")).to_have_text(BODY)
        expect(article.get_by_test_id("interpretations").locator("h3")).to_have_text([READING])
        # its file downloads without signing in, under its own name
        downloads = article.get_by_test_id("attachments")
        expect(downloads.get_by_test_id("attachment-name")).to_have_text([PDF_NAME])
        with page.expect_download() as got:
            downloads.get_by_test_id("attachment-download").click()
        download = got.value
        assert download.suggested_filename == PDF_NAME
        assert Path(download.path()).read_bytes() == PDF
        assert page.url.endswith(f"/policies/{policy_id}")  # the page stays
        expect(page).to_have_title(f"{TITLE} · 兴企通")
        _no_sideways_scroll(page)
        check_page(page, "policy-detail-phone")
        page.get_by_role("link", name="返回政策列表").click()
        page.wait_for_url("**/policies?include_expired=true")

        # 如东恒润 (规上 工业, not a major project), on its phone: the policy for it, the near miss
        enterprise = open_session("ent-hengrun", PHONE)
        page = enterprise.go("/my/policies")
        match = page.locator(f'[data-testid=matched] [data-match="{policy_id}"]')
        expect(match.locator("[data-reasons=met] li")).to_have_text(["行业：工业", "规模：规上"])
        miss = page.locator(f'[data-testid=near-misses] [data-near-miss="{near["id"]}"]')
        expect(miss.locator("[data-reasons=failed] li")).to_have_text(["未满足：须有省市重大项目"])
        expect(page.locator(f'[data-match="{expired["id"]}"]')).to_have_count(0)
        _no_sideways_scroll(page)
        check_page(page, "policies-for-you")

        # ... and it is in the inbox, leading to the policy
        page = enterprise.go("/inbox")
        item = page.locator("[data-notification]").filter(has_text=TITLE)
        expect(item).to_contain_text("新政策适用于您")
        check_page(page, "enterprise-inbox-policy")
        item.locator("button").click()
        page.wait_for_url(f"**/policies/{policy_id}")
        page.get_by_test_id("policy-body").wait_for()

        # its commissioner sees them on the enterprise's appeal, when asked
        status, appeal = live.call(
            "POST",
            "/api/v1/appeals",
            {"category": "policy", "title": "技改补助怎么申请", "content": "想了解申请条件。"},
            as_user="ent-hengrun",
        )
        assert status == 201, appeal
        commissioner = open_session("comm-designated")
        page = commissioner.go(f"/appeals/{appeal['id']}")
        page.get_by_test_id("enterprise-policies-toggle").click()
        panel = page.get_by_test_id("enterprise-policies")
        expect(panel.locator(f'[data-match="{policy_id}"] [data-reasons=met] li')).to_have_text(
            ["行业：工业", "规模：规上"]
        )
        expect(panel.get_by_test_id("enterprise-policies-summary")).to_have_text(
            "符合 1 项，差一项条件 1 项"
        )
        check_page(page, "commissioner-appeal-policies")

        # the service centre sees the same from the register
        page = admin.go("/admin/enterprises")
        page.locator("[data-field=q]").fill("如东恒润")
        page.get_by_test_id("enterprise-search").locator("button[type=submit]").click()
        row = page.locator("[data-testid=enterprise-table] tr[data-row]")
        expect(row).to_have_count(1)
        row.get_by_test_id("enterprise-policies").click()
        panel = page.get_by_test_id("enterprise-policies-dialog")
        panel_match = panel.locator(f'[data-match="{policy_id}"]')
        reasons = ["行业：工业", "规模：规上"]
        expect(panel_match.locator("[data-reasons=met] li")).to_have_text(reasons)
        expect(panel.locator(f'[data-near-miss="{near["id"]}"]')).to_have_count(1)
        check_page(page, "admin-enterprise-policies")

        for s in (admin, visitor, enterprise, commissioner):
            assert not s.problems, s.problems
    finally:
        live.call("POST", "/api/v1/dev/clock", {"now": None})
