"""Enterprises: by credit code, listed by code (or code prefix), searched by name prefix."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.enterprise import looks_like_uscc_prefix
from chalicelib.domain.models import Actor
from chalicelib.errors import AlreadyExists, NotFound, ReferenceMissing
from chalicelib.store import db, keys, records

KIND = "enterprise"


def _not_found(uscc: str) -> NotFound:
    return NotFound("enterprise_not_found", uscc=uscc)


def get(uscc: str) -> dict[str, Any]:
    """The enterprise with this credit code, or NotFound."""
    return records.load(keys.enterprise(uscc), _not_found(uscc))


def transferred_to(uscc: str, department_id: str) -> bool:
    """Whether an appeal of this enterprise was ever transferred to the department (a part
    for it exists, open, answered or returned): one strongly consistent Query of the
    markers the transfers wrote beside the enterprise (``keys.enterprise_part``), at most
    one item read."""
    resp = db.client().query(
        TableName=db.table(),
        KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues=db.to_values(
            {
                ":pk": keys.enterprise(uscc)["pk"],
                ":prefix": keys.enterprise_parts_prefix(department_id),
            }
        ),
        ConsistentRead=True,
        Limit=1,
        ProjectionExpression="pk",
    )
    return bool(resp.get("Items"))


def create(data: dict[str, Any], actor: Actor | None) -> dict[str, Any]:
    """Register an enterprise; a known credit code is AlreadyExists; a named commissioner
    must exist."""
    uscc, name = data["uscc"], data["name"]
    extra = []
    if data.get("commissioner_id"):
        extra.append(records.exists_check(keys.commissioner(data["commissioner_id"])))
    try:
        return records.create(
            kind=KIND,
            key=keys.enterprise(uscc),
            indexes=keys.enterprise_indexes(uscc, name),
            data=data,
            actor=actor,
            entity_id=uscc,
            exists_error=AlreadyExists("enterprise_exists", uscc=uscc),
            extra=extra,
        )
    except db.ConditionFailed:
        raise ReferenceMissing("commissioner_id", data.get("commissioner_id")) from None


def update(uscc: str, changes: dict[str, Any], version: int, actor: Actor | None) -> dict[str, Any]:
    """Change an enterprise's fields under its version."""
    current = get(uscc)
    extra = []
    if changes.get("commissioner_id"):
        extra.append(records.exists_check(keys.commissioner(changes["commissioner_id"])))
    name = changes.get("name", current["name"])
    try:
        return records.replace(
            kind=KIND,
            key=keys.enterprise(uscc),
            indexes=keys.enterprise_indexes(uscc, name),
            current=current,
            changes=changes,
            expected_version=version,
            actor=actor,
            entity_id=uscc,
            extra=extra,
        )
    except db.ConditionFailed:
        raise ReferenceMissing("commissioner_id", changes.get("commissioner_id")) from None


def get_many(usccs: list[str]) -> dict[str, dict[str, Any]]:
    """The registered enterprises among these credit codes, by code (strongly consistent,
    100 to a ``BatchGetItem``); codes not registered are absent."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(usccs), 100):
        chunk = [keys.enterprise(u) for u in usccs[start : start + 100]]
        for item in db.batch_get(chunk).values():
            record = records.strip_keys(item)
            found[record["uscc"]] = record
    return found


def update_from(current: dict[str, Any], changes: dict[str, Any], actor: Actor | None) -> dict:
    """Change an enterprise as it was read (``current``), under the version it was read at:
    if anyone changed it since, :class:`VersionConflict` and nothing is written."""
    uscc = current["uscc"]
    return records.replace(
        kind=KIND,
        key=keys.enterprise(uscc),
        indexes=keys.enterprise_indexes(uscc, changes.get("name", current["name"])),
        current=current,
        changes=changes,
        expected_version=current["version"],
        actor=actor,
        entity_id=uscc,
    )


def search(query: str | None, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    """A page of enterprises: all by credit code, or those whose code or name starts with
    ``query`` (an operator typing while the caller speaks)."""
    if not query:
        items, nxt = db.query_page(
            index=keys.GSI1,
            key_condition="gsi1pk = :k",
            values={":k": keys.ENTERPRISES},
            limit=limit,
            cursor=cursor,
        )
    elif looks_like_uscc_prefix(query):
        items, nxt = db.query_page(
            index=keys.GSI1,
            key_condition="gsi1pk = :k AND begins_with(gsi1sk, :p)",
            values={":k": keys.ENTERPRISES, ":p": query.upper()},
            limit=limit,
            cursor=cursor,
        )
    else:
        items, nxt = db.query_page(
            index=keys.GSI2,
            key_condition="gsi2pk = :k AND begins_with(gsi2sk, :p)",
            values={":k": keys.enterprise_name_partition(query), ":p": query},
            limit=limit,
            cursor=cursor,
        )
    return [records.strip_keys(i) for i in items], nxt


def count() -> int:
    """How many enterprises are registered (a ``COUNT`` Query of the list: keys only, no
    items returned) — a job's total, for its progress."""
    params: dict[str, Any] = {
        "TableName": db.table(),
        "IndexName": keys.GSI1,
        "KeyConditionExpression": "gsi1pk = :k",
        "ExpressionAttributeValues": db.to_values({":k": keys.ENTERPRISES}),
        "Select": "COUNT",
    }
    total = 0
    while True:
        resp = db.client().query(**params)
        total += int(resp.get("Count", 0))
        if not resp.get("LastEvaluatedKey"):
            return total
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
