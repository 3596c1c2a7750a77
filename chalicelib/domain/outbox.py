"""Messages that leave the platform (SMS now; e-mail the same way): who is told by text
message, and the words. Sent later by the outbox job through a provider."""

from __future__ import annotations

from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.privacy import mask_phone
from chalicelib.i18n import message


def messages(appeal: Appeal, event: TimelineEvent) -> list[tuple[str, str, str]]:
    """(channel, recipient, text) for an event: the person who filed or called hears by SMS
    that the reply is there, and how to give their verdict."""
    if event.type != "reply":
        return []
    phone = appeal.enterprise.caller_phone or appeal.contact_phone
    if not phone:
        return []
    web = appeal.enterprise.uscc and not appeal.enterprise.caller_phone
    how = message("sms_rate_online" if web else "sms_callback")
    text = message("sms_replied", id=appeal.id, title=appeal.title, how=how)
    return [("sms", phone, text)]


def describe(recipient: str) -> str:
    """A recipient as a log line may show it."""
    return mask_phone(recipient) or ""
