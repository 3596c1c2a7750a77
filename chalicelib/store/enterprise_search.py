"""Finding the caller (docs/search.md): the register snapshot in S3, the change list beside it
in DynamoDB, the index each Lambda container keeps in memory, and the contact phones' index.

- Every enterprise write puts its search row in the change list (``keys.enterprise_change``,
  by the real time it was written) in the same transaction as the enterprise
  (:func:`write_actions`), with the contact phones it adds or drops.
- A job (``jobs/search_snapshot.py``: every few minutes, and after an import) folds the
  changes into the snapshot object (``SNAPSHOT_KEY`` in the reports bucket) and moves the
  pointer item (``keys.ENTERPRISE_SNAPSHOT``) to the new snapshot's stamp.
- A search (:func:`find`) reads, in ONE strongly consistent Query of the change list, the
  rows written since the snapshot this container holds and the pointer (it sorts after every
  change), overlays them on the snapshot's index and searches in memory. A write is found by
  the next search; the container re-reads the snapshot when the pointer names a newer one,
  at most every ``RELOAD_SECONDS``.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from chalicelib.domain import search
from chalicelib.store import db, files, keys

#: The register snapshot (reports bucket; replaced whole by each fold).
SNAPSHOT_KEY = "search/register.json.gz"
#: A container looks for a newer snapshot at most this often (seconds).
RELOAD_SECONDS = 5.0
#: Change items are kept this long (TTL); the fold runs every few minutes.
CHANGE_DAYS = 30


def stamp(at_ns: int | None = None) -> str:
    """A change list stamp: real time (not the business clock) in nanoseconds, 20 digits."""
    return f"{(time.time_ns() if at_ns is None else at_ns):020d}"


def _phones(record: dict[str, Any] | None) -> set[str]:
    return {str(c["phone"]) for c in (record or {}).get("contacts") or [] if c.get("phone")}


def write_actions(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """What joins an enterprise write's transaction: its search row in the change list, and
    the phone index's items for the contact phones it adds (Put) or drops (Delete)."""
    uscc = str(after["uscc"])
    row = search.row_of(after)
    expires = int(time.time()) + CHANGE_DAYS * 86400
    change = {
        **keys.enterprise_change(stamp(), uscc),
        "item_type": "enterprise_change",
        # one string, not nested lists: every search reads these, a string is cheapest
        "row": json.dumps(row.to_json(), ensure_ascii=False, separators=(",", ":")),
        "expires_at": expires,
    }
    actions: list[dict[str, Any]] = [{"Put": {"Item": db.to_item(change)}}]
    old, new = _phones(before), _phones(after)
    for phone in sorted(new - old):
        item = {**keys.enterprise_phone(phone, uscc), "item_type": "enterprise_phone", "uscc": uscc}
        actions.append({"Put": {"Item": db.to_item(item)}})
    for phone in sorted(old - new):
        actions.append({"Delete": {"Key": db.to_item(keys.enterprise_phone(phone, uscc))}})
    return actions


def usccs_by_contact_phone(phone: str) -> list[str]:
    """The enterprises one of whose contacts has this phone (one strongly consistent Query)."""
    items, _ = db.query_page(
        index=None,
        key_condition="pk = :p",
        values={":p": keys.enterprise_phone_partition(phone)},
        limit=100,
        cursor=None,
        consistent=True,
    )
    return [str(i["uscc"]) for i in items]


# --- the snapshot --------------------------------------------------------------------------


def pointer() -> dict[str, Any] | None:
    """The latest snapshot's pointer (``stamp``, ``rows``, ``built_at``, ``full_at``)."""
    return db.get(keys.ENTERPRISE_SNAPSHOT)


def read_snapshot() -> tuple[str, list[search.Row]] | None:
    """(stamp, rows) of the stored snapshot; ``None`` when there is none yet."""
    from botocore.exceptions import ClientError

    try:
        blob = files.read(SNAPSHOT_KEY)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise
    return search.load_snapshot(blob)


def write_snapshot(rows: list[search.Row], at: str, built_at: str, full: bool) -> bool:
    """Store a snapshot of the register as it was at ``at`` and point to it, unless a
    newer one was pointed to meanwhile (False then; the object is theirs or ours, and
    either is right: its stamp is inside it)."""
    files.put(SNAPSHOT_KEY, search.dump_snapshot(rows, at, built_at), "application/gzip")
    item: dict[str, Any] = {
        **keys.ENTERPRISE_SNAPSHOT,
        "item_type": "enterprise_snapshot",
        "stamp": at,
        "rows": len(rows),
        "built_at": built_at,
    }
    expression = "SET stamp = :s, #r = :n, built_at = :b, item_type = :t"
    values: dict[str, Any] = {
        ":s": at,
        ":n": len(rows),
        ":b": built_at,
        ":t": item["item_type"],
    }
    if full:
        expression += ", full_at = :b"
    return db.update_if(
        keys.ENTERPRISE_SNAPSHOT,
        expression,
        "attribute_not_exists(stamp) OR stamp < :s",
        values,
        {"#r": "rows"},
    )


def changes(after: str, until: str | None = None) -> tuple[list[search.Row], dict[str, Any] | None]:
    """The rows written after ``after`` (up to ``until``), oldest first, and the snapshot
    pointer: one strongly consistent Query (more only past 1 MB of changes)."""
    values: dict[str, Any] = {
        ":p": keys.ENTERPRISE_SEARCH,
        ":a": keys.enterprise_changes_after(after),
    }
    condition = "pk = :p AND sk > :a"
    if until is not None:
        condition = "pk = :p AND sk BETWEEN :a AND :u"
        values[":u"] = keys.enterprise_changes_after(until) + "~"
    params: dict[str, Any] = {
        "TableName": db.table(),
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": db.to_values(values),
        "ConsistentRead": True,
        # only what is read: a change's row (one string) and the pointer's stamp
        "ProjectionExpression": "sk, #r, stamp",
        "ExpressionAttributeNames": {"#r": "row"},
    }
    rows: list[search.Row] = []
    found_pointer: dict[str, Any] | None = None
    while True:
        resp = db.client().query(**params)
        for raw in resp.get("Items", []):
            sk = raw["sk"]["S"]
            if sk == keys.ENTERPRISE_SNAPSHOT["sk"]:
                found_pointer = db.from_item(raw)
            elif sk > values[":a"] and "row" in raw:  # BETWEEN includes its lower bound
                rows.append(search.Row.from_json(json.loads(raw["row"]["S"])))
        if not resp.get("LastEvaluatedKey"):
            return rows, found_pointer
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


# --- the container's index -----------------------------------------------------------------


@dataclass
class _Held:
    index: search.Index
    checked: float  # monotonic time of the last look at the stored snapshot


_lock = threading.Lock()
_held: _Held | None = None


def forget() -> None:
    """Drop this container's index (tests; the next search loads the snapshot again)."""
    global _held
    with _lock:
        _held = None


def _load() -> search.Index:
    found = read_snapshot()
    if found is None:  # a new stage: every write is still in the change list
        return search.Index([], "")
    at, rows = found
    return search.Index(rows, at)


def _index(newer_than: str | None = None) -> search.Index:
    """The index this container holds: loaded on first use; loaded again when
    ``newer_than`` (the pointer's stamp) is past it and the last look is old enough."""
    global _held
    with _lock:
        now = time.monotonic()
        if _held is None or (
            newer_than is not None
            and newer_than > _held.index.stamp
            and now - _held.checked >= RELOAD_SECONDS
        ):
            _held = _Held(_load(), now)
        return _held.index


def held_index() -> search.Index | None:
    """The index this container holds now, if any (the bench measures it)."""
    return _held.index if _held else None


def _current() -> tuple[search.Index, list[search.Row]]:
    """The container's snapshot index and the rows written since it (one Query)."""
    index = _index()
    written, latest = changes(index.stamp)
    if latest is not None and str(latest.get("stamp", "")) > index.stamp:
        # the changes read since the older stamp include every change since the newer one
        index = _index(str(latest["stamp"]))
    return index, written


def find(q: str, want: int) -> list[search.Hit]:
    """The first ``want`` enterprises matching ``q``, best first: the container's snapshot
    index with the writes since it overlaid (one Query of the change list)."""
    index, written = _current()
    return search.search(index, written, q, want)


def browse(how: search.Browse, q: str | None, depth: int) -> list[search.Row]:
    """Every enterprise ``how`` admits, in its order — or, with ``q``, among the first
    ``depth`` matches of ``q``, best first unless ``how`` names an order: the snapshot's
    rows with the writes since overlaid (one Query of the change list; no table read)."""
    index, written = _current()
    latest = {r.uscc: r for r in written}
    if q is None:
        rows = [r for r in index.rows if r.uscc not in latest and how.admits(r)]
        rows += [r for r in latest.values() if how.admits(r)]
        return how.ordered(rows)
    by_uscc = {r.uscc: r for r in index.rows}
    by_uscc.update(latest)
    hits = search.search(index, written, q, depth)
    found = [by_uscc[h.uscc] for h in hits if h.uscc in by_uscc and how.admits(by_uscc[h.uscc])]
    return found if how.sort == "relevance" else how.ordered(found)
