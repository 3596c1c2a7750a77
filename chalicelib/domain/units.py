"""Handling units (各地各部门): county departments and towns (区镇) alike, and their
responsibility lists (责任清单) that guide a transfer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chalicelib.domain.codes import Category
from chalicelib.errors import UnitBusy


def covers(responsibilities: Iterable[Mapping[str, Any]], category: Category | str) -> bool:
    """Whether a responsibility list names matters of this appeal category."""
    return any(item.get("category") == category for item in responsibilities)


def ordered_for(units: Sequence[dict[str, Any]], category: Category | str) -> list[dict[str, Any]]:
    """The units whose list covers ``category`` first, each group in id order (a stable
    order, so pages of it do not repeat or skip a unit). Orders, never filters."""
    return sorted(
        units,
        key=lambda u: (not covers(u.get("responsibilities") or [], category), u["id"]),
    )


def refuse_deactivation(open_parts: int) -> None:
    """Raise :class:`UnitBusy` naming how many parts the unit still holds open: its work
    would be stranded (no one could answer or return them)."""
    if open_parts > 0:
        raise UnitBusy("unit_has_open_parts", count=open_parts)
