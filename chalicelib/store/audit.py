"""The audit trail (审计留痕): who changed what and when, written in the same transaction as
the change itself, so no change exists without its entry."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.domain.models import Actor
from chalicelib.store import db, keys


def entry_action(
    *,
    entity_type: str,
    entity_id: str,
    action: str,
    version: int,
    actor: Actor | None,
    at: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """The ``Put`` of one audit entry, for a caller's transaction."""
    event_id = uuid.uuid4().hex[:12]
    item = {
        **keys.audit(entity_type, entity_id, version),
        **keys.audit_indexes(at[:7], at, event_id),
        "item_type": "audit",
        "entity_type": entity_type,
        "entity_id": entity_id,
        "action": action,
        "version": version,
        "actor": actor.model_dump(mode="json") if actor else None,
        "at": at,
        "changes": changes,
    }
    return {"Put": {"Item": db.to_item(item)}}


def of_entity(
    entity_type: str, entity_id: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One entity's audit entries, newest first."""
    return db.query_page(
        index=None,
        key_condition="pk = :pk",
        values={":pk": keys.audit_partition(entity_type, entity_id)},
        limit=limit,
        cursor=cursor,
        forward=False,
    )


def of_month(month: str, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Every audit entry of a month (``YYYY-MM``, Beijing time), newest first."""
    return db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :pk",
        values={":pk": keys.audit_month(month)},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
