"""Alibaba Cloud SMS without Alibaba: the signature against a vector computed with the
official SDK's own signer, and ``SendSms`` against the local fake of its HTTP API
(``tests/fakes/aliyun_sms.py``), which checks the signature, the action, the phone, the sign
name, the template code and its parameters, and answers as Alibaba does."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from chalicelib.jobs import aliyun_sms
from tests.fakes.aliyun_sms import KEY_ID, KEY_SECRET, FakeAliyunSms

KEY = aliyun_sms.AccessKey(KEY_ID, KEY_SECRET)


@pytest.fixture
def fake() -> Iterator[FakeAliyunSms]:
    server = FakeAliyunSms().start()
    yield server
    server.stop()


def send(fake: FakeAliyunSms, key: aliyun_sms.AccessKey = KEY, **overrides: object) -> str:
    args: dict = {
        "phone": "13912345678",
        "sign_name": "如东县营商办",
        "template_code": "SMS_480000001",
        "params": {"id": "XQT-20261127-0042"},
        "out_id": "m-1",
    }
    args.update(overrides)
    return aliyun_sms.send_sms(key, fake.endpoint, **args)


def test_the_signature_is_the_official_sdks():
    """Computed with alibabacloud_tea_openapi 0.4.6 (``Utils.get_authorization``, what
    alibabacloud-dysmsapi20170525 4.6.0 signs with) for the same request."""
    headers = aliyun_sms.sign(
        aliyun_sms.AccessKey("LTAI5tTestKeyId", "TestKeySecret"),
        method="POST",
        host="dysmsapi.aliyuncs.com",
        query={
            "PhoneNumbers": "13912345678",
            "SignName": "如东县营商办",
            "TemplateCode": "SMS_480000001",
            "TemplateParam": '{"id":"XQT-20261127-0042"}',
            "OutId": "abc123",
        },
        body=b"",
        now=datetime(2026, 11, 27, 2, 0, tzinfo=UTC),
        nonce="0123456789abcdef0123456789abcdef",
    )
    assert headers["x-acs-date"] == "2026-11-27T02:00:00Z"
    assert headers["Authorization"] == (
        "ACS3-HMAC-SHA256 Credential=LTAI5tTestKeyId,"
        "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;"
        "x-acs-signature-nonce;x-acs-version,"
        "Signature=9e9aca02eaa7aae09bb81641f3cc4264657498f2081abde61b9038baefdb7f47"
    )


def test_the_query_is_percent_encoded_as_rfc_3986():
    assert aliyun_sms.canonical_query({"b": "a b*~", "A": "如"}) == "A=%E5%A6%82&b=a%20b%2A~"


def test_a_text_is_sent_with_its_template_and_parameters(fake):
    biz_id = send(fake, params={"id": "XQT-20261127-0042", "title": "用地 指标"})
    assert biz_id
    (sent,) = fake.sent
    assert sent.phone == "13912345678" and sent.sign_name == "如东县营商办"
    assert sent.template_code == "SMS_480000001" and sent.out_id == "m-1"
    assert sent.params == {"id": "XQT-20261127-0042", "title": "用地 指标"}
    assert fake.refused == []


def test_each_request_has_its_own_nonce(fake):
    send(fake)
    send(fake)
    assert len(fake.sent) == 2 and len(fake.nonces) == 2


def test_a_wrong_secret_is_refused_and_worth_retrying_once_put_right(fake):
    with pytest.raises(aliyun_sms.SmsRefused) as refused:
        send(fake, key=aliyun_sms.AccessKey(KEY_ID, "not-the-secret"))
    assert refused.value.code == "SignatureDoesNotMatch" and refused.value.status == 400
    assert not refused.value.undeliverable  # configuration: an operator can fix it
    assert fake.sent == []


@pytest.mark.parametrize(
    "code, undeliverable",
    [
        ("isv.BUSINESS_LIMIT_CONTROL", False),  # the number's per-minute/hour quota
        ("isv.AMOUNT_NOT_ENOUGH", False),
        ("isp.SYSTEM_ERROR", False),
        ("isv.SMS_TEMPLATE_ILLEGAL", False),  # not approved yet: configuration
        ("isv.MOBILE_NUMBER_ILLEGAL", True),
        ("isv.TEMPLATE_MISSING_PARAMETERS", True),
        ("isv.BLACK_KEY_CONTROL_LIMIT", True),
    ],
)
def test_refusals_say_whether_a_retry_can_help(fake, code, undeliverable):
    fake.refuse(code, "触发小时级流控Permits:5")
    with pytest.raises(aliyun_sms.SmsRefused) as refused:
        send(fake)
    assert refused.value.code == code and refused.value.undeliverable is undeliverable
    assert fake.sent == []
    send(fake)  # the next one goes
    assert len(fake.sent) == 1


def test_the_fake_itself_refuses_a_bad_number_and_bad_parameters(fake):
    with pytest.raises(aliyun_sms.SmsRefused) as bad_number:
        send(fake, phone="051384123456")
    assert bad_number.value.undeliverable
    with pytest.raises(aliyun_sms.SmsRefused) as bad_params:
        send(fake, params={"id": 42})  # numbers are no template text
    assert bad_params.value.code == "isv.INVALID_JSON_PARAM"


def test_a_server_error_and_an_unreachable_endpoint_raise_for_a_retry(fake):
    fake.refuse("ServiceUnavailable", "busy", status=503)
    with pytest.raises(aliyun_sms.SmsRefused) as unavailable:
        send(fake)
    assert unavailable.value.status == 503 and not unavailable.value.undeliverable
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(OSError):
        aliyun_sms.send_sms(
            KEY,
            f"http://127.0.0.1:{closed_port}",
            phone="13912345678",
            sign_name="s",
            template_code="t",
            params={},
        )
