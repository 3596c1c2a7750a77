"""Messages that leave the platform (SMS now; e-mail the same way): who is told by text
message, and the words. Sent later by the outbox job through a provider."""

from __future__ import annotations

from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.privacy import mask_phone


def messages(appeal: Appeal, event: TimelineEvent) -> list[tuple[str, str, str]]:
    """(channel, recipient, text) for an event: the person who filed or called hears by SMS
    that the reply is there, and how to give their verdict."""
    if event.type != "reply":
        return []
    phone = appeal.enterprise.caller_phone or appeal.contact_phone
    if not phone:
        return []
    how = (
        "请登录兴企通评价是否解决"
        if appeal.enterprise.uscc and not appeal.enterprise.caller_phone
        else "服务热线将回访您"
    )
    text = f"【兴企通】您反映的诉求({appeal.id})已答复:{appeal.title}。{how}。"
    return [("sms", phone, text)]


def describe(recipient: str) -> str:
    """A recipient as a log line may show it."""
    return mask_phone(recipient) or ""
