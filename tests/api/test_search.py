"""Searching appeals (API.md "Searching appeals"): by case number, words, phone, enterprise,
category, channel, work-order number and filing dates, each caller within what it may read."""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import urlencode

import pytest

from chalicelib.clock import BEIJING
from tests.api.test_appeals import CALL, HENGRUN, XINGHAI, file_web, post_call


@pytest.fixture(scope="module")
def filed(api_module):
    """Filed on three days of January 2026 (their own dates, nothing else in that month)."""
    from chalicelib import clock

    api = api_module
    out = {}
    try:
        clock.set_now(datetime(2026, 1, 5, 10, tzinfo=BEIJING))
        out["web"] = file_web(
            api, category="land", title="一月用地", content="一月 扩建用地指标 申请"
        )
        clock.set_now(datetime(2026, 1, 6, 10, tzinfo=BEIJING))
        out["xinghai"] = file_web(
            api, user="ent-xinghai", category="land", title="一月岸线", content="一月 码头岸线用地"
        )
        clock.set_now(datetime(2026, 1, 7, 10, tzinfo=BEIJING))
        ref = f"GD{uuid.uuid4().hex[:10]}"
        body = {**CALL, "caller_phone": "13700001111", "content": "一月 贴息贷款 咨询",
                "external_ref": ref}  # fmt: skip
        out["call"] = post_call(api, body).data
        out["ref"] = ref
    finally:
        clock.set_now(None)
    return out


@pytest.fixture(scope="module")
def api_module(seeded, issuer):
    from pathlib import Path

    from chalice.test import Client

    from app import app
    from tests.api.conftest import ROOT, Api

    with Client(app, project_dir=str(Path(ROOT).resolve())) as client:
        yield Api(client, issuer)


def ids(api, user, **query):
    r = api.call("GET", f"/api/v1/appeals?{urlencode(query)}", as_user=user)
    assert r.status_code == 200, r.data
    return [a["id"] for a in r.data["items"]]


def test_a_case_number_is_found_by_whoever_may_read_it(api_module, filed):
    api, web = api_module, filed["web"]
    assert ids(api, "admin", q=web["id"]) == [web["id"]]
    assert ids(api, "admin", q=web["id"].lower()) == [web["id"]]
    assert ids(api, "ent-hengrun", q=web["id"]) == [web["id"]]
    assert ids(api, "ent-xinghai", q=web["id"]) == []  # another's does not exist for it
    assert ids(api, "admin", q="XQT-20990101-0001") == []


def test_words_each_match_the_title_content_or_enterprise(api_module, filed):
    api = api_module
    january = {"from": "2026-01-01", "to": "2026-01-31"}
    assert set(ids(api, "admin", q="一月 用地", **january)) == {
        filed["web"]["id"],
        filed["xinghai"]["id"],
    }
    assert ids(api, "admin", q="一月 贴息", **january) == [filed["call"]["id"]]
    assert ids(api, "admin", q="恒润 一月", **january) == [filed["web"]["id"]]  # the name
    assert ids(api, "admin", q="一月 不存在的词", **january) == []


def test_by_enterprise_phone_category_channel_and_work_order(api_module, filed):
    api = api_module
    jan = {"from": "2026-01-01", "to": "2026-01-31"}
    assert ids(api, "admin", uscc=XINGHAI["uscc"], **jan) == [filed["xinghai"]["id"]]
    assert ids(api, "comm-designated", phone="13700001111") == [filed["call"]["id"]]
    assert set(ids(api, "supervisor", category="land", **jan)) == {
        filed["web"]["id"],
        filed["xinghai"]["id"],
    }
    assert ids(api, "admin", channel="hotline_12345", **jan) == [filed["call"]["id"]]
    assert ids(api, "admin", external_ref=filed["ref"]) == [filed["call"]["id"]]
    # an enterprise searches its own only, and not by phone
    assert ids(api, "ent-hengrun", uscc=XINGHAI["uscc"]) == []
    assert ids(api, "ent-hengrun", uscc=HENGRUN["uscc"], **jan) == [filed["web"]["id"]]
    r = api.call("GET", "/api/v1/appeals?phone=13700001111", as_user="ent-hengrun")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "phone"
    # an operator finds the calls it posted
    assert ids(api, "operator-12345", q="贴息", **jan) == [filed["call"]["id"]]
    assert ids(api, "operator-center", q="贴息", **jan) == []


def test_filing_dates_are_beijing_days_both_included(api_module, filed):
    api = api_module
    assert ids(api, "admin", **{"from": "2026-01-06", "to": "2026-01-06"}) == [
        filed["xinghai"]["id"]
    ]
    both = ids(api, "admin", **{"from": "2026-01-05", "to": "2026-01-06"})
    assert both == [filed["xinghai"]["id"], filed["web"]["id"]]  # newest first


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": "x" * 51}, "q"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-01-07", "to": "2026-01-05"}, "to"),
        ({"uscc": "123"}, "uscc"),
        ({"phone": "abc"}, "phone"),
        ({"channel": "fax"}, "channel"),
        ({"q": "用地", "scope": "mine"}, "scope"),
        ({"words": "用地"}, "words"),
    ],
)
def test_bad_searches_are_400_naming_the_parameter(api_module, query, field):
    r = api_module.call("GET", f"/api/v1/appeals?{urlencode(query)}", as_user="admin")
    assert r.status_code == 400, r.data
    assert r.data["errors"][0]["field"] == field


def test_a_long_search_reads_a_bounded_amount_and_goes_on_by_cursor(api_module, filed, monkeypatch):
    from chalicelib.store import appeal_search

    monkeypatch.setattr(appeal_search, "SEARCH_REQUESTS", 1)
    api = api_module
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        query = {"q": "一月", "limit": 1, **({"cursor": cursor} if cursor else {})}
        r = api.call("GET", f"/api/v1/appeals?{urlencode(query)}", as_user="admin")
        assert r.status_code == 200
        seen += [a["id"] for a in r.data["items"]]
        cursor = r.data["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) >= 3


def test_a_searched_list_is_exported_to_xlsx_as_a_job_with_progress(api_module, filed):
    import io

    from openpyxl import load_workbook

    from chalicelib.store import files

    api = api_module
    body = {"category": "land", "from": "2026-01-01", "to": "2026-01-31"}
    r = api.call("POST", "/api/v1/appeal-exports", body, as_user="supervisor")
    assert r.status_code == 202, r.data
    assert r.data["status"] == "queued" and r.data["download"] is None
    export_id = r.data["id"]
    assert r.headers["Location"] == f"/api/v1/appeal-exports/{export_id}"
    # only whoever asked (and the service centre) reads it
    assert (
        api.call(
            "GET", f"/api/v1/appeal-exports/{export_id}", as_user="comm-designated"
        ).status_code
        == 404
    )
    assert (
        api.call("GET", f"/api/v1/appeal-exports/{export_id}", as_user="admin").status_code == 200
    )
    done = api.call("POST", "/api/v1/dev/jobs/jobs")
    assert done.status_code == 200, done.data
    r = api.call("GET", f"/api/v1/appeal-exports/{export_id}", as_user="supervisor")
    from chalicelib.store import jobs as job_store

    assert r.data["status"] == "done", job_store.get(export_id).get("error")
    assert r.data["progress"] == 100 and r.data["rows"] == 2
    assert r.data["download"]["url"]
    key = f"exports/{export_id}/诉求导出.xlsx"
    book = load_workbook(io.BytesIO(files.read(key)), read_only=True)
    rows = list(book["诉求"].iter_rows(values_only=True))
    assert rows[0][0] == "受理编号" and len(rows) == 3
    assert {row[0] for row in rows[1:]} == {filed["web"]["id"], filed["xinghai"]["id"]}
    assert all(row[4] == "用地" for row in rows[1:])


def test_an_export_checks_its_fields_like_the_list(api_module):
    r = api_module.call("POST", "/api/v1/appeal-exports", {"to": "x"}, as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "to"
    r = api_module.call("POST", "/api/v1/appeal-exports", {"words": "x"}, as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "words"
    r = api_module.call("POST", "/api/v1/appeal-exports", {}, as_user="ent-hengrun")
    assert r.status_code == 403
