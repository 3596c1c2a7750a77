"""Webhooks of call-centre service accounts and their deliveries (the hand-back to 12345,
``domain/webhooks.py``). A delivery is written in the transaction of the event it tells
(:func:`actions`), kept on a sparse pending list until it is delivered or dead-lettered, and
claimed under a condition before each send so two runs never send it at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain import webhooks as rules
from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.models import Actor
from chalicelib.errors import NotFound
from chalicelib.store import audit, db, keys, records

KIND = "webhook"
PENDING = keys.WEBHOOK_DELIVERIES_PENDING
#: Deliveries are kept this long after they were written (TTL).
KEEP_SECONDS = 90 * 86400


def _at(epoch: int) -> str:
    return clock.iso(datetime.fromtimestamp(epoch, tz=UTC))


def _not_found(webhook_id: str) -> NotFound:
    return NotFound("webhook_not_found", id=webhook_id[:40])


#: A webhook's id as ``services/webhooks.register`` makes it; anything else names nothing.
_ID = re.compile(r"wh-[0-9a-f]{12}")


def _key(webhook_id: str) -> dict[str, str]:
    """The webhook's key (NotFound for a malformed id: never a key DynamoDB refuses)."""
    if not _ID.fullmatch(webhook_id):
        raise _not_found(webhook_id)
    return keys.webhook(webhook_id)


def _shown(item: dict[str, Any]) -> dict[str, Any]:
    """A webhook as it may be shown: never its secret."""
    out = records.strip_keys(item)
    out.pop("secret", None)
    return out


def create(data: dict[str, Any], actor: Actor | None) -> dict[str, Any]:
    """Register a webhook (``id``, ``username``, ``url``, ``secret``) with its pointer in the
    account's partition and an audit entry (the secret left out of both)."""
    at = clock.iso(clock.now())
    by = actor.model_dump(mode="json") if actor is not None else None
    record = {**data, "version": 1, "created_at": at, "updated_at": at, "created_by": by}
    item = {
        **keys.webhook(data["id"]),
        "gsi1pk": keys.WEBHOOKS,
        "gsi1sk": f"{at}#{data['id']}",
        "item_type": KIND,
        **record,
    }
    pointer = {
        **keys.account_webhook(data["username"], data["id"]),
        "item_type": "webhook_pointer",
        "id": data["id"],
    }
    shown = {k: v for k, v in data.items() if k != "secret"}
    db.transact(
        [
            {"Put": {"Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"Item": db.to_item(pointer)}},
            audit.entry_action(
                entity_type=KIND,
                entity_id=data["id"],
                action="create",
                version=1,
                actor=actor,
                at=at,
                changes=shown,
            ),
        ]
    )
    return _shown(item)


def get(webhook_id: str) -> dict[str, Any]:
    """A webhook as shown (no secret), or NotFound."""
    item = db.get(_key(webhook_id))
    if not item:
        raise _not_found(webhook_id)
    return _shown(item)


def _with_secret(webhook_id: str) -> dict[str, Any] | None:
    item = db.get(keys.webhook(webhook_id))
    return records.strip_keys(item) if item else None


def page(limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Every webhook, newest first."""
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :p",
        values={":p": keys.WEBHOOKS},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
    return [_shown(i) for i in items], nxt


def delete(webhook_id: str, actor: Actor | None) -> dict[str, Any]:
    """Remove a webhook and its pointer (its deliveries stay in the log; those still pending
    are dead-lettered by the next send, the webhook being gone)."""
    current = db.get(_key(webhook_id))
    if not current:
        raise _not_found(webhook_id)
    at = clock.iso(clock.now())
    version = int(current.get("version", 1))
    try:
        db.transact(
            [
                {
                    "Delete": {
                        "Key": db.to_item(keys.webhook(webhook_id)),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
                {
                    "Delete": {
                        "Key": db.to_item(keys.account_webhook(current["username"], webhook_id))
                    }
                },
                audit.entry_action(
                    entity_type=KIND,
                    entity_id=webhook_id,
                    action="delete",
                    version=version + 1,
                    actor=actor,
                    at=at,
                    changes={},
                ),
            ]
        )
    except db.ConditionFailed:
        raise _not_found(webhook_id) from None
    return _shown(current)


# --- deliveries -------------------------------------------------------------------------------


def delivery_id(webhook_id: str, appeal_id: str, version: int) -> str:
    return f"{webhook_id}.{appeal_id}.{version:06d}"


def actions(appeal: Appeal, event: TimelineEvent, epoch: int) -> list[dict[str, Any]]:
    """A delivery per webhook of the account that posted ``appeal``, for the event's
    transaction (none when the event is not handed back: ``domain/webhooks.HANDED_BACK``)."""
    if not rules.handed_back(appeal, event):
        return []
    hooks = db.query_all(
        key_condition="pk = :p",
        values={":p": keys.account_webhooks(appeal.posted_by or "")},
        consistent=True,
    )
    if not hooks:
        return []
    body = rules.encode(rules.payload(appeal, event)).decode()
    out = []
    for hook in hooks:
        did = delivery_id(hook["id"], appeal.id, event.version)
        item = {
            **keys.webhook_delivery(did),
            "gsi1pk": keys.webhook_deliveries(hook["id"]),
            "gsi1sk": f"{event.at}#{did}",
            "gsi2pk": PENDING,
            "gsi2sk": f"{appeal.id}#{event.version:06d}#{hook['id']}",
            "item_type": "webhook_delivery",
            "id": did,
            "webhook_id": hook["id"],
            "event_id": rules.event_id(appeal.id, event.version),
            "appeal_id": appeal.id,
            "version": event.version,
            "type": event.type.value,
            "body": body,
            "status": "pending",
            "attempts": 0,
            "next_at": epoch,
            "created_at": event.at,
            "expires_at": epoch + KEEP_SECONDS,
        }
        out.append({"Put": {"Item": db.to_item(item)}})
    return out


def deliveries(
    webhook_id: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """A webhook's deliveries, newest first (the log)."""
    _key(webhook_id)
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :p",
        values={":p": keys.webhook_deliveries(webhook_id)},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
    shown = []
    for i in items:
        d = records.strip_keys(i)
        d.pop("body", None)
        nxt_at = d.pop("next_at", None)
        d.pop("lease_until", None)
        if d.get("status") == "pending" and nxt_at is not None:
            d["next_attempt_at"] = _at(int(nxt_at))
        shown.append(d)
    return shown, nxt


def pending(page_size: int = 100) -> Iterator[dict[str, Any]]:
    """Every undelivered delivery (due or not), in appeal and event order."""
    cursor: str | None = None
    while True:
        items, cursor = db.query_page(
            index=keys.GSI2,
            key_condition="gsi2pk = :p",
            values={":p": PENDING},
            limit=page_size,
            cursor=cursor,
        )
        yield from items
        if cursor is None:
            return


def webhook_for_send(webhook_id: str) -> dict[str, Any] | None:
    """The webhook with its secret (the sender's only reader of it), or None if deleted."""
    return _with_secret(webhook_id)


def _update(delivery: str, expression: str, condition: str, values: dict[str, Any]) -> bool:
    return db.update_if(
        keys.webhook_delivery(delivery), expression, condition, values, {"#s": "status"}
    )


def claim(delivery: str, epoch: int) -> bool:
    """Take a due delivery for sending; False if it is not due or another run holds it."""
    return _update(
        delivery,
        "SET #s = :sending, lease_until = :until",
        "(#s = :pending AND next_at <= :now) OR (#s = :sending AND lease_until < :now)",
        {
            ":sending": "sending",
            ":pending": "pending",
            ":now": epoch,
            # a run that died mid-send leaves it to a later one, which sends it again
            ":until": epoch + settings().webhook_lease_seconds,
        },
    )


def mark_delivered(delivery: str, epoch: int, status: int) -> bool:
    """Off the pending list: the receiver answered 2xx."""
    return _update(
        delivery,
        "SET #s = :done, delivered_at = :at, last_status = :code, attempts = attempts + :one "
        "REMOVE gsi2pk, gsi2sk, lease_until, next_at, last_error",
        "#s = :sending",
        {
            ":done": "delivered",
            ":sending": "sending",
            ":at": _at(epoch),
            ":code": status,
            ":one": 1,
        },
    )


def mark_failed(delivery: str, epoch: int, failures: int, status: int | None, error: str) -> str:
    """A failed try: back on the pending list for the next try, or dead-lettered once tried
    for long enough (``domain/webhooks.next_try``). Returns the state it is left in."""
    at = rules.next_try(failures, epoch)
    values: dict[str, Any] = {
        ":sending": "sending",
        ":n": failures,
        ":e": error[:200] or "-",
        ":tried": _at(epoch),
    }
    sets = ["#s = :state", "attempts = :n", "last_error = :e", "tried_at = :tried"]
    removes = ["lease_until"]
    if status is None:  # no answer: no status to keep
        removes.append("last_status")
    else:
        sets.append("last_status = :code")
        values[":code"] = status
    if at is None:
        sets.append("dead_at = :tried")
        removes += ["gsi2pk", "gsi2sk", "next_at"]
        values[":state"] = state = "dead"
    else:
        sets.append("next_at = :next")
        values[":state"] = state = "pending"
        values[":next"] = at
    expression = f"SET {', '.join(sets)} REMOVE {', '.join(removes)}"
    _update(delivery, expression, "#s = :sending", values)
    return state
