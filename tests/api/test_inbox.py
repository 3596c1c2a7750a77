"""The inbox: each event reaches those who must act or are waiting, and read marks."""

from __future__ import annotations

from tests.api.test_appeals import event, file_web, post_call


def inbox(api, user):
    r = api.call("GET", "/api/v1/inbox?limit=100", as_user=user)
    assert r.status_code == 200, r.data
    return r.data


def test_each_step_reaches_who_acts_next(api):
    before = inbox(api, "comm-designated")["unread"]
    a = file_web(api)
    mine = inbox(api, "comm-designated")
    assert mine["unread"] == before + 1
    assert mine["items"][0]["kind"] == "filed" and mine["items"][0]["appeal_id"] == a["id"]
    assert mine["items"][0]["title"] == a["title"] and mine["items"][0]["read"] is False

    a = event(api, a, "accept", "comm-designated")
    a = event(api, a, "transfer", "comm-designated", departments=["tax"])
    assert inbox(api, "dept-tax")["items"][0]["kind"] == "transfer"
    a = event(api, a, "department_reply", "dept-tax", content="已核实")
    assert inbox(api, "comm-designated")["items"][0]["kind"] == "department_reply"
    a = event(api, a, "reply", "comm-designated", content="已答复")
    ent = inbox(api, "ent-hengrun")["items"][0]
    assert ent["kind"] == "reply" and ent["by"] == "顾晓燕"
    # another enterprise hears nothing of it
    assert all(n["appeal_id"] != a["id"] for n in inbox(api, "ent-xinghai")["items"])


def test_nobody_is_told_of_what_they_just_did(api):
    call = post_call(api).data  # an unknown caller: the service centre is told
    admin_before = inbox(api, "admin")
    assert admin_before["items"][0]["appeal_id"] == call["id"]
    event(api, call, "reassign", "admin", commissioner_id="c-small-micro")
    after = inbox(api, "admin")
    assert after["items"][0]["kind"] == "filed"  # not the admin's own reassignment
    assert inbox(api, "comm-small-micro")["items"][0]["kind"] == "reassign"


def test_read_one_or_all(api):
    file_web(api)
    file_web(api)
    box = inbox(api, "comm-designated")
    assert box["unread"] >= 2
    first = box["items"][0]["id"]
    r = api.call("POST", "/api/v1/inbox/read", {"ids": [first]}, as_user="comm-designated")
    assert r.status_code == 200 and r.data["unread"] == box["unread"] - 1
    assert next(n for n in r.data["items"] if n["id"] == first)["read"] is True
    r = api.call("POST", "/api/v1/inbox/read", {"all": True}, as_user="comm-designated")
    assert r.data["unread"] == 0 and all(n["read"] for n in r.data["items"])
    file_web(api)
    assert inbox(api, "comm-designated")["unread"] == 1
    bad = api.call("POST", "/api/v1/inbox/read", {"ids": "x"}, as_user="comm-designated")
    assert bad.status_code == 400 and bad.data["errors"][0]["field"] == "ids"


def test_a_caller_hears_of_the_reply_by_sms_sent_once(api, caplog):
    import logging

    a = event(api, post_call(api).data, "reassign", "admin", commissioner_id="c-small-micro")
    a = event(api, a, "accept", "comm-small-micro")
    event(api, a, "reply", "comm-small-micro", content="已联系农商行")
    with caplog.at_level(logging.INFO, logger="xingqitong"):
        first = api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]
        again = api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]
    assert first["sent"] >= 1 and first["failed"] == 0
    assert again == {"sent": 0, "failed": 0}  # sent ones leave the pending list
    sent = [r for r in caplog.records if r.getMessage() == "outbox message"]
    assert sent, "the logging provider wrote no message"
    assert getattr(sent[-1], "to", None) == "139****5678"  # the log shows the number masked
    assert a["id"] in getattr(sent[-1], "text", "")


def test_long_ids_are_refused(api):
    r = api.call("POST", "/api/v1/inbox/read", {"ids": ["x" * 4000]}, as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "ids.0"
    assert api.call("GET", "/api/v1/appeals/" + "X" * 3000, as_user="admin").status_code == 404


def test_a_failing_sms_gateway_is_retried_then_given_up(api, monkeypatch):
    from chalicelib.jobs import outbox as job

    class Down:
        def send(self, channel, to, text):
            raise ConnectionError("gateway down")

    monkeypatch.setitem(job.PROVIDERS, "down", Down)
    monkeypatch.setenv("XQT_SMS_PROVIDER", "down")
    a = event(api, post_call(api).data, "reassign", "admin", commissioner_id="c-small-micro")
    a = event(api, a, "accept", "comm-small-micro")
    event(api, a, "reply", "comm-small-micro", content="已答复")
    failures = [
        api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]["failed"] for _ in range(6)
    ]
    assert failures[0] >= 1 and failures[-1] == 0  # 5 tries, then off the pending list
    monkeypatch.setenv("XQT_SMS_PROVIDER", "log")
    assert api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]["sent"] == 0


def test_lists_show_the_start_of_the_content(api):
    from tests.api.test_appeals import file_web as file

    a = file(api, content="长" * 1000)
    items = api.call("GET", "/api/v1/appeals?scope=mine&limit=100", as_user="ent-hengrun").data[
        "items"
    ]
    listed = next(i for i in items if i["id"] == a["id"])
    assert len(listed["content"]) == 200
    assert (
        len(api.call("GET", f"/api/v1/appeals/{a['id']}", as_user="ent-hengrun").data["content"])
        == 1000
    )
