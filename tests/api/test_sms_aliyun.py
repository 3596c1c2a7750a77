"""The outbox sending SMS through Alibaba Cloud SMS (``XQT_SMS_PROVIDER=aliyun``), against the
local fake of its HTTP API: each kind of text goes as its registered template with its
named parameters, the AccessKey comes from Secrets Manager, and refusals follow the
outbox's claim-and-retry rules (back to pending and tried next run, 5 tries at most; a
refusal about the message itself fails it at once)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.api.test_appeals import CALL, event, file_web, post_call
from tests.fakes.aliyun_sms import KEY_ID, KEY_SECRET, FakeAliyunSms

TEMPLATES = {
    "case_received": "SMS_480000001",
    "reply_online": "SMS_480000002",
    "reply_callback": "SMS_480000003",
    "application_approved": "SMS_480000004",
    "application_rejected": "SMS_480000005",
}
SECRET_NAME = "xingqitong/aliyun-sms"


@pytest.fixture
def fake(api, monkeypatch) -> Iterator[FakeAliyunSms]:
    """The outbox sends SMS through the fake; the AccessKey is a Secrets Manager secret.
    What earlier tests of the module left pending goes first, through the logging provider."""
    import boto3

    from chalicelib.config import settings

    assert api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]["failed"] == 0
    server = FakeAliyunSms().start()
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    value = json.dumps({"AccessKeyId": KEY_ID, "AccessKeySecret": KEY_SECRET})
    try:
        secrets.create_secret(Name=SECRET_NAME, SecretString=value)
    except secrets.exceptions.ResourceExistsException:
        secrets.put_secret_value(SecretId=SECRET_NAME, SecretString=value)
    for name, setting in {
        "sms_provider": "aliyun",
        "aliyun_sms_endpoint": server.endpoint,
        "aliyun_sms_sign_name": "如东县营商办",
        "aliyun_sms_templates": dict(TEMPLATES),
        "aliyun_sms_secret": SECRET_NAME,
        "public_url": "https://qiye.rudong.gov.cn",
    }.items():
        monkeypatch.setattr(settings(), name, setting)
    yield server
    server.stop()


def run_outbox(api):
    """The messages' counts of an outbox run (its webhook deliveries: test_webhooks.py)."""
    result = api.call("POST", "/api/v1/dev/jobs/outbox").data["result"]
    return {k: result[k] for k in ("sent", "failed")}


def message_of(appeal_id, kind):
    import boto3

    from chalicelib.config import settings

    items = boto3.client("dynamodb", region_name="us-east-1").scan(TableName=settings().table)
    from chalicelib.store import db

    found = [
        db.from_item(i)
        for i in items["Items"]
        if i.get("item_type", {}).get("S") == "outbox"
        and i.get("appeal_id", {}).get("S") == appeal_id
        and i.get("kind", {}).get("S") == kind
    ]
    assert len(found) == 1, found
    return found[0]


def test_the_receipt_and_the_reply_go_as_their_templates(api, fake):
    a = file_web(api, contact_phone="13812345601")
    call = post_call(api, {**CALL, "caller_phone": "13912345602"}).data
    assert run_outbox(api) == {"sent": 2, "failed": 0}
    by_phone = {s.phone: s for s in fake.sent}
    web, hotline = by_phone["13812345601"], by_phone["13912345602"]
    assert web.template_code == hotline.template_code == "SMS_480000001"
    assert web.params == {"id": a["id"]} and hotline.params == {"id": call["id"]}
    assert web.sign_name == "如东县营商办"
    assert message_of(a["id"], "case_received")["provider_id"]  # Alibaba's BizId kept
    # the reply: an enterprise rates it online, a caller is called back
    a = event(
        api, event(api, a, "accept", "comm-designated"), "reply", "comm-designated", content="好"
    )
    call = event(api, call, "reassign", "admin", commissioner_id="c-small-micro")
    call = event(api, call, "accept", "comm-small-micro")
    event(api, call, "reply", "comm-small-micro", content="已联系农商行")
    assert run_outbox(api) == {"sent": 2, "failed": 0}
    replies = {s.phone: s for s in fake.sent[2:]}
    assert replies["13812345601"].template_code == "SMS_480000002"
    assert replies["13912345602"].template_code == "SMS_480000003"
    assert replies["13812345601"].params == {"id": a["id"], "title": a["title"]}
    assert fake.refused == []


def test_flow_control_puts_the_text_back_for_the_next_run(api, fake):
    a = file_web(api, contact_phone="13812345603")
    fake.refuse("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
    assert run_outbox(api) == {"sent": 0, "failed": 1}
    held = message_of(a["id"], "case_received")
    assert held["status"] == "pending" and held["attempts"] == 1
    assert held["last_error"] == "isv.BUSINESS_LIMIT_CONTROL"
    assert run_outbox(api) == {"sent": 1, "failed": 0}
    assert [s.params["id"] for s in fake.sent] == [a["id"]]
    assert message_of(a["id"], "case_received")["status"] == "sent"


def test_a_refusal_no_retry_can_change_fails_the_text_at_once(api, fake):
    a = file_web(api, contact_phone="13812345604")
    fake.refuse("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
    assert run_outbox(api) == {"sent": 0, "failed": 1}
    failed = message_of(a["id"], "case_received")
    assert failed["status"] == "failed" and failed["last_error"] == "isv.MOBILE_NUMBER_ILLEGAL"
    assert "gsi1pk" not in failed  # off the pending list
    assert run_outbox(api) == {"sent": 0, "failed": 0}


def test_a_wrong_key_is_tried_five_times_then_given_up(api, fake):
    from chalicelib.config import settings

    fake.key_secret = "rotated-at-alibaba"  # the stored secret no longer signs right
    a = file_web(api, contact_phone="13812345605")
    results = [run_outbox(api) for _ in range(6)]
    assert [r["failed"] for r in results] == [1, 1, 1, 1, 1, 0]
    gone = message_of(a["id"], "case_received")
    assert gone["status"] == "failed" and gone["attempts"] == 5
    assert gone["last_error"] == "SignatureDoesNotMatch"
    assert {code for code, _ in fake.refused} == {"SignatureDoesNotMatch"}
    assert settings().sms_provider == "aliyun"


def test_a_kind_without_a_registered_template_fails_saying_so(api, fake):
    from chalicelib.config import settings

    templates = dict(TEMPLATES)
    del templates["case_received"]
    settings().aliyun_sms_templates = templates
    a = file_web(api, contact_phone="13812345606")
    assert run_outbox(api) == {"sent": 0, "failed": 1}
    failed = message_of(a["id"], "case_received")
    assert failed["status"] == "failed" and failed["last_error"] == "no_template:case_received"
    assert fake.sent == []


def test_a_landline_caller_is_sent_nothing(api, fake):
    call = post_call(api, {**CALL, "caller_phone": "0513-84123456"}).data
    assert run_outbox(api)["failed"] == 0
    assert not [s for s in fake.sent if s.params.get("id") == call["id"]]
