"""Common problems for the joint meeting (共性诉求, R4.3): the monthly draft's proposals,
the centre's button, accepting (edited), dropping, and a decision that supervises every
appeal of the group — each under its own version."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.clock import BEIJING
from tests.api.conftest import conforms
from tests.api.test_appeals import event, file_web

POWER = [
    (
        "ent-hengrun",
        "园区电力容量不足",
        "工业园区变压器容量不够,新上生产线无法通电,请协调供电公司增容",
    ),
    (
        "ent-xinghai",
        "园区用电增容",
        "新增设备后园区变压器容量不足,生产线不能通电,希望协调供电部门增容",
    ),
    ("ent-xiaoyang", "变压器增容", "园区变压器容量不足,新生产线通不上电,请供电公司尽快增容"),
]
HELD = {"held_at": "2026-12-03", "chair": "县长", "attendees": ["发改委"]}


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def job(api, name):
    r = api.call("POST", f"/api/v1/dev/jobs/{name}")
    assert r.status_code == 200, r.data
    return r.data["result"]


def file_power(api):
    return [
        file_web(api, user, category="project", title=title, content=content)
        for user, title, content in POWER
    ]


def meeting_of(api, month):
    r = api.call("GET", f"/api/v1/meetings/{month}", as_user="admin")
    assert r.status_code == 200, r.data
    return r.data


def post(api, path, body, expect=200, user="admin"):
    r = api.call("POST", path, body, as_user=user)
    assert r.status_code == expect, r.data
    return r.data


def test_proposed_accepted_edited_and_decided_supervising_every_appeal(api, at_time, document):
    at_time(datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING))  # December's first working day
    power = file_power(api)
    file_web(api, "ent-hengrun", category="labor", title="招工", content="急需招聘数控车工二十名")
    ids = [a["id"] for a in power]

    assert job(api, "monthly-meeting")["proposals"] == 1
    r = api.call("GET", "/api/v1/meetings/2026-12", as_user="supervisor")
    conforms(document, "GET", "/api/v1/meetings/{month}", r)
    m = r.data
    assert m["agenda"] == []  # the contract: the draft's agenda is the level-2 appeals only
    (p,) = m["proposals"]
    assert sorted(p["appeal_ids"]) == sorted(ids) and p["status"] == "proposed"
    assert p["id"] == f"CP-{p['appeal_ids'][0]}" and p["category"] == "project"
    assert len({e["uscc"] for e in p["enterprises"]}) == 3
    base = f"/api/v1/meetings/2026-12/proposals/{p['id']}"

    # bad input: a 4xx naming the field, nothing saved
    stranger = file_web(api, "ent-xinghai", title="别的", content="与此无关的诉求")
    r = post(
        api,
        f"{base}/accept",
        {"version": m["version"], "appeal_ids": [ids[0], stranger["id"]]},
        400,
    )
    assert [(e["field"], e["code"]) for e in r["errors"]] == [("appeal_ids.1", "not_in_group")]
    r = post(api, f"{base}/accept", {"version": m["version"], "appeal_ids": [ids[0]]}, 400)
    assert r["errors"][0]["field"] == "appeal_ids"
    r = post(api, f"{base}/accept", {"version": m["version"], "title": ""}, 400)
    assert r["errors"][0]["field"] == "title"
    r = post(api, f"{base}/accept", {"version": m["version"] + 1}, 409)
    assert r["code"] == "version_conflict"
    post(
        api,
        "/api/v1/meetings/2026-12/proposals/CP-XQT-20261201-9999/accept",
        {"version": m["version"]},
        404,
    )
    post(api, "/api/v1/meetings/2026-12/proposals/nonsense/accept", {"version": m["version"]}, 404)
    post(api, f"{base}/accept", {"version": m["version"]}, 403, user="supervisor")
    assert meeting_of(api, "2026-12")["version"] == m["version"]

    # accepted with its title edited: one 共性诉求 item of the agenda
    title = "园区变压器容量不足(共性)"
    r = api.call(
        "POST", f"{base}/accept", {"version": m["version"], "title": title}, as_user="admin"
    )
    conforms(document, "POST", "/api/v1/meetings/{month}/proposals/{group_id}/accept", r)
    m = r.data
    (item,) = m["agenda"]
    assert item["kind"] == "common" and item["reason"] == "common"
    assert item["group_id"] == p["id"] and item["appeal_id"] == p["appeal_ids"][0]
    assert item["title"] == title and item["appeal_ids"] == p["appeal_ids"]
    assert m["proposals"][0]["status"] == "accepted"
    post(api, f"{base}/accept", {"version": m["version"]}, 409)  # once

    # the centre's button: grouped again, the accepted group kept, its appeals in no other
    more = "我司在园区的变压器容量不足,新生产线无法通电,请协调增容"
    file_web(api, "ent-xinghai", category="project", title="用电容量", content=more)
    m = post(api, "/api/v1/meetings/2026-12/proposals", {"version": m["version"]})
    assert [x["status"] for x in m["proposals"]] == ["accepted"]
    # the agenda set by hand keeps its common items
    m = api.call(
        "PUT",
        "/api/v1/meetings/2026-12/agenda",
        {"version": m["version"], "appeal_ids": []},
        as_user="admin",
    ).data
    assert [i["kind"] for i in m["agenda"]] == ["common"]

    # one appeal of the group is under a supervision already: left as it is
    held = event(api, power[2], "supervise", "supervisor", due_working_days=5, departments=["tax"])
    at_time(datetime(2026, 12, 3, 15, 0, tzinfo=BEIJING))
    m = post(api, "/api/v1/meetings/2026-12/record", {"version": m["version"], **HELD})
    decision = {"version": m["version"], "departments": ["hr-social"], "due_working_days": 10}
    r = post(api, f"{base}/decision", {**decision, "departments": ["nowhere"]}, 400)
    assert r["errors"][0]["field"] == "departments.0"
    post(api, f"{base}/decision", {**decision, "version": m["version"] + 1}, 409)
    m = post(api, f"{base}/decision", {**decision, "notes": "人社局牵头,供电公司配合"})
    d = m["agenda"][0]["decision"]
    assert sorted(d["supervised"]) == sorted(ids[:2]) and d["already_supervised"] == [held["id"]]
    assert d["pending"] == [] and d["supervision_due_at"] == "2026-12-17T23:59:59+08:00"
    for appeal_id in ids[:2]:
        seen = api.call("GET", f"/api/v1/appeals/{appeal_id}", as_user="admin").data
        sup = seen["supervision"]
        assert sup["source"] == f"meeting:2026-12:{p['id']}" and sup["status"] == "open"
        assert [x["id"] for x in sup["departments"]] == ["hr-social"]
        assert seen["timeline"][-1]["type"] == "supervise"
    kept = api.call("GET", f"/api/v1/appeals/{held['id']}", as_user="admin").data
    assert kept["supervision"]["source"] == "manual" and kept["version"] == held["version"]
    r = post(api, f"{base}/decision", {**decision, "version": m["version"]}, 409)
    assert r["code"] == "invalid_transition"
    post(api, f"{base}/drop", {"version": m["version"]}, 409)  # a held meeting's agenda stays


def test_a_write_on_an_appeal_meanwhile_is_kept_and_the_decision_still_lands(
    api, at_time, monkeypatch
):
    at_time(datetime(2027, 2, 1, 9, 0, tzinfo=BEIJING))
    power = file_power(api)
    assert job(api, "monthly-meeting")["proposals"] >= 1
    m = meeting_of(api, "2027-02")
    p = next(x for x in m["proposals"] if power[0]["id"] in x["appeal_ids"])
    base = f"/api/v1/meetings/2027-02/proposals/{p['id']}"
    m = post(api, f"{base}/accept", {"version": m["version"]})
    m = post(
        api,
        "/api/v1/meetings/2027-02/record",
        {"version": m["version"], **HELD, "held_at": "2027-02-01"},
    )

    from chalicelib.services import meetings as services

    real = services.appeal_store.record
    raced: list[str] = []

    def racing(before, decision, **kw):
        if not raced:  # another user writes the appeal between the read and this write
            raced.append(before.id)
            body = {
                "type": "set_urgency",
                "version": before.version,
                "urgency": "urgent",
                "reason": "停产风险",
            }
            r = api.call("POST", f"/api/v1/appeals/{before.id}/events", body, as_user="admin")
            assert r.status_code == 200, r.data
        return real(before, decision, **kw)

    monkeypatch.setattr(services.appeal_store, "record", racing)
    body = {"version": m["version"], "departments": ["tax"], "due_working_days": 5}
    m = post(api, f"{base}/decision", body)
    d = m["agenda"][-1]["decision"]
    assert sorted(d["supervised"] + d["already_supervised"]) == sorted(p["appeal_ids"])
    assert {a["id"] for a in power} <= set(d["supervised"])  # December's are held already
    seen = api.call("GET", f"/api/v1/appeals/{raced[0]}", as_user="admin").data
    kinds = [e["type"] for e in seen["timeline"]]
    assert kinds[-2:] == ["set_urgency", "supervise"]  # neither write lost
    assert seen["urgency"] == "urgent" and seen["supervision"]["status"] == "open"


def test_a_dropped_proposal_is_not_proposed_again(api, at_time):
    at_time(datetime(2027, 3, 1, 9, 0, tzinfo=BEIJING))
    file_power(api)
    job(api, "monthly-meeting")
    m = meeting_of(api, "2027-03")
    p = m["proposals"][0]
    base = f"/api/v1/meetings/2027-03/proposals/{p['id']}"
    m = post(api, f"{base}/accept", {"version": m["version"]})
    m = post(api, f"{base}/drop", {"version": m["version"]})  # off the agenda again
    assert m["agenda"] == [] and m["proposals"][0]["status"] == "dropped"
    m = post(api, "/api/v1/meetings/2027-03/proposals", {"version": m["version"]})
    assert [x["id"] for x in m["proposals"] if x["id"] == p["id"]] == [p["id"]]
    assert next(x for x in m["proposals"] if x["id"] == p["id"])["status"] == "dropped"
    post(api, f"{base}/accept", {"version": m["version"]}, 409)
    post(api, f"{base}/drop", {"version": m["version"]}, 409)
    post(api, "/api/v1/meetings/2027-13/proposals", {"version": 1}, 400)
    post(api, "/api/v1/meetings/1999-01/proposals", {"version": 1}, 404)
    r = post(api, "/api/v1/meetings/2027-03/proposals", {"version": "x"}, 400)
    assert r["errors"][0]["field"] == "version"


def test_the_reading_is_one_query_a_page_of_each_list_and_capped(api, at_time):
    from chalicelib.store import appeal_search

    at_time(datetime(2027, 4, 1, 9, 0, tzinfo=BEIJING))
    void = event(api, file_web(api), "void", "admin", reason="测试工单")
    done = event(api, file_web(api), "accept", "comm-designated")
    done = event(api, done, "reply", "comm-designated", content="已协调解决")
    done = event(api, done, "confirm", "ent-hengrun", resolved=True, satisfaction=5)
    assert done["status"] == "closed" and void["status"] == "closed"
    read = appeal_search.common_candidates("2027-03-01T00:00:00+08:00", 3000)
    assert read.requests == 2 + len(read.appeals) // appeal_search.COMMON_PAGE
    assert not read.truncated
    found = {a.id for a in read.appeals}
    assert done["id"] in found and void["id"] not in found  # void: not on AP#CLOSED
    later = appeal_search.common_candidates("2027-04-02T00:00:00+08:00", 3000)
    assert done["id"] not in {a.id for a in later.appeals}  # closed before the range
    capped = appeal_search.common_candidates("2027-03-01T00:00:00+08:00", 3)
    assert len(capped.appeals) == 3 and capped.truncated


def test_a_grouping_failure_still_drafts_the_month(api, at_time, monkeypatch):
    """The month's meeting is never lost to grouping: the draft is saved without proposals,
    and the centre's button groups again once grouping works."""
    from chalicelib.services import meetings as service

    at_time(datetime(2027, 6, 1, 9, 0, tzinfo=BEIJING))
    file_power(api)

    def broken(*_a, **_k):
        raise RuntimeError("grouping broke")

    monkeypatch.setattr(service, "common_groups", broken)
    result = job(api, "monthly-meeting")
    assert result["drafted"] == 1 and result["proposals"] == 0
    m = meeting_of(api, "2027-06")
    assert m["proposals"] == [] and m["status"] == "draft"
    monkeypatch.undo()
    regrouped = post(
        api, "/api/v1/meetings/2027-06/proposals", {"version": m["version"]}, expect=200
    )
    assert len(regrouped["proposals"]) == 1
