"""The inbox: notifications by audience (newest first), written in the same transaction as
the event that causes them, and each user's read marks."""

from __future__ import annotations

import time
import uuid
from typing import Any

from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.notifications import Notification, audiences
from chalicelib.store import db, keys, records

#: Notifications are kept for a year, then TTL removes them.
KEEP_SECONDS = 366 * 86400


_partition = keys.inbox


def actions(appeal: Appeal, event: TimelineEvent, epoch: int) -> list[dict[str, Any]]:
    """The ``Put`` of each notification of ``event`` (for the event's own transaction)."""
    out = []
    for audience in audiences(appeal, event):
        nid = uuid.uuid4().hex[:12]
        item = {
            "pk": _partition(audience),
            # the business time, then the real write time: newest first even within a second
            "sk": f"{event.at}#{time.time_ns():020d}#{nid}",
            "item_type": "notification",
            "id": nid,
            "audience": audience,
            "kind": event.type,
            "appeal_id": appeal.id,
            "title": appeal.title,
            "at": event.at,
            "by": event.actor.display_name if event.actor else None,
            "expires_at": epoch + KEEP_SECONDS,
        }
        out.append({"Put": {"Item": db.to_item(item)}})
    return out


def put(
    audience: str, kind: str, title: str, at: str, epoch: int, month: str | None = None
) -> None:
    """A notification not caused by an appeal event (a month flagged without a meeting)."""
    action = put_action(audience, kind, title, at, epoch, month=month)
    db.client().put_item(TableName=db.table(), **action["Put"])


def put_action(
    audience: str,
    kind: str,
    title: str,
    at: str,
    epoch: int,
    *,
    month: str | None = None,
    notice_id: str | None = None,
    policy_id: str | None = None,
    application_id: str | None = None,
    stable_id: str | None = None,
) -> dict[str, Any]:
    """The ``Put`` of a notification not caused by an appeal event (a month without a
    meeting; a published notice; a policy that matches; a step of a project application),
    for a transaction or a single write. ``stable_id``: the same notification written twice
    is one (a retried job)."""
    nid = stable_id or uuid.uuid4().hex[:12]
    item = {
        "pk": _partition(audience),
        "sk": f"{at}#{nid}" if stable_id else f"{at}#{time.time_ns():020d}#{nid}",
        "item_type": "notification",
        "id": nid,
        "audience": audience,
        "kind": kind,
        "appeal_id": None,  # not about an appeal
        "title": title,
        "at": at,
        "month": month,
        "notice_id": notice_id,
        "policy_id": policy_id,
        "application_id": application_id,
        "expires_at": epoch + KEEP_SECONDS,
    }
    return {"Put": {"Item": db.to_item(item)}}


_marks_key = keys.inbox_read_marks


def marks(username: str) -> tuple[str, set[str]]:
    """(everything up to this time is read, ids read after it)."""
    item = db.get(_marks_key(username)) or {}
    # "0" sorts before every time: nothing read yet (a key condition cannot compare with "")
    return str(item.get("read_until") or "0"), set(item.get("read_ids", []) or [])


def page(
    audience: str, username: str, limit: int, cursor: str | None
) -> tuple[list[Notification], str | None, int]:
    """A page of an inbox, newest first, with each item's read state, and the unread count."""
    read_until, read_ids = marks(username)
    items, nxt = db.query_page(
        index=None,
        key_condition="pk = :p",
        values={":p": _partition(audience)},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
    shown = [
        Notification.model_validate(
            {
                **{k: v for k, v in records.strip_keys(i).items() if k != "expires_at"},
                "read": i["at"] <= read_until or i["id"] in read_ids,
            }
        )
        for i in items
    ]
    return shown, nxt, unread(audience, read_until, read_ids)


def unread(audience: str, read_until: str, read_ids: set[str]) -> int:
    """How many notifications arrived after ``read_until`` and are not marked read."""
    params: dict[str, Any] = {
        "TableName": db.table(),
        "KeyConditionExpression": "pk = :p AND sk > :t",
        "ExpressionAttributeValues": db.to_values({":p": _partition(audience), ":t": read_until}),
        "ProjectionExpression": "id",
    }
    count = 0
    while True:
        resp = db.client().query(**params)
        count += sum(1 for i in resp.get("Items", []) if i["id"]["S"] not in read_ids)
        if not resp.get("LastEvaluatedKey"):
            return count
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def _ids_after(audience: str, after: str) -> list[str]:
    resp = db.client().query(
        TableName=db.table(),
        KeyConditionExpression="pk = :p AND sk > :t",
        ExpressionAttributeValues=db.to_values({":p": _partition(audience), ":t": after}),
        ProjectionExpression="id",
    )
    return [i["id"]["S"] for i in resp.get("Items", [])]


def mark_read(
    username: str, ids: list[str], everything_until: str | None, audience: str = ""
) -> None:
    """Mark some notifications read, or everything up to a time. Times have whole seconds,
    so "everything" is up to the second before, plus the ids of that last second by name
    (older read ids are forgotten: the time covers them)."""
    if everything_until:
        recent = _ids_after(audience, everything_until)
        item: dict[str, Any] = {**_marks_key(username), "read_until": everything_until}
        if recent:
            item["read_ids"] = set(recent)
        db.client().put_item(TableName=db.table(), Item=db.to_item(item))
        return
    if ids:
        db.client().update_item(
            TableName=db.table(),
            Key=db.to_item(_marks_key(username)),
            UpdateExpression="ADD read_ids :ids",
            ExpressionAttributeValues={":ids": {"SS": sorted(set(ids))}},
        )


def write(actions: list[dict[str, Any]]) -> None:
    """Write ``Put`` actions made by :func:`put_action` outside a transaction."""
    for action in actions:
        db.client().put_item(TableName=db.table(), **action["Put"])


def write_batch(actions: list[dict[str, Any]]) -> None:
    """Write ``Put`` actions of :func:`put_action` 25 to a ``BatchWriteItem`` (the unprocessed
    ones again): a job notifying many audiences."""
    for start in range(0, len(actions), 25):
        pending = [{"PutRequest": {"Item": a["Put"]["Item"]}} for a in actions[start : start + 25]]
        while pending:
            resp = db.client().batch_write_item(RequestItems={db.table(): pending})
            pending = resp.get("UnprocessedItems", {}).get(db.table(), [])
