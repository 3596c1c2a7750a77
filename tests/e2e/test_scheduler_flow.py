"""The local stack's scheduled functions and queue consumers as they run: nothing here calls
a ``/dev/jobs`` route. The business clock is moved (``/dev/clock``) and the stack's own
scheduler — a short rate for the sweep and the outbox, cron expressions matched against the
business clock — does the rest, through the entry points Lambda calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def wait_for(check: Callable[[], Any], timeout: float = 30.0) -> tuple[Any, float]:
    """``check()`` until it returns something truthy; returns it and the seconds it took."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        value = check()
        if value:
            return value, time.perf_counter() - began
        time.sleep(0.1)
    raise AssertionError(f"nothing happened in {timeout} s")


def post_event(stack: Any, appeal: dict[str, Any], user: str, **event: Any) -> dict[str, Any]:
    """Post one event on ``appeal`` (at its version) through the running stack; 200 or fail."""
    status, after = stack.call(
        "POST",
        f"/api/v1/appeals/{appeal['id']}/events",
        {"version": appeal["version"], **event},
        as_user=user,
    )
    assert status == 200, after
    return after


@pytest.fixture
def ticking(tmp_path: Path):
    stack = Stack(
        tmp_path / "data",
        env={"XQT_LOCAL_RATE_SECONDS": "1", "POWERTOOLS_LOG_LEVEL": "INFO"},
    )
    stack.data_dir.mkdir()
    stack.start()
    yield stack
    stack.stop()


def test_the_sweep_escalates_an_overdue_appeal_by_itself_and_the_centre_is_mailed(ticking):
    stack = ticking
    assert stack.call("POST", "/api/v1/dev/clock", {"now": "2026-09-23T10:00:00+08:00"})[0] == 200
    body = {"category": "land", "title": "用地", "content": "扩建用地指标"}
    status, appeal = stack.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201 and appeal["reply_due_at"] == "2026-10-08T23:59:59+08:00"

    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-10-09T08:00:00+08:00"})

    def escalated() -> dict[str, Any] | None:
        _, seen = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
        return seen if seen["escalation_level"] == 1 else None

    seen, seconds = wait_for(escalated)
    print(f"clock moved → escalated by the scheduled sweep in {seconds:.1f} s")
    # nobody signed for it by 24 Sep either: marked once, then its passed deadline acted on
    assert [e["type"] for e in seen["timeline"]] == ["filed", "sign_overdue", "escalated"]
    assert seen["overdue"] is True
    # the outbox, on its own schedule, mails the service centre about it
    wait_for(lambda: "outbox message" in stack.log() and appeal["id"] in stack.log())
    assert "local scheduler" not in stack.log()  # no tick failed
    time.sleep(2.5)  # more sweeps: still one escalation
    _, again = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    assert [e["type"] for e in again["timeline"]] == ["filed", "sign_overdue", "escalated"]


def test_a_part_not_signed_for_is_marked_by_itself_and_the_department_told(ticking):
    stack = ticking
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-11-02T09:00:00+08:00"})  # Monday
    body = {"category": "land", "title": "用地", "content": "扩建用地指标"}
    status, appeal = stack.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201 and appeal["accept_due_at"] == "2026-11-03T23:59:59+08:00"

    def post(a: dict[str, Any], user: str, **event: Any) -> dict[str, Any]:
        return post_event(stack, a, user, **event)

    appeal = post(appeal, "comm-designated", type="accept")
    appeal = post(appeal, "comm-designated", type="transfer", departments=["tax"])
    assert appeal["departments"][0]["accept_due_at"] == "2026-11-03T23:59:59+08:00"
    time.sleep(2.5)  # sweeps before the deadline: nothing
    _, seen = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    assert [e["type"] for e in seen["timeline"]] == ["filed", "accept", "transfer"]

    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-11-04T08:00:00+08:00"})

    def marked() -> dict[str, Any] | None:
        _, seen = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
        return seen if seen["timeline"][-1]["type"] == "sign_overdue" else None

    seen, seconds = wait_for(marked)
    print(f"clock moved → sign_overdue marked by the scheduled sweep in {seconds:.1f} s")
    last = seen["timeline"][-1]
    assert last["part"] == "tax" and last["actor"] is None
    assert last["accept_due_at"] == "2026-11-03T23:59:59+08:00"
    _, inbox = stack.call("GET", "/api/v1/inbox?limit=100", as_user="dept-tax")
    assert any(
        n["kind"] == "sign_overdue" and n["appeal_id"] == appeal["id"] for n in inbox["items"]
    )
    _, centre = stack.call("GET", "/api/v1/inbox?limit=100", as_user="admin")
    assert any(n["kind"] == "sign_overdue" for n in centre["items"])
    time.sleep(2.5)  # more sweeps: still one mark
    _, again = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    assert [e["type"] for e in again["timeline"]].count("sign_overdue") == 1
    assert "local scheduler" not in stack.log()


def test_the_monthly_jobs_run_at_their_hour_on_the_first_working_day(ticking):
    stack = ticking
    # Monday 2 November 2026 is November's first working day (the 1st is a Sunday)
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-11-02T08:59:50+08:00"})
    time.sleep(1.5)  # the cron watchers see the clock before nine
    assert stack.call("GET", "/api/v1/meetings/2026-11", as_user="admin")[0] == 404
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-11-02T09:31:00+08:00"})

    def drafted() -> dict[str, Any] | None:
        status, meeting = stack.call("GET", "/api/v1/meetings/2026-11", as_user="admin")
        return meeting if status == 200 else None

    meeting, _ = wait_for(drafted)
    assert meeting["month"] == "2026-11"

    def built() -> dict[str, Any] | None:  # 09:30: October's report, built by its consumer
        _, page = stack.call("GET", "/api/v1/reports", as_user="admin")
        done = [r for r in page["items"] if r["status"] == "done"]
        return done[0] if done else None

    report, _ = wait_for(built, timeout=60)
    assert report["period"]["month"] == "2026-10" and report["trigger"] == "scheduled"
    assert "local scheduler" not in stack.log()
