"""Joint meetings (集中会办): one item per month, versioned and audited; a decision is written
in one transaction with the appeal it puts under supervision."""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.domain.appeal.decision import Decision
from chalicelib.domain.meetings import Meeting
from chalicelib.domain.models import Actor
from chalicelib.errors import AlreadyExists, NotFound, VersionConflict
from chalicelib.store import appeals as appeal_store
from chalicelib.store import audit, db, directory, keys, records

KIND = "meeting"


def _key(month: str) -> dict[str, str]:
    return keys.meeting(month)


def _indexes(month: str) -> dict[str, str]:
    return {"gsi1pk": keys.MEETINGS, "gsi1sk": month}


def find(month: str) -> Meeting | None:
    item = db.get(_key(month))
    return Meeting.model_validate(records.strip_keys(item)) if item else None


def get(month: str) -> Meeting:
    found = find(month)
    if found is None:
        raise NotFound("meeting_not_found", month=month)
    return found


def page(limit: int, cursor: str | None) -> tuple[list[Meeting], str | None]:
    """Meetings, the latest month first."""
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k",
        values={":k": keys.MEETINGS},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
    return [Meeting.model_validate(records.strip_keys(i)) for i in items], nxt


def _data(m: Meeting) -> dict[str, Any]:
    return m.model_dump(mode="json", exclude={"version", "created_at", "updated_at"})


def save(before: Meeting | None, after: Meeting, actor: Actor | None) -> Meeting:
    """Create (``before`` None) or change a meeting under its version."""
    if before is None:
        record = records.create(
            kind=KIND,
            key=_key(after.id),
            indexes=_indexes(after.id),
            data=_data(after),
            actor=actor,
            entity_id=after.id,
            exists_error=AlreadyExists("meeting_exists", month=after.id),
        )
    else:
        record = records.replace(
            kind=KIND,
            key=_key(after.id),
            indexes=_indexes(after.id),
            current={**_data(before), "version": before.version, "created_at": before.created_at},
            changes=_data(after),
            expected_version=before.version,
            actor=actor,
            entity_id=after.id,
        )
    return Meeting.model_validate(record)


def decide(
    before: Meeting, after: Meeting, appeal_before: Any, decision: Decision, actor: Actor
) -> Meeting:
    """The meeting's decision and the appeal's supervision, in one transaction."""
    at = clock.iso(clock.now())
    version = before.version + 1
    item = {
        **_key(after.id),
        **_indexes(after.id),
        "item_type": KIND,
        **_data(after),
        "version": version,
        "created_at": before.created_at,
        "updated_at": at,
    }
    actions: list[dict[str, Any]] = [
        {
            "Put": {
                "Item": db.to_item(item),
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": db.to_values({":v": before.version}),
            }
        },
        audit.entry_action(
            entity_type=KIND,
            entity_id=after.id,
            action="decide",
            version=version,
            actor=actor,
            at=at,
            changes={"agenda": [i.model_dump(mode="json") for i in after.agenda if i.decision]},
        ),
        *appeal_store.event_actions(appeal_before, decision),
    ]
    try:
        db.transact(actions)
    except db.ConditionFailed as exc:
        if decision.departments_used and exc.failed(len(actions) - 1):
            # a department closed between the check and the write
            raise directory.gone_inactive((), decision.departments_used) from None
        raise VersionConflict("stale_version", given=before.version) from None
    except db.TransactionConflict:
        raise VersionConflict("stale_version", given=before.version) from None
    return Meeting.model_validate(records.strip_keys(item))
