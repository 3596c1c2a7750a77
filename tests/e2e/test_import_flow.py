"""The enterprise import on the local stack over real HTTP: the file goes to the moto server
through the presigned POST (as a browser sends it, with the CORS answer the SPA needs), the
stack's poller imports it in the background, the
rejected rows download through their presigned link, and after a ``kill -9`` the upload,
the result and the enterprises are all still there — importing the same upload again
changes nothing."""

from __future__ import annotations

import csv
import io
import time
import urllib.request
from typing import Any

import pytest
import requests

from infra.local.seed import credit_code

pytestmark = pytest.mark.e2e

HEADER = "统一社会信用代码,企业名称,企业规模,行业,乡镇,联系人,联系电话"


def _wait(stack, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the stack's poller runs it, as SQS→Lambda would
        status, job = stack.call("GET", f"/api/v1/imports/{job_id}", as_user="admin")
        assert status == 200, job
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"import {job_id} did not finish: {job}")


def test_a_register_uploaded_by_presigned_post_is_imported_in_the_background(stack):
    stack.start()
    good = credit_code("e2e-import-good")
    broken = good[:-1] + ("0" if good[-1] != "0" else "1")  # the check character wrong
    lines = [
        HEADER,
        f"{good},如东端到端导入有限公司,规上,工业,掘港街道,陈晨,13812340000",
        f"{broken},校验码错误有限公司,小微,服务业,,,",
    ]
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()
    status, ticket = stack.call(
        "POST",
        "/api/v1/uploads",
        {
            "purpose": "enterprise_import",
            "filename": "端到端.csv",
            "content_type": "text/csv",
            "size": len(data),
        },
        as_user="admin",
    )
    assert status == 201, ticket
    # the browser's POST: moto answers with the CORS header the bucket's rule gives the site
    # (the browser test runs the same through the page, under its CSP)
    posted = requests.post(
        ticket["url"],
        data=ticket["fields"],
        files={"file": ("端到端.csv", data, "text/csv")},
        headers={"Origin": stack.url},
        timeout=10,
    )
    assert posted.status_code == 204, posted.text
    assert posted.headers.get("Access-Control-Allow-Origin") == stack.url  # the SPA reads it

    status, job = stack.call(
        "POST", "/api/v1/imports", {"upload_key": ticket["key"]}, as_user="admin"
    )
    assert status == 202, job
    job = _wait(stack, job["id"])
    assert job["status"] == "done", job
    assert job["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}

    def rejected(link: str) -> list[list[str]]:
        with urllib.request.urlopen(link, timeout=10) as r:
            return list(csv.reader(io.StringIO(r.read().decode("utf-8-sig"))))

    rows = rejected(job["rejected_file"])
    assert rows[1][0] == "3" and rows[1][3] == "统一社会信用代码：校验码不符"
    status, created = stack.call("GET", f"/api/v1/enterprises/{good}", as_user="admin")
    assert status == 200 and created["contacts"] == [{"name": "陈晨", "phone": "13812340000"}]

    stack.kill()  # every acknowledged write survives: the upload, the result, the enterprise
    stack.start()
    _, kept = stack.call("GET", f"/api/v1/imports/{job['id']}", as_user="admin")
    assert kept["status"] == "done" and rejected(kept["rejected_file"]) == rows
    status, again = stack.call(
        "POST", "/api/v1/imports", {"upload_key": ticket["key"]}, as_user="admin"
    )
    assert status == 202, again
    again = _wait(stack, again["id"])
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 1}
    assert stack.call("GET", f"/api/v1/enterprises/{good}", as_user="admin")[1]["version"] == 1
