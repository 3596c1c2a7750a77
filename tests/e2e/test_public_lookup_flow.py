"""Through the running local stack: every intake's 受理回执 leaves by the outbox on the stack's
own schedule — here through Alibaba Cloud SMS, a local fake of its HTTP API standing in —
with the case number, and the person who got it follows the appeal at /api/v1/public/lookup
with that number and phone. Nothing here calls /dev/jobs: the scheduler runs the outbox."""

from __future__ import annotations

import http.client
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_scheduler_flow import wait_for
from tests.fakes.aliyun_sms import KEY_ID, KEY_SECRET, FakeAliyunSms

pytestmark = pytest.mark.e2e

TEMPLATES = "case_received=SMS_480000001,reply_online=SMS_480000002,reply_callback=SMS_480000003"


@pytest.fixture
def fake() -> Iterator[FakeAliyunSms]:
    server = FakeAliyunSms().start()
    yield server
    server.stop()


@pytest.fixture
def texting(tmp_path: Path, fake: FakeAliyunSms) -> Iterator[Stack]:
    stack = Stack(
        tmp_path / "data",
        env={
            "XQT_LOCAL_RATE_SECONDS": "1",
            "XQT_SMS_PROVIDER": "aliyun",
            "XQT_ALIYUN_SMS_ENDPOINT": fake.endpoint,
            "XQT_ALIYUN_SMS_SIGN_NAME": "如东县营商办",
            "XQT_ALIYUN_SMS_TEMPLATES": TEMPLATES,
            "XQT_ALIYUN_ACCESS_KEY_ID": KEY_ID,
            "XQT_ALIYUN_ACCESS_KEY_SECRET": KEY_SECRET,
        },
    )
    stack.data_dir.mkdir()
    stack.start()
    yield stack
    stack.stop()


def test_the_receipt_leaves_by_the_scheduled_outbox_and_opens_the_lookup(texting, fake):
    stack = texting
    status, web = stack.call(
        "POST",
        "/api/v1/appeals",
        {
            "category": "land",
            "title": "用地",
            "content": "扩建用地指标",
            "contact_phone": "13812349901",
        },
        as_user="ent-hengrun",
    )
    assert status == 201
    call = {
        "line": "12345",
        "caller_phone": "13912349902",
        "enterprise_name": "如东某水产养殖场",
        "category": "financing",
        "content": "想申请贴息贷款",
    }
    key = {"Idempotency-Key": uuid.uuid4().hex}
    status, hotline = stack.call("POST", "/api/v1/hotline/calls", call, "operator-12345", key)
    assert status == 201
    landline = {**call, "caller_phone": "0513-84123456"}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    assert stack.call("POST", "/api/v1/hotline/calls", landline, "operator-12345", key)[0] == 201

    def both_sent():
        sent = {s.phone: s for s in fake.sent}
        return sent if {"13812349901", "13912349902"} <= set(sent) else None

    sent, seconds = wait_for(both_sent)
    print(f"受理回执 through the scheduled outbox and Alibaba's API in {seconds:.1f} s")
    for phone, appeal in (("13812349901", web), ("13912349902", hotline)):
        assert sent[phone].template_code == "SMS_480000001"
        assert sent[phone].params == {"id": appeal["id"]}
        assert sent[phone].sign_name == "如东县营商办"
    assert len(fake.sent) == 2 and fake.refused == []  # the landline got nothing
    assert "local scheduler" not in stack.log() and "outbox send failed" not in stack.log()

    # the receipt's case number and the phone it went to open the public lookup
    status, progress = stack.call(
        "POST",
        "/api/v1/public/lookup",
        {"case_number": sent["13912349902"].params["id"], "phone": "139 1234 9902"},
    )
    assert status == 200 and progress["id"] == hotline["id"]
    assert [s["type"] for s in progress["steps"]] == ["filed"]
    status, refused = stack.call(
        "POST", "/api/v1/public/lookup", {"case_number": hotline["id"], "phone": "13800000000"}
    )
    assert status == 404 and refused["detail"] == "未查到，请核对受理编号和手机号"
    # the access log masks what the lookup is about: no phone in it
    assert "13912349902" not in stack.log()


def _lookup_from(stack: Stack, source: str, body: dict[str, str]) -> int:
    """POST /public/lookup over a connection made from ``source`` (a loopback address)."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, source_address=(source, 0))
    try:
        payload = json.dumps(body)
        connection.request(
            "POST", "/api/v1/public/lookup", payload, {"Content-Type": "application/json"}
        )
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_local_server_counts_each_peer_address_apart(stack):
    """The local server hands the app the connection's peer as API Gateway's sourceIp: thirty
    failures from 127.0.0.2 refuse 127.0.0.2, not 127.0.0.1."""
    stack.start()
    unknown = {"case_number": "XQT-19990101-0001", "phone": "13800000000"}
    for i in range(30):  # different numbers: only the address's limit is reached
        body = {**unknown, "case_number": f"XQT-19990101-{i:04d}"}
        assert _lookup_from(stack, "127.0.0.2", body) == 404
    assert _lookup_from(stack, "127.0.0.2", unknown | {"case_number": "XQT-19990102-0001"}) == 429
    assert _lookup_from(stack, "127.0.0.1", unknown | {"case_number": "XQT-19990102-0001"}) == 404
