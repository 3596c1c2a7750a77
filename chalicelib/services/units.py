"""Handling units (各地各部门): a unit changed (not deactivated while it holds open parts),
its responsibility list replaced, and the units ordered for an appeal's category."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import units
from chalicelib.domain.codes import Category
from chalicelib.domain.models import Actor
from chalicelib.store import appeals as appeal_store
from chalicelib.store import db
from chalicelib.store import departments as department_store
from chalicelib.store.departments import departments


def update(
    unit_id: str, changes: dict[str, Any], version: int, actor: Actor | None
) -> dict[str, Any]:
    """Change a unit under its version. Deactivating one that still holds open parts is
    :class:`~chalicelib.errors.UnitBusy` with their count: its open-parts list counted first
    (parts opened before the unit's count was kept), then the write conditioned on the
    unit's count of open parts being zero, so a part opened in between refuses it too."""
    current = departments.get(unit_id)
    if changes.get("active") is False and current.get("active", True):
        units.refuse_deactivation(appeal_store.open_parts_count(unit_id))
        return department_store.deactivate(unit_id, changes, version, actor, current)
    return departments.update(unit_id, changes, version, actor, current=current)


def set_responsibilities(
    unit_id: str, items: list[dict[str, Any]], version: int, actor: Actor | None
) -> dict[str, Any]:
    """Replace a unit's responsibility list (责任清单) under the unit's version; the audit
    trail records it as ``responsibilities`` with the list before and after."""
    return departments.update(
        unit_id, {"responsibilities": items}, version, actor, action="responsibilities"
    )


def ordered_page(
    category: Category, limit: int, cursor: str | None
) -> tuple[list[tuple[dict[str, Any], bool]], str | None]:
    """A page of every unit, those covering ``category`` first (:func:`units.ordered_for`),
    each with whether it covers it. The cursor is the last unit's place in that order
    (covering or not, and its id), so a list edited between pages neither repeats nor
    skips a unit that kept its place."""
    after = db.decode_cursor(cursor, ("covers", "id"))
    ordered = units.ordered_for(departments.every(), category)
    rows = [(u, units.covers(u.get("responsibilities") or [], category)) for u in ordered]
    places = [("0" if c else "1", u["id"]) for u, c in rows]
    start = 0
    if after is not None:
        mark = (after["covers"]["S"], after["id"]["S"])
        start = next((i for i, p in enumerate(places) if p > mark), len(places))
    page = rows[start : start + limit]
    nxt = None
    if start + limit < len(rows):
        last = places[start + limit - 1]
        nxt = db.encode_cursor({"covers": {"S": last[0]}, "id": {"S": last[1]}})
    return page, nxt
