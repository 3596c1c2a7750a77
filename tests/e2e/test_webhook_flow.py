"""The hand-back to 12345 through the local stack as it runs: a receiver on 127.0.0.1 in this
test checks every request's signature; the stack's own scheduler (the outbox on a one-second
rate) sends the steps of a call posted by the service account, and the stack is killed with
``kill -9`` while a delivery is in flight, with another one written and not yet sent. Started
again on the same data folder, it delivers both: every event at least once (the one in
flight twice, with the same ``event_id`` and the same bytes), each appeal's events first
received in their order, every signature valid. The receiver's log is kept in
``test-artifacts/webhook-receiver.log``."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from infra.local.seed import enterprise_records
from tests.conftest import ROOT
from tests.e2e.conftest import Stack
from tests.fakes.webhook_receiver import Receiver

pytestmark = pytest.mark.e2e

SECRET = "e2e-secret-shared-with-the-12345-platform"
SERVICE = "callcenter-12345"
LOG = ROOT / "test-artifacts" / "webhook-receiver.log"


def wait_for(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"nothing happened in {timeout} s")


def test_every_step_is_delivered_at_least_once_across_a_kill_9(tmp_path: Path):
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text("", encoding="utf-8")
    in_flight = threading.Event()
    release = threading.Event()
    hung: list[str] = []

    def answer(body: dict[str, Any]) -> int:
        # the first reply hangs until the stack that sent it is dead
        if body["type"] == "reply" and not hung:
            hung.append(body["event_id"])
            in_flight.set()
            release.wait(60)
        return 200

    receiver = Receiver(SECRET, log_path=LOG, answer=answer).start()
    stack = Stack(
        tmp_path / "data",
        env={"XQT_LOCAL_RATE_SECONDS": "1", "XQT_WEBHOOK_LEASE_SECONDS": "3"},
    )
    stack.data_dir.mkdir()
    try:
        stack.start()
        status, hook = stack.call(
            "POST",
            "/api/v1/webhooks",
            {"username": SERVICE, "url": receiver.url, "secret": SECRET},
            as_user="admin",
        )
        assert status == 201 and "secret" not in hook, hook
        call = {
            "line": "12345",
            "caller_phone": "13912345678",
            "uscc": enterprise_records()[0]["uscc"],
            "category": "financing",
            "content": "想申请贴息贷款,不清楚哪家银行有产品。",
            "external_ref": "12345-2026-E2E-0001",
        }
        status, appeal = stack.call(
            "POST",
            "/api/v1/hotline/calls",
            call,
            as_user=SERVICE,
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert status == 201, appeal
        aid = appeal["id"]

        def step(kind: str, user: str, **fields: Any) -> None:
            nonlocal appeal
            body = {"type": kind, "version": appeal["version"], **fields}
            status, appeal = stack.call("POST", f"/api/v1/appeals/{aid}/events", body, as_user=user)
            assert status == 200, appeal

        step("accept", "comm-designated")
        step("transfer", "comm-designated", departments=["tax"])
        step("department_reply", "dept-tax", content="可申请普惠贷款贴息。")  # not handed back
        step("reply", "comm-designated", content="已对接农商行贴息贷款产品。")
        wait_for(in_flight.is_set)  # the scheduler's outbox run is sending the reply now
        step("callback", SERVICE, resolved=True, satisfaction=5)  # written, waits behind it
        receiver.note("---- kill -9 of the local stack while the reply is in flight ----")
        stack.kill()
        release.set()
        stack.start()
        receiver.note("---- the local stack started again on the same data folder ----")

        expected = [f"{aid}#{v}" for v in (2, 3, 5, 6)]  # accept, transfer, reply, callback

        def all_in() -> bool:
            seen = {g.body["event_id"] for g in receiver.got if g.status == 200}
            return set(expected) <= seen

        wait_for(all_in, timeout=60)
        time.sleep(2)  # more outbox runs: nothing else arrives
        got = [g for g in receiver.got if g.body["appeal_id"] == aid]
        assert all(g.valid for g in got)
        firsts = list(dict.fromkeys(g.body["event_id"] for g in got))
        assert firsts == expected  # first received in the order of the events
        assert [g.body["type"] for g in got].count("reply") == 2  # the one in flight, again
        replies = [g.raw for g in got if g.body["type"] == "reply"]
        assert replies[0] == replies[1]  # the same bytes, the same event_id
        assert [g.body["type"] for g in got][-1] == "callback"
        assert got[-1].body["status"] == "closed" and got[-1].body["closed_as"] == "resolved"
        assert all(g.body["external_ref"] == "12345-2026-E2E-0001" for g in got)
        _, log = stack.call("GET", f"/api/v1/webhooks/{hook['id']}/deliveries", as_user="admin")
        assert {d["status"] for d in log["items"]} == {"delivered"}
        assert len(log["items"]) == 4
        print(LOG.read_text(encoding="utf-8"))
    finally:
        release.set()
        stack.stop()
        receiver.stop()
