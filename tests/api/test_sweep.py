"""The deadline sweep and the escalation consumer, in-process (moto SQS): warnings, overdue
escalation once per deadline, auto-close, escalation by people, and poisoned messages."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from chalicelib.domain.rules import Rules
from tests.api.test_appeals import event, file_web, post_call


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def sweep(api):
    r = api.call("POST", "/api/v1/dev/jobs/deadline-sweep")
    assert r.status_code == 200, r.data
    return r.data


def types(api, appeal_id):
    return [
        e["type"]
        for e in api.call("GET", f"/api/v1/appeals/{appeal_id}", as_user="admin").data["timeline"]
    ]


def test_warned_at_the_start_of_the_last_day_then_escalated_once_when_overdue(api, at_time):
    at_time(datetime(2026, 9, 23, 10, 0, tzinfo=BEIJING))
    a = file_web(api)
    assert a["warn_at"] == "2026-10-08T00:00:00+08:00"
    at_time(datetime(2026, 10, 7, 23, 0, tzinfo=BEIJING))  # a holiday, before the warning
    sweep(api)
    # nobody signed for it by 09-24 23:59:59 (sign-for, issue 18): marked once, no more
    assert types(api, a["id"]) == ["filed", "sign_overdue"]
    at_time(datetime(2026, 10, 8, 9, 0, tzinfo=BEIJING))
    first = sweep(api)
    assert first["result"]["found"] >= 1 and first["processed"] >= 1
    assert types(api, a["id"]) == ["filed", "sign_overdue", "warned"]
    sweep(api)
    assert types(api, a["id"]) == ["filed", "sign_overdue", "warned"]  # once per deadline

    at_time(datetime(2026, 10, 9, 0, 0, 5, tzinfo=BEIJING))  # past 23:59:59 of the 8th
    sweep(api)
    seen = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="admin").data
    assert [e["type"] for e in seen["timeline"]] == ["filed", "sign_overdue", "warned", "escalated"]
    escalated = seen["timeline"][-1]
    assert (
        escalated["level"] == 1 and escalated["reason"] == "overdue" and escalated["actor"] is None
    )
    assert seen["escalation_level"] == 1 and seen["overdue"] is True
    again = sweep(api)
    assert types(api, a["id"]) == ["filed", "sign_overdue", "warned", "escalated"]  # nothing new
    assert a["id"] in {
        i["id"]
        for i in api.call("GET", "/api/v1/appeals?scope=queue&limit=100", as_user="admin").data[
            "items"
        ]
    }
    assert again["failed"] == 0


def test_a_reply_in_time_is_never_escalated(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))
    a = event(api, file_web(api), "accept", "comm-designated")
    a = event(api, a, "reply", "comm-designated", content="已办理")
    at_time(datetime(2026, 11, 20, 9, 0, tzinfo=BEIJING))
    sweep(api)
    assert "escalated" not in types(api, a["id"])


def test_a_reply_nobody_rates_is_closed_by_the_sweep(api, at_time):
    at_time(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING))
    a = event(api, post_call(api).data, "reassign", "admin", commissioner_id="c-small-micro")
    a = event(api, a, "accept", "comm-small-micro")
    a = event(api, a, "reply", "comm-small-micro", content="已答复来电人")
    assert a["auto_close_at"] == "2026-11-09T23:59:59+08:00"  # 5 working days
    at_time(datetime(2026, 11, 9, 12, 0, tzinfo=BEIJING))
    sweep(api)
    assert (
        api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="admin").data["status"] == "replied"
    )
    at_time(datetime(2026, 11, 10, 8, 0, tzinfo=BEIJING))
    sweep(api)
    closed = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="admin").data
    assert closed["status"] == "closed" and closed["auto_closed"] is True
    assert closed["rating"] is None and closed["timeline"][-1]["type"] == "auto_closed"


def test_people_escalate_level_by_level(api):
    a = event(api, file_web(api), "accept", "comm-designated")
    a = event(api, a, "escalate", "comm-designated", reason="multi_department", note="涉及三个部门")
    assert a["escalation_level"] == 1 and a["timeline"][-1]["type"] == "escalated"
    assert a["timeline"][-1]["level"] == 1 and a["timeline"][-1]["reason"] == "multi_department"
    r = api.call(
        "POST",
        f"/api/v1/appeals/{a['id']}/events",
        {"type": "escalate", "version": a["version"], "reason": "common"},
        as_user="comm-designated",
    )
    assert r.status_code == 409  # level 2 is the service centre's to decide
    a = event(api, a, "escalate", "admin", reason="common")
    assert a["escalation_level"] == 2 and a["timeline"][-1]["level"] == 2
    enterprise_view = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-hengrun").data
    assert all(e["note"] is None for e in enterprise_view["timeline"])


def test_a_poisoned_message_fails_alone(api):
    from chalicelib.config import settings
    from chalicelib.jobs import escalations
    from chalicelib.store import queues

    a = file_web(api)
    good = {"appeal_id": a["id"], "finding": "warn", "deadline": a["reply_due_at"]}
    queues.send(
        settings().escalation_queue,
        [good, {"appeal_id": "XQT-19990101-0001", "finding": "warn", "deadline": "x"}],
    )
    queues.client().send_message(
        QueueUrl=queues.url(settings().escalation_queue), MessageBody="not json"
    )
    from chalicelib.jobs import runner

    processed = failed = 0
    for _ in range(4):  # 3 receives; on the 4th the redrive policy moves them to the DLQ
        done, bad = runner.poll_once(
            settings().escalation_queue, lambda e: escalations.handler(e, Rules())
        )
        processed += done
        failed += bad
    assert processed == 1 and failed == 6
    dlq = queues.client().get_queue_url(QueueName="test-escalationdeadletterqueue")["QueueUrl"]
    dead = queues.client().receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"][:10] for m in dead) == sorted(
        [json.dumps({"appeal_id": "XQT-19990101-0001"})[:10], "not json"]
    )
    assert queues.depth(settings().escalation_queue) == (0, 0)


def test_the_escalation_queue_lists_each_level(api):
    a = event(api, file_web(api), "accept", "comm-designated")
    a = event(api, a, "escalate", "comm-designated", reason="common")
    level_one = api.call(
        "GET", "/api/v1/appeals?escalation_level=1&limit=100", as_user="admin"
    ).data
    assert a["id"] in [i["id"] for i in level_one["items"]]
    a = event(api, a, "escalate", "admin", reason="common")
    level_one = api.call(
        "GET", "/api/v1/appeals?escalation_level=1&limit=100", as_user="admin"
    ).data
    level_two = api.call(
        "GET", "/api/v1/appeals?escalation_level=2&limit=100", as_user="supervisor"
    ).data
    assert a["id"] not in [i["id"] for i in level_one["items"]]
    assert a["id"] in [i["id"] for i in level_two["items"]]
    r = api.call("GET", "/api/v1/appeals?escalation_level=1", as_user="ent-hengrun")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "escalation_level"
    assert api.call("GET", "/api/v1/appeals?escalation_level=3", as_user="admin").status_code == 400
