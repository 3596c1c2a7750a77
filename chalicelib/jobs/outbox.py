"""The outbox job: send what is pending through the configured provider, once: each message
is claimed under a condition before it is sent, failures go back (5 tries at most).
Providers sit behind one small interface; on the local stack (and until a county picks its
SMS gateway) the logging provider writes each message to the log with the number masked."""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from typing import Any, Protocol

from chalicelib.clock import iso, real_now
from chalicelib.domain.outbox import describe
from chalicelib.logs import logger
from chalicelib.store import outbox


class Provider(Protocol):
    """Sends one message; returns the provider's id for it (raises if it could not)."""

    def send(self, channel: str, to: str, text: str) -> str: ...


class LoggingProvider:
    """Writes the message to the log instead of sending it (local stack, tests)."""

    def send(self, channel: str, to: str, text: str) -> str:
        logger.info("outbox message", extra={"channel": channel, "to": describe(to), "text": text})
        return f"log-{uuid.uuid4().hex[:8]}"


PROVIDERS: dict[str, type] = {"log": LoggingProvider}


def provider() -> Provider:
    name = os.environ.get("XQT_SMS_PROVIDER", "log")
    if name not in PROVIDERS:
        raise RuntimeError(f"unknown XQT_SMS_PROVIDER {name!r}; known: {', '.join(PROVIDERS)}")
    instance: Provider = PROVIDERS[name]()
    return instance


def run(now: datetime) -> dict[str, Any]:
    sender = provider()
    sent = failed = 0
    epoch = int(real_now().timestamp())
    for message in outbox.pending():
        if not outbox.claim(message["id"], epoch):
            continue  # another run holds it
        try:
            pid = sender.send(message["channel"], message["to"], message["text"])
        except Exception:  # back to pending (or, after 5 tries, off the list)
            logger.exception("outbox send failed", extra={"id": message["id"]})
            outbox.mark_failed(message["id"], int(message.get("attempts", 0)) + 1)
            failed += 1
            continue
        sent += int(outbox.mark_sent(message["id"], iso(now), pid))
    return {"sent": sent, "failed": failed}
