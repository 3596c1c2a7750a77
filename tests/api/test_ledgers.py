"""A unit's progress ledger (推进台账, issue 21 part 3): every item it owns with its kind,
status, deadline and last progress; filters applied by the store where it can and counted
(共 N 条); the XLSX export for the unit's meeting as a job, read back with openpyxl — the
title, the header, a row with progress, a typed ``=cmd()`` kept as text, the print layout —
and who may ask for it and read it."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest

from tests.api.test_appeals import at_time, event, processing  # noqa: F401 (fixture)

#: each test its own town: the tests share one table
unitS = {
    "test_the_ledger_lists_each_item_with_its_kind_status_deadline_and_progress": "town-yangkou",
    "test_filters_by_kind_status_category_and_days_of_assignment": "town-changsha",
    "test_overdue_and_due_today_follow_the_business_clock": "town-chengzhong",
    "test_pages_keep_the_count_and_never_repeat": "town-shuangdian",
    "test_another_units_user_gets_404_and_the_centre_and_supervisors_read_it": "town-yuanzhuang",
    "test_the_export_is_a_printable_workbook_with_progress_and_text_kept_text": "town-bencha",
    "test_who_may_ask_for_and_read_an_export": "town-yangkou",
}
FORMULA = "=cmd()|' /C calc'!A0"


def ledger(api, unit, query=None, user=None):
    q = urlencode({"limit": 100, **(query or {})})
    return api.call("GET", f"/api/v1/departments/{unit}/ledger?{q}", as_user=user or unit)


def progress(api, appeal, content, user):
    body = {"type": "progress", "version": appeal["version"], "content": content}
    r = api.call("POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user)
    assert r.status_code == 200, r.data
    return r.data


@pytest.fixture
def owned(api, request):
    """洋口镇's ledger: a 用地 part with progress, a 融资 part, a supervised 用地 item and one
    supervised item accepted."""
    unit = unitS[request.node.originalname]
    land = event(api, processing(api), "transfer", "comm-designated", departments=[unit])
    land = progress(api, land, "已完成征收补偿方案，待镇村签字", unit)
    money = event(
        api,
        processing(api, category="financing", title="贴息贷款"),
        "transfer",
        "comm-designated",
        departments=[unit],
    )
    sup = event(
        api, processing(api), "supervise", "supervisor", due_working_days=5, departments=[unit]
    )
    done = event(
        api, processing(api), "supervise", "supervisor", due_working_days=5, departments=[unit]
    )
    done = event(api, done, "report_completion", unit, content="已办结")
    done = event(api, done, "accept_completion", "supervisor")
    return {"land": land, "money": money, "sup": sup, "done": done, "unit": unit}


def ids(r):
    assert r.status_code == 200, r.data
    return {x["appeal_id"] for x in r.data["items"]}


def test_the_ledger_lists_each_item_with_its_kind_status_deadline_and_progress(api, owned):
    unit = owned["unit"]
    r = ledger(api, unit)
    assert r.data["total"] == 4 and len(r.data["items"]) == 4
    items = {x["appeal_id"]: x for x in r.data["items"]}
    land = items[owned["land"]["id"]]
    part = next(p for p in owned["land"]["departments"] if p["id"] == unit)
    assert land["ledger"] == {
        "kind": "part",
        "status": "open",
        "due_at": part["due_at"],
        "assigned_at": part["transferred_at"],
    }
    assert land["last_progress"]["content"] == "已完成征收补偿方案，待镇村签字"
    assert land["last_progress"]["at"].endswith("+08:00")
    assert items[owned["sup"]["id"]]["ledger"]["kind"] == "supervised"
    assert items[owned["done"]["id"]]["ledger"]["status"] == "accepted"
    # open first by deadline, the accepted item last
    assert r.data["items"][-1]["appeal_id"] == owned["done"]["id"]


def test_filters_by_kind_status_category_and_days_of_assignment(api, owned):
    unit = owned["unit"]
    assert ids(ledger(api, unit, {"kind": "part"})) == {owned["land"]["id"], owned["money"]["id"]}
    supervised = {owned["sup"]["id"], owned["done"]["id"]}
    assert ids(ledger(api, unit, {"kind": "supervised"})) == supervised
    assert ids(ledger(api, unit, {"status": "accepted"})) == {owned["done"]["id"]}
    r = ledger(api, unit, {"category": "land"})
    assert ids(r) == {owned["land"]["id"], owned["sup"]["id"], owned["done"]["id"]}
    assert r.data["total"] == 3
    r = ledger(api, unit, {"category": "financing", "kind": "part"})
    assert ids(r) == {owned["money"]["id"]} and r.data["total"] == 1
    today = owned["land"]["departments"][0]["transferred_at"][:10]
    assert len(ids(ledger(api, unit, {"assigned_from": today, "assigned_to": today}))) == 4
    later = (datetime.fromisoformat(today) + timedelta(days=1)).date().isoformat()
    r = ledger(api, unit, {"assigned_from": later})
    assert ids(r) == set() and r.data["total"] == 0
    assert ids(ledger(api, unit, {"overdue": "true"})) == set()


def test_overdue_and_due_today_follow_the_business_clock(api, owned, at_time):  # noqa: F811
    unit = owned["unit"]
    part = next(p for p in owned["land"]["departments"] if p["id"] == unit)
    due = datetime.fromisoformat(part["due_at"])
    at_time(due - timedelta(minutes=30))
    items = {x["appeal_id"]: x for x in ledger(api, unit).data["items"]}
    assert items[owned["land"]["id"]]["ledger"]["status"] == "due_today"
    at_time(due + timedelta(days=30))
    r = ledger(api, unit, {"overdue": "true"})
    assert {owned["land"]["id"], owned["money"]["id"], owned["sup"]["id"]} == ids(r)
    assert all(x["ledger"]["status"] == "overdue" for x in r.data["items"])
    r = ledger(api, unit, {"status": "overdue", "kind": "supervised"})
    assert ids(r) == {owned["sup"]["id"]}


def test_pages_keep_the_count_and_never_repeat(api, owned):
    unit = owned["unit"]
    seen, cursor = [], None
    while True:
        r = ledger(api, unit, {"limit": 1, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200 and r.data["total"] == 4
        seen += [x["appeal_id"] for x in r.data["items"]]
        cursor = r.data["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"kind": "both"}, "kind"),
        ({"category": "weather"}, "category"),
        ({"assigned_from": "2026-13-01"}, "assigned_from"),
        ({"assigned_from": "2026-12-02", "assigned_to": "2026-12-01"}, "assigned_to"),
        ({"cursor": "bm9wZQ"}, "cursor"),
        ({"overdue": "maybe"}, "overdue"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api, query, field):
    r = ledger(api, "town-yangkou", query)
    assert r.status_code == 400, r.data
    assert r.data["errors"][0]["field"] == field


def test_another_units_user_gets_404_and_the_centre_and_supervisors_read_it(api, owned):
    unit = owned["unit"]
    assert ledger(api, unit, user="town-matang").status_code == 404
    assert ledger(api, unit, user="supervisor").data["total"] == 4
    assert ledger(api, unit, user="admin").data["total"] == 4


def _export(api, unit, body, user=None):
    user = user or unit
    return api.call("POST", f"/api/v1/departments/{unit}/ledger-exports", body, as_user=user)


def test_the_export_is_a_printable_workbook_with_progress_and_text_kept_text(api, owned):
    unit = owned["unit"]
    from openpyxl import load_workbook

    from chalicelib.store import files

    typed = progress(api, owned["money"], FORMULA, unit)
    r = _export(api, unit, {"kind": "part"})
    assert r.status_code == 202, r.data
    export_id = r.data["id"]
    where = f"/api/v1/departments/{unit}/ledger-exports/{export_id}"
    assert r.headers["Location"] == where
    assert r.data["status"] == "queued" and r.data["download"] is None
    assert api.call("POST", "/api/v1/dev/jobs/jobs").status_code == 200
    r = api.call("GET", where, as_user=unit)
    assert r.data["status"] == "done" and r.data["rows"] == 2, r.data
    assert r.data["download"]["url"]
    book = load_workbook(io.BytesIO(files.read(f"exports/{export_id}/推进台账.xlsx")))
    sheet = book["推进台账"]
    today = typed["unit_progress"][unit]["at"][:10]
    assert sheet["A1"].value == f"栟茶镇 推进台账（截至 {today}）"
    headers = [c.value for c in sheet[2]]
    assert headers[:3] == ["序号", "受理编号", "诉求标题"] and "最新推进情况" in headers
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {owned["land"]["id"], owned["money"]["id"]}
    land = rows[owned["land"]["id"]]
    assert "已完成征收补偿方案，待镇村签字" in land and "转办" in land and "办理中" in land
    col = headers.index("最新推进情况") + 1
    cell = next(c for c in sheet.iter_rows(min_row=3, min_col=col, max_col=col) if c[0].value)
    typed_cells = [
        c[0] for c in sheet.iter_rows(min_row=3, min_col=col, max_col=col) if c[0].value == FORMULA
    ]
    assert cell is not None and len(typed_cells) == 1 and typed_cells[0].data_type == "s"
    # laid out for print: A4 landscape, one page wide, header frozen and repeated, numbered
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$1:$2"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.cell(3, col).alignment.wrap_text


def test_who_may_ask_for_and_read_an_export(api, owned):
    unit = owned["unit"]
    assert _export(api, unit, {}, user="town-matang").status_code == 404
    assert _export(api, unit, {}, user="ent-hengrun").status_code == 403
    assert _export(api, unit, {}, user="comm-designated").status_code == 403
    assert _export(api, "no-such-unit", {}, user="admin").status_code == 404
    bad = _export(api, unit, {"status": "lost"})
    assert bad.status_code == 400 and bad.data["errors"][0]["field"] == "status"
    assert _export(api, unit, {"limit": 5}).status_code == 400  # not a page: no such field
    r = _export(api, unit, {}, user="supervisor")
    assert r.status_code == 202, r.data
    where = f"/departments/{unit}/ledger-exports/{r.data['id']}"
    for user in (unit, "admin", "supervisor"):
        assert api.call("GET", f"/api/v1{where}", as_user=user).status_code == 200
    assert api.call("GET", f"/api/v1{where}", as_user="town-matang").status_code == 404
    elsewhere = f"/api/v1/departments/town-matang/ledger-exports/{r.data['id']}"
    assert api.call("GET", elsewhere, as_user="admin").status_code == 404
