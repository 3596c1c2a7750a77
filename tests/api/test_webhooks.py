"""The hand-back to 12345 (API.md "Hand-back to 12345 (回传)"): webhooks registered for a
call-centre service account, the secret never returned, bad input a 400 naming the field,
and the steps of the appeals the account posted delivered, signed, through the outbox job —
retried with backoff, dead-lettered after 24 hours, claimed before each send."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from infra.local.seed import enterprise_records
from tests.api.test_appeals import CALL, event
from tests.fakes.webhook_receiver import Receiver

SERVICE = "callcenter-12345"
SECRET = "s3cret-shared-with-12345-platform"
HENGRUN = enterprise_records()[0]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(SECRET).start()
    yield r
    r.stop()


def register(api, url, username=SERVICE, secret=SECRET):
    body = {"username": username, "url": url, "secret": secret}
    return api.call("POST", "/api/v1/webhooks", body, as_user="admin")


def call_as_service(api, ref):
    body = {**CALL, "uscc": HENGRUN["uscc"], "external_ref": ref}
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    r = api.call("POST", "/api/v1/hotline/calls", body, as_user=SERVICE, headers=headers)
    assert r.status_code == 201, r.data
    return r.data


def run_outbox(api):
    r = api.call("POST", "/api/v1/dev/jobs/outbox")
    assert r.status_code == 200, r.data
    return r.data["result"]


@pytest.fixture
def hook(api, receiver) -> Iterator[dict]:
    r = register(api, receiver.url)
    assert r.status_code == 201, r.data
    yield r.data
    api.call("DELETE", f"/api/v1/webhooks/{r.data['id']}", as_user="admin")


def test_the_secret_is_never_returned(api, receiver):
    r = register(api, receiver.url)
    assert r.status_code == 201, r.data
    assert SECRET not in json.dumps(r.data) and "secret" not in r.data
    assert r.headers["Location"] == f"/api/v1/webhooks/{r.data['id']}"
    assert r.data["username"] == SERVICE and r.data["url"] == receiver.url
    for path in ("/api/v1/webhooks", f"/api/v1/webhooks/{r.data['id']}"):
        got = api.call("GET", path, as_user="admin")
        assert got.status_code == 200 and SECRET not in got.body.decode()
    audit = api.call("GET", "/api/v1/audit?entity_type=webhook&entity_id=" + r.data["id"],
                     as_user="admin")  # fmt: skip
    assert audit.status_code == 200 and SECRET not in audit.body.decode()
    assert (
        api.call("DELETE", f"/api/v1/webhooks/{r.data['id']}", as_user="admin").status_code == 200
    )
    assert api.call("GET", f"/api/v1/webhooks/{r.data['id']}", as_user="admin").status_code == 404


def _field(r):
    assert r.status_code == 400, r.data
    assert r.headers["Content-Type"].startswith("application/problem+json")
    return r.data["errors"][0]["field"], r.data["errors"][0]["code"]


def test_registration_refuses_a_person_an_unknown_user_and_bad_fields(api, receiver):
    assert _field(register(api, receiver.url, username="operator-12345")) == (
        "username",
        "not_service_account",
    )
    assert _field(register(api, receiver.url, username="nobody-here")) == (
        "username",
        "user_not_found",
    )
    assert _field(register(api, receiver.url, secret="short"))[0] == "secret"
    assert _field(register(api, "ftp://127.0.0.1/x")) == ("url", "url_invalid")
    assert _field(register(api, "http://user:pw@127.0.0.1/x")) == ("url", "url_invalid")
    # the local stage allows http to 127.0.0.1 only: other loopback or private hosts are not
    assert _field(register(api, "http://localhost:8080/x")) == ("url", "url_not_https")
    assert _field(register(api, "https://10.0.0.8/hook")) == ("url", "url_not_public")
    assert _field(register(api, "https://169.254.169.254/latest")) == ("url", "url_not_public")
    assert _field(register(api, "https://[::1]/hook")) == ("url", "url_not_public")
    assert _field(register(api, "https://[fd00::1]/hook")) == ("url", "url_not_public")
    assert _field(register(api, "https://localhost/hook")) == ("url", "url_not_public")
    r = api.call("POST", "/api/v1/webhooks", {"username": SERVICE}, as_user="admin")
    assert r.status_code == 400 and {e["field"] for e in r.data["errors"]} >= {"url", "secret"}


@pytest.fixture
def deployed(monkeypatch):
    """The settings of a deployed stage (``dev``) for one test (read once and cached, as a
    warm Lambda does; read outside a test client's call, which sets its stage's variables)."""
    from chalicelib.config import settings

    monkeypatch.setenv("XQT_STAGE", "dev")
    settings.cache_clear()
    assert settings().is_local is False
    yield
    monkeypatch.setenv("XQT_STAGE", "test")
    settings.cache_clear()
    assert settings().is_local is True


def test_a_deployed_stage_takes_https_to_public_addresses_only(api, receiver, deployed):
    assert _field(register(api, receiver.url)) == ("url", "url_not_https")
    assert _field(register(api, "http://93.184.215.14/hook")) == ("url", "url_not_https")
    assert _field(register(api, "https://192.168.1.20/hook")) == ("url", "url_not_public")
    r = register(api, "https://93.184.215.14/hook")  # a public address: taken (never sent here)
    assert r.status_code == 201, r.data
    api.call("DELETE", f"/api/v1/webhooks/{r.data['id']}", as_user="admin")


def test_each_step_of_a_posted_call_is_delivered_signed_in_order(api, receiver, hook):
    appeal = call_as_service(api, "12345-2026-000001")
    appeal = event(api, appeal, "accept", "comm-designated")
    appeal = event(
        api, appeal, "set_urgency", "comm-designated", urgency="urgent", reason="企业催办"
    )  # not told
    appeal = event(api, appeal, "reply", "comm-designated", content="已对接农商行贴息贷款产品。")
    appeal = event(api, appeal, "callback", SERVICE, resolved=True, satisfaction=5)
    result = run_outbox(api)
    assert result["webhooks_delivered"] == 3 and result["webhooks_failed"] == 0
    mine = [g for g in receiver.got if g.body["appeal_id"] == appeal["id"]]
    assert all(g.valid for g in mine)
    assert [g.body["type"] for g in mine] == ["accept", "reply", "callback"]
    accept, reply, callback = (g.body for g in mine)
    assert accept == {
        "event_id": f"{appeal['id']}#2",
        "type": "accept",
        "at": accept["at"],
        "appeal_id": appeal["id"],
        "external_ref": "12345-2026-000001",
        "status": "processing",
    }
    assert reply["reply"] == "已对接农商行贴息贷款产品。" and reply["status"] == "replied"
    assert callback["status"] == "closed" and callback["closed_as"] == "resolved"
    # nothing twice when the job runs again; the log shows each delivered
    assert run_outbox(api)["webhooks_delivered"] == 0
    log = api.call("GET", f"/api/v1/webhooks/{hook['id']}/deliveries", as_user="admin").data
    shown = [d for d in log["items"] if d["appeal_id"] == appeal["id"]]
    assert [d["type"] for d in shown] == ["callback", "reply", "accept"]  # newest first
    assert {d["status"] for d in shown} == {"delivered"} and "body" not in shown[0]


def test_an_appeal_another_operator_posted_is_not_handed_back(api, receiver, hook):
    from tests.api.test_appeals import post_call

    r = post_call(api, {**CALL, "uscc": HENGRUN["uscc"]})
    event(api, r.data, "accept", "comm-designated")
    run_outbox(api)
    assert not [g for g in receiver.got if g.body["appeal_id"] == r.data["id"]]


def test_the_enterprises_withdrawal_is_handed_back_and_its_supplement_is_not(api, receiver, hook):
    appeal = call_as_service(api, "12345-2026-000077")
    appeal = event(api, appeal, "supplement", "ent-hengrun", content="补充:塘口位置图。")
    appeal = event(api, appeal, "withdraw", "ent-hengrun", reason="已自行解决")
    assert run_outbox(api)["webhooks_failed"] == 0
    mine = [g for g in receiver.got if g.body["appeal_id"] == appeal["id"]]
    assert [g.body["type"] for g in mine] == ["withdraw"] and mine[0].valid
    assert mine[0].body == {
        "event_id": f"{appeal['id']}#3",
        "type": "withdraw",
        "at": mine[0].body["at"],
        "appeal_id": appeal["id"],
        "external_ref": "12345-2026-000077",
        "status": "closed",
        "closed_as": "withdrawn",
    }


def test_a_failing_receiver_is_retried_with_backoff_then_dead_lettered(api, receiver, hook):
    from chalicelib.domain import webhooks as rules
    from chalicelib.jobs import webhooks as sender

    receiver.answer = lambda body: 503
    appeal = call_as_service(api, "12345-2026-000002")
    appeal = event(api, appeal, "accept", "comm-designated")
    appeal = event(api, appeal, "reply", "comm-designated", content="答复")
    start = 2_000_000_000
    now, tries = start, 0
    while True:
        result = sender.run(now, float("inf"))
        if result["webhooks_dead"]:
            break
        mine = [g for g in receiver.got if g.body["appeal_id"] == appeal["id"]]
        # only the first event is tried while it is undelivered: the reply waits behind it
        assert {g.body["type"] for g in mine} == {"accept"}
        tries += 1
        assert sender.run(now + 1, float("inf"))["webhooks_failed"] == 0  # not due yet
        now += rules.delay(tries)
    assert tries + 1 == rules.MAX_TRIES and now - start >= 24 * 3600
    log = api.call("GET", f"/api/v1/webhooks/{hook['id']}/deliveries", as_user="admin").data
    accept = next(d for d in log["items"] if d["event_id"] == f"{appeal['id']}#2")
    assert accept["status"] == "dead" and accept["attempts"] == rules.MAX_TRIES
    assert accept["last_status"] == 503 and accept["last_error"] == "http_503"
    # with the first one dead-lettered the reply goes next (in the same run: refused too),
    # and a receiver back up takes it at its next try
    assert receiver.got[-1].body["type"] == "reply"
    receiver.answer = lambda body: 204
    assert sender.run(now + rules.delay(1), float("inf"))["webhooks_delivered"] == 1
    assert receiver.got[-1].body["type"] == "reply"


def test_a_claimed_delivery_is_not_sent_by_a_second_run(api, receiver, hook):
    from chalicelib.config import settings
    from chalicelib.jobs import webhooks as sender
    from chalicelib.store import webhooks as store

    appeal = call_as_service(api, "12345-2026-000003")
    appeal = event(api, appeal, "accept", "comm-designated")
    did = store.delivery_id(hook["id"], appeal["id"], 2)
    now = 2_100_000_000
    assert store.claim(did, now) is True  # a run holds it
    assert store.claim(did, now) is False
    sender.run(now + 1, float("inf"))
    assert not [g for g in receiver.got if g.body["appeal_id"] == appeal["id"]]
    # the holder died: after the lease another run sends it (at least once)
    assert (
        sender.run(now + settings().webhook_lease_seconds + 1, float("inf"))["webhooks_delivered"]
        == 1
    )


def test_deliveries_of_a_deleted_webhook_are_dead_lettered(api, receiver):
    from chalicelib.jobs import webhooks as sender

    hook = register(api, receiver.url).data
    appeal = call_as_service(api, "12345-2026-000004")
    event(api, appeal, "accept", "comm-designated")
    api.call("DELETE", f"/api/v1/webhooks/{hook['id']}", as_user="admin")
    assert sender.run(2_200_000_000, float("inf"))["webhooks_dead"] >= 1
    log = api.call("GET", f"/api/v1/webhooks/{hook['id']}/deliveries", as_user="admin").data
    assert (
        log["items"][0]["status"] == "dead" and log["items"][0]["last_error"] == "webhook_deleted"
    )


def test_an_unknown_webhook_is_404(api):
    long = "x" * 3000
    for path in (
        "/api/v1/webhooks/wh-nothing",
        "/api/v1/webhooks/wh-nothing/deliveries",
        "/api/v1/webhooks/wh-000000000000",
        f"/api/v1/webhooks/{long}",
        f"/api/v1/webhooks/{long}/deliveries",
    ):
        r = api.call("GET", path, as_user="admin")
        assert r.status_code == 404 and r.data["code"] == "not_found"
