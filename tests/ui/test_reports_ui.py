"""Reports and notices through the UI (R5.3): a supervisor builds March's report, watches it
finish, downloads the workbook through its presigned link, reads the dashboard's charts and
publishes a notice; a department reads it in its notice list and its inbox; an enterprise
never reaches the reports. Every page passes axe on the way, and the dashboard and the
reports page are kept as screenshots, with the supervisor's home charting the month."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import PHONE, check_page

pytestmark = pytest.mark.e2e

TITLE = "关于2026年3月企业诉求办理情况的通报"


def _month_of_appeals(live: Any) -> list[str]:
    """March 2026 on the business clock: one appeal answered on time and rated, one answered
    late, one left open past its deadline, transferred to two departments of which one
    answered in time and the other (tax) is overdue. The clock ends on 2 April, so March is
    the month just past."""

    def ev(appeal: dict[str, Any], user: str, kind: str, **fields: Any) -> dict[str, Any]:
        body = {"type": kind, "version": appeal["version"], **fields}
        status, data = live.call(
            "POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user
        )
        assert status == 200, data
        return data

    def clock(now: str) -> None:
        assert live.call("POST", "/api/v1/dev/clock", {"now": now})[0] == 200

    def file(user: str, category: str, title: str) -> dict[str, Any]:
        body = {"category": category, "title": title, "content": title + ",请协调。"}
        status, appeal = live.call("POST", "/api/v1/appeals", body, as_user=user)
        assert status == 201, appeal
        return appeal

    clock("2026-03-10T09:00:00+08:00")
    land = ev(file("ent-hengrun", "land", "厂房扩建用地指标"), "comm-designated", "accept")
    land = ev(
        land, "comm-designated", "transfer", departments=["tax", "hr-social"], due_working_days=1
    )
    land = ev(land, "dept-hr-social", "department_reply", content="社保补贴政策已向企业说明。")
    labour = ev(file("ent-xinghai", "labor", "技术工人招聘难"), "comm-above-100m", "accept")
    talent = ev(file("ent-xiaoyang", "talent", "研发人才公寓"), "comm-small-micro", "accept")
    clock("2026-03-12T10:00:00+08:00")
    talent = ev(talent, "comm-small-micro", "reply", content="已推荐人才公寓房源。")
    ev(talent, "ent-xiaoyang", "confirm", resolved=True, satisfaction=5)
    clock("2026-03-18T00:30:00+08:00")  # both other deadlines (17 March) have passed
    assert live.call("POST", "/api/v1/dev/jobs/deadline-sweep")[0] == 200
    clock("2026-03-19T10:00:00+08:00")
    _, labour = live.call("GET", f"/api/v1/appeals/{labour['id']}", as_user="admin")
    ev(labour, "comm-above-100m", "reply", content="已组织专场招聘会。")
    clock("2026-04-02T09:00:00+08:00")
    return [land["id"], labour["id"], talent["id"]]


def test_a_month_reported_charted_and_notified_to_the_departments(open_session, live):
    try:
        land, labour, _ = _month_of_appeals(live)

        # the supervisor builds March's report and watches it finish
        supervisor = open_session("supervisor")
        page = supervisor.go("/reports")
        month = page.get_by_test_id("report-form").locator("[data-field=month]")
        expect(month).to_have_text("2026年3月")  # last month on the business clock
        page.get_by_test_id("report-start").click()
        progress = page.locator("[data-testid=report-progress][data-status=done]")
        progress.wait_for(timeout=30_000)
        assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
        links = progress.get_by_test_id("downloads").locator("a")
        hrefs = {a.get_attribute("data-format"): a.get_attribute("href") for a in links.all()}
        assert set(hrefs) == {"xlsx", "csv", "json"}
        for href in hrefs.values():
            assert href.startswith("http") and "X-Amz-Signature=" in href
            assert "X-Amz-Expires=300" in href
        with urllib.request.urlopen(hrefs["xlsx"], timeout=10) as r:
            assert r.read(2) == b"PK"
        report_id = progress.get_attribute("data-report")
        row = page.locator(f'[data-testid=report-history] tr[data-report="{report_id}"]')
        assert "2026-04-02 09:00" in row.inner_text()  # requested at, Beijing time
        assert "手动" in row.inner_text()
        page.wait_for_function(  # the bar's own transition to 100%, for the screenshot
            "() => { const bar = document.querySelector('[data-testid=report-progress]"
            " .el-progress-bar__inner'); return bar && bar.getBoundingClientRect().width >="
            " bar.parentElement.getBoundingClientRect().width - 1 }"
        )
        check_page(page, "reports-page")

        # its dashboard: headline figures and both charts drawn
        progress.get_by_test_id("dashboard-link").click()
        page.wait_for_url(f"**/reports/{report_id}")
        received = page.locator("[data-testid=headlines] [data-metric=received]")
        received.wait_for()
        assert "3" in received.inner_text()
        for chart in ("departments", "trend"):
            canvas = page.locator(f"[data-chart={chart}] canvas")
            canvas.wait_for()
            box = canvas.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, (chart, box)
            label = page.locator(f"[data-chart={chart}]").get_attribute("aria-label")
            assert label and "按时答复率" in label
        items = page.get_by_test_id("notice-items")
        assert items.locator(f'[data-appeal="{land}"][data-kind=open_overdue]').count() == 1
        assert items.locator(f'[data-appeal="{labour}"][data-kind=replied_late]').count() == 1
        check_page(page, "reports-dashboard")

        # the charts follow the window: on a phone, no sideways scroll
        page.set_viewport_size(PHONE)
        page.wait_for_function(
            "() => document.querySelector('[data-chart=trend] canvas').getBoundingClientRect()"
            ".width <= 370"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check_page(page, "reports-dashboard-phone")
        page.set_viewport_size({"width": 1280, "height": 900})

        # a notice from it: title prefilled, items previewed, published
        page.get_by_test_id("publish-notice").click()
        page.wait_for_url("**/notices/new?report=*")
        preview = page.get_by_test_id("preview-count")
        preview.wait_for()
        assert "将列出 3 项" in preview.inner_text()  # open overdue, its tax part, replied late
        assert (
            page.locator("[data-field=title] input, input[data-field=title]").first.input_value()
            == TITLE
        )
        page.locator("[data-field=text] textarea, textarea[data-field=text]").first.fill(
            "3月,全县受理企业诉求 3 件,超期未答复 1 件。请相关部门限期办结。"
        )
        check_page(page, "notice-publish")
        page.get_by_test_id("notice-submit").click()
        # a notice cannot be changed once out: asked first, naming it
        confirm = page.get_by_test_id("notice-confirm")
        assert "发布后将立即送达" in confirm.inner_text() and TITLE in confirm.inner_text()
        check_page(page, "notice-publish-confirm")
        confirm.get_by_test_id("notice-confirm-submit").click()
        page.wait_for_url("**/notices/N-*")
        notice_id = page.url.rsplit("/", 1)[1]
        page.get_by_test_id("notice-text").wait_for()
        assert "限期办结" in page.get_by_test_id("notice-text").inner_text()

        # a department reads it in its list and its inbox
        tax = open_session("dept-tax")
        page = tax.go("/notices")
        row = page.locator(f'[data-testid=notices] [data-notice="{notice_id}"]')
        row.wait_for()
        assert TITLE in row.inner_text()
        check_page(page, "department-notices")
        page = tax.go("/inbox")
        item = page.locator("[data-notification]").filter(has_text=TITLE).first
        item.wait_for()
        assert "发布通报" in item.inner_text()
        item.locator("button").click()
        page.wait_for_url(f"**/notices/{notice_id}")
        page.get_by_test_id("notice-items").wait_for()
        assert page.get_by_test_id("notice-items").locator(f'[data-appeal="{land}"]').count() == 2

        # a correction: the original then says so and leads to it
        body = {
            "report_id": report_id,
            "title": TITLE + "(更正)",
            "text": "更正。",
            "corrects": notice_id,
        }
        status, correction = live.call("POST", "/api/v1/notices", body, as_user="supervisor")
        assert status == 201, correction
        page = tax.go(f"/notices/{notice_id}")
        banner = page.get_by_test_id("corrected-banner")
        banner.wait_for()
        assert banner.locator("a").get_attribute("href") == f"/notices/{correction['id']}"
        check_page(page, "department-notice-corrected")

        # the supervisor's home: the last six months as a chart, leading to this dashboard
        page = supervisor.go("/home")
        canvas = page.locator("[data-chart=home-trend] canvas")
        canvas.wait_for()
        box = canvas.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, box
        label = page.locator("[data-chart=home-trend]").get_attribute("aria-label")
        assert label and "2026年3月，受理 3 件" in label, label
        link = page.get_by_test_id("home-trend-dashboard")
        assert link.get_attribute("href") == f"/reports/{report_id}"
        check_page(page, "supervisor-home-trend")

        # an enterprise never reaches the reports (nor the notices): sent to its home
        enterprise = open_session("ent-hengrun")
        page = enterprise.go("/reports")
        page.wait_for_url("**/home")
        page = enterprise.go(f"/reports/{report_id}")
        page.wait_for_url("**/home")
        page = enterprise.go("/notices")
        page.wait_for_url("**/home")
        for s in (supervisor, tax, enterprise):
            assert not s.problems, s.problems
    finally:
        live.call("POST", "/api/v1/dev/clock", {"now": None})
