"""The hand-back to 12345's rules (domain/webhooks.py): the signature, the payload, the
retry schedule (at least 24 hours, then the dead letter) and the SSRF guard — private,
loopback, link-local and IPv6 addresses refused, and a name that resolves elsewhere by the
time of a send (DNS rebinding) refused then, the send connecting to the address checked."""

from __future__ import annotations

import hashlib
import hmac
import itertools

import pytest

from chalicelib.domain import webhooks as w
from chalicelib.domain.appeal.events import EventType


def test_the_signature_is_the_hex_hmac_sha256_of_the_body():
    body = w.encode({"event_id": "XQT-20261207-0001#2", "type": "accept", "reply": "已答复"})
    expected = hmac.new(b"secret-1234567890", body, hashlib.sha256).hexdigest()
    assert w.sign("secret-1234567890", body) == f"sha256={expected}"
    assert w.verify("secret-1234567890", body, f"sha256={expected}")
    assert not w.verify("another-secret-123", body, f"sha256={expected}")
    assert not w.verify("secret-1234567890", body + b" ", f"sha256={expected}")
    assert "已答复".encode() in body  # UTF-8, not \\u escapes


def test_the_handed_back_events_are_those_the_contract_names():
    named = {
        "reassign", "accept", "transfer", "reply", "return", "confirm", "callback", "merge",
        "void", "withdraw", "auto_closed",
    }  # fmt: skip
    told = {kind.value for kind, yes in w.HANDED_BACK.items() if yes}
    assert told == named & {kind.value for kind in EventType}


def test_retries_back_off_exponentially_for_at_least_24_hours_then_dead_letter():
    waits = [w.delay(n) for n in range(1, w.MAX_TRIES)]
    assert waits[:4] == [60, 120, 240, 480]
    assert all(b >= a for a, b in itertools.pairwise(waits))
    assert max(waits) == 4 * 3600
    assert sum(waits) >= 24 * 3600 and sum(waits[:-1]) < 24 * 3600
    now = 1_800_000_000
    assert w.next_try(1, now) == now + 60
    assert w.next_try(w.MAX_TRIES - 1, now) == now + 4 * 3600
    assert w.next_try(w.MAX_TRIES, now) is None  # the dead letter


def resolver(*answers: str):
    def resolve(host: str, port: int) -> list[str]:
        return list(answers)

    return resolve


PUBLIC = resolver("93.184.215.14")


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "127.8.8.8", "0.0.0.0",
        "169.254.169.254", "100.64.0.1", "224.0.0.1", "255.255.255.255", "198.18.0.1",
        "::1", "::", "fe80::1", "fd12:3456::1", "fc00::1", "ff02::1",
        "::ffff:10.0.0.1", "::ffff:127.0.0.1", "64:ff9b::a00:1", "2002:c0a8:0101::1",
        "2001:db8::1", "fe80::1%eth0",
    ],
)  # fmt: skip
def test_an_address_that_is_not_public_is_refused(address):
    assert not w.public_address(address)
    with pytest.raises(w.UnsafeUrl) as refused:
        w.check_url("https://hook.example.com/x", resolver(address), local=False)
    assert refused.value.code == "url_not_public"


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_a_public_address_is_taken(address):
    target = w.check_url("https://hook.example.com:8443/in?x=1", resolver(address), local=False)
    assert (target.host, target.port, target.path, target.address) == (
        "hook.example.com", 8443, "/in?x=1", address,
    )  # fmt: skip


def test_one_private_answer_among_public_ones_is_refused():
    with pytest.raises(w.UnsafeUrl):
        w.check_url("https://hook.example.com/", resolver("93.184.215.14", "10.0.0.1"), False)


@pytest.mark.parametrize(
    ("url", "local", "code"),
    [
        ("http://hook.example.com/", False, "url_not_https"),
        ("http://127.0.0.1:8080/", False, "url_not_https"),
        ("http://localhost:8080/", True, "url_not_https"),
        ("http://10.0.0.1/", True, "url_not_https"),
        ("ftp://hook.example.com/", False, "url_invalid"),
        ("https://user:pw@hook.example.com/", False, "url_invalid"),
        ("https:///nohost", False, "url_invalid"),
        ("https://hook.example.com:99999/", False, "url_invalid"),
        ("https://hook.example.com/a b", False, "url_invalid"),
        ("https://hook.example.com/#frag", False, "url_invalid"),
        ("https://[::1/", False, "url_invalid"),
        ("https://例子.中国/hook", False, "url_invalid"),
        ("https://hook.example.com/路径", False, "url_invalid"),
        ("https://" + "a" * 600 + ".com/", False, "url_invalid"),
    ],
)
def test_urls_refused(url, local, code):
    with pytest.raises(w.UnsafeUrl) as refused:
        w.check_url(url, PUBLIC, local)
    assert refused.value.code == code


def test_the_local_stage_also_takes_http_to_127_0_0_1_without_resolving():
    def never(host, port):
        raise AssertionError("not resolved")

    target = w.check_url("http://127.0.0.1:9000/handback", never, local=True)
    assert target.address == "127.0.0.1" and target.port == 9000


@pytest.mark.parametrize("error", [OSError("Name or service not known"), UnicodeError("label")])
def test_a_name_that_does_not_resolve_is_refused(error):
    def fails(host, port):
        raise error

    with pytest.raises(w.UnsafeUrl) as refused:
        w.check_url("https://nowhere.example.com/", fails, local=False)
    assert refused.value.code == "url_unresolvable"


def test_dns_rebinding_is_caught_before_the_send():
    """Public when registered, private when sent: the check before the send refuses it."""
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])

    def rebinding(host, port):
        return next(answers)

    assert w.check_url("https://rebind.example.com/", rebinding, local=False).address
    with pytest.raises(w.UnsafeUrl) as refused:
        w.check_url("https://rebind.example.com/", rebinding, local=False)
    assert refused.value.code == "url_not_public"


def test_the_send_connects_to_the_address_checked_not_to_the_name():
    """The name is never resolved again by the connection: what was checked is what is called
    (here a name that resolves nowhere, pinned to a receiver on 127.0.0.1)."""
    from chalicelib.jobs.webhooks import post
    from tests.fakes.webhook_receiver import Receiver

    receiver = Receiver("secret-1234567890").start()
    try:
        port = receiver.server.server_address[1]
        target = w.Target("http", "hook.invalid", port, "/handback", "127.0.0.1")
        body = w.encode({"event_id": "X#1", "type": "accept", "status": "processing"})
        headers = {w.SIGNATURE_HEADER: w.sign("secret-1234567890", body)}
        assert post(target, body, headers) == 200
        assert receiver.got[0].valid and receiver.got[0].raw == body
    finally:
        receiver.stop()
