"""推进台账 (issue 21): a unit's progress entries (推进情况) between assignment and completion,
on an appeal where its part is open or whose supervised item it owns and has not had accepted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.clock import BEIJING, iso, to_beijing
from chalicelib.domain.appeal.decision import Outcome, Step
from chalicelib.domain.appeal.events import Progress
from chalicelib.domain.appeals import (
    CASE_NUMBER,
    Appeal,
    DepartmentRef,
    ProgressNote,
    owns_supervision,
)
from chalicelib.domain.codes import Category, PartStatus, Role, Status
from chalicelib.domain.models import Timestamp, User
from chalicelib.errors import Forbidden, InvalidTransition, NotFound


def may_read(user: User, unit_id: str) -> bool:
    """A unit's ledger, its exports and its month are its own users', the service centre's
    and supervisors'."""
    if user.role in (Role.ADMIN, Role.SUPERVISOR):
        return True
    return user.role == Role.DEPARTMENT and user.department_id == unit_id


def check_reader(user: User, unit_id: str) -> None:
    """Refuse a reader of a unit's ledger or month who may not read it, or an id that is no
    unit's, with the 404 an appeal it cannot read gets (``department_not_found``)."""
    if not CASE_NUMBER.match(unit_id) or not may_read(user, unit_id):
        raise NotFound("department_not_found", id=unit_id[:40])


def owns_open_work(appeal: Appeal, user: User) -> bool:
    """The unit holds an open part of an appeal not closed, or owns its supervised item that
    is not yet accepted: what its ledger lists and a progress entry may be posted on."""
    part = appeal.part(user.department_id)
    if part is not None and part.status == PartStatus.OPEN and appeal.status != Status.CLOSED:
        return True
    sup = appeal.supervision
    return sup is not None and sup.status != "accepted" and owns_supervision(user, appeal)


def has_open_work(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``progress``: only a unit with open work on the appeal (403 otherwise: it may read the
    appeal, but has nothing there to report on)."""
    if not owns_open_work(appeal, user):
        raise Forbidden("no_open_work", id=appeal.id)
    return None


def progress(appeal: Appeal, command: Progress, step: Step) -> Outcome:
    """A unit's progress entry: on the timeline, and as its latest on the appeal
    (``unit_progress``; the ledger item's ``last_progress``)."""
    unit_id = step.user.department_id
    assert unit_id is not None  # has_open_work
    at = iso(step.now)
    appeal.unit_progress[unit_id] = ProgressNote(content=command.content, at=at)
    part = appeal.part(unit_id)
    if part is not None:
        ref = DepartmentRef(id=part.id, name=part.name, due_at=part.due_at)
    else:  # the owner of the supervised item
        sup = appeal.supervision
        assert sup is not None
        ref = next(d for d in sup.departments if d.id == unit_id)
    return Outcome({"department": ref, "content": command.content})


# --- the ledger's items: what kind, which deadline, what state (issue 21 part 3) -----------

LedgerKind = Literal["part", "supervised"]
LedgerStatus = Literal["open", "due_today", "overdue", "replied", "accepted"]


class LedgerState(BaseModel):
    """An item as its unit's ledger shows it: a supervised item the unit owns (督办), else its
    part (转办); the deadline that binds the unit and when it was assigned."""

    kind: LedgerKind = Field(description="part: its part of the appeal; supervised: 督办 it owns")
    status: LedgerStatus = Field(
        description="open, due_today (its deadline is today, Beijing), overdue, replied "
        "(answered or completion reported, awaiting acceptance) or accepted"
    )
    due_at: Timestamp
    assigned_at: Timestamp = Field(description="transferred (a part) or supervised since")


def _by_deadline(due_at: str, now: datetime) -> LedgerStatus:
    due = datetime.fromisoformat(due_at)
    if due < now:
        return "overdue"
    return "due_today" if to_beijing(due).date() == to_beijing(now).date() else "open"


def state(appeal: Appeal, unit_id: str, now: datetime) -> LedgerState | None:
    """The item's place on ``unit_id``'s ledger; None when it has none there (any more)."""
    sup = appeal.supervision
    owned = sup is not None and any(d.id == unit_id for d in sup.departments)
    if sup is not None and owned:
        status: LedgerStatus
        if sup.status == "accepted":
            status = "accepted"
        elif sup.status == "reported":
            status = "replied"
        else:
            status = _by_deadline(sup.due_at, now)
        return LedgerState(
            kind="supervised", status=status, due_at=sup.due_at, assigned_at=sup.started_at
        )
    part = appeal.part(unit_id)
    if part is None:
        return None
    if part.status == PartStatus.OPEN and appeal.status != Status.CLOSED:
        status = _by_deadline(part.due_at, now)
    else:
        status = "replied"
    return LedgerState(
        kind="part", status=status, due_at=part.due_at, assigned_at=part.transferred_at
    )


#: Accepted supervised items are listed back this many days by their deadline unless the
#: caller's ``assigned_from`` reaches further: the ledger never reads a unit's whole history.
ACCEPTED_WINDOW_DAYS = 90


def signed_for(appeal: Appeal, unit_id: str) -> bool | None:
    """Whether the unit's open part has been signed for (签收); None: no open part."""
    part = appeal.part(unit_id)
    if part is None or part.status != PartStatus.OPEN:
        return None
    return not part.awaiting_sign


@dataclass(frozen=True)
class LedgerFilter:
    """What a ledger page or export asks for; None: any. ``assigned_from``/``assigned_to``
    are Beijing days, both ends included. ``signed`` keeps only parts, signed for (办理中)
    or not (待签收); ``accepted`` keeps the supervised items accepted or not, and parts
    (never accepted) only with ``false``."""

    kind: LedgerKind | None = None
    status: LedgerStatus | None = None
    overdue: bool = False
    category: Category | None = None
    assigned_from: date | None = None
    assigned_to: date | None = None
    signed: bool | None = None
    accepted: bool | None = None

    def keeps(self, appeal: Appeal, item: LedgerState, unit_id: str = "") -> bool:
        if self.kind is not None and item.kind != self.kind:
            return False
        if self.status is not None and item.status != self.status:
            return False
        if self.accepted is not None and (item.status == "accepted") != self.accepted:
            return False
        if self.signed is not None and (
            item.kind != "part" or signed_for(appeal, unit_id) is not self.signed
        ):
            return False
        if self.overdue and item.status != "overdue":
            return False
        if self.category is not None and appeal.category != self.category:
            return False
        day = to_beijing(datetime.fromisoformat(item.assigned_at)).date()
        if self.assigned_from is not None and day < self.assigned_from:
            return False
        return not (self.assigned_to is not None and day > self.assigned_to)

    def ranks(self) -> tuple[str, ...]:
        """Which parts of the ledger's sort order (``0#`` not yet accepted, ``1#`` accepted)
        can hold a match: the store reads only those."""
        if self.overdue or self.status in ("open", "due_today", "overdue", "replied"):
            return ("0",)
        if self.accepted is False or self.signed is not None or self.kind == "part":
            return ("0",)
        if self.status == "accepted" or self.accepted:
            return ("1",)
        return ("0", "1")

    def accepted_since(self, now: datetime) -> str:
        """The earliest deadline (as stored) of an accepted item read: ``ACCEPTED_WINDOW_DAYS``
        back from today, or the start of ``assigned_from`` when that is earlier (an item's
        deadline is never before its assignment), so the accepted half is read in a window."""
        today = to_beijing(now).date()
        start = today - timedelta(days=ACCEPTED_WINDOW_DAYS)
        if self.assigned_from is not None and self.assigned_from < start:
            start = self.assigned_from
        return iso(datetime.combine(start, time(0), BEIJING))
