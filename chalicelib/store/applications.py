"""Project applications (R1.4): each application a versioned, audited record; beside its
policy, one guard item per enterprise that makes "one open application per enterprise and
policy" hold under concurrent submissions; the inbox notifications of each step (and the
SMS of a decision, in the outbox) written in the step's own transaction.

Keys (docs/data-model.md):
- ``APPL#{id}`` / ``APPL``: the application; gsi1 ``APPL#ENT#{uscc}`` by submission time
  (the enterprise's list), gsi2 ``APPL#Q#{reviewer}`` by ``{rank}#{submitted_at}`` (the
  reviewer's queue: waiting, then under review, then decided).
- ``POLICY#{policy_id}`` / ``APPLICANT#{uscc}``: the guard, with the application's id and
  whether it is still ``open`` (an enterprise may apply again once it is not).
"""

from __future__ import annotations

import time
from typing import Any

from chalicelib.domain.applications import FINAL, KINDS, REAPPLY_AFTER, Application, Status
from chalicelib.domain.applications import audiences as step_audiences
from chalicelib.domain.models import Actor
from chalicelib.errors import AlreadyExists, NotFound
from chalicelib.store import db, keys, notifications, outbox, records

KIND = "application"

#: The queue's order: waiting first, then under review, then decided (oldest first in each).
_RANK = {
    Status.SUBMITTED: "0",
    Status.UNDER_REVIEW: "1",
    Status.APPROVED: "2",
    Status.REJECTED: "2",
    Status.WITHDRAWN: "2",
}


_key = keys.application
_guard = keys.applicant


def _indexes(a: Application) -> dict[str, str]:
    reviewer = a.reviewer_department_id or "centre"
    return {
        "gsi1pk": keys.enterprise_applications(a.uscc),
        "gsi1sk": f"{a.submitted_at}#{a.id}",
        "gsi2pk": keys.review_queue(reviewer),
        "gsi2sk": f"{_RANK[a.status]}#{a.submitted_at}#{a.id}",
    }


def _data(a: Application) -> dict[str, Any]:
    return a.model_dump(mode="json", exclude={"version", "created_at", "updated_at"})


def _not_found(application_id: str) -> NotFound:
    return NotFound("application_not_found", id=application_id[:40])


def _notices(a: Application) -> list[dict[str, Any]]:
    """The inbox notifications of the step ``a`` has just taken."""
    epoch = int(time.time())
    return [
        notifications.put_action(
            audience,
            KINDS[a.status],
            f"{a.policy_title}:{a.form.project_name}",
            a.updated_at,
            epoch,
            policy_id=a.policy_id,
            application_id=a.id,
        )
        for audience in step_audiences(a, a.status)
    ]


def get(application_id: str) -> Application:
    if len(application_id) > 40:
        raise _not_found(application_id)
    return Application.model_validate(
        records.load(_key(application_id), _not_found(application_id))
    )


def create(a: Application, actor: Actor) -> Application:
    """Write a new application, its guard (refused while the enterprise has an open or
    approved application to the policy: 409 ``application_exists``) and its notifications,
    in one transaction."""
    guard = {
        **_guard(a.policy_id, a.uscc),
        "item_type": "application_guard",
        "application_id": a.id,
        "open": True,
    }
    guard_put = {
        "Put": {
            "Item": db.to_item(guard),
            "ConditionExpression": "attribute_not_exists(pk) OR #open = :closed",
            "ExpressionAttributeNames": {"#open": "open"},
            "ExpressionAttributeValues": db.to_values({":closed": False}),
        }
    }
    try:
        record = records.create(
            kind=KIND,
            key=_key(a.id),
            indexes=_indexes(a),
            data=_data(a),
            actor=actor,
            entity_id=a.id,
            exists_error=AlreadyExists("already_exists", id=a.id),
            extra=[guard_put, *_notices(a)],
        )
    except db.ConditionFailed as exc:
        if exc.failed(2):
            existing = db.get(_guard(a.policy_id, a.uscc)) or {}
            raise AlreadyExists(
                "application_exists", id=str(existing.get("application_id", ""))
            ) from None
        raise
    return Application.model_validate(record)


def replace(before: Application, after: Application, actor: Actor) -> Application:
    """Write a step under the version read (a stale one is 409 and writes nothing); a final
    step closes the guard so the enterprise may apply again (not after an approval)."""
    extra = _notices(after) + outbox.application_actions(after, int(time.time()))
    if after.status in FINAL and before.status not in FINAL:
        extra.append(
            {
                "Update": {
                    "Key": db.to_item(_guard(after.policy_id, after.uscc)),
                    "UpdateExpression": "SET #open = :open",
                    "ConditionExpression": "application_id = :id",
                    "ExpressionAttributeNames": {"#open": "open"},
                    "ExpressionAttributeValues": db.to_values(
                        {":open": after.status not in REAPPLY_AFTER, ":id": after.id}
                    ),
                }
            }
        )
    record = records.replace(
        kind=KIND,
        key=_key(before.id),
        indexes=_indexes(after),
        current=_data(before)
        | {
            "version": before.version,
            "created_at": before.created_at,
            "updated_at": before.updated_at,
        },
        changes=_data(after),
        expected_version=before.version,
        actor=actor,
        entity_id=before.id,
        extra=extra,
    )
    return Application.model_validate(record)


def page_of_enterprise(
    uscc: str, limit: int, cursor: str | None
) -> tuple[list[Application], str | None]:
    """An enterprise's applications, the newest first."""
    items, nxt = db.query_page(
        index="gsi1",
        key_condition="gsi1pk = :pk",
        values={":pk": keys.enterprise_applications(uscc)},
        limit=limit,
        cursor=cursor,
        forward=False,
    )
    return [Application.model_validate(records.strip_keys(i)) for i in items], nxt


def page_of_queue(
    reviewer: str, open_only: bool, limit: int, cursor: str | None
) -> tuple[list[Application], str | None]:
    """A reviewer's queue: waiting ones first, then those under review, the oldest first in
    each; with ``open_only`` nothing decided or withdrawn."""
    condition = "gsi2pk = :pk AND gsi2sk < :decided" if open_only else "gsi2pk = :pk"
    values: dict[str, Any] = {":pk": keys.review_queue(reviewer)}
    if open_only:
        values[":decided"] = _RANK[Status.APPROVED]
    items, nxt = db.query_page(
        index="gsi2", key_condition=condition, values=values, limit=limit, cursor=cursor
    )
    return [Application.model_validate(records.strip_keys(i)) for i in items], nxt


def of_policy(
    policy_id: str, limit: int, cursor: str | None
) -> tuple[list[Application], str | None]:
    """The applications to a policy, one per enterprise (its latest), by credit code."""
    guards, nxt = db.query_page(
        index=None,
        key_condition="pk = :pk AND begins_with(sk, :applicant)",
        values={":pk": keys.policy_partition(policy_id), ":applicant": keys.APPLICANTS_FROM},
        limit=limit,
        cursor=cursor,
    )
    found = db.batch_get([_key(str(g["application_id"])) for g in guards])
    out = []
    for g in guards:
        key = keys.application(str(g["application_id"]))
        item = found.get((key["pk"], key["sk"]))
        if item is not None:
            out.append(Application.model_validate(records.strip_keys(item)))
    return out, nxt
