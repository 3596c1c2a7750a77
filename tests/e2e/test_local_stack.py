"""The local stack as people use it: start, write through the API, crash, start again."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse

import pytest

from chalicelib.domain.enterprise import with_check_character

pytestmark = pytest.mark.e2e

ENTERPRISE = {
    "uscc": with_check_character("91320623MA1E2E001"),
    "name": "如东端到端测试有限公司",
    "size_class": "small_micro",
    "industry": "services",
}


def test_acknowledged_writes_survive_kill_9(stack):
    stack.start()
    status, created = stack.call("POST", "/api/v1/enterprises", ENTERPRISE, as_user="admin")
    assert status == 201, created
    status, changed = stack.call(
        "PATCH",
        f"/api/v1/enterprises/{ENTERPRISE['uscc']}",
        {"version": 1, "town": "掘港街道"},
        as_user="admin",
    )
    assert status == 200 and changed["version"] == 2
    stack.kill()

    stack.start()
    status, found = stack.call("GET", f"/api/v1/enterprises/{ENTERPRISE['uscc']}", as_user="admin")
    assert status == 200 and found["town"] == "掘港街道" and found["version"] == 2
    # the demo data was seeded once, not again after the restart
    status, page = stack.call("GET", "/api/v1/enterprises?limit=100", as_user="admin")
    assert len(page["items"]) == 33
    q = urllib.parse.quote("如东端到端")
    status, hits = stack.call("GET", f"/api/v1/enterprises?q={q}", as_user="operator-12345")
    assert [e["uscc"] for e in hits["items"]] == [ENTERPRISE["uscc"]]
    # a clean stop and start keeps it too
    stack.stop()
    stack.start()
    status, found = stack.call("GET", f"/api/v1/enterprises/{ENTERPRISE['uscc']}", as_user="admin")
    assert status == 200 and found["version"] == 2


def test_concurrent_changes_never_lose_an_update(stack):
    stack.start()
    uscc = with_check_character("91320623MA1E2E002")
    assert (
        stack.call("POST", "/api/v1/enterprises", dict(ENTERPRISE, uscc=uscc), as_user="admin")[0]
        == 201
    )
    stack.call("GET", "/api/v1/me", as_user="admin")  # token cached before the threads start
    results: list[int] = []
    lock = threading.Lock()

    def change(i: int) -> None:
        status, _ = stack.call(
            "PATCH",
            f"/api/v1/enterprises/{uscc}",
            {"version": 1, "town": f"镇{i}"},
            as_user="admin",
        )
        with lock:
            results.append(status)

    threads = [threading.Thread(target=change, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [409] * 11
    _, found = stack.call("GET", f"/api/v1/enterprises/{uscc}", as_user="admin")
    assert found["version"] == 2
    _, audit = stack.call(
        "GET", f"/api/v1/audit?entity_type=enterprise&entity_id={uscc}", as_user="admin"
    )
    assert [e["action"] for e in audit["items"]] == ["update", "create"]


def test_errors_over_http_are_problems(running_stack):
    stack = running_stack
    status, body = stack.call("GET", "/api/v1/enterprises")
    assert status == 401 and body["code"] == "unauthorized"
    bad = dict(ENTERPRISE, uscc=ENTERPRISE["uscc"][:-1] + "0")
    if bad["uscc"] == ENTERPRISE["uscc"]:
        bad["uscc"] = ENTERPRISE["uscc"][:-1] + "1"
    status, body = stack.call("POST", "/api/v1/enterprises", bad, as_user="admin")
    assert status == 400 and body["errors"][0]["field"] == "uscc"
    status, body = stack.call("GET", "/api/v1/no-such-route", as_user="admin")
    assert status == 404 and body["code"] == "not_found"
    status, body = stack.call(
        "POST", "/api/v1/departments", {"name": "x" * (1024 * 1024 + 10)}, as_user="admin"
    )
    assert status == 413 and body["code"] == "payload_too_large"


def test_the_spa_is_served_on_the_api_origin_under_a_strict_policy(running_stack):
    """The built SPA (make frontend) beside the API: deep links fall back to index.html,
    hashed assets are cached for good, and every page carries the Content-Security-Policy."""
    import re
    import urllib.request

    from tests.conftest import ROOT

    assert (ROOT / "frontend" / "dist" / "index.html").is_file(), "build the SPA: make frontend"
    stack = running_stack

    def get(path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
        req = urllib.request.Request(stack.url + path, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    status, headers, index = get("/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-cache"
    assert "<script>" not in index and "onload=" not in index  # nothing inline
    assert get("/my/appeals/new")[2] == index  # a deep link is the app
    asset = re.search(r'src="(/assets/[^"]+\.js)"', index)
    assert asset, index
    status, headers, _ = get(asset.group(1))
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert get("/login", "POST")[0] == 404
    status, _, body = get("/api/v1/nowhere")
    assert status == 404 and '"code": "not_found"' in body


def raw_http(stack, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """One request written as bytes (what no well-behaved client sends); the answer parsed."""
    import socket

    with socket.create_connection(("127.0.0.1", stack.port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (b"TRACE /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 501, "method_not_implemented"),
        (b"GET /api/v1/health?q=" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414, "uri_too_long"),
        (b"GET /api/v1/health HTTP/1.1\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", 431, None),
        (
            b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n",
            431,
            None,
        ),
        (
            b"POST /api/v1/appeals HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
            400,
            "bad_request",
        ),
        (
            b"POST /api/v1/appeals HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            400,
            "bad_request",
        ),
        (b"GET /api/v1/health HTTP/9.9\r\n\r\n", 505, "http_version_not_supported"),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, "bad_request"),
    ],
)
def test_the_servers_own_refusals_are_problems_too(running_stack, request_bytes, status, code):
    got, headers, body = raw_http(running_stack, request_bytes)
    assert got == status
    assert headers["content-type"].startswith("application/problem+json")
    problem = __import__("json").loads(body)
    assert problem["status"] == status and problem["title"]
    if code:
        assert problem["code"] == code


def test_the_access_log_masks_phone_numbers_in_addresses(running_stack):
    stack = running_stack
    stack.call("GET", "/api/v1/appeals?phone=13912345678&q=%2B8613812345678", as_user="admin")
    log = stack.log()
    assert "/api/v1/appeals?phone=139****5678" in log
    assert "13912345678" not in log and "13812345678" not in log


def test_an_attachment_downloads_as_its_checked_type_and_is_never_sniffed(running_stack):
    import requests

    stack = running_stack
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    ticket = {
        "purpose": "appeal_attachment",
        "filename": "营业执照.pdf",
        "content_type": "application/pdf",
        "size": len(pdf),
    }
    status, up = stack.call("POST", "/api/v1/uploads", ticket, as_user="ent-hengrun")
    assert status == 201, up
    posted = requests.post(
        up["url"], data=up["fields"], files={"file": ("营业执照.pdf", pdf, "application/pdf")}
    )
    assert posted.status_code == 204, posted.text
    body = {"category": "land", "title": "用地", "content": "附营业执照", "attachments": [up["id"]]}
    status, appeal = stack.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201, appeal
    path = f"/api/v1/appeals/{appeal['id']}/attachments/{up['id']}"
    status, link = stack.call("GET", path, as_user="ent-hengrun")
    assert status == 200, link
    got = requests.get(link["url"], timeout=10)
    assert got.status_code == 200 and got.content == pdf
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment;")


def test_a_new_enterprise_is_found_within_seconds_by_name_short_name_pinyin_and_phone(stack):
    """Through the running stack (API.md: a search may lag a write by a few seconds, never
    more): found by the very next search, before and after the snapshot job takes it in."""
    stack.start()
    uscc = with_check_character("91320623MA1E2E077")
    body = dict(
        ENTERPRISE,
        uscc=uscc,
        name="如东星辰精密轴承有限公司",
        short_names=["星辰轴承"],
        contacts=[{"name": "韩梅", "phone": "13957770001"}],
    )
    began = time.monotonic()
    assert stack.call("POST", "/api/v1/enterprises", body, as_user="admin")[0] == 201

    def found(query: str) -> float:
        while time.monotonic() - began < 5:
            _, page = stack.call("GET", f"/api/v1/enterprises?{query}", as_user="operator-12345")
            if [e["uscc"] for e in page["items"]][:1] == [uscc]:
                return time.monotonic() - began
            time.sleep(0.1)
        raise AssertionError(f"{query} did not find the new enterprise within 5 s")

    for query in ("q=" + urllib.parse.quote("星辰轴承"), "q=rdxcjmzc", "phone=13957770001"):
        assert found(query) < 5
    # the snapshot job folds the change list into the snapshot: still found, under the new
    # name after a rename, never under the old one
    status, job = stack.call("POST", "/api/v1/dev/jobs/search-snapshot", as_user="admin")
    assert status == 200, job
    renamed = {"version": 1, "name": "如东辰星轴承有限公司"}
    status, _ = stack.call("PATCH", f"/api/v1/enterprises/{uscc}", renamed, as_user="admin")
    assert status == 200
    began = time.monotonic()
    assert found("q=" + urllib.parse.quote("辰星轴承")) < 5
    _, old = stack.call(
        "GET", "/api/v1/enterprises?q=" + urllib.parse.quote("星辰精密"), as_user="operator-12345"
    )
    assert old["items"] == []
