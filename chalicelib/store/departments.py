"""Functional departments (职能部门). Each write also updates the department's entry in the
directory (transfers read that)."""

from typing import Any

from chalicelib.domain.models import Actor
from chalicelib.errors import UnitBusy
from chalicelib.store import db, directory, keys
from chalicelib.store.records import Catalog

departments = Catalog(
    "department",
    keys.DEPARTMENT,
    "department_not_found",
    also_write=lambda record: [directory.entry_action(keys.DEPARTMENT, record)],
    after_write=directory.forget,
)


class _Busy(Exception):
    """The unit's count of open parts was not zero when the deactivation was written."""


def open_parts(unit_id: str) -> int:
    """The unit's count of open parts as its guard holds it (strongly consistent read)."""
    item = db.get(keys.unit_open_parts(unit_id))
    return int(item.get("open_parts", 0)) if item else 0


def deactivate(
    unit_id: str,
    changes: dict[str, Any],
    version: int,
    actor: Actor | None,
    current: dict[str, Any],
) -> dict[str, Any]:
    """Write a deactivation under the unit's version and, in the same transaction, the
    condition that its count of open parts is zero: a transfer to it commits before (the
    count is 1: ``UnitBusy``) or after (the directory says inactive: the transfer is refused),
    never between a count and the write."""
    check = {
        "ConditionCheck": {
            "Key": db.to_item(keys.unit_open_parts(unit_id)),
            "ConditionExpression": "attribute_not_exists(open_parts) OR open_parts <= :z",
            "ExpressionAttributeValues": db.to_values({":z": 0}),
        }
    }
    try:
        return departments.update(
            unit_id, changes, version, actor, current=current, guard=(check, _Busy())
        )
    except _Busy:
        raise UnitBusy("unit_has_open_parts", count=max(open_parts(unit_id), 1)) from None
