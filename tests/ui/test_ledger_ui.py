"""A town's progress ledger in Chromium (issue 21 part 3): its items with kind, status,
deadline and latest progress, 共 N 条, a row's history with the town's progress entries, a
progress entry posted from the row, a filter applied by the server, and the XLSX export
downloaded from its job and opened (openpyxl; its cells rendered for the screenshot)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import check_page

pytestmark = pytest.mark.e2e

TOWN = "town-yangkou"


def _post(live, appeal, kind, user, **fields):
    body = {"type": kind, "version": appeal["version"], **fields}
    status, data = live.call("POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user)
    assert status == 200, data
    return data


def _filed(live, title, content):
    body = {"category": "land", "title": title, "content": content}
    status, appeal = live.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201, appeal
    return _post(live, appeal, "accept", "comm-designated")


def test_a_towns_ledger_with_progress_and_its_export(open_session, live, tmp_path):
    from openpyxl import load_workbook

    road = _post(
        live,
        _filed(live, "厂区道路征收未交地", "二期厂区道路地块征收补偿未完成。"),
        "transfer",
        "comm-designated",
        departments=[TOWN],
    )
    road = _post(live, road, "progress", TOWN, content="已约谈拆迁户，完成入户评估")
    road = _post(live, road, "progress", TOWN, content="补偿方案已报镇党委会审议")
    _post(
        live,
        _filed(live, "供水管线迁改", "新厂区红线内供水管线需迁改。"),
        "transfer",
        "comm-designated",
        departments=[TOWN],
    )
    _post(
        live,
        _filed(live, "项目用地指标", "技改项目新增用地指标未落实。"),
        "supervise",
        "supervisor",
        due_working_days=5,
        departments=[TOWN],
    )

    town = open_session(TOWN)
    page = town.go("/department/ledger")
    table = page.get_by_test_id("ledger-table")
    table.wait_for()
    expect(page.get_by_test_id("ledger-total")).to_have_text("共 3 条")
    row = table.locator(f'[data-appeal="{road["id"]}"]')
    expect(row.get_by_test_id("ledger-status")).to_have_text("办理中")
    expect(row).to_contain_text("转办")
    expect(row.get_by_test_id("ledger-progress")).to_contain_text("补偿方案已报镇党委会审议")

    row.get_by_test_id("ledger-expand").click()
    history = page.get_by_test_id("ledger-history")
    entries = history.locator('li[data-type="progress"]')
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("补偿方案已报镇党委会审议")
    history.locator("textarea").fill("镇党委会已通过补偿方案，周五交地")
    history.get_by_test_id("ledger-progress-submit").click()
    expect(entries).to_have_count(3)
    expect(row.get_by_test_id("ledger-progress")).to_contain_text("周五交地")
    check_page(page, "ledger-town-progress")
    assert any(
        e["type"] == "progress" and "周五交地" in (e["content"] or "")
        for e in live.call("GET", f"/api/v1/appeals/{road['id']}", as_user="admin")[1]["timeline"]
    )

    page.get_by_test_id("filter-overdue").click()
    page.get_by_test_id("filter-apply").click()
    expect(page.get_by_test_id("ledger-total")).to_have_text("共 0 条")
    page.get_by_test_id("filter-reset").click()
    expect(page.get_by_test_id("ledger-total")).to_have_text("共 3 条")

    with page.expect_download(timeout=60_000) as got:
        page.get_by_test_id("ledger-export").click()
    download = got.value
    assert download.suggested_filename.startswith("洋口镇推进台账-")
    saved = tmp_path / "ledger.xlsx"
    download.save_as(saved)
    sheet = load_workbook(saved)["推进台账"]
    assert str(sheet["A1"].value).startswith("洋口镇 推进台账（截至 ")
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "受理编号", "诉求标题") and len(rows) == 5
    assert any(r[1] == road["id"] and "镇党委会已通过补偿方案，周五交地" in r for r in rows[2:])
    assert sheet.page_setup.orientation == "landscape"
    assert not town.problems, town.problems

    # the workbook as opened, its cells drawn for the record (the screenshot of the export)
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v or ''))}</td>" for v in r) + "</tr>"
        for r in rows[1:]
    )
    from openpyxl.utils import get_column_letter

    widths = "".join(
        f"<col style='width:{int(sheet.column_dimensions[get_column_letter(c)].width * 8)}px'>"
        for c in range(1, len(rows[1]) + 1)
    )
    viewer = town.context.new_page()
    viewer.set_content(
        "<html lang='zh-CN'><body style='font:12px sans-serif'>"
        f"<h1 style='font-size:18px;text-align:center'>{html.escape(str(rows[0][0]))}</h1>"
        "<table border=1 cellspacing=0 cellpadding=4 style='table-layout:fixed'>"
        + widths
        + cells
        + "</table></body></html>"
    )
    shots = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    viewer.set_viewport_size({"width": 1400, "height": 400})
    viewer.screenshot(path=str(shots / "ledger-export-opened.png"), full_page=True)
