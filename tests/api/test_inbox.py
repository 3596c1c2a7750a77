"""The inbox: each event reaches those who must act or are waiting, and read marks."""

from __future__ import annotations

import pytest

from tests.api.test_appeals import CALL, event, file_web, post_call, processing


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
    assert (again["sent"], again["failed"]) == (0, 0)  # sent ones leave the pending list
    sent = [r for r in caplog.records if r.getMessage() == "outbox message"]
    assert sent, "the logging provider wrote no message"
    # other tests' messages may be pending in the same outbox, in any order: pick this case's
    reply = [r for r in sent if a["id"] in getattr(r, "text", "") and "已答复" in r.text]
    assert len(reply) == 1, [getattr(r, "text", "") for r in sent]
    assert getattr(reply[0], "to", None) == "139****5678"  # the log shows the number masked
    assert reply[0].channel == "sms"


def test_long_ids_are_refused(api):
    r = api.call("POST", "/api/v1/inbox/read", {"ids": ["x" * 4000]}, as_user="admin")
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "ids.0"
    assert api.call("GET", "/api/v1/appeals/" + "X" * 3000, as_user="admin").status_code == 404


def test_a_failing_sms_gateway_is_retried_then_given_up(api, monkeypatch):
    from chalicelib.jobs import outbox as job

    class Down:
        def send(self, message):
            raise ConnectionError("gateway down")

    logging_provider = job.PROVIDERS["sms"]["log"]
    monkeypatch.setitem(job.PROVIDERS["sms"], "log", Down)
    a = event(api, post_call(api).data, "reassign", "admin", commissioner_id="c-small-micro")
    a = event(api, a, "accept", "comm-small-micro")
    event(api, a, "reply", "comm-small-micro", content="已答复")
    failures = [
        api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]["failed"] for _ in range(6)
    ]
    assert failures[0] >= 1 and failures[-1] == 0  # 5 tries, then off the pending list
    monkeypatch.setitem(job.PROVIDERS["sms"], "log", logging_provider)
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


# --- e-mail to the units' mailboxes, and the AWS providers (SNS for SMS, SES for e-mail) ---


def _sent_mail():
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages


@pytest.fixture
def aws_providers(monkeypatch):
    """The outbox sends through SNS and SES (moto), and the service centre has a mailbox."""
    import boto3

    from chalicelib.config import settings

    for name, value in {
        "sms_provider": "sns",
        "email_provider": "ses",
        "centre_email": "centre@rudong.gov.cn",
        "mail_from": "noreply@rudong.gov.cn",
    }.items():
        monkeypatch.setattr(settings(), name, value)
    boto3.client("ses", region_name="us-east-1").verify_email_identity(
        EmailAddress="noreply@rudong.gov.cn"
    )


def _set_email(api, kind, record_id, email):
    listed = api.call("GET", f"/api/v1/{kind}?limit=100", as_user="admin")
    assert listed.status_code == 200, listed.data
    current = listed.data["items"]
    record = next(r for r in current if r["id"] == record_id)
    r = api.call(
        "PATCH",
        f"/api/v1/{kind}/{record_id}",
        {"version": record["version"], "email": email},
        as_user="admin",
    )
    assert r.status_code == 200, r.data
    return r.data


def test_a_mailbox_must_be_an_address(api):
    dept = api.call("GET", "/api/v1/departments?limit=100", as_user="admin").data["items"][0]
    r = api.call(
        "PATCH",
        f"/api/v1/departments/{dept['id']}",
        {"version": dept["version"], "email": "zrzy at rudong"},
        as_user="admin",
    )
    assert r.status_code == 400 and r.data["errors"][0]["field"] == "email"
    fixed = _set_email(api, "departments", dept["id"], "ZRZY@Rudong.GOV.cn")
    assert fixed["email"] == "ZRZY@rudong.gov.cn"  # the domain normalised
    cleared = _set_email(api, "departments", dept["id"], None)
    assert cleared["email"] is None


def test_departments_commissioners_and_the_centre_hear_by_email(api, aws_providers):
    _set_email(api, "departments", "tax", "tax@rudong.gov.cn")
    _set_email(api, "departments", "market", None)  # no mailbox: inbox only
    _set_email(api, "commissioners", "c-designated", "designated@rudong.gov.cn")
    before = len(_sent_mail())
    a = processing(api)
    a = event(api, a, "transfer", "comm-designated", departments=["tax", "market"])
    a = event(api, a, "escalate", "comm-designated", reason="multi_department", note="两个部门")
    result = api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]
    assert result["failed"] == 0
    # this appeal's mails (what earlier tests left pending goes out in the same run)
    mails = [m for m in _sent_mail()[before:] if a["id"] in m.subject + m.body]
    by_to = {}
    for m in mails:
        by_to.setdefault(m.destinations["ToAddresses"][0], []).append(m)
    assert set(by_to) == {
        "tax@rudong.gov.cn",
        "designated@rudong.gov.cn",
        "centre@rudong.gov.cn",
    }
    (transfer,) = by_to["tax@rudong.gov.cn"]
    assert transfer.subject == f"【兴企通】转办诉求 {a['id']}：{a['title']}"
    due = next(p["due_at"] for p in a["departments"] if p["id"] == "tax")
    assert due[:10] in transfer.body and due[11:16] in transfer.body  # Beijing time
    assert "涉及多部门" in by_to["centre@rudong.gov.cn"][0].body
    assert by_to["designated@rudong.gov.cn"][0].source == "noreply@rudong.gov.cn"
    # sent once: a second run finds nothing pending
    sent = len(_sent_mail())
    result = api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]
    assert (result["sent"], result["failed"]) == (0, 0)
    assert len(_sent_mail()) == sent


def test_sms_goes_through_sns_to_mobiles_only(api, aws_providers):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    texts = sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages
    before = set(texts)
    a = event(api, post_call(api).data, "reassign", "admin", commissioner_id="c-small-micro")
    a = event(api, a, "accept", "comm-small-micro")
    event(api, a, "reply", "comm-small-micro", content="已联系农商行")
    landline = post_call(api, {**CALL, "caller_phone": "0513-84123456"}).data
    landline = event(api, landline, "reassign", "admin", commissioner_id="c-small-micro")
    landline = event(api, landline, "accept", "comm-small-micro")
    event(api, landline, "reply", "comm-small-micro", content="已答复")
    assert api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]["failed"] == 0
    new = [texts[k] for k in set(texts) - before]
    # the mobile caller gets the 受理回执 and the reply's text; the landline neither
    assert sorted((phone, a["id"] in text, "受理编号" in text) for phone, text, *_ in new) == [
        ("+8613912345678", True, False),
        ("+8613912345678", True, True),
    ]


def test_a_backlog_is_sent_to_its_end_in_one_run(api, monkeypatch):
    """More pending messages than a page: one run walks them all (a page used to be all)."""
    from chalicelib.store import outbox

    monkeypatch.setattr(outbox, "pending", lambda page_size=3, _real=outbox.pending: _real(3))
    ids = []
    for _ in range(4):  # four hotline callers: eight SMS (受理回执, reply), more than a page
        a = event(api, post_call(api).data, "reassign", "admin", commissioner_id="c-small-micro")
        a = event(api, a, "accept", "comm-small-micro")
        ids.append(event(api, a, "reply", "comm-small-micro", content="已答复")["id"])
    left = [m for m in outbox.pending() if m.get("appeal_id") in ids]
    assert len(left) == 8
    result = api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]
    assert result["failed"] == 0 and result["sent"] >= 8
    assert not [m for m in outbox.pending() if m.get("appeal_id") in ids]
