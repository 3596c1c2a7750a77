"""The sweep on the local stack over HTTP: the dev clock moves past a deadline, the job runs
and its messages are consumed before the answer; once per appeal and deadline."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_an_overdue_appeal_is_escalated_once(stack):
    stack.start()
    assert stack.call("POST", "/api/v1/dev/clock", {"now": "2026-09-23T10:00:00+08:00"})[0] == 200
    body = {"category": "land", "title": "用地", "content": "扩建用地指标"}
    status, appeal = stack.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
    assert status == 201 and appeal["reply_due_at"] == "2026-10-08T23:59:59+08:00"

    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-10-09T08:00:00+08:00"})
    status, run = stack.call("POST", "/api/v1/dev/jobs/deadline-sweep")
    assert status == 200, run
    # the warning point passed unseen together with the deadline: no warning after the fact
    # (its message is consumed before the answer, here or by the background poller)
    assert run["result"]["found"] == 1 and run["failed"] == 0
    _, seen = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    kinds = [e["type"] for e in seen["timeline"]]
    # nobody signed for it by 24 Sep: marked, and (one index item, one message) its passed
    # reply deadline acted on at once
    assert kinds == ["filed", "sign_overdue", "escalated"], kinds
    assert seen["escalation_level"] == 1 and seen["overdue"] is True

    status, again = stack.call("POST", "/api/v1/dev/jobs/deadline-sweep")
    assert status == 200 and again["processed"] == 0
    _, seen = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    assert [e["type"] for e in seen["timeline"]] == kinds  # nothing new

    # the service centre cannot settle it: to the county's joint meeting
    body = {"type": "escalate", "version": seen["version"], "reason": "multi_department"}
    status, seen = stack.call(
        "POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user="admin"
    )
    assert status == 200 and seen["escalation_level"] == 2
    status, run = stack.call("POST", "/api/v1/dev/jobs/monthly-meeting")
    assert status == 200 and run["result"]["month"] == "2026-10"
    _, meeting = stack.call("GET", "/api/v1/meetings/2026-10", as_user="admin")
    assert [i["appeal_id"] for i in meeting["agenda"]] == [appeal["id"]]
    held = {
        "version": meeting["version"],
        "held_at": "2026-10-09",
        "chair": "县长",
        "attendees": ["税务局"],
    }
    _, meeting = stack.call("POST", "/api/v1/meetings/2026-10/record", held, as_user="admin")
    decision = {
        "version": meeting["version"],
        "appeal_id": appeal["id"],
        "departments": ["tax"],
        "due_working_days": 3,
    }
    status, meeting = stack.call(
        "POST", "/api/v1/meetings/2026-10/decisions", decision, as_user="admin"
    )
    assert status == 200, meeting
    _, seen = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    # 10-10, a Saturday made a working day, counts: 10-10, 10-12, 10-13
    assert seen["supervised"] is True and seen["supervision_due_at"] == "2026-10-13T23:59:59+08:00"

    # the sweep watches the supervised item too
    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-10-15T09:00:00+08:00"})
    stack.call("POST", "/api/v1/dev/jobs/deadline-sweep")
    _, seen = stack.call("GET", f"/api/v1/appeals/{appeal['id']}", as_user="admin")
    assert seen["timeline"][-1]["type"] == "supervision_overdue"

    # the background scheduler and poller are running as in AWS
    status, _ = stack.call("POST", "/api/v1/dev/jobs/nothing-like-this")
    assert status == 404
    log = stack.log()
    assert "rate-deadline_sweep" in log and "poll-escalations" in log
