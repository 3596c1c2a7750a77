"""The outbox: messages to send (SMS), written with the event that causes them and kept on
a sparse pending list until the outbox job has sent them."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.domain.appeals import Appeal, TimelineEvent
from chalicelib.domain.outbox import messages
from chalicelib.store import db

PENDING = "OUTBOX#pending"


def actions(appeal: Appeal, event: TimelineEvent, epoch: int) -> list[dict[str, Any]]:
    out = []
    for channel, recipient, text in messages(appeal, event):
        mid = uuid.uuid4().hex[:16]
        item = {
            "pk": f"OUTBOX#{mid}",
            "sk": "OUTBOX",
            "gsi1pk": PENDING,
            "gsi1sk": f"{event.at}#{mid}",
            "item_type": "outbox",
            "id": mid,
            "channel": channel,
            "to": recipient,
            "text": text,
            "appeal_id": appeal.id,
            "status": "pending",
            "created_at": event.at,
            "expires_at": epoch + 90 * 86400,
        }
        out.append({"Put": {"Item": db.to_item(item)}})
    return out


def pending(limit: int = 50) -> list[dict[str, Any]]:
    items, _ = db.query_page(
        index="gsi1",
        key_condition="gsi1pk = :p",
        values={":p": PENDING},
        limit=limit,
        cursor=None,
    )
    return items


def mark_sent(message_id: str, at: str, provider_id: str) -> bool:
    """Take a message off the pending list once sent; False if another run did first."""
    from botocore.exceptions import ClientError

    try:
        db.client().update_item(
            TableName=db.table(),
            Key=db.to_item({"pk": f"OUTBOX#{message_id}", "sk": "OUTBOX"}),
            UpdateExpression="SET #s = :sent, sent_at = :at, provider_id = :pid "
            "REMOVE gsi1pk, gsi1sk",
            ConditionExpression="#s = :pending",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=db.to_values(
                {":sent": "sent", ":pending": "pending", ":at": at, ":pid": provider_id}
            ),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True
