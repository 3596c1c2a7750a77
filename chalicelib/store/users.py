"""Users, keyed by their identity provider's issuer and subject; usernames are unique."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.models import Actor
from chalicelib.errors import AlreadyExists, NotFound, ReferenceMissing
from chalicelib.store import db, keys, records

KIND = "user"

#: The binding fields and the key of the record each must point at.
_REFERENCES = {
    "enterprise_uscc": keys.enterprise,
    "commissioner_id": keys.commissioner,
    "department_id": keys.department,
}


def by_identity(issuer: str, subject: str) -> dict[str, Any] | None:
    """The user a token's ``iss`` and ``sub`` belong to, or ``None``."""
    item = db.get(keys.user(issuer, subject), consistent=False)
    return records.strip_keys(item) if item else None


def by_username(username: str) -> dict[str, Any]:
    """The user with this username, or NotFound."""
    items, _ = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k AND gsi1sk = :u",
        values={":k": keys.USERS, ":u": username},
        limit=1,
        cursor=None,
    )
    if not items:
        raise NotFound("user_not_found", username=username)
    return records.strip_keys(items[0])


def _reference_checks(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    actions, fields = [], []
    for field, key_of in _REFERENCES.items():
        if data.get(field):
            actions.append(records.exists_check(key_of(data[field])))
            fields.append(field)
    return actions, fields


def create(data: dict[str, Any], actor: Actor | None) -> dict[str, Any]:
    """Register a user: unique username, unique identity, bindings that exist."""
    checks, fields = _reference_checks(data)
    guard = {
        "Put": {
            "Item": db.to_item(
                {
                    **keys.username(data["username"]),
                    "issuer": data["issuer"],
                    "subject": data["subject"],
                }
            ),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }
    try:
        return records.create(
            kind=KIND,
            key=keys.user(data["issuer"], data["subject"]),
            indexes=keys.user_indexes(data["username"]),
            data=data,
            actor=actor,
            entity_id=data["username"],
            exists_error=AlreadyExists("id_exists", id=f"{data['issuer']}#{data['subject']}"),
            extra=[guard, *checks],
        )
    except db.ConditionFailed as exc:
        if exc.failed(2):
            raise AlreadyExists("username_exists", username=data["username"]) from None
        failed = [f for i, f in enumerate(fields) if exc.failed(3 + i)]
        attribute = failed[0] if failed else "username"
        raise ReferenceMissing(attribute, data.get(attribute)) from None


def update(username: str, changes: dict[str, Any], version: int, actor: Actor | None) -> dict:
    """Change a user's role, bindings, name or status under its version."""
    current = by_username(username)
    checks, fields = _reference_checks(changes)
    try:
        return records.replace(
            kind=KIND,
            key=keys.user(current["issuer"], current["subject"]),
            indexes=keys.user_indexes(username),
            current=current,
            changes=changes,
            expected_version=version,
            actor=actor,
            entity_id=username,
            extra=checks,
        )
    except db.ConditionFailed as exc:
        failed = [f for i, f in enumerate(fields) if exc.failed(2 + i)]
        attribute = failed[0] if failed else "username"
        raise ReferenceMissing(attribute, changes.get(attribute)) from None


def page(limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Users in username order."""
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k",
        values={":k": keys.USERS},
        limit=limit,
        cursor=cursor,
    )
    return [records.strip_keys(i) for i in items], nxt
