"""Public progress through the API (API.md "Public progress (no account)"): a case number
and the appeal's phone, no token; one 404 for every refusal; the throttle per case number
and per client address, kept in DynamoDB; and the 受理回执 SMS every intake writes."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from tests.api.conftest import conforms
from tests.api.test_appeals import CALL, event, file_web, post_call
from tests.conftest import ROOT

LOOKUP = "/api/v1/public/lookup"
_addresses = itertools.count(1)


def new_address() -> str:
    """A client address no other test used (the module shares one table)."""
    n = next(_addresses)
    return f"198.51.{n // 250}.{n % 250 + 1}"


def lookup(api, case_number, phone, address, **extra):
    """POST /public/lookup from ``address`` (API Gateway's sourceIp), no token."""
    api.client.http._local_gateway.event_converter.LOCAL_SOURCE_IP = address
    body = {"case_number": case_number, "phone": phone, **extra}
    return api.call("POST", LOOKUP, body)


def web_appeal(api, phone="13812340001"):
    return file_web(api, contact_name="张伟", contact_phone=phone)


def without_request_id(body):
    return {k: v for k, v in body.items() if k != "request_id"}


def test_the_appeals_phone_shows_its_progress_and_nothing_personal(api, document):
    a = web_appeal(api)
    a = event(api, a, "accept", "comm-designated")
    a = event(api, a, "transfer", "comm-designated", departments=["tax"])
    a = event(api, a, "department_reply", "dept-tax", content="部门意见:可以办理")
    a = event(api, a, "reply", "comm-designated", content="答复内容:已协调")
    r = lookup(api, a["id"].lower(), "+86 138-1234-0001", new_address())
    assert r.status_code == 200, r.data
    conforms(document, "POST", LOOKUP, r)
    assert set(r.data) == {
        "id",
        "status",
        "category",
        "filed_at",
        "reply_due_at",
        "replied_at",
        "closed_at",
        "closed_as",
        "steps",
    }
    assert r.data["id"] == a["id"] and r.data["status"] == "replied"
    assert r.data["filed_at"] == a["created_at"] and r.data["replied_at"]
    assert r.data["closed_at"] is None and r.data["closed_as"] is None
    assert [s["type"] for s in r.data["steps"]] == [
        "filed",
        "accept",
        "transfer",
        "department_reply",
        "reply",
    ]
    assert all(set(s) == {"type", "at"} for s in r.data["steps"])
    text = r.body.decode()
    for personal in (
        "张伟",
        "13812340001",
        "恒润",
        a["title"],
        a["content"],
        "部门意见",
        "答复内容",
    ):
        assert personal not in text
    closed = event(api, a, "confirm", "ent-hengrun", resolved=True, satisfaction=5)
    again = lookup(api, a["id"], "13812340001", new_address()).data
    assert again["status"] == "closed" and again["closed_as"] == "resolved"
    assert again["closed_at"] == closed["closed_at"]


def test_a_hotline_caller_looks_up_with_the_number_they_called_from(api):
    call = post_call(api, {**CALL, "caller_phone": "13912340002"}).data
    r = lookup(api, call["id"], "13912340002", new_address())
    assert r.status_code == 200 and r.data["status"] == "received"
    assert [s["type"] for s in r.data["steps"]] == ["filed"]


def test_a_wrong_phone_an_unknown_and_a_malformed_number_are_the_same_404(api, document):
    a = web_appeal(api, "13812340003")
    address = new_address()
    refusals = [
        lookup(api, a["id"], "13812340004", address),  # the wrong phone
        lookup(api, a["id"], "0513-84123456", address),  # a landline, not the appeal's
        lookup(api, a["id"], "not a phone", address),  # a malformed phone
        lookup(api, "XQT-19990101-0001", "13812340003", address),  # unknown
        lookup(api, "APPEAL#XQT-1 OR 1=1", "13812340003", address),  # malformed
        lookup(api, "", "", address),
        lookup(api, "X" * 5000, "13812340003", address),
    ]
    for r in refusals:
        assert r.status_code == 404, r.data
        conforms(document, "POST", LOOKUP, r)
        assert r.headers["Content-Type"].startswith("application/problem+json")
        assert "Retry-After" not in r.headers
    bodies = {str(without_request_id(r.data)) for r in refusals}
    assert len(bodies) == 1, bodies
    assert refusals[0].data["code"] == "not_found"
    assert refusals[0].data["detail"] == "未查到，请核对受理编号和手机号"
    english = api.call(
        "POST",
        LOOKUP,
        {"case_number": a["id"], "phone": "1"},
        headers={"Accept-Language": "en"},
    )
    assert english.data["detail"] == "Nothing found: check the case number and the phone number"


def test_forty_wrong_phones_get_ten_404s_then_429s_even_for_the_right_phone(api, document):
    a = web_appeal(api, "13812340005")
    statuses = []
    for i in range(40):  # each from another address: only the case number's limit applies
        statuses.append(lookup(api, a["id"], f"1390000{i:04d}", new_address()))
    codes = [r.status_code for r in statuses]
    first_429 = codes.index(429)
    print(f"40 wrong phones on one case number: {first_429} × 404 before the first 429")
    assert first_429 == 10 and codes[:10] == [404] * 10 and set(codes[10:]) == {429}
    refused = statuses[10]
    conforms(document, "POST", LOOKUP, refused)
    assert refused.data["code"] == "too_many_requests"
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    assert "分钟后再试" in refused.data["detail"]
    right = lookup(api, a["id"], "13812340005", new_address())
    assert right.status_code == 429 and int(right.headers["Retry-After"]) <= 3600


def test_forty_wrong_phones_from_one_address(api):
    """The story of the issue, from one client address: the case number's limit comes first."""
    a = web_appeal(api, "13812340015")
    address = new_address()
    codes = [lookup(api, a["id"], f"1390001{i:04d}", address).status_code for i in range(40)]
    assert codes.index(429) == 10 and codes.count(404) == 10


def test_thirty_failures_from_one_address_lock_it_for_every_case_number(api):
    mine = web_appeal(api, "13812340006")
    address = new_address()
    for i in range(30):  # 30 different unknown or malformed numbers: each under its own limit
        number = f"XQT-19990101-{i:04d}" if i % 2 else f"bad number {i}"
        assert lookup(api, number, "13812340006", address).status_code == 404
    locked = lookup(api, mine["id"], "13812340006", address)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 3500
    # the case number itself is not locked: another address with the right phone reads it
    assert lookup(api, mine["id"], "13812340006", new_address()).status_code == 200


def test_a_success_resets_nothing(api):
    a = web_appeal(api, "13812340007")
    for _ in range(9):
        assert lookup(api, a["id"], "13800000000", new_address()).status_code == 404
    assert lookup(api, a["id"], "13812340007", new_address()).status_code == 200
    assert lookup(api, a["id"], "13800000000", new_address()).status_code == 404  # the 10th
    assert lookup(api, a["id"], "13812340007", new_address()).status_code == 429


def test_the_lock_lifts_when_the_hour_has_passed(api, monkeypatch):
    from chalicelib import clock

    a = web_appeal(api, "13812340008")
    for _ in range(10):
        lookup(api, a["id"], "13800000000", new_address())
    refused = lookup(api, a["id"], "13812340008", new_address())
    wait = int(refused.headers["Retry-After"])
    real = clock.real_now()
    monkeypatch.setattr(clock, "real_now", lambda: real + timedelta(seconds=wait - 30))
    assert lookup(api, a["id"], "13812340008", new_address()).status_code == 429
    monkeypatch.setattr(clock, "real_now", lambda: real + timedelta(seconds=wait + 1))
    assert lookup(api, a["id"], "13812340008", new_address()).status_code == 200
    # the business clock moving changes nothing: the throttle counts real hours
    monkeypatch.undo()
    clock.set_now(real + timedelta(days=2))
    try:
        assert lookup(api, a["id"], "13812340008", new_address()).status_code == 429
    finally:
        clock.set_now(None)


def test_the_counts_hold_across_two_app_instances(api, issuer):
    """Two clients (as two Lambda instances) over the same table: failures made through one
    lock the number for the other; nothing is counted in a process's memory."""
    from chalice.test import Client

    from app import app
    from chalicelib.store import db
    from tests.api.conftest import Api

    a = web_appeal(api, "13812340009")
    with (
        Client(app, project_dir=str(Path(ROOT).resolve())) as one,
        Client(app, project_dir=str(Path(ROOT).resolve())) as two,
    ):
        first, second = Api(one, issuer), Api(two, issuer)
        for i in range(10):
            db.reset()  # a fresh DynamoDB client, as a new instance has
            instance = first if i % 2 else second
            assert lookup(instance, a["id"], "13800000000", new_address()).status_code == 404
        db.reset()
        assert lookup(first, a["id"], "13812340009", new_address()).status_code == 429
        assert lookup(second, a["id"], "13812340009", new_address()).status_code == 429


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "case_number"),
        ({"phone": "13812345678"}, "case_number"),
        ({"case_number": "XQT-20261127-0001"}, "phone"),
        ({"case_number": 20261127, "phone": "13812345678"}, "case_number"),
        ({"case_number": "XQT-20261127-0001", "phone": 13812345678}, "phone"),
        ({"case_number": None, "phone": "13812345678"}, "case_number"),
        ({"case_number": ["XQT"], "phone": "13812345678"}, "case_number"),
        ({"case_number": "XQT-20261127-0001", "phone": "1", "name": "x"}, "name"),
    ],
)
def test_a_missing_field_or_a_non_string_is_a_400_naming_it(api, body, field):
    api.client.http._local_gateway.event_converter.LOCAL_SOURCE_IP = new_address()
    r = api.call("POST", LOOKUP, body)
    assert r.status_code == 400, r.data
    assert field in [e["field"] for e in r.data["errors"]]


def test_bad_requests_are_not_counted_as_tries(api):
    a = web_appeal(api, "13812340010")
    address = new_address()
    for _ in range(35):
        api.client.http._local_gateway.event_converter.LOCAL_SOURCE_IP = address
        assert api.call("POST", LOOKUP, {"case_number": a["id"]}).status_code == 400
    assert lookup(api, a["id"], "13812340010", address).status_code == 200


def test_no_token_is_needed_and_one_sent_is_not_read(api):
    a = web_appeal(api, "13812340011")
    api.client.http._local_gateway.event_converter.LOCAL_SOURCE_IP = new_address()
    r = api.call(
        "POST",
        LOOKUP,
        {"case_number": a["id"], "phone": "13812340011"},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert r.status_code == 200


def test_the_table_keeps_digests_not_addresses_or_typed_numbers(api):
    import boto3

    from chalicelib.config import settings

    address = new_address()
    typed = f"XQT-19990101-{uuid.uuid4().int % 10000:04d}"
    lookup(api, typed, "13800000000", address)
    items = boto3.client("dynamodb", region_name="us-east-1").scan(TableName=settings().table)
    kept = [i for i in items["Items"] if i["pk"]["S"].startswith("LOOKUPFAIL#")]
    assert kept
    text = str(kept)
    assert address not in text and typed not in text
    for item in kept:
        assert item["item_type"]["S"] == "lookup_failures"
        assert int(item["expires_at"]["N"]) > 0 and item["tries"]["SS"]


# --- the 受理回执 SMS every intake writes --------------------------------------------------------


def receipts(appeal_id):
    from chalicelib.store import outbox

    return [
        m
        for m in outbox.pending()
        if m.get("appeal_id") == appeal_id and m.get("kind") == "case_received"
    ]


def test_every_intake_texts_the_case_number_to_a_mobile(api):
    web = web_appeal(api, "13812340012")
    call = post_call(api, {**CALL, "caller_phone": "+86 139 1234 0013"}).data
    need = api.call(
        "POST",
        "/api/v1/financing/needs",
        {
            "amount": 300,
            "term_months": 12,
            "purpose": "采购原材料",
            "contact_name": "李娜",
            "contact_phone": "13812340014",
        },
        as_user="ent-hengrun",
    )
    assert need.status_code == 201, need.data
    for appeal, phone in (
        (web, "13812340012"),
        (call, "13912340013"),
        (need.data, "13812340014"),
    ):
        (sms,) = receipts(appeal["id"])
        assert sms["channel"] == "sms" and sms["to"] == phone
        assert sms["params"] == {"id": appeal["id"]}
        assert appeal["id"] in sms["text"] and "受理编号" in sms["text"]
        assert "http://" not in sms["text"]  # the API tests set no public address


def test_a_landline_or_no_phone_gets_no_text(api):
    landline = post_call(api, {**CALL, "caller_phone": "0513-84123456"}).data
    silent = file_web(api)  # no contact phone
    assert receipts(landline["id"]) == [] and receipts(silent["id"]) == []


def test_the_text_links_the_track_page_when_the_site_has_an_address(api, monkeypatch):
    from chalicelib.config import settings

    monkeypatch.setattr(settings(), "public_url", "https://qiye.rudong.gov.cn")
    a = web_appeal(api, "13812340016")
    (sms,) = receipts(a["id"])
    assert sms["text"].endswith("https://qiye.rudong.gov.cn/track")


class _Counting:
    """The DynamoDB client, counting the operations called through it."""

    def __init__(self, real):
        self.real = real
        self.calls: list[str] = []

    def __getattr__(self, name):
        attribute = getattr(self.real, name)
        if not callable(attribute) or name.startswith("_"):
            return attribute

        def counted(*args, **kwargs):
            self.calls.append(name)
            return attribute(*args, **kwargs)

        return counted


def test_every_refusal_does_the_same_work_and_a_lookup_is_three_requests_at_most(api, monkeypatch):
    """The DynamoDB requests of each answer: a wrong phone, an unknown and a malformed number
    make the same three; a success two (the figures docs/public-lookup.md gives)."""
    from chalicelib.store import db

    a = web_appeal(api, "13812340017")
    counting = _Counting(db.client())
    monkeypatch.setattr(db, "client", lambda: counting)
    work = {}
    for name, number, phone in (
        ("wrong phone", a["id"], "13800000000"),
        ("unknown", "XQT-19990101-0042", "13812340017"),
        ("malformed", "<script>", "13812340017"),
        ("found", a["id"], "13812340017"),
    ):
        counting.calls.clear()
        lookup(api, number, phone, new_address())
        work[name] = list(counting.calls)
    refused = ["batch_get_item", "query", "transact_write_items"]
    assert work == {
        "wrong phone": refused,
        "unknown": refused,
        "malformed": refused,
        "found": ["batch_get_item", "query"],
    }
