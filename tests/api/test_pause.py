"""Pause and resume (挂起) through the API, as API.md's "Sign-for (签收), pause (挂起), …"
says: ``pause`` {reason, note} by the owner, ``resume`` by the owner or an admin, the
deadline moved later by the working days paused, the 409 codes, what the enterprise reads
and hears, and the sweep (moto SQS, the in-process consumer) ending a pause at the limit.

2026 (official): 09-20 (Sun) a make-up working day, 09-25 Mid-Autumn, 10-01..10-07 National
Day, 10-10 (Sat) a make-up working day.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from tests.api.test_appeals import event, file_web
from tests.api.test_inbox import inbox
from tests.api.test_sweep import sweep, types


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def bj(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=BEIJING)


def post(api, appeal, kind, user, **fields):
    body = {"type": kind, "version": appeal["version"], **fields}
    return api.call("POST", f"/api/v1/appeals/{appeal['id']}/events", body, as_user=user)


def fresh(api, at_time):
    """Filed Wed 16 Sep 2026 by 恒润, accepted by its owner: due Tue 22 Sep."""
    at_time(bj("2026-09-16"))
    a = event(api, file_web(api), "accept", "comm-designated")
    assert a["reply_due_at"] == "2026-09-22T23:59:59+08:00" and a["paused"] is False
    return a


def test_pause_stops_the_clock_and_resume_moves_the_deadline(api, at_time):
    a = fresh(api, at_time)
    at_time(bj("2026-09-18"))
    a = event(api, a, "pause", "comm-designated", reason="third_party", note="等待评估报告")
    assert a["paused"] is True and a["pause"]["reason"] == "third_party"
    assert "resume" in a["actions"] and "pause" not in a["actions"]
    assert "request_extension" not in a["actions"]
    at_time(bj("2026-09-24"))  # the deadline (22 Sep) passed while paused: not overdue
    shown = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="comm-designated").data
    assert shown["overdue"] is False
    searched = "scope=all&overdue=true&category=land"  # a search: its own filter
    for query in ("scope=all&overdue=true", "scope=mine&overdue=true", searched):
        listed = api.call("GET", f"/api/v1/appeals?{query}", as_user="admin").data["items"]
        assert a["id"] not in [x["id"] for x in listed], query
    listed = api.call("GET", "/api/v1/appeals?scope=all&overdue=false", as_user="admin").data
    assert a["id"] in [x["id"] for x in listed["items"]]
    at_time(bj("2026-09-29", 15))
    a = event(api, a, "resume", "comm-designated")
    assert a["paused"] is False and a["pause"] is None
    # 20 (make-up Sunday), 21, 22, 23, 24, 28, 29: 7 working days, moved from 22 Sep
    assert a["reply_due_at"] == "2026-10-09T23:59:59+08:00"
    last = a["timeline"][-1]
    assert (last["type"], last["working_days"], last["previous_reply_due_at"]) == (
        "resume",
        7,
        "2026-09-22T23:59:59+08:00",
    )
    assert last["paused_days"][0] == "2026-09-20" and last["paused_days"][-1] == "2026-09-29"
    assert a["deadline_explanation"].endswith(
        "挂起 7 个工作日（9月20日至9月29日），期限顺延至10月9日"
    )
    assert a["paused_working_days"] == 7 and a["pauses"][0]["ended_by"] == "resume"


def test_the_refusals_are_409_with_their_codes(api, at_time):
    a = fresh(api, at_time)
    r = post(api, a, "resume", "comm-designated")
    assert (r.status_code, r.data["code"]) == (409, "not_paused")
    assert r.data["title"] == r.data["detail"] == "诉求未挂起，无需恢复"
    assert "{" not in r.data["title"]
    a = event(api, a, "pause", "comm-designated", reason="other", note="等待县政府意见")
    r = post(api, a, "pause", "comm-designated", reason="other", note="再次挂起")
    assert (r.status_code, r.data["code"]) == (409, "already_paused")
    r = post(api, a, "request_extension", "comm-designated", working_days=2, reason="需协调")
    assert (r.status_code, r.data["code"]) == (409, "appeal_paused")
    # bad input names the field
    r = post(api, a, "resume", "comm-designated", note="x")
    assert r.status_code == 400
    fresh_one = event(api, file_web(api), "accept", "comm-designated")
    r = post(api, fresh_one, "pause", "comm-designated", reason="holiday", note="x")
    assert r.status_code == 400 and [e["field"] for e in r.data["errors"]] == ["reason"]
    r = post(api, fresh_one, "pause", "comm-designated", reason="other")
    assert r.status_code == 400 and [e["field"] for e in r.data["errors"]] == ["note"]
    # who may: the owner pauses; not the enterprise, not another commissioner, not an admin
    for user in ("ent-hengrun", "comm-small-micro", "admin"):
        r = post(api, fresh_one, "pause", user, reason="other", note="x")
        assert r.status_code == 403, (user, r.data)
    # the centre may resume
    a = event(api, a, "resume", "admin")
    assert a["paused"] is False


def test_not_after_the_reply(api, at_time):
    a = fresh(api, at_time)
    a = event(api, a, "reply", "comm-designated", content="已答复")
    r = post(api, a, "pause", "comm-designated", reason="other", note="x")
    assert (r.status_code, r.data["code"]) == (409, "invalid_transition")


def test_the_enterprise_reads_why_and_the_materials_not_a_staff_note(api, at_time):
    a = fresh(api, at_time)
    a = event(
        api, a, "pause", "comm-designated", reason="awaiting_enterprise",
        note="请补充土地权属证明和厂房规划图",
    )  # fmt: skip
    mine = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-hengrun").data
    assert mine["paused"] is True
    assert mine["pause"]["reason"] == "awaiting_enterprise"
    assert mine["pause"]["note"] == "请补充土地权属证明和厂房规划图"
    assert mine["timeline"][-1]["content"] == "请补充土地权属证明和厂房规划图"
    told = [n for n in inbox(api, "ent-hengrun")["items"] if n["appeal_id"] == a["id"]]
    assert "pause" in [n["kind"] for n in told]

    b = fresh(api, at_time)
    b = event(api, b, "pause", "comm-designated", reason="third_party", note="内部:等评估公司")
    theirs = api.call("GET", f"/api/v1/appeals/{b['id']}", as_user="ent-hengrun").data
    assert theirs["pause"]["reason"] == "third_party" and theirs["pause"]["note"] is None
    assert theirs["timeline"][-1]["note"] is None and theirs["timeline"][-1]["content"] is None
    staff = api.call("GET", f"/api/v1/appeals/{b['id']}", as_user="comm-designated").data
    assert staff["pause"]["note"] == "内部:等评估公司"


def test_while_paused_the_sweep_marks_nothing_then_ends_the_pause_at_the_limit(api, at_time):
    a = fresh(api, at_time)
    at_time(bj("2026-09-18"))
    a = event(api, a, "pause", "comm-designated", reason="awaiting_enterprise", note="请补充")
    # ten working days after 18 Sep: 20, 21, 22, 23, 24, 28, 29, 30, 8 Oct, 9 Oct
    assert a["pause"]["expires_at"] == "2026-10-09T23:59:59+08:00"
    at_time(bj("2026-09-30", 12))  # past the old deadline and its warning point
    sweep(api)
    assert types(api, a["id"]) == ["filed", "accept", "pause"]
    at_time(bj("2026-10-10", 8))
    done = sweep(api)
    assert done["processed"] >= 1
    assert types(api, a["id"]) == ["filed", "accept", "pause", "pause_expired"]
    after = api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="comm-designated").data
    last = after["timeline"][-1]
    assert last["actor"] is None and last["working_days"] == 10
    assert after["paused"] is False and after["paused_working_days"] == 10
    # 22 Sep + 10: 23, 24, 28, 29, 30, 8, 9, 10 (make-up Saturday), 12, 13
    assert after["reply_due_at"] == "2026-10-13T23:59:59+08:00"
    assert any(
        n["kind"] == "pause_expired" and n["appeal_id"] == a["id"]
        for n in inbox(api, "comm-designated")["items"]
    )
    r = post(api, after, "pause", "comm-designated", reason="other", note="x")
    assert (r.status_code, r.data["code"]) == (409, "pause_limit")
    sweep(api)  # once: a second sweep does nothing more
    assert types(api, a["id"])[-1] == "pause_expired"


def test_the_enterprises_supplement_ends_a_pause_awaiting_its_materials(api, at_time):
    """API.md: "a ``supplement`` by the enterprise ends an ``awaiting_enterprise`` pause" —
    the shift counted to the supplement's day; a pause for a third party it does not end;
    a withdrawal while paused ends the pause and closes the appeal."""
    a = fresh(api, at_time)  # due Tue 22 Sep
    at_time(bj("2026-09-18"))  # Fri
    a = event(
        api, a, "pause", "comm-designated", reason="awaiting_enterprise", note="请补充租赁合同"
    )
    at_time(bj("2026-09-21"))  # Mon: 19-20 weekend, 20 Sep a make-up working day
    r = post(api, a, "supplement", "ent-hengrun", content="租赁合同已上传。")
    assert r.status_code == 200, r.data
    a = r.data
    assert a["paused"] is False and a["paused_working_days"] == 2
    assert a["reply_due_at"] == "2026-09-24T23:59:59+08:00"  # 22 Sep + 2 working days
    last = a["timeline"][-1]
    assert last["type"] == "supplement" and last["paused_days"] == ["2026-09-20", "2026-09-21"]
    assert last["previous_reply_due_at"] == "2026-09-22T23:59:59+08:00"

    a = event(api, a, "pause", "comm-designated", reason="third_party", note="等待评估")
    a = post(api, a, "supplement", "ent-hengrun", content="另附说明。").data
    assert a["paused"] is True  # a third party's pause: the enterprise's words don't end it
    at_time(bj("2026-09-22"))
    r = post(api, a, "withdraw", "ent-hengrun", reason="已自行解决")
    assert r.status_code == 200, r.data
    assert r.data["paused"] is False and r.data["closed_as"] == "withdrawn"
