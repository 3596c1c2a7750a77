"""Repeats, duplicates and invalid orders (API.md "Repeats, duplicates, invalid orders"): a
repeat call recorded on the open appeal, a duplicate merged into its master, an invalid
order voided — and the month's figures with them, worked out by hand."""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import urlencode

import pytest

from chalicelib.clock import BEIJING
from tests.api.test_appeals import CALL, event, file_web, post_call


@pytest.fixture
def at_time():
    from chalicelib import clock

    yield clock.set_now
    clock.set_now(None)


def timeline_types(appeal):
    return [e["type"] for e in appeal["timeline"]]


def get(api, appeal_id, user="admin"):
    return api.call("GET", f"/api/v1/appeals/{appeal_id}", as_user=user)


def test_a_repeat_call_is_recorded_on_the_open_appeal_and_nothing_is_created(api):
    first = post_call(api)
    assert first.status_code == 201
    master = first.data
    key = uuid.uuid4().hex
    again = {**CALL, "content": "又打来问贷款的事,催办。", "repeat_of": master["id"]}
    r = post_call(api, again, key=key, user="operator-center")
    assert r.status_code == 200, r.data
    assert r.data["id"] == master["id"] and r.data["repeat_calls"] == 1
    repeat = r.data["timeline"][-1]
    assert repeat["type"] == "repeat_call" and repeat["content"] == "又打来问贷款的事,催办。"
    assert repeat["channel"] == "hotline_12345" and repeat["actor"]["username"] == "operator-center"
    # the operator who took the repeat call may read the appeal from then on
    assert get(api, master["id"], user="operator-center").status_code == 200
    # Idempotency-Key rules unchanged: the same key and body replay, another body is 422
    replay = post_call(api, again, key=key, user="operator-center")
    assert replay.status_code == 200 and replay.data["repeat_calls"] == 1
    other = post_call(api, {**again, "content": "别的事"}, key=key, user="operator-center")
    assert other.status_code == 422 and other.data["code"] == "idempotency_key_reused"
    # the owner hears of it (an unregistered caller's call is in triage: the service centre)
    assert master["assignee"]["commissioner_id"] is None
    inbox = api.call("GET", "/api/v1/inbox?limit=100", as_user="admin").data["items"]
    assert any(n["kind"] == "repeat_call" and n["appeal_id"] == master["id"] for n in inbox)


def test_a_repeat_call_on_a_closed_or_unknown_appeal_is_refused(api):
    master = file_web(api)
    master = event(api, master, "void", "admin", reason="测试")
    r = post_call(api, {**CALL, "repeat_of": master["id"]})
    assert r.status_code == 409 and r.data["code"] == "invalid_transition", r.data
    r = post_call(api, {**CALL, "repeat_of": "XQT-20990101-0001"})
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "repeat_of"
    assert r.data["errors"][0]["code"] == "reference_not_found"
    r = post_call(api, {**CALL, "repeat_of": "a#b"})
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "repeat_of"


def test_a_duplicate_is_merged_into_its_master_and_hears_of_its_reply(api):
    master = event(api, file_web(api), "accept", "comm-designated")
    dup = file_web(api, content="同一件事又提交了一次:扩建用地。")
    assert "merge" in get(api, dup["id"], user="comm-designated").data["actions"]
    closed = event(api, dup, "merge", "comm-designated", into=master["id"], reason="同一问题")
    assert closed["status"] == "closed" and closed["closed_as"] == "merged"
    assert closed["merged_into"] == master["id"] and closed["actions"] == []
    master = get(api, master["id"]).data
    assert master["merged_from"] == [dup["id"]] and timeline_types(master)[-1] == "merged"
    # the master's enterprise reads the event but not another case's number
    seen = get(api, master["id"], user="ent-hengrun").data["timeline"][-1]
    assert seen["type"] == "merged" and seen["merged_from"] is None

    replied = event(api, master, "reply", "comm-designated", content="已协调用地指标。")
    assert replied["status"] == "replied"
    passed = get(api, dup["id"], user="ent-hengrun").data
    assert passed["status"] == "closed" and passed["reply"]["content"] == "已协调用地指标。"
    assert timeline_types(passed)[-1] == "merged_reply"
    inbox = api.call("GET", "/api/v1/inbox?limit=100", as_user="ent-hengrun").data["items"]
    assert any(n["kind"] == "merged_reply" and n["appeal_id"] == dup["id"] for n in inbox)


def test_a_hotline_duplicate_merged_into_a_replied_master_gets_the_reply_and_a_text(api):
    from chalicelib.store import outbox

    master = event(api, file_web(api), "accept", "comm-designated")
    master = event(api, master, "reply", "comm-designated", content="答复内容")
    call = post_call(api).data  # an unregistered caller: in triage, the centre owns it
    closed = event(api, call, "merge", "admin", into=master["id"])
    assert closed["reply"]["content"] == "答复内容"
    before = {m["id"] for m in outbox.pending()}
    master = get(api, master["id"]).data
    # a 重办 and a second reply reach the duplicate again, with a text to the caller
    master = event(api, master, "callback", "admin", resolved=False, satisfaction=2)
    event(api, master, "reply", "comm-designated", content="第二次答复")
    texts = [m for m in outbox.pending() if m["id"] not in before]
    assert any(
        m["channel"] == "sms" and call["id"] in m["text"] and m["to"] == CALL["caller_phone"]
        for m in texts
    ), texts
    assert get(api, call["id"]).data["reply"]["content"] == "第二次答复"


def test_merges_that_cannot_be_are_refused(api):
    master = event(api, file_web(api), "accept", "comm-designated")
    dup = file_web(api)
    # into itself, into nothing, into a closed one, into a merged one; after a reply
    r = api.call(
        "POST",
        f"/api/v1/appeals/{dup['id']}/events",
        {"type": "merge", "version": dup["version"], "into": dup["id"]},
        as_user="admin",
    )
    assert r.status_code == 409 and r.data["code"] == "invalid_transition"
    r = api.call(
        "POST",
        f"/api/v1/appeals/{dup['id']}/events",
        {"type": "merge", "version": dup["version"], "into": "XQT-20990101-0009"},
        as_user="admin",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "into"
    voided = event(api, file_web(api), "void", "admin", reason="测试来电")
    event(api, dup, "merge", "admin", expect=409, into=voided["id"])
    other = file_web(api)
    event(api, other, "merge", "admin", into=master["id"])
    event(api, dup, "merge", "admin", expect=409, into=other["id"])  # merged: closed
    replied = event(api, file_web(api), "accept", "comm-designated")
    replied = event(api, replied, "reply", "comm-designated", content="已答复")
    event(api, replied, "merge", "admin", expect=409, into=master["id"])
    # another commissioner is not the owner; a department or an enterprise may not merge
    event(api, dup, "merge", "comm-small-micro", expect=403, into=master["id"])
    event(api, dup, "merge", "ent-hengrun", expect=403, into=master["id"])
    # nothing of it changed the duplicate or the master
    assert get(api, dup["id"]).data["status"] == "received"
    assert get(api, master["id"]).data["merged_from"] == [other["id"]]


def test_only_the_centre_voids_and_only_before_a_reply(api):
    appeal = file_web(api)
    event(api, appeal, "void", "comm-designated", expect=403, reason="恶作剧")
    voided = event(api, appeal, "void", "admin", reason="恶作剧来电")
    assert voided["closed_as"] == "void" and voided["timeline"][-1]["reason"] == "恶作剧来电"
    r = api.call(
        "POST",
        f"/api/v1/appeals/{appeal['id']}/events",
        {"type": "void", "version": voided["version"]},
        as_user="admin",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "reason"


def test_a_months_figures_with_repeats_merges_and_voids_by_hand(api, at_time):
    """April 2026, 恒润 (web, owner c-designated) and a 12345 caller in triage:

    - A: filed 1 Apr, a repeat call 2 Apr, accepted and replied on time 3 Apr;
    - B: filed 1 Apr, merged into A 2 Apr — counted in no rate: neither received nor due;
    - C: a call filed 6 Apr, voided 6 Apr — the same;
    - D: a call filed 7 Apr with two repeat calls on 8 Apr, still open at the month's end;
    - E: a call answered on the spot 9 Apr (filed, replied and closed at once).

    Totals: received 3 (A, D, E); replied 2, on time 2, due 2; answered on the call 1, 直办率
    1/3; repeat calls 3 (1 on the web channel's A, 2 on D); merged 1; voided 1. By channel:
    web received 1 and 1 repeat call; hotline_12345 received 2, 2 repeat calls, 1 void, 1
    answered on the call (直办率 0.5).
    """

    def at(day, hour=10):
        return datetime(2026, 4, day, hour, 0, tzinfo=BEIJING)

    at_time(at(1))
    a = file_web(api, title="四月用地", content="四月:扩建用地指标。")
    b = file_web(api, title="四月用地(重复)", content="四月:扩建用地指标,再次提交。")
    at_time(at(2))
    assert post_call(api, {**CALL, "repeat_of": a["id"]}).status_code == 200
    event(api, b, "merge", "comm-designated", into=a["id"])
    at_time(at(3))
    a = get(api, a["id"]).data
    a = event(api, a, "accept", "comm-designated")
    event(api, a, "reply", "comm-designated", content="已答复")
    at_time(at(6))
    c = post_call(api).data
    event(api, c, "void", "admin", reason="测试来电")
    at_time(at(7))
    d = post_call(api, {**CALL, "content": "四月:鱼塘用电报装慢。"}).data
    at_time(at(8))
    for _ in range(2):
        assert post_call(api, {**CALL, "repeat_of": d["id"]}).status_code == 200
    at_time(at(9))
    e = post_call(api, {**CALL, "direct_answer": {"content": "已在电话中答复"}})
    assert e.status_code == 201 and e.data["closed_as"] == "answered_on_call"

    at_time(datetime(2026, 5, 6, 9, 0, tzinfo=BEIJING))
    r = api.call("POST", "/api/v1/reports", {"month": "2026-04"}, as_user="supervisor")
    assert r.status_code == 202, r.data
    built = api.call("POST", "/api/v1/dev/jobs/reports").data
    assert built["processed"] == 1, built
    figures = api.call("GET", f"/api/v1/reports/{r.data['id']}/figures", as_user="supervisor").data[
        "figures"
    ]
    t = figures["totals"]
    assert (t["received"], t["replied"], t["due"], t["on_time"]) == (3, 2, 2, 2)
    assert (t["answered_on_call"], t["direct_rate"]) == (1, 0.3333)
    assert (t["repeat_calls"], t["merged"], t["voided"]) == (3, 1, 1)
    by_channel = {row["key"]: row["metrics"] for row in figures["by"]["channel"]}
    web, hotline = by_channel["web"], by_channel["hotline_12345"]
    assert (web["received"], web["repeat_calls"], web["merged"]) == (1, 1, 1)
    assert (hotline["received"], hotline["repeat_calls"], hotline["voided"]) == (2, 2, 1)
    assert (hotline["answered_on_call"], hotline["direct_rate"]) == (1, 0.5)


def test_similar_open_appeals_are_found_by_index_and_ranked(api, monkeypatch):
    from chalicelib.store import db

    road = "厂区门口道路破损严重,货车进出困难,请协调修路。"
    first = file_web(api, category="project", title="厂区道路破损", content=road)
    second = file_web(
        api, category="project", title="道路破损", content="门口道路破损,货车进出困难。"
    )
    other = file_web(api, category="labor", title="招工", content="需要焊工 10 名。")
    closed = event(api, file_web(api, category="project", title="道路", content=road), "void",
                   "admin", reason="重复测试")  # fmt: skip

    calls = []
    real = db.query_page

    def counted(*args, **kwargs):
        calls.append(kwargs.get("values"))
        return real(*args, **kwargs)

    monkeypatch.setattr(db, "query_page", counted)
    r = api.call("GET", f"/api/v1/appeals/{first['id']}/similar", as_user="comm-designated")
    assert r.status_code == 200, r.data
    assert len(calls) == 2  # the enterprise's latest, the category's latest open: no scan
    ids = [i["appeal"]["id"] for i in r.data["items"]]
    assert ids[0] == second["id"] and first["id"] not in ids and closed["id"] not in ids
    best = r.data["items"][0]
    assert 0 < best["score"] <= 1 and "同一企业" in best["why"] and "同类诉求" in best["why"]
    assert any(w.startswith("内容相似度") for w in best["why"])
    assert set(best["appeal"]) == {"id", "title", "status", "enterprise"}
    assert r.data["next_cursor"] is None
    # the same enterprise's appeal about something else comes after (if at all)
    assert other["id"] not in ids[:1]
    english = api.call(
        "GET",
        f"/api/v1/appeals/{first['id']}/similar",
        as_user="comm-designated",
        headers={"Accept-Language": "en"},
    )
    assert "Same enterprise" in english.data["items"][0]["why"]


def test_similar_appeals_are_only_those_the_caller_may_read(api):
    mine = post_call(api, {**CALL, "content": "鱼塘旁道路塌陷,车辆无法通行。"}).data
    theirs = post_call(
        api, {**CALL, "content": "鱼塘旁道路塌陷,车辆无法通行。"}, user="operator-center"
    ).data
    r = api.call("GET", f"/api/v1/appeals/{mine['id']}/similar", as_user="operator-12345")
    assert r.status_code == 200
    assert theirs["id"] not in [i["appeal"]["id"] for i in r.data["items"]]
    admin = api.call("GET", f"/api/v1/appeals/{mine['id']}/similar", as_user="admin").data
    assert theirs["id"] in [i["appeal"]["id"] for i in admin["items"]]
    # an enterprise may not ask; an appeal one may not read does not exist for it
    assert (
        api.call("GET", f"/api/v1/appeals/{mine['id']}/similar", as_user="ent-hengrun").status_code
        == 403
    )
    r = api.call("GET", f"/api/v1/appeals/{mine['id']}/similar", as_user="dept-tax")
    assert r.status_code == 404


def test_the_desk_is_offered_the_callers_open_appeals_about_the_same_thing(api):
    from infra.local.seed import enterprise_records

    hengrun = enterprise_records()[0]["uscc"]
    open_one = file_web(
        api, category="approval", title="环评审批进度", content="二期项目环评审批进度慢。"
    )
    query = {"content": "我们二期项目的环评审批太慢了", "uscc": hengrun}
    r = api.call("GET", f"/api/v1/hotline/similar?{urlencode(query)}", as_user="operator-12345")
    assert r.status_code == 200, r.data
    assert r.data["items"][0]["appeal"]["id"] == open_one["id"]
    r = api.call("GET", f"/api/v1/hotline/similar?content={'x' * 501}", as_user="operator-12345")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "content"
    bad = urlencode({"content": "环评", "uscc": "123"})
    r = api.call("GET", f"/api/v1/hotline/similar?{bad}", as_user="operator-12345")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "uscc"


def article(api, status="published"):
    body = {
        "title": "贴息贷款怎么申请",
        "question": "养殖场想申请贴息贷款,找哪家银行?",
        "answer": "可向农商行申请“富民贷”,县财政按 50% 贴息。",
        "category": "financing",
        "keywords": ["贴息", "贷款"],
        "status": status,
    }
    r = api.call("POST", "/api/v1/knowledge", body, as_user="admin")
    assert r.status_code == 201, r.data
    return r.data


def test_a_call_answered_on_the_spot_is_filed_closed_with_its_reply(api):
    from chalicelib.store import outbox

    cited = article(api)
    before = {m["id"] for m in outbox.pending()}
    answer = {"content": "可向农商行申请富民贷,县财政贴息 50%。", "articles": [cited["id"]]}
    r = post_call(api, {**CALL, "direct_answer": answer})
    assert r.status_code == 201, r.data
    a = r.data
    assert (a["status"], a["closed_as"]) == ("closed", "answered_on_call")
    assert a["reply"]["content"] == answer["content"] and a["answered_with"] == [cited["id"]]
    assert timeline_types(a) == ["filed", "reply", "closed"]
    assert a["actions"] == []
    texts = [m for m in outbox.pending() if m["id"] not in before]
    # the case number is texted (受理回执); the answer was heard on the call: no reply text
    assert [m.get("kind") for m in texts if m["channel"] == "sms"] == ["case_received"]
    inbox = api.call("GET", "/api/v1/inbox?limit=100", as_user="admin").data["items"]
    assert not any(n["appeal_id"] == a["id"] for n in inbox)  # nobody has anything to do


def test_an_answer_citing_an_unpublished_article_or_with_a_repeat_is_refused(api):
    draft = article(api, status="draft")
    answer = {"content": "已答复", "articles": ["KB-nothing", draft["id"]]}
    r = post_call(api, {**CALL, "direct_answer": answer})
    assert r.status_code == 400, r.data
    assert [(e["field"], e["code"]) for e in r.data["errors"]] == [
        ("direct_answer.articles.0", "article_not_published"),
        ("direct_answer.articles.1", "article_not_published"),
    ]
    master = post_call(api).data
    r = post_call(api, {**CALL, "repeat_of": master["id"], "direct_answer": {"content": "已答复"}})
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "direct_answer"


def test_the_desk_is_offered_an_unregistered_callers_open_appeals_by_its_number(api):
    phone = "13600002222"
    earlier = post_call(api, {**CALL, "caller_phone": phone, "content": "鱼塘用电报装一直没人来。"})
    assert earlier.status_code == 201
    query = urlencode({"content": "我家鱼塘用电报装的事还没办", "phone": phone})
    r = api.call("GET", f"/api/v1/hotline/similar?{query}", as_user="operator-center")
    assert r.status_code == 200, r.data
    first = r.data["items"][0]
    assert first["appeal"]["id"] == earlier.data["id"] and "同一来电号码" in first["why"]
