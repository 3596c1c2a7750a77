"""A pause (挂起) ended by the local stack's own scheduler at the 10-working-day limit: no
``/dev/jobs`` route — the business clock is moved and the scheduled sweep and the escalation
consumer, through the entry points Lambda calls, record ``pause_expired``."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.test_scheduler_flow import post_event, ticking, wait_for

pytestmark = pytest.mark.e2e
__all__ = ["ticking"]  # the fixture: a stack whose sweep ticks every second


def test_the_scheduled_sweep_ends_a_pause_at_the_limit_and_marks_nothing_before(ticking):
    stack = ticking
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-11-02T09:00:00+08:00"})  # Monday
    body = {"category": "land", "title": "用地", "content": "扩建用地指标"}
    status, appeal = stack.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201 and appeal["reply_due_at"] == "2026-11-09T23:59:59+08:00"

    def post(a: dict[str, Any], user: str, **event: Any) -> dict[str, Any]:
        return post_event(stack, a, user, **event)

    appeal = post(appeal, "comm-designated", type="accept")
    appeal = post(
        appeal, "comm-designated", type="pause", reason="awaiting_enterprise", note="请补充权属证明"
    )
    # 10 working days after 2 Nov: 3, 4, 5, 6, 9, 10, 11, 12, 13, 16
    assert appeal["paused"] is True
    assert appeal["pause"]["expires_at"] == "2026-11-16T23:59:59+08:00"

    # past the deadline (9 Nov) and its warning point while paused: the sweeps mark nothing
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-11-12T08:00:00+08:00"})
    time.sleep(3)
    _, seen = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    assert [e["type"] for e in seen["timeline"]] == ["filed", "accept", "pause"]
    assert seen["overdue"] is False and seen["escalation_level"] == 0

    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-11-17T08:00:00+08:00"})

    def expired() -> dict[str, Any] | None:
        _, seen = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
        return seen if seen["timeline"][-1]["type"] == "pause_expired" else None

    seen, seconds = wait_for(expired)
    print(f"clock moved → pause_expired recorded by the scheduled sweep in {seconds:.1f} s")
    last = seen["timeline"][-1]
    assert last["actor"] is None and last["working_days"] == 10
    assert seen["paused"] is False and seen["paused_working_days"] == 10
    # 9 Nov + 10 working days: 10, 11, 12, 13, 16, 17, 18, 19, 20, 23
    assert seen["reply_due_at"] == "2026-11-23T23:59:59+08:00"
    assert (
        "挂起 10 个工作日（11月3日至11月16日），期限顺延至11月23日"
        in (seen["deadline_explanation"])
    )
    _, inbox = stack.call("GET", "/api/v1/inbox?limit=100", as_user="ent-hengrun")
    assert any(
        n["kind"] == "pause_expired" and n["appeal_id"] == appeal["id"] for n in inbox["items"]
    )
    time.sleep(2.5)  # more sweeps: once, and the moved deadline is not yet due
    _, again = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    assert [e["type"] for e in again["timeline"]] == ["filed", "accept", "pause", "pause_expired"]
    assert "local scheduler" not in stack.log()
