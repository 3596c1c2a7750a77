"""The directory: one item summarising every commissioner (name, kind, coverage, active) and
department (name, active), so routing a new appeal and checking a transfer read them in the
same request as everything else, not one Query per catalog.

Each commissioner or department write updates its own attribute of the item in the same
transaction (:func:`entry_action`), so the directory never disagrees with the catalogs. A warm
Lambda keeps it for ``directory_cache_seconds``; anything decided from the cached copy is
checked again inside the write (:func:`active_check`), so a stale cache can cost a retry but
never route to a commissioner just deactivated or transfer to a department just closed.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from chalicelib.config import settings
from chalicelib.domain.appeal.decision import DepartmentInfo, Directory
from chalicelib.domain.models import Coverage
from chalicelib.domain.routing import Candidate
from chalicelib.errors import ReferencesInactive
from chalicelib.store import db, keys

_lock = threading.Lock()
_cached: tuple[float, Directory] | None = None


def entry_action(prefix: str, record: dict[str, Any]) -> dict[str, Any]:
    """The ``Update`` that writes one record's summary into the directory."""
    summary: dict[str, Any] = {"name": record["name"], "active": record.get("active", True)}
    if record.get("email"):
        summary["email"] = record["email"]
    if prefix == keys.COMMISSIONER:
        summary["kind"] = record["kind"]
        summary["coverage"] = record["coverage"]
    return {
        "Update": {
            "Key": db.to_item(keys.DIRECTORY),
            "UpdateExpression": "SET #e = :e",
            "ExpressionAttributeNames": {"#e": keys.directory_attribute(prefix, record["id"])},
            "ExpressionAttributeValues": db.to_values({":e": summary}),
        }
    }


def active_check(
    commissioner_ids: tuple[str, ...] = (), department_ids: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One ``ConditionCheck`` (a transaction may touch an item once) that every commissioner
    and department named exists and is active."""
    attrs = [keys.directory_attribute(keys.COMMISSIONER, c) for c in commissioner_ids] + [
        keys.directory_attribute(keys.DEPARTMENT, d) for d in department_ids
    ]
    names = {f"#e{i}": attr for i, attr in enumerate(attrs)}
    return {
        "ConditionCheck": {
            "Key": db.to_item(keys.DIRECTORY),
            "ConditionExpression": " AND ".join(f"{n}.active = :t" for n in names),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": db.to_values({":t": True}),
        }
    }


def parse(item: dict[str, Any] | None) -> Directory:
    """The directory from its stored item (``None``: empty)."""
    commissioners: dict[str, Candidate] = {}
    departments: dict[str, DepartmentInfo] = {}
    for attr, value in (item or {}).items():
        prefix, _, record_id = attr.partition("#")
        if not record_id or not isinstance(value, dict):
            continue
        if prefix == keys.COMMISSIONER:
            commissioners[record_id] = Candidate(
                id=record_id,
                name=value["name"],
                kind=value["kind"],
                coverage=Coverage.model_validate(value["coverage"]),
                active=bool(value.get("active", True)),
                email=value.get("email"),
            )
        elif prefix == keys.DEPARTMENT:
            departments[record_id] = DepartmentInfo(
                id=record_id,
                name=value["name"],
                active=bool(value.get("active", True)),
                email=value.get("email"),
            )
    return Directory(commissioners=commissioners, departments=departments)


def _rebuild() -> dict[str, Any]:
    """Write the directory from the catalogs (data written before the directory existed)."""
    from botocore.exceptions import ClientError

    item: dict[str, Any] = dict(keys.DIRECTORY)
    for prefix in (keys.COMMISSIONER, keys.DEPARTMENT):
        cursor = None
        while True:
            records, cursor = db.query_page(
                index=keys.GSI1,
                key_condition="gsi1pk = :k",
                values={":k": prefix},
                limit=100,
                cursor=cursor,
            )
            for record in records:
                update = entry_action(prefix, record)["Update"]
                item[keys.directory_attribute(prefix, record["id"])] = db.from_item(
                    update["ExpressionAttributeValues"]
                )[":e"]
            if cursor is None:
                break
    try:
        db.client().put_item(
            TableName=db.table(),
            Item=db.to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return db.get(keys.DIRECTORY) or item
    return item


def remember(item: dict[str, Any] | None) -> Directory:
    """Parse a directory item read along with other items, and cache it."""
    global _cached
    directory = parse(item if item is not None else _rebuild())
    with _lock:
        _cached = (time.monotonic(), directory)
    return directory


def cached() -> Directory | None:
    """The cached directory if still fresh, else ``None`` (read it with the next request)."""
    ttl = settings().directory_cache_seconds
    with _lock:
        entry = _cached
    if entry is None or ttl <= 0 or time.monotonic() - entry[0] > ttl:
        return None
    return entry[1]


def forget() -> None:
    """Drop the cached copy (a write's check found it stale; tests)."""
    global _cached
    with _lock:
        _cached = None


def read(commissioner_ids: tuple[str, ...] = (), department_ids: tuple[str, ...] = ()) -> Directory:
    """The directory: the cached copy, or one GetItem. A cached copy that lacks one of the ids
    named (or has it inactive) is read again, so a record created a moment ago is found."""
    current = cached()
    if current is not None and _knows(current, commissioner_ids, department_ids):
        return current
    return remember(db.get(keys.DIRECTORY))


def _knows(
    d: Directory, commissioner_ids: tuple[str, ...], department_ids: tuple[str, ...]
) -> bool:
    return all(
        c in d.commissioners and d.commissioners[c].active for c in commissioner_ids
    ) and all(x in d.departments and d.departments[x].active for x in department_ids)


def gone_inactive(
    commissioner_ids: tuple[str, ...], department_ids: tuple[str, ...]
) -> ReferencesInactive:
    """After a write's check of these found one inactive: which, on the directory read
    afresh (the cached copy is dropped)."""
    forget()
    fresh = read()
    return ReferencesInactive(
        tuple(
            c
            for c in commissioner_ids
            if c not in fresh.commissioners or not fresh.commissioners[c].active
        ),
        tuple(
            d
            for d in department_ids
            if d not in fresh.departments or not fresh.departments[d].active
        ),
    )
