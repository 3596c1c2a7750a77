"""Enterprises: by credit code, listed by code (or code prefix), searched by any part of the
name, short names, pinyin and credit-code fragments (``store/enterprise_search``, docs/search.md),
and found by phone through contacts and earlier calls."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from chalicelib.domain import search
from chalicelib.domain.models import Actor
from chalicelib.errors import AlreadyExists, NotFound, ReferenceMissing
from chalicelib.store import appeals, db, enterprise_search, keys, records

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
    extra += enterprise_search.write_actions(None, data)
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
    extra += enterprise_search.write_actions(current, {**current, **changes})
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
        extra=enterprise_search.write_actions(current, {**current, **changes}),
    )


def listing(limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    """A page of every enterprise, in credit-code order."""
    items, nxt = db.query_page(
        index=keys.GSI1,
        key_condition="gsi1pk = :k",
        values={":k": keys.ENTERPRISES},
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


# --- finding the caller (docs/search.md) ------------------------------------------------------

#: How deep a search may page (results past this many are not offered).
SEARCH_DEPTH = 1000
#: Earlier calls read to find the enterprises a phone called from (newest first).
CALLS_READ = 50


def _offset_cursor(offset: int) -> str:
    raw = json.dumps({"offset": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    """A search page's cursor: how many results came before it; anything else is a 400."""
    if not cursor:
        return 0
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise db.cursor_invalid() from None
    if not isinstance(plain, dict) or set(plain) != {"offset"}:
        raise db.cursor_invalid()
    value = plain["offset"]
    if type(value) is not int or not 0 < value <= SEARCH_DEPTH:
        raise db.cursor_invalid()
    return value


def find(q: str, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the enterprises matching ``q`` (name part, short name, pinyin, credit-code
    fragment), best first: the search in memory (one Query of the change list), then one
    ``BatchGetItem`` of the page's records."""
    offset = _offset(cursor)
    hits = enterprise_search.find(q, offset + limit + 1)
    page = hits[offset : offset + limit]
    found = get_many([h.uscc for h in page])
    items = [found[h.uscc] for h in page if h.uscc in found]
    more = len(hits) > offset + limit and offset + limit < SEARCH_DEPTH
    return items, _offset_cursor(offset + limit) if more else None


def browse(
    how: search.Browse,
    q: str | None,
    limit: int,
    cursor: str | None,
    offset: int | None = None,
) -> tuple[list[dict[str, Any]], str | None, int]:
    """A page of the register narrowed and ordered by ``how`` (with ``q``: among its first
    ``SEARCH_DEPTH`` matches), its next cursor and how many there are in all: filtered and
    counted in memory over the search snapshot (one Query of the change list), then one
    ``BatchGetItem`` of the page's records — no scan, no COUNT query (docs/search.md). The
    page starts at ``offset`` when given (a page number), else where ``cursor`` says."""
    if offset is None:
        offset = _offset(cursor)
    rows = enterprise_search.browse(how, q, SEARCH_DEPTH)
    page = rows[offset : offset + limit]
    found = get_many([r.uscc for r in page])
    items = [found[r.uscc] for r in page if r.uscc in found]
    more = len(rows) > offset + limit
    return items, _offset_cursor(offset + limit) if more else None, len(rows)


def by_phone(phone: str, limit: int) -> list[dict[str, Any]]:
    """The enterprises this phone is a contact of, then those it called about before (the
    latest call first): one Query of the phone index, one of the calls' phone list, one
    ``BatchGetItem``."""
    usccs = enterprise_search.usccs_by_contact_phone(phone)
    calls, _ = appeals.page_by_phone(phone, CALLS_READ, None)
    for a in calls:
        if a.enterprise.uscc and a.enterprise.uscc not in usccs:
            usccs.append(a.enterprise.uscc)
    usccs = usccs[:limit]
    found = get_many(usccs)
    return [found[u] for u in usccs if u in found]


def every_for_search() -> list[dict[str, Any]]:
    """Every enterprise's searched fields (the snapshot's full rebuild): the register list
    read page by page (1 MB each), the attributes the search keeps only."""
    params: dict[str, Any] = {
        "TableName": db.table(),
        "IndexName": keys.GSI1,
        "KeyConditionExpression": "gsi1pk = :k",
        "ExpressionAttributeValues": db.to_values({":k": keys.ENTERPRISES}),
        "ProjectionExpression": "uscc, #n, short_names, town, commissioner_id, size_class, "
        "industry, flags, updated_at",
        "ExpressionAttributeNames": {"#n": "name"},
    }
    out: list[dict[str, Any]] = []
    while True:
        resp = db.client().query(**params)
        out += [db.from_item(i) for i in resp.get("Items", [])]
        if not resp.get("LastEvaluatedKey"):
            return out
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
