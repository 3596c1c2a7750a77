"""Sending the hand-back to 12345 (回传): each due delivery is claimed under a condition, its
webhook's URL checked again by the SSRF guard (a name may resolve elsewhere since it was
registered) and the connection made to the very address checked, the stored body POSTed
with its signature; a 2xx delivers it, anything else backs it off (``domain/webhooks.py``)
until it is dead-lettered. Deliveries of one appeal to one webhook go in event order: a
later one waits while an earlier one is undelivered. Run by the outbox job.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from typing import Any

from chalicelib.domain import webhooks as rules
from chalicelib.logs import logger
from chalicelib.services import webhooks as services
from chalicelib.store import webhooks as store

#: Seconds to connect and to wait for the answer.
TIMEOUT = 10.0


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to ``address`` while the certificate is checked for ``host`` (SNI too): the
    address the guard checked is the one connected to, whatever DNS answers meanwhile."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(target: rules.Target, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to the checked target; the HTTP status (redirects are not followed)."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    conn = kind(target.host, target.port, target.address, TIMEOUT)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(64 * 1024)
        return int(response.status)
    finally:
        conn.close()


def _send(delivery: dict[str, Any], hook: dict[str, Any]) -> tuple[int | None, str]:
    """One try: the status (None if no answer) and what went wrong ("" when delivered)."""
    try:
        target = services.check(hook["url"])
    except rules.UnsafeUrl as refused:
        return None, refused.code
    body = delivery["body"].encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        rules.SIGNATURE_HEADER: rules.sign(hook["secret"], body),
        "X-Event-Id": delivery["event_id"],
        "User-Agent": "xingqitong-webhooks/1",
    }
    try:
        status = post(target, body, headers)
    except (OSError, http.client.HTTPException) as exc:
        return None, type(exc).__name__
    return status, "" if 200 <= status < 300 else f"http_{status}"


def run(epoch: int, deadline: float) -> dict[str, int]:
    """Send every due delivery (until ``deadline``, a ``time.monotonic()`` value); the counts
    of those delivered, failed (to be tried again) and dead-lettered."""
    delivered = failed = dead = 0
    waiting: set[tuple[str, str]] = set()  # (webhook, appeal) with an earlier one undelivered
    hooks: dict[str, dict[str, Any] | None] = {}
    for delivery in store.pending():
        if time.monotonic() > deadline:
            break
        group = (delivery["webhook_id"], delivery["appeal_id"])
        if group in waiting:
            continue  # in event order: after the earlier one of this appeal
        waiting.add(group)
        if not store.claim(delivery["id"], epoch):
            continue  # not due yet, or another run holds it
        hook_id = delivery["webhook_id"]
        if hook_id not in hooks:
            hooks[hook_id] = store.webhook_for_send(hook_id)
        hook = hooks[hook_id]
        failures = int(delivery.get("attempts", 0)) + 1
        if hook is None:  # the webhook was deleted: nobody to tell
            store.mark_failed(delivery["id"], epoch, rules.MAX_TRIES, None, "webhook_deleted")
            dead += 1
            waiting.discard(group)
            continue
        status, error = _send(delivery, hook)
        if not error and status is not None:
            delivered += int(store.mark_delivered(delivery["id"], epoch, status))
            waiting.discard(group)  # the next event of this appeal may go in this run
            continue
        logger.warning(
            "webhook delivery failed",
            extra={"delivery": delivery["id"], "status": status, "error": error},
        )
        if store.mark_failed(delivery["id"], epoch, failures, status, error) == "dead":
            dead += 1
            waiting.discard(group)
        else:
            failed += 1
    return {"webhooks_delivered": delivered, "webhooks_failed": failed, "webhooks_dead": dead}
