"""Versioned records of reference data: create once, replace under a version condition, each
write with its audit entry in one ``TransactWriteItems``.

Every record carries ``version`` (1 at creation, +1 per change); a replace names the version
it read, so two admins editing at once cannot lose either's change silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib import clock
from chalicelib.domain.models import Actor
from chalicelib.errors import AlreadyExists, AppError, NotFound, VersionConflict
from chalicelib.store import audit, db, keys

_KEY_ATTRS = ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "item_type")


def strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    """An item without its key attributes: the record as the domain sees it."""
    return {k: v for k, v in item.items() if k not in _KEY_ATTRS}


def create(
    *,
    kind: str,
    key: dict[str, str],
    indexes: dict[str, str],
    data: dict[str, Any],
    actor: Actor | None,
    entity_id: str,
    exists_error: AppError,
    extra: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Create a record (version 1) unless its key exists; returns the stored record.

    ``extra`` actions (guards, reference checks) join the same transaction; their failures
    are re-raised as :class:`db.ConditionFailed` with indexes shifted past the first two.
    """
    at = clock.iso(clock.now())
    record = {**data, "version": 1, "created_at": at, "updated_at": at}
    item = {**key, **indexes, "item_type": kind, **record}
    actions = [
        {"Put": {"Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}},
        audit.entry_action(
            entity_type=kind,
            entity_id=entity_id,
            action="create",
            version=1,
            actor=actor,
            at=at,
            changes={k: v for k, v in data.items() if v is not None},
        ),
        *(extra or []),
    ]
    try:
        db.transact(actions)
    except db.ConditionFailed as exc:
        if exc.failed(0):
            raise exists_error from None
        raise
    return strip_keys(item)


def replace(
    *,
    kind: str,
    key: dict[str, str],
    indexes: dict[str, str],
    current: dict[str, Any],
    changes: dict[str, Any],
    expected_version: int,
    actor: Actor | None,
    entity_id: str,
    extra: list[dict[str, Any]] | None = None,
    action: str = "update",
    guard: tuple[dict[str, Any], Exception] | None = None,
) -> dict[str, Any]:
    """Apply ``changes`` to ``current`` if the stored version is still ``expected_version``.

    A stale version is a :class:`VersionConflict` and writes nothing. Returns the new record.
    ``action`` names the change in the audit trail (``update``, ``withdraw`` …); ``guard``
    is a ``ConditionCheck`` written in the same transaction and the error raised if it fails.
    """
    VersionConflict.unless(current["version"], expected_version)
    changed = {k: v for k, v in changes.items() if current.get(k) != v}
    at = clock.iso(clock.now())
    record = {**current, **changes, "version": expected_version + 1, "updated_at": at}
    item = {**key, **indexes, "item_type": kind, **record}
    actions = [
        {
            "Put": {
                "Item": db.to_item(item),
                "ConditionExpression": "attribute_exists(pk) AND version = :v",
                "ExpressionAttributeValues": db.to_values({":v": expected_version}),
            }
        },
        audit.entry_action(
            entity_type=kind,
            entity_id=entity_id,
            action=action,
            version=expected_version + 1,
            actor=actor,
            at=at,
            changes={k: {"from": current.get(k), "to": v} for k, v in changed.items()},
        ),
        *(extra or []),
    ]
    if guard is not None:
        actions.append(guard[0])
    try:
        db.transact(actions)
    except db.ConditionFailed as exc:
        if exc.failed(0):
            raise VersionConflict("stale_version", given=expected_version) from None
        if guard is not None and exc.failed(len(actions) - 1):
            raise guard[1] from None
        raise
    return strip_keys(item)


def load(key: dict[str, str], not_found: NotFound) -> dict[str, Any]:
    """The record at ``key`` or the given :class:`NotFound`."""
    item = db.get(key)
    if item is None:
        raise not_found
    return strip_keys(item)


def exists_check(key: dict[str, str]) -> dict[str, Any]:
    """A ``ConditionCheck`` that the item at ``key`` exists (references between records)."""
    return {
        "ConditionCheck": {
            "Key": db.to_item(key),
            "ConditionExpression": "attribute_exists(pk)",
        }
    }


class Catalog:
    """A kind of record keyed by a slug id and listed in id order through gsi1
    (commissioners, departments)."""

    def __init__(
        self,
        kind: str,
        prefix: str,
        not_found_code: str,
        also_write: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None,
        after_write: Callable[[], None] | None = None,
    ) -> None:
        self.kind = kind
        self.prefix = prefix
        self.not_found_code = not_found_code
        #: actions written in the same transaction as each record (the directory entry)
        self.also_write = also_write or (lambda record: [])
        #: called once a write committed (drops this process's cached directory)
        self.after_write = after_write or (lambda: None)

    def key(self, record_id: str) -> dict[str, str]:
        return keys.catalog(self.prefix, record_id)

    def _indexes(self, record_id: str) -> dict[str, str]:
        return keys.catalog_indexes(self.prefix, record_id)

    def get(self, record_id: str) -> dict[str, Any]:
        """The record with this id, or NotFound."""
        return load(self.key(record_id), NotFound(self.not_found_code, id=record_id))

    def create(self, data: dict[str, Any], actor: Actor | None) -> dict[str, Any]:
        """Create a record; a taken id is AlreadyExists."""
        rid = data["id"]
        record = create(
            kind=self.kind,
            key=self.key(rid),
            indexes=self._indexes(rid),
            data=data,
            actor=actor,
            entity_id=rid,
            exists_error=AlreadyExists("id_exists", id=rid),
            extra=self.also_write(data),
        )
        self.after_write()
        return record

    def update(
        self,
        record_id: str,
        changes: dict[str, Any],
        version: int,
        actor: Actor | None,
        action: str = "update",
        current: dict[str, Any] | None = None,
        guard: tuple[dict[str, Any], Exception] | None = None,
    ) -> dict[str, Any]:
        """Change a record under its version (``action`` names it in the audit trail;
        ``current``: the record as the caller just read it; ``guard``: a condition checked
        in the same transaction and the error if it fails)."""
        if current is None:
            current = self.get(record_id)
        record = replace(
            kind=self.kind,
            key=self.key(record_id),
            indexes=self._indexes(record_id),
            current=current,
            changes=changes,
            expected_version=version,
            actor=actor,
            entity_id=record_id,
            extra=self.also_write({**current, **changes}),
            action=action,
            guard=guard,
        )
        self.after_write()
        return record

    def every(self) -> list[dict[str, Any]]:
        """Every record in id order: for catalogs an administrator keeps by hand (a few dozen
        units), read 100 to a request."""
        out: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            items, cursor = self.page(100, cursor)
            out += items
            if cursor is None:
                return out

    def page(self, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of records in id order."""
        items, nxt = db.query_page(
            index=keys.GSI1,
            key_condition="gsi1pk = :k",
            values={":k": self.prefix},
            limit=limit,
            cursor=cursor,
        )
        return [strip_keys(i) for i in items], nxt
