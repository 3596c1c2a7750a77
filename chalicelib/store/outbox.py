"""The outbox: messages to send (SMS, e-mail), written with the appeal event or the
application step that causes them and kept on a sparse pending list until the outbox job
has sent them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from chalicelib.config import settings
from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.applications import Application
from chalicelib.domain.outbox import (
    MAIL_EVENTS,
    Links,
    Message,
    application_messages,
    messages,
)
from chalicelib.store import db, directory, keys

PENDING = keys.OUTBOX_PENDING


def _put(m: Message, at: str, epoch: int, **about: str) -> dict[str, Any]:
    mid = uuid.uuid4().hex[:16]
    item = {
        **keys.outbox_message(mid),
        "gsi1pk": PENDING,
        "gsi1sk": f"{at}#{mid}",
        "item_type": "outbox",
        "id": mid,
        "channel": m.channel,
        "to": m.to,
        "subject": m.subject,
        "text": m.text,
        # an SMS's kind and template parameters: what a template gateway sends
        "kind": m.kind or None,
        "params": m.params or None,
        **about,
        "status": "pending",
        "created_at": at,
        "expires_at": epoch + 90 * 86400,
    }
    return {"Put": {"Item": db.to_item(item)}}


def actions(appeal: Appeal, event: TimelineEvent, epoch: int) -> list[dict[str, Any]]:
    # the directory (cached in a warm Lambda) holds the units' mailboxes; read only when
    # the event may send mail
    known = directory.read() if event.type in MAIL_EVENTS else None
    config = settings()
    links = Links(track=f"{config.public_url}/track" if config.public_url else "")
    return [
        _put(m, event.at, epoch, appeal_id=appeal.id)
        for m in messages(appeal, event, known, config.centre_email or None, links)
    ]


def application_actions(a: Application, epoch: int) -> list[dict[str, Any]]:
    """The messages of an application's step (its decision), for the step's transaction."""
    return [
        _put(m, a.updated_at, epoch, appeal_id="", application_id=a.id)
        for m in application_messages(a)
    ]


def pending(page_size: int = 50) -> Iterator[dict[str, Any]]:
    """Every pending message, oldest first, a page at a time: a backlog is walked to its
    end, never only its first page (messages held or failing stay on the list and would
    otherwise hide the ones behind them)."""
    cursor: str | None = None
    while True:
        items, cursor = db.query_page(
            index="gsi1",
            key_condition="gsi1pk = :p",
            values={":p": PENDING},
            limit=page_size,
            cursor=cursor,
        )
        yield from items
        if cursor is None:
            return


#: A claim lasts this long: a run that died mid-send leaves the message to the next one.
LEASE_SECONDS = 120
#: After this many failed sends a message leaves the pending list (status ``failed``).
MAX_ATTEMPTS = 5


def _update(message_id: str, expression: str, condition: str, values: dict[str, Any]) -> bool:
    key = keys.outbox_message(message_id)
    return db.update_if(key, expression, condition, values, {"#s": "status"})


def claim(message_id: str, epoch: int) -> bool:
    """Take a message for sending; False if another run holds it (so it is sent once)."""
    return _update(
        message_id,
        "SET #s = :sending, lease_until = :until",
        "#s = :pending OR (#s = :sending AND lease_until < :now)",
        {
            ":sending": "sending",
            ":pending": "pending",
            ":now": epoch,
            ":until": epoch + LEASE_SECONDS,
        },
    )


def mark_sent(message_id: str, at: str, provider_id: str) -> bool:
    """Off the pending list once sent."""
    return _update(
        message_id,
        "SET #s = :sent, sent_at = :at, provider_id = :pid REMOVE gsi1pk, gsi1sk, lease_until",
        "#s = :sending",
        {":sent": "sent", ":sending": "sending", ":at": at, ":pid": provider_id},
    )


def mark_failed(message_id: str, attempts: int, error: str = "") -> None:
    """Back to pending for the next run, or — after ``MAX_ATTEMPTS`` — off the list as
    ``failed``, so a message that can never go does not block the others. ``error``: the
    provider's reason, kept on the message for whoever looks (``last_error``)."""
    if attempts >= MAX_ATTEMPTS:
        expression = (
            "SET #s = :state, attempts = :n, last_error = :e REMOVE gsi1pk, gsi1sk, lease_until"
        )
        state = "failed"
    else:
        expression = "SET #s = :state, attempts = :n, last_error = :e REMOVE lease_until"
        state = "pending"
    values = {":state": state, ":n": attempts, ":e": error[:200] or "-"}
    _update(message_id, expression, "attribute_exists(pk)", values)
