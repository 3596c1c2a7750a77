"""A withdrawn appeal and the local stack's own scheduler: nothing here calls a ``/dev/jobs``
route. Two appeals pass every deadline (sign-for, a department part's, the reply's); the
scheduled sweep acts on the one kept and never on the one its enterprise withdrew."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.test_scheduler_flow import post_event, ticking, wait_for  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e


def test_the_scheduled_sweep_leaves_a_withdrawn_appeal_alone(ticking):  # noqa: F811
    stack = ticking
    assert stack.call("POST", "/api/v1/dev/clock", {"now": "2026-09-23T10:00:00+08:00"})[0] == 200
    body = {"category": "land", "title": "用地", "content": "扩建用地指标"}

    def post(a: dict[str, Any], user: str, **event: Any) -> dict[str, Any]:
        return post_event(stack, a, user, **event)

    appeals = []
    for _ in range(2):
        status, appeal = stack.call("POST", "/api/v1/appeals", body, as_user="ent-hengrun")
        assert status == 201, appeal
        appeal = post(appeal, "comm-designated", type="accept")
        appeals.append(post(appeal, "comm-designated", type="transfer", departments=["tax"]))
    kept, withdrawn = appeals
    withdrawn = post(withdrawn, "ent-hengrun", type="withdraw", reason="已自行解决")
    assert withdrawn["closed_as"] == "withdrawn"

    stack.call("POST", "/api/v1/dev/clock", {"now": "2026-10-09T08:00:00+08:00"})

    def escalated() -> dict[str, Any] | None:
        _, seen = stack.call("GET", f"/api/v1/appeals/{kept['id']}", as_user="admin")
        return seen if seen["escalation_level"] == 1 else None

    seen, seconds = wait_for(escalated)
    print(f"clock moved → the kept appeal escalated by the scheduled sweep in {seconds:.1f} s")
    assert "part_overdue" in [e["type"] for e in seen["timeline"]]
    time.sleep(2.5)  # more sweeps
    _, after = stack.call("GET", f"/api/v1/appeals/{withdrawn['id']}", as_user="admin")
    assert [e["type"] for e in after["timeline"]] == ["filed", "accept", "transfer", "withdraw"]
    assert after["overdue"] is False and after["escalation_level"] == 0
    assert "local scheduler" not in stack.log()  # no tick failed
