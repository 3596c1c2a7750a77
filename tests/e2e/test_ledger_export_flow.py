"""A unit's ledger export on the local stack over real HTTP (issue 21 part 3): the request
queues a job, the stack's own job-queue poller runs it as SQS→Lambda would (no ``/dev/jobs``
call), and the five-minute link downloads the workbook from the moto server."""

from __future__ import annotations

import io
import time
import urllib.request
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

UNIT = "town-yuanzhuang"


def _ok(result: tuple[int, Any], expect: int = 200) -> Any:
    status, data = result
    assert status == expect, data
    return data


def test_a_towns_ledger_is_exported_by_the_job_queue_and_downloaded(stack):
    from openpyxl import load_workbook

    stack.start()
    body = {"category": "land", "title": "厂区道路征收", "content": "二期厂区道路征收迟迟未交地。"}
    appeal = _ok(stack.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun"), 201)
    for kind, user, fields in (
        ("accept", "comm-designated", {}),
        ("transfer", "comm-designated", {"departments": [UNIT]}),
        ("progress", UNIT, {"content": "已约谈拆迁户，本周内完成评估"}),
    ):
        event = {"type": kind, "version": appeal["version"], **fields}
        path = f"/api/v1/appeals/{appeal['id']}/events"
        appeal = _ok(stack.call("POST", path, event, as_user=user))
    started = _ok(
        stack.call("POST", f"/api/v1/departments/{UNIT}/ledger-exports", {}, as_user=UNIT), 202
    )
    where = f"/api/v1/departments/{UNIT}/ledger-exports/{started['id']}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the stack's poller runs it
        job = _ok(stack.call("GET", where, as_user=UNIT))
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job["status"] == "done" and job["rows"] == 1, job
    with urllib.request.urlopen(job["download"]["url"], timeout=10) as r:
        assert "attachment" in r.headers["Content-Disposition"]
        book = load_workbook(io.BytesIO(r.read()))
    sheet = book["推进台账"]
    assert str(sheet["A1"].value).startswith("袁庄镇 推进台账（截至 ")
    row = [c.value for c in sheet[3]]
    assert row[1] == appeal["id"] and "已约谈拆迁户，本周内完成评估" in row
