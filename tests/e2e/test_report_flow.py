"""Reports on the local stack over HTTP: the background poller builds a requested report
(no dev route involved), its progress reaches 100, and the presigned links download the
workbook, the CSV and the JSON from the local S3 — for five minutes, and only signed."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def test_a_report_is_built_in_the_background_and_downloaded(stack):
    import openpyxl

    stack.start()
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-06-03T10:00:00+08:00"})
    body = {"category": "talent", "title": "引进研发人才", "content": "需要人才公寓"}
    status, appeal = stack.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-07-01T09:00:00+08:00"})

    status, started = stack.call("POST", "/api/v1/reports", {"month": "2026-06"}, as_user="admin")
    assert status == 202, started
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the stack's poller builds it, as SQS→Lambda would
        _, report = stack.call("GET", f"/api/v1/reports/{started['id']}", as_user="supervisor")
        seen.append(report["status"])
        if report["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert report["status"] == "done", (seen, report.get("error"))
    assert report["progress"] == 100 and report["summary"]["totals"]["received"] == 1

    with urllib.request.urlopen(report["downloads"]["xlsx"], timeout=10) as r:
        disposition = r.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="xqt-report-2026-06.xlsx"')
        assert "UTF-8''%E5%85%B4%E4%BC%81%E9%80%9A" in disposition  # 兴企通…
        workbook = r.read()
    assert workbook[:2] == b"PK"
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    details = list(book["明细"].iter_rows(min_row=5, values_only=True))
    assert [row[0] for row in details] == [appeal["id"]]
    with urllib.request.urlopen(report["downloads"]["csv"], timeout=10) as r:
        assert r.read().decode("utf-8-sig").splitlines()[1].startswith("合计,total,全部,1,")
    with urllib.request.urlopen(report["downloads"]["json"], timeout=10) as r:
        assert json.loads(r.read())["appeals"][0]["appeal_id"] == appeal["id"]

    unsigned = report["downloads"]["xlsx"].split("?", 1)[0]  # the bucket is private
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)
    assert refused.value.code == 403
    assert stack.call("GET", f"/api/v1/reports/{started['id']}", as_user="ent-hengrun")[0] == 403
