"""The outbox job: send what is pending through the configured providers, once: each message
is claimed under a condition before it is sent, failures go back (5 tries at most). Then the
webhook deliveries of the hand-back to 12345 that are due (``jobs/webhooks.py``).

Providers sit behind one small interface, one per channel, chosen by configuration:

- ``log`` (the local stack, tests): writes the message to the log, the recipient masked;
- ``sns`` (SMS): Amazon SNS ``Publish`` to a phone number, as a transactional message;
- ``aliyun`` (SMS): Alibaba Cloud SMS ``SendSms`` (mainland China), a registered template per
  kind of text with its named parameters (``jobs/aliyun_sms.py``, docs/sms.md);
- ``ses`` (e-mail): Amazon SES v2 ``SendEmail`` from ``XQT_MAIL_FROM`` (a verified identity).

A county that contracts another SMS gateway adds a class with the same ``send`` method. A
provider raises :class:`Undeliverable` for a refusal no retry can change (a number the
gateway calls invalid, a kind with no template): the message is marked failed at once;
anything else it raises goes back to the pending list for the next run.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from typing import Any, Protocol

from chalicelib.clock import iso, real_now
from chalicelib.config import settings
from chalicelib.domain.outbox import SMS_KINDS, describe
from chalicelib.jobs import aliyun_sms, webhooks
from chalicelib.logs import logger
from chalicelib.store import outbox


class Undeliverable(Exception):
    """This message can never be sent as it is (``code`` says why): failed at once."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


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


class AliyunSmsProvider:
    """SMS through Alibaba Cloud SMS: the message's kind names the registered template
    (``XQT_ALIYUN_SMS_TEMPLATES``), its parameters fill it, the sign name
    (``XQT_ALIYUN_SMS_SIGN_NAME``) heads it. The AccessKey is read at the first send: from
    Secrets Manager (``XQT_ALIYUN_SMS_SECRET``, a JSON ``{"AccessKeyId", "AccessKeySecret"}``)
    where that is set, else from ``XQT_ALIYUN_ACCESS_KEY_ID``/``_SECRET``."""

    def __init__(self) -> None:
        self._key: aliyun_sms.AccessKey | None = None

    def _access_key(self) -> aliyun_sms.AccessKey:
        if self._key is None:
            config = settings()
            if config.aliyun_sms_secret:
                import boto3

                secrets = boto3.client("secretsmanager", region_name=config.region)
                value = secrets.get_secret_value(SecretId=config.aliyun_sms_secret)
                data = json.loads(value["SecretString"])
                self._key = aliyun_sms.AccessKey(data["AccessKeyId"], data["AccessKeySecret"])
            else:
                self._key = aliyun_sms.AccessKey(
                    config.aliyun_access_key_id, config.aliyun_access_key_secret
                )
        return self._key

    def send(self, message: dict[str, Any]) -> str:
        config = settings()
        kind = message.get("kind") or ""
        template = config.aliyun_sms_templates.get(kind)
        if kind not in SMS_KINDS or not template:
            raise Undeliverable(f"no_template:{kind or '-'}")
        params = {
            name: str(message.get("params", {}).get(name, "")) for name in SMS_KINDS[kind].params
        }
        try:
            return aliyun_sms.send_sms(
                self._access_key(),
                config.aliyun_sms_endpoint,
                phone=message["to"],
                sign_name=config.aliyun_sms_sign_name,
                template_code=template,
                params=params,
                out_id=str(message.get("id", "")),
            )
        except aliyun_sms.SmsRefused as refused:
            if refused.undeliverable:
                raise Undeliverable(refused.code) from refused
            raise


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
    "sms": {"log": LoggingProvider, "sns": SnsSmsProvider, "aliyun": AliyunSmsProvider},
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
        attempts = int(message.get("attempts", 0)) + 1
        try:
            pid = senders[message["channel"]].send(message)
        except Undeliverable as never:  # off the list at once: no retry can change it
            logger.error(
                "outbox message undeliverable", extra={"id": message["id"], "code": never.code}
            )
            outbox.mark_failed(message["id"], max(attempts, outbox.MAX_ATTEMPTS), never.code)
            failed += 1
            continue
        except Exception as exc:  # back to pending (or, after 5 tries, off the list)
            logger.exception("outbox send failed", extra={"id": message["id"]})
            outbox.mark_failed(message["id"], attempts, getattr(exc, "code", type(exc).__name__))
            failed += 1
            continue
        sent += int(outbox.mark_sent(message["id"], iso(now), pid))
    # the hand-back to 12345 (回传): due webhook deliveries, in the time this run has left
    handed_back = webhooks.run(epoch, started + RUN_SECONDS)
    return {"sent": sent, "failed": failed, **handed_back}
