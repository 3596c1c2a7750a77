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
    assert [e["type"] for e in seen["timeline"]] == ["filed", "escalated"]
    assert seen["overdue"] is True
    # the outbox, on its own schedule, mails the service centre about it
    wait_for(lambda: "outbox message" in stack.log() and appeal["id"] in stack.log())
    assert "local scheduler" not in stack.log()  # no tick failed
    time.sleep(2.5)  # more sweeps: still one escalation
    _, again = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    assert [e["type"] for e in again["timeline"]] == ["filed", "escalated"]


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
