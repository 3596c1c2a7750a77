"""Appeals end to end over HTTP: the hotline story, the web story with 重办, and concurrent
filings, idempotent hotline retries and racing replies — one local stack for the module."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.clock import BEIJING
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

CASE_NUMBER = re.compile(r"^XQT-(\d{8})-(\d{4})$")
PHONE = "13912345678"
MASKED = "139****5678"
CALL = {
    "line": "12345",
    "caller_phone": PHONE,
    "enterprise_name": "如东某水产养殖场",
    "category": "financing",
    "content": "养殖场想申请贴息贷款,不清楚哪家银行有针对农业的产品。",
}
FILING = {
    "category": "land",
    "title": "扩建厂房用地指标咨询",
    "content": "我公司计划扩建二期厂房,约需 30 亩工业用地,想了解用地指标。",
}
USERS = (
    "admin",
    "operator-12345",
    "operator-center",
    "comm-designated",
    "comm-above-100m",
    "comm-small-micro",
    "dept-natural-resources",
    "dept-hr-social",
    "dept-tax",
    "ent-hengrun",
    "ent-xinghai",
    "ent-xiaoyang",
)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One stack for the module (a start costs seconds), with every user's token fetched."""
    s = Stack(Path(tmp_path_factory.mktemp("appeal-flows")) / "data")
    s.data_dir.mkdir()
    s.start()
    for user in USERS:  # tokens cached before any thread uses them
        assert s.call("GET", "/api/v1/me", as_user=user)[0] == 200
    yield s
    s.stop()


def event(s: Stack, user: str, appeal: dict[str, Any], kind: str, **fields: Any) -> tuple[int, Any]:
    """Post an event against the appeal's current version."""
    body = {"type": kind, "version": appeal["version"], **fields}
    return s.call("POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user)


def step(s: Stack, user: str, appeal: dict[str, Any], kind: str, **fields: Any) -> dict[str, Any]:
    """An event that must succeed: 200 and the version moved on by exactly one."""
    status, after = event(s, user, appeal, kind, **fields)
    assert status == 200, (kind, after)
    assert after["version"] == appeal["version"] + 1, kind
    return after


def call(s: Stack, user: str, key: str, body: dict[str, Any]) -> tuple[int, Any]:
    return s.call(
        "POST", "/api/v1/hotline/calls", body, as_user=user, headers={"Idempotency-Key": key}
    )


def listed(s: Stack, user: str, query: str) -> list[str]:
    status, page = s.call("GET", f"/api/v1/appeals?{query}&limit=100", as_user=user)
    assert status == 200, page
    return [a["id"] for a in page["items"]]


def get(s: Stack, user: str, appeal_id: str) -> tuple[int, Any]:
    return s.call("GET", f"/api/v1/appeals/{appeal_id}", as_user=user)


def part(appeal: dict[str, Any], department_id: str) -> dict[str, Any]:
    return next(p for p in appeal["departments"] if p["id"] == department_id)


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def set_clock(s: Stack, now: str | None) -> None:
    status, body = s.call("POST", "/api/v1/dev/clock", {"now": now})
    assert status == 200, body


def test_hotline_call_from_an_unknown_caller_to_callback(live: Stack) -> None:
    status, appeal = call(live, "operator-12345", f"a-{uuid.uuid4()}", CALL)
    assert status == 201, appeal
    assert appeal["status"] == "received" and appeal["channel"] == "hotline_12345"
    assert appeal["assignee"]["commissioner_id"] is None  # triage
    assert appeal["enterprise"] == {
        "uscc": None,
        "name": CALL["enterprise_name"],
        "caller_phone": PHONE,
        "size_class": None,  # not registered: no size class, industry or town to keep
        "industry": None,
        "town": None,
    }
    day = CASE_NUMBER.match(appeal["id"])
    assert day, appeal["id"]
    assert day.group(1) == datetime.now(BEIJING).strftime("%Y%m%d")
    assert appeal["version"] == 1
    aid = appeal["id"]

    assert aid in listed(live, "admin", "scope=mine")  # the triage queue
    # not posted by them and not awaiting a call-back: it does not exist for them
    for outsider in ("operator-center", "dept-tax"):
        status, body = get(live, outsider, aid)
        assert status == 404 and body["code"] == "not_found", outsider

    appeal = step(live, "admin", appeal, "reassign", commissioner_id="c-designated")
    assert appeal["assignee"]["commissioner_id"] == "c-designated"
    assert aid not in listed(live, "admin", "scope=mine")
    assert aid in listed(live, "comm-designated", "scope=queue")
    appeal = step(live, "comm-designated", appeal, "accept")
    assert appeal["status"] == "processing"
    appeal = step(
        live, "comm-designated", appeal, "transfer", departments=["natural-resources", "hr-social"]
    )
    assert [p["id"] for p in appeal["departments"]] == ["natural-resources", "hr-social"]
    for p in appeal["departments"]:
        assert p["status"] == "open"
        assert when(p["due_at"]) <= when(appeal["reply_due_at"])
    assert aid in listed(live, "dept-hr-social", "scope=queue")

    # a transferred department reads it, the caller's phone masked; another department cannot
    status, seen = get(live, "dept-natural-resources", aid)
    assert status == 200 and seen["enterprise"]["caller_phone"] == MASKED
    status, body = get(live, "dept-tax", aid)
    assert status == 404 and body["code"] == "not_found"
    status, seen = get(live, "comm-above-100m", aid)  # a commissioner, not the owner
    assert status == 200 and seen["enterprise"]["caller_phone"] == MASKED

    appeal = step(live, "dept-natural-resources", appeal, "return", reason="不属于本局职责")
    appeal = step(live, "dept-hr-social", appeal, "department_reply", content="已对接人社贴息政策")
    # no part open any more: the reply needs no reason
    appeal = step(live, "comm-designated", appeal, "reply", content="已为您对接农商行贴息贷款")
    assert appeal["status"] == "replied"
    assert part(appeal, "natural-resources")["status"] == "returned"
    assert part(appeal, "hr-social")["status"] == "replied"

    assert aid in listed(live, "operator-12345", "scope=queue")  # the call-back list
    assert aid in listed(live, "operator-center", "scope=queue")
    status, seen = get(live, "operator-center", aid)  # awaiting a call-back: readable, masked
    assert status == 200 and seen["enterprise"]["caller_phone"] == MASKED

    appeal = step(live, "operator-12345", appeal, "callback", resolved=True, satisfaction=5)
    assert appeal["status"] == "closed"
    assert appeal["rating"]["via"] == "callback" and appeal["rating"]["satisfaction"] == 5
    assert aid not in listed(live, "operator-12345", "scope=queue")

    status, final = get(live, "admin", aid)
    assert status == 200 and final["version"] == 8 and final["status"] == "closed"
    timeline = final["timeline"]
    assert [e["type"] for e in timeline] == [
        "filed",
        "reassign",
        "accept",
        "transfer",
        "return",
        "department_reply",
        "reply",
        "callback",
    ]
    assert [e["actor"]["username"] for e in timeline] == [
        "operator-12345",
        "admin",
        "comm-designated",
        "comm-designated",
        "dept-natural-resources",
        "dept-hr-social",
        "comm-designated",
        "operator-12345",
    ]
    assert all(e["at"].endswith("+08:00") for e in timeline)
    assert [e["version"] for e in timeline] == list(range(1, 9))
    for reader in ("admin", "operator-12345"):
        status, seen = get(live, reader, aid)
        assert status == 200 and seen["enterprise"]["caller_phone"] == PHONE, reader
    status, seen = get(live, "dept-natural-resources", aid)  # read-only now, still masked
    assert status == 200 and seen["enterprise"]["caller_phone"] == MASKED
    assert seen["actions"] == []


def test_web_appeal_reopened_then_closed(live: Stack) -> None:
    set_clock(live, "2026-03-02T09:00:00+08:00")  # a Monday
    try:
        status, appeal = live.call("POST", "/api/v1/appeals", FILING, as_user="ent-hengrun")
        assert status == 201, appeal
        aid = appeal["id"]
        assert aid.startswith("XQT-20260302-")
        assert appeal["channel"] == "web" and appeal["status"] == "received"
        assert appeal["assignee"]["commissioner_id"] == "c-designated"  # 规上 enterprise
        assert appeal["timeline"][0]["route"] == "coverage"
        first_due = appeal["reply_due_at"]

        appeal = step(live, "comm-designated", appeal, "accept")
        appeal = step(
            live, "comm-designated", appeal, "transfer", departments=["tax", "natural-resources"]
        )
        appeal = step(
            live, "dept-tax", appeal, "department_reply", content="内部意见:税收优惠可叠加"
        )
        appeal = step(
            live, "dept-natural-resources", appeal, "return", reason="内部:应由开发区办理"
        )
        appeal = step(live, "comm-designated", appeal, "reply", content="用地指标已纳入年度计划")
        assert appeal["status"] == "replied"
        assert aid in listed(live, "ent-hengrun", "scope=queue")  # awaiting its confirmation

        set_clock(live, "2026-03-04T10:00:00+08:00")
        appeal = step(live, "ent-hengrun", appeal, "confirm", resolved=False, satisfaction=2)
        assert appeal["status"] == "processing" and appeal["reopened"] == 1
        assert appeal["reply"] is None and appeal["overdue"] is False
        assert when(appeal["reply_due_at"]) > when(first_due)  # a new period from 03-04
        assert appeal["reply_due_at"].endswith("+08:00")

        appeal = step(live, "comm-designated", appeal, "reply", content="已协调开发区落实指标")
        appeal = step(live, "ent-hengrun", appeal, "confirm", resolved=True, satisfaction=4)
        assert appeal["status"] == "closed"
        assert appeal["rating"]["via"] == "confirm" and appeal["rating"]["resolved"] is True
    finally:
        set_clock(live, None)

    status, body = get(live, "ent-xinghai", aid)
    assert status == 404 and body["code"] == "not_found"
    assert aid in listed(live, "ent-hengrun", "scope=mine")
    assert aid not in listed(live, "ent-xinghai", "scope=mine")

    status, own = get(live, "ent-hengrun", aid)
    assert status == 200
    assert [e["type"] for e in own["timeline"]] == [
        "filed",
        "accept",
        "transfer",
        "department_reply",
        "return",
        "reply",
        "confirm",
        "reply",
        "confirm",
    ]
    # the enterprise sees every step and who holds it, not what the departments said
    for p in own["departments"]:
        assert p["content"] is None and p["return_reason"] is None
    hidden = [e for e in own["timeline"] if e["type"] in ("department_reply", "return")]
    assert hidden and all(e["content"] is None and e["reason"] is None for e in hidden)
    assert "内部" not in str(own)
    # staff do see them
    status, staff = get(live, "comm-designated", aid)
    assert part(staff, "tax")["content"] == "内部意见:税收优惠可叠加"
    assert part(staff, "natural-resources")["return_reason"] == "内部:应由开发区办理"


def test_fifty_web_filings_at_once_get_distinct_case_numbers(live: Stack) -> None:
    users = ["ent-hengrun", "ent-xinghai", "ent-xiaoyang"]

    def file(i: int) -> tuple[int, Any]:
        body = dict(FILING, title=f"并发提交 {i}")
        return live.call("POST", "/api/v1/appeals", body, as_user=users[i % 3])

    # 25 clients at once: the local server's listen backlog was raised from http.server's 5
    # for this (with 16 clients some connections used to be reset before being read)
    with ThreadPoolExecutor(max_workers=25) as pool:
        results = list(pool.map(file, range(50)))
    assert [s for s, _ in results] == [201] * 50, [b for s, b in results if s != 201][:3]
    ids = [b["id"] for _, b in results]
    assert len(set(ids)) == 50
    assert all(CASE_NUMBER.match(i) for i in ids)


def test_concurrent_hotline_retries_make_one_appeal(live: Stack) -> None:
    key = f"retry-{uuid.uuid4()}"
    body = dict(CALL, content="来电反映:厂区用电增容审批进度慢。")

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: call(live, "operator-12345", key, body), range(10)))
    assert sorted(s for s, _ in results) == [200] * 9 + [201], [b for _, b in results][:2]
    ids = {b["id"] for _, b in results}
    assert len(ids) == 1
    (aid,) = ids
    assert listed(live, "operator-12345", "scope=mine").count(aid) == 1

    # the same body with its keys in another order is the same call
    status, again = call(live, "operator-12345", key, dict(reversed(list(body.items()))))
    assert status == 200 and again["id"] == aid
    status, problem = call(live, "operator-12345", key, dict(body, content="另一通电话的内容"))
    assert status == 422 and problem["code"] == "idempotency_key_reused", problem
    # keys are per caller: another operator's call with the same key is a call of its own
    status, other = call(live, "operator-center", key, body)
    assert status == 201 and other["id"] != aid, other


def race_replies(s: Stack) -> tuple[list[tuple[int, Any]], dict[str, Any]]:
    """An appeal in processing; ten replies posted at once against the same version."""
    status, appeal = s.call("POST", "/api/v1/appeals", FILING, as_user="ent-xiaoyang")
    assert status == 201, appeal
    assert appeal["assignee"]["commissioner_id"] == "c-small-micro"  # 小微 enterprise
    appeal = step(s, "comm-small-micro", appeal, "accept")

    def reply(i: int) -> tuple[int, Any]:
        return event(s, "comm-small-micro", appeal, "reply", content=f"答复 {i}")

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(reply, range(10)))
    status, final = get(s, "admin", appeal["id"])
    assert status == 200
    return results, final


def test_racing_replies_record_one_reply(live: Stack) -> None:
    results, final = race_replies(live)
    assert [s for s, _ in results].count(200) == 1, results
    assert final["version"] == 3 and final["status"] == "replied"
    assert [e["type"] for e in final["timeline"]] == ["filed", "accept", "reply"]
    winner = next(b for s, b in results if s == 200)
    assert final["reply"]["content"] == winner["reply"]["content"]


def test_racing_replies_losers_get_version_conflict(live: Stack) -> None:
    results, final = race_replies(live)
    assert sorted(s for s, _ in results) == [200] + [409] * 9, results
    assert all(b["code"] == "version_conflict" for s, b in results if s == 409)
    assert [e["type"] for e in final["timeline"]].count("reply") == 1


def test_concurrent_web_retries_make_one_appeal(live: Stack) -> None:
    key = f"web-{uuid.uuid4()}"

    def file(_: int) -> tuple[int, Any]:
        return live.call(
            "POST",
            "/api/v1/appeals",
            FILING,
            as_user="ent-xiaoyang",
            headers={"Idempotency-Key": key},
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(file, range(8)))
    assert sorted(s for s, _ in results) == [200] * 7 + [201], results[:2]
    (aid,) = {b["id"] for _, b in results}
    assert listed(live, "ent-xiaoyang", "scope=mine").count(aid) == 1
