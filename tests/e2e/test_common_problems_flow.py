"""Common problems (共性诉求) proposed by the monthly meeting job as the local stack's own
scheduler runs it (no ``/dev/jobs`` route): the clock moved past 09:00 of December's first
working day drafts the meeting with a group of three enterprises' appeals beside its agenda;
accepted and decided, every appeal of it is supervised."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.api.test_common_problems import POWER
from tests.e2e.test_scheduler_flow import ticking, wait_for  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e


def test_the_monthly_job_proposes_a_common_problem_then_decided_each_is_supervised(
    ticking,  # noqa: F811
):
    stack = ticking
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-11-20T10:00:00+08:00"})
    ids = []
    for user, title, content in POWER:
        body = {"category": "project", "title": title, "content": content}
        status, appeal = stack.call("POST", "/api/v1/appeals", body, as_user=user)
        assert status == 201, appeal
        ids.append(appeal["id"])
    # Tuesday 1 December 2026 is December's first working day: the job runs at 09:00
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-12-01T08:59:50+08:00"})
    time.sleep(1.5)  # the cron watchers see the clock before nine
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-12-01T09:31:00+08:00"})

    def drafted() -> dict[str, Any] | None:
        status, meeting = stack.call("GET", "/api/v1/meetings/2026-12", as_user="admin")
        return meeting if status == 200 else None

    meeting, seconds = wait_for(drafted)
    print(f"clock moved → meeting drafted by the scheduler in {seconds:.1f} s")
    assert meeting["agenda"] == []  # no level-2 appeal: the contract's agenda is empty
    (proposal,) = meeting["proposals"]
    assert sorted(proposal["appeal_ids"]) == sorted(ids)
    assert proposal["status"] == "proposed" and len(proposal["enterprises"]) == 3
    assert "common problems grouped" in stack.log()

    base = f"/api/v1/meetings/2026-12/proposals/{proposal['id']}"
    accept = {"version": meeting["version"]}
    status, meeting = stack.call("POST", f"{base}/accept", accept, as_user="admin")
    assert status == 200 and meeting["agenda"][0]["kind"] == "common", meeting
    held = {"version": meeting["version"], "held_at": "2026-12-01", "chair": "县长",
            "attendees": ["发改委"]}  # fmt: skip
    status, meeting = stack.call("POST", "/api/v1/meetings/2026-12/record", held, as_user="admin")
    assert status == 200, meeting
    decision = {"version": meeting["version"], "departments": ["tax"], "due_working_days": 10}
    status, meeting = stack.call("POST", f"{base}/decision", decision, as_user="admin")
    assert status == 200, meeting
    assert sorted(meeting["agenda"][0]["decision"]["supervised"]) == sorted(ids)
    for appeal_id in ids:
        _, seen = stack.call("GET", f"/api/v1/appeals/{appeal_id}", as_user="admin")
        assert seen["supervision"]["source"] == f"meeting:2026-12:{proposal['id']}"
        assert seen["supervision_due_at"] == "2026-12-15T23:59:59+08:00"
    assert "local scheduler" not in stack.log()  # no tick failed
