"""Hand-back to 12345 (回传): which timeline events of an appeal a call-centre service account
posted are POSTed to its webhooks, the body and its signature, how often a failed delivery
is tried again, and which addresses a webhook may point at (the SSRF guard).

Pure rules: the store writes a delivery with the event that causes it (one transaction, like
the outbox's messages), the outbox job sends it (``chalicelib/jobs/webhooks.py``); names are
resolved by whoever calls :func:`check_url` and passed in as a function.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.codes import Status

#: Which events are handed back to the platform that posted the call (API.md "Hand-back to
#: 12345"): the steps it must mirror on its work order. Every member is named (an explicit
#: ``False`` counts): tests/unit/test_event_tables.py.
HANDED_BACK: dict[EventType, bool] = {
    EventType.FILED: False,  # the call itself: the platform knows, it posted it
    EventType.ACCEPT: True,
    EventType.TRANSFER: True,
    EventType.DEPARTMENT_REPLY: False,  # a department's part, not the appeal's reply
    EventType.RETURN: True,
    EventType.REPLY: True,
    EventType.CONFIRM: True,
    EventType.CALLBACK: True,
    EventType.REASSIGN: True,
    EventType.SET_URGENCY: False,
    EventType.REQUEST_EXTENSION: False,
    EventType.APPROVE_EXTENSION: False,
    EventType.REJECT_EXTENSION: False,
    EventType.ESCALATE: False,
    EventType.ESCALATED: False,
    EventType.SUPERVISE: False,
    EventType.REPORT_COMPLETION: False,
    EventType.ACCEPT_COMPLETION: False,
    EventType.REJECT_COMPLETION: False,
    EventType.WARNED: False,
    EventType.MARKED_OVERDUE: False,
    EventType.AUTO_CLOSED: True,
    EventType.DEADLINE_RECOMPUTED: False,
    EventType.SUPERVISION_OVERDUE: False,
    EventType.MERGE: True,
    EventType.VOID: True,
    EventType.REPEAT_CALL: False,
    EventType.MERGED: False,  # the master's side of a merge (the duplicate tells its own)
    EventType.MERGED_REPLY: False,
    EventType.CLOSED: False,  # answered on the call: filed closed, the platform was on it
    EventType.PROGRESS: False,  # a unit's internal ledger entry
    # sign-for and department parts: the handling's own clocks, not steps of the work order
    EventType.ACCEPT_PART: False,
    EventType.SIGN_OVERDUE: False,
    EventType.PART_WARNED: False,
    EventType.PART_OVERDUE: False,
    # 挂起/恢复: not in the contract's list of steps handed back
    EventType.PAUSE: False,
    EventType.RESUME: False,
    EventType.PAUSE_EXPIRED: False,
    # the enterprise's own steps: a withdrawal closes the work order; a supplement is the
    # handling's own material
    EventType.WITHDRAW: True,
    EventType.SUPPLEMENT: False,
}

#: The signature header and its scheme.
SIGNATURE_HEADER = "X-Signature"


def handed_back(appeal: Appeal, event: TimelineEvent) -> bool:
    """Whether ``event`` of ``appeal`` goes back to the account that posted the call."""
    return bool(appeal.posted_by) and HANDED_BACK[event.type]


def event_id(appeal_id: str, version: int) -> str:
    """A timeline event's stable id: the same on every delivery of it (a receiver may see one
    twice and drops the second by this id)."""
    return f"{appeal_id}#{version}"


def payload(appeal: Appeal, event: TimelineEvent) -> dict[str, Any]:
    """What is POSTed for ``event`` (``appeal`` is the appeal after it): ``closed_as`` when it
    closed the appeal, ``reply`` with the reply."""
    body: dict[str, Any] = {
        "event_id": event_id(appeal.id, event.version),
        "type": event.type.value,
        "at": event.at,
        "appeal_id": appeal.id,
        "external_ref": appeal.external_ref,
        "status": event.status.value,
    }
    closed_as = event.closed_as or (appeal.closed_as if event.status == Status.CLOSED else None)
    if closed_as is not None:
        body["closed_as"] = closed_as.value
    if event.type == EventType.REPLY and appeal.reply is not None:
        body["reply"] = appeal.reply.content
    return body


def encode(body: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON, keys in a fixed order."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, body: bytes) -> str:
    """``X-Signature``'s value: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does: compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature)


# --- retries ----------------------------------------------------------------------------------

#: The first retry waits this long; each next one twice as long, up to :data:`MAX_DELAY`.
FIRST_DELAY = 60
MAX_DELAY = 4 * 3600
#: Deliveries are tried for at least this long before they are dead-lettered.
RETRY_FOR = 24 * 3600


def delay(failures: int) -> int:
    """Seconds to wait after the ``failures``-th failed try (1, 2, …): 1, 2, 4 … minutes,
    capped at 4 hours."""
    return min(FIRST_DELAY * 2 ** (failures - 1), MAX_DELAY)


def _max_tries() -> int:
    waited, failures = 0, 0
    while waited < RETRY_FOR:
        failures += 1
        waited += delay(failures)
    return failures + 1


#: Tries in all (the first and the retries) before the dead letter: the waits between them
#: add up to at least :data:`RETRY_FOR` (14 tries, 24 h 15 min).
MAX_TRIES = _max_tries()


def next_try(failures: int, now: int) -> int | None:
    """When to try again after the ``failures``-th failed try at ``now`` (epoch seconds);
    ``None``: tried for long enough, the delivery is dead-lettered."""
    if failures >= MAX_TRIES:
        return None
    return now + delay(failures)


# --- the SSRF guard ---------------------------------------------------------------------------

URL_MAX = 500
#: The one address the local stage may also call over plain http (a receiver on the machine).
LOCAL_HOST = "127.0.0.1"


class UnsafeUrl(ValueError):
    """A webhook URL that may not be called (``code`` says why)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``, resolved and checked) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def public_address(address: str) -> bool:
    """Whether ``address`` is a public unicast address: not private, loopback, link-local,
    multicast, reserved, unspecified, shared (100.64/10) or documentation — an IPv4 address
    inside IPv6 (mapped, 6to4, Teredo, NAT64) judged as that IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is None and ip in ipaddress.IPv6Network("64:ff9b::/96"):
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return public_address(str(inner))
    return ip.is_global and not ip.is_multicast


Resolver = Callable[[str, int], Iterable[str]]


def check_url(url: str, resolve: Resolver, local: bool) -> Target:
    """Check a webhook URL and the addresses its host resolves to now (``resolve(host,
    port)``): https to public addresses only; on the local stage also ``http://127.0.0.1``.
    Called at registration and again before each send (a name may since resolve elsewhere:
    DNS rebinding), and the send connects to the address checked here."""
    # printable ASCII only (an international name in its punycode form): what is sent on the
    # request line is exactly what was checked
    if len(url) > URL_MAX or not all(33 <= ord(c) < 127 for c in url):
        raise UnsafeUrl("url_invalid")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrl("url_invalid") from None
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise UnsafeUrl("url_invalid")
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise UnsafeUrl("url_invalid")
    on_machine = local and host == LOCAL_HOST
    if parts.scheme != "https" and not on_machine:
        raise UnsafeUrl("url_not_https")
    port = port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if on_machine:
        return Target(parts.scheme, host, port, path, LOCAL_HOST)
    try:
        addresses = list(dict.fromkeys(resolve(host, port)))
    except (OSError, UnicodeError, ValueError):  # no answer, or a name DNS cannot carry
        raise UnsafeUrl("url_unresolvable") from None
    if not addresses:
        raise UnsafeUrl("url_unresolvable")
    # every address must be public: a name with one private answer could be steered to it
    if not all(public_address(a) for a in addresses):
        raise UnsafeUrl("url_not_public")
    return Target(parts.scheme, host, port, path, addresses[0])
