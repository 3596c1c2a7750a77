"""The outbox job: send what is pending through the configured providers, once: each message
is claimed under a condition before it is sent, failures go back (5 tries at most).

Providers sit behind one small interface, one per channel, chosen by configuration:

- ``log`` (the local stack, tests): writes the message to the log, the recipient masked;
- ``sns`` (SMS): Amazon SNS ``Publish`` to a phone number, as a transactional message;
- ``ses`` (e-mail): Amazon SES v2 ``SendEmail`` from ``XQT_MAIL_FROM`` (a verified identity).

A county that contracts another SMS gateway adds a class with the same ``send`` method.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import Any, Protocol

from chalicelib.clock import iso, real_now
from chalicelib.config import settings
from chalicelib.domain.outbox import describe
from chalicelib.logs import logger
from chalicelib.store import outbox


class Provider(Protocol):
    """Sends one message; returns the provider's id for it (raises if it could not)."""

    def send(self, message: dict[str, Any]) -> str: ...


class LoggingProvider:
    """Writes the message to the log instead of sending it (local stack, tests)."""

    def send(self, message: dict[str, Any]) -> str:
        logger.info(
            "outbox message",
            extra={
                "channel": message["channel"],
                "to": describe(message["channel"], message["to"]),
                "subject": message.get("subject", ""),
                "text": message["text"],
            },
        )
        return f"log-{uuid.uuid4().hex[:8]}"


class SnsSmsProvider:
    """SMS through Amazon SNS. Numbers are kept as national digits; SNS wants E.164."""

    def __init__(self) -> None:
        import boto3

        self.client = boto3.client("sns", region_name=settings().region)

    def send(self, message: dict[str, Any]) -> str:
        response = self.client.publish(
            PhoneNumber="+86" + message["to"],
            Message=message["text"],
            MessageAttributes={
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}
            },
        )
        return str(response["MessageId"])


class SesEmailProvider:
    """E-mail through Amazon SES (v2 API), plain text in UTF-8."""

    def __init__(self) -> None:
        import boto3

        self.client = boto3.client("sesv2", region_name=settings().region)

    def send(self, message: dict[str, Any]) -> str:
        utf8 = "UTF-8"
        response = self.client.send_email(
            FromEmailAddress=settings().mail_from,
            Destination={"ToAddresses": [message["to"]]},
            Content={
                "Simple": {
                    "Subject": {"Data": message.get("subject") or "兴企通", "Charset": utf8},
                    "Body": {"Text": {"Data": message["text"], "Charset": utf8}},
                }
            },
        )
        return str(response["MessageId"])


PROVIDERS: dict[str, dict[str, type]] = {
    "sms": {"log": LoggingProvider, "sns": SnsSmsProvider},
    "email": {"log": LoggingProvider, "ses": SesEmailProvider},
}


def providers() -> dict[str, Provider]:
    """The configured provider of each channel (``XQT_SMS_PROVIDER``, ``XQT_EMAIL_PROVIDER``)."""
    chosen = {"sms": settings().sms_provider, "email": settings().email_provider}
    return {channel: PROVIDERS[channel][name]() for channel, name in chosen.items()}


#: How long one run sends before leaving the rest to the next (the schedule is every minute).
RUN_SECONDS = 45.0


def run(now: datetime) -> dict[str, Any]:
    senders = providers()
    sent = failed = 0
    epoch = int(real_now().timestamp())
    started = time.monotonic()
    for message in outbox.pending():
        if time.monotonic() - started > RUN_SECONDS:  # the next run (a minute on) goes on
            break
        if not outbox.claim(message["id"], epoch):
            continue  # another run holds it
        try:
            pid = senders[message["channel"]].send(message)
        except Exception:  # back to pending (or, after 5 tries, off the list)
            logger.exception("outbox send failed", extra={"id": message["id"]})
            outbox.mark_failed(message["id"], int(message.get("attempts", 0)) + 1)
            failed += 1
            continue
        sent += int(outbox.mark_sent(message["id"], iso(now), pid))
    return {"sent": sent, "failed": failed}
