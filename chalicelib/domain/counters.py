"""The home page's counters (首页计数): 逾期, 今日到期, 待签收 — what a queue holds now.

Pure: the store reads a role's open queue (one partition) and these functions count it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from pydantic import BaseModel, Field

from chalicelib import clock
from chalicelib.clock import BEIJING
from chalicelib.domain.appeal.ledger import LedgerState
from chalicelib.domain.appeals import Appeal


class Counters(BaseModel):
    """What waits on the caller, by role; a counter the role has no use for is null."""

    overdue: int | None = Field(
        None, description="逾期：open, past the deadline (a department: its parts' deadlines)"
    )
    due_today: int | None = Field(None, description="今日到期：open, due by 24:00 Beijing today")
    awaiting_sign: int | None = Field(None, description="待签收：not yet signed for")
    in_progress: int | None = Field(
        None, description="办理中 (a unit): its open parts signed for, not yet answered"
    )
    awaiting_callback: int | None = Field(None, description="待回访：hotline replies to call back")
    triage: int | None = Field(None, description="待分办：the admins' triage queue (no owner)")
    supervised_open: int | None = Field(
        None, description="督办中：supervised items open (a unit: those it owns, not yet accepted)"
    )
    open: int | None = Field(
        None,
        description="未答复：not yet replied (enterprise: its appeals; commissioner: its queue)",
    )
    awaiting_confirmation: int | None = Field(
        None, description="enterprise: replied, awaiting its confirmation"
    )
    partial: bool = Field(
        False, description="a queue was longer than one reading covers: the figures are at least"
    )


@dataclass(frozen=True)
class Window:
    """Now and the end of today in Beijing, as the stored ISO strings compare."""

    now: str
    end_of_today: str


def window(now: datetime) -> Window:
    """Today is Beijing's day: a deadline at 23:59:59 tonight is due today."""
    today = clock.to_beijing(now).date()
    end = datetime.combine(today + timedelta(days=1), time(0), BEIJING)
    return Window(clock.iso(now), clock.iso(end))


@dataclass(frozen=True)
class QueueCounts:
    open: int
    overdue: int
    due_today: int
    awaiting_sign: int


def _late(due: str, w: Window) -> bool:
    return due < w.now


def _today(due: str, w: Window) -> bool:
    return w.now <= due < w.end_of_today


def of_owner(queue: Iterable[Appeal], now: datetime) -> QueueCounts:
    """A commissioner's open appeals: all of them (its workbench's queue), past their reply
    deadline, due by tonight, not yet signed for (受理)."""
    w = window(now)
    items = [a for a in queue if a.is_open]
    return QueueCounts(
        open=len(items),
        overdue=sum(_late(a.reply_due_at, w) for a in items),
        due_today=sum(_today(a.reply_due_at, w) for a in items),
        awaiting_sign=sum(a.awaiting_sign for a in items),
    )


@dataclass(frozen=True)
class UnitCounts:
    awaiting_sign: int
    in_progress: int
    due_today: int
    overdue: int
    supervised_open: int


def of_unit(ledger: Iterable[tuple[Appeal, LedgerState]], unit_id: str) -> UnitCounts:
    """A unit's home (issue 21 part 4), counted on the not-yet-accepted half of its ledger as
    the ledger page shows it, so each counter is what its filtered list holds: 今日到期 and
    逾期 are the ledger's ``due_today`` and ``overdue`` items (parts by their own deadline,
    supervised items by the supervision's); 待签收 and 办理中 split its open parts by
    sign-for; 督办 its supervised items not yet accepted."""
    items = list(ledger)
    parts = [p for a, s in items if s.kind == "part" for p in a.open_parts if p.id == unit_id]
    return UnitCounts(
        awaiting_sign=sum(p.awaiting_sign for p in parts),
        in_progress=sum(not p.awaiting_sign for p in parts),
        due_today=sum(s.status == "due_today" for _, s in items),
        overdue=sum(s.status == "overdue" for _, s in items),
        supervised_open=sum(s.kind == "supervised" and s.status != "accepted" for _, s in items),
    )
