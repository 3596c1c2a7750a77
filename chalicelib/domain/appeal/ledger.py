"""推进台账 (issue 21): a unit's progress entries (推进情况) between assignment and completion,
on an appeal where its part is open or whose supervised item it owns and has not had accepted."""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import iso
from chalicelib.domain.appeal.decision import Outcome, Step
from chalicelib.domain.appeal.events import Progress
from chalicelib.domain.appeals import Appeal, DepartmentRef, ProgressNote, owns_supervision
from chalicelib.domain.codes import PartStatus, Status
from chalicelib.domain.models import User
from chalicelib.errors import Forbidden, InvalidTransition


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
