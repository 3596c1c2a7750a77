"""The joint meeting page with a common issue (共性诉求) proposed: the admin sees the
proposal beside the agenda, opens its page (appeals and enterprises), accepts it with its
title edited; the agenda then shows it as one common item."""

from __future__ import annotations

import pytest

from tests.api.test_common_problems import POWER
from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e


def test_a_proposed_common_issue_is_opened_edited_and_accepted(open_session, live):
    assert live.call("POST", "/api/v1/dev/clock", {"now": "2026-11-20T10:00:00+08:00"})[0] == 200
    ids = []
    for user, title, content in POWER:
        body = {"category": "project", "title": title, "content": content}
        status, appeal = live.call("POST", "/api/v1/appeals", body, as_user=user)
        assert status == 201, appeal
        ids.append(appeal["id"])
    live.call("POST", "/api/v1/dev/clock", {"now": "2026-12-01T10:00:00+08:00"})
    status, run = live.call("POST", "/api/v1/dev/jobs/monthly-meeting")
    assert status == 200 and run["result"]["proposals"] == 1, run

    admin = open_session("admin")
    page = admin.go("/admin/meetings?month=2026-12")
    proposals = page.get_by_test_id("meeting-proposals")
    row = proposals.locator("[data-proposal]").first
    row.wait_for()
    assert "园区电力容量不足" in row.inner_text() and row.get_attribute("data-status") == "proposed"
    check_page(page, "meeting-with-proposal")

    row.locator("a").first.click()
    detail = page.get_by_test_id("proposal-detail")
    detail.wait_for()
    appeals = page.get_by_test_id("proposal-appeals")
    for appeal_id in ids:
        link = appeals.locator(f'[data-appeal="{appeal_id}"] a')
        assert link.get_attribute("href") == f"/appeals/{appeal_id}"
    assert page.get_by_test_id("proposal-enterprises").locator("li").count() == 3
    check_page(page, "common-issue-group")

    page.get_by_test_id("proposal-form").locator("input").first.fill("园区变压器容量不足(三家企业)")
    page.get_by_test_id("proposal-form").get_by_test_id("proposal-accept").click()
    page.wait_for_url(lambda url: "/proposals/" not in url)
    item = page.get_by_test_id("meeting-agenda").locator('[data-kind="common"]')
    item.wait_for()
    assert "园区变压器容量不足(三家企业)" in item.inner_text()
    assert "共性诉求" in item.inner_text() and "3 件诉求" in item.inner_text()
    accepted = page.get_by_test_id("meeting-proposals").locator('[data-status="accepted"]')
    accepted.wait_for()
    check_page(page, "meeting-common-item-accepted")
    assert not admin.problems, admin.problems
