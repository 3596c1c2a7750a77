"""A unit's progress ledger (推进台账, issue 21 part 3): its items as they stand, filtered,
counted and paged, for the ledger page and its XLSX export."""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import iso
from chalicelib.domain.appeal.ledger import LedgerFilter, LedgerState, state
from chalicelib.domain.appeals import Appeal
from chalicelib.store import appeals as store
from chalicelib.store import db

Item = tuple[Appeal, LedgerState]

#: At most this many rows in an export (a unit's meeting; far more than any unit holds).
EXPORT_ROWS = 5_000


def _matching(unit_id: str, wanted: LedgerFilter, now: datetime) -> list[tuple[str, Item]]:
    """The unit's items that match, in the ledger's order (open first, by deadline), each
    with its place. The store narrows what it can (accepted or not, deadline before now for
    overdue only, accepted items in their window, the category); the rest (kind, status,
    sign-for, assignment days) is decided here."""
    before = iso(now) if wanted.overdue or wanted.status == "overdue" else None
    since = wanted.accepted_since(now)
    out: list[tuple[str, Item]] = []
    read = store.ledger_whole(unit_id, wanted.ranks(), before, wanted.category, since)
    for place, appeal in read:
        item = state(appeal, unit_id, now)
        if item is not None and wanted.keeps(appeal, item, unit_id):
            out.append((place, (appeal, item)))
    return out


def page(
    unit_id: str, wanted: LedgerFilter, now: datetime, limit: int, cursor: str | None
) -> tuple[list[Item], str | None, int]:
    """A page of the matching items, the cursor after it, and how many match in all (共 N
    条: the unit's ledger is read whole for each page, so the count costs nothing more)."""
    after = db.decode_cursor(cursor, ("place",))
    matching = _matching(unit_id, wanted, now)
    start = 0
    if after is not None:
        mark = after["place"]["S"]
        start = next((i for i, (p, _) in enumerate(matching) if p > mark), len(matching))
    chosen = matching[start : start + limit]
    nxt = None
    if start + limit < len(matching):
        nxt = db.encode_cursor({"place": {"S": chosen[-1][0]}})
    return [item for _, item in chosen], nxt, len(matching)


def every(unit_id: str, wanted: LedgerFilter, now: datetime) -> tuple[list[Item], bool]:
    """Every matching item for an export (at most ``EXPORT_ROWS``), and whether more matched."""
    matching = _matching(unit_id, wanted, now)
    return [item for _, item in matching[:EXPORT_ROWS]], len(matching) > EXPORT_ROWS
