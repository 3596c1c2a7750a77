"""Pause and resume (挂起/恢复, API.md "Sign-for (签收), pause (挂起), …"): the reply clock
stops while the owner waits on the enterprise's materials or a third party, and runs again
with the deadline in force moved later by the working days paused.

The shift is the working days after the pause's day up to and including the resume's day
(Beijing dates, the county's calendar). At most :data:`LIMIT` working days per appeal, all
pauses together: a pause that reaches the total is ended by the sweep (``pause_expired``) at
the end of that working day, counting exactly what was left. Department parts keep their
deadlines.

:func:`end_pause` is the one place a pause ends — ``resume``, the sweep, an event that
closes or replies to the appeal, and the enterprise's ``supplement`` (which ends an
``awaiting_enterprise`` pause: :func:`ended_by_supplement`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib.clock import iso
from chalicelib.domain import calendar
from chalicelib.domain.appeal.decision import Outcome, Step
from chalicelib.domain.appeal.events import EventType, Pause
from chalicelib.domain.appeals import Appeal, PastPause, apply_deadline, current_deadline
from chalicelib.domain.appeals import Pause as PauseInForce
from chalicelib.domain.models import User
from chalicelib.domain.rules import Rules
from chalicelib.errors import InvalidTransition, Refused

#: At most this many working days paused per appeal (all its pauses together).
LIMIT = 10
#: Posted events that end a pause in force before they act: the reply (the clock it stopped
#: is settled by it), and a merge, void or the enterprise's withdrawal closing the appeal
#: before a reply.
ENDED_BY = frozenset({EventType.REPLY, EventType.MERGE, EventType.VOID, EventType.WITHDRAW})


def paused_days(started_at: str, until: datetime, cal: calendar.WorkCalendar) -> list[date]:
    """The working days a pause begun at ``started_at`` counts when it ends at ``until``:
    those after the pause's Beijing date, up to and including the end's."""
    started = datetime.fromisoformat(started_at)
    count = calendar.working_days_left(started, until, cal)
    return cal.working_days_after(calendar.beijing_date(started), count)


def left(appeal: Appeal) -> int:
    """Working days the appeal may still be paused."""
    return max(0, LIMIT - appeal.paused_working_days)


def expiry(started: datetime, remaining: int, rules: Rules) -> str:
    """When a pause begun at ``started`` reaches the limit: the end (23:59:59 Beijing) of the
    ``remaining``-th working day after its day."""
    return iso(calendar.add_working_days(started, remaining, rules.calendar).due_at)


# -- guards (409, each with its own code) ----------------------------------------------------


def can_pause(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``pause``: not already paused, and some of the 10 working days left."""
    if appeal.paused:
        return Refused("already_paused", id=appeal.id)
    if left(appeal) < 1:
        return Refused("pause_limit", id=appeal.id, limit=LIMIT)
    return None


def is_paused(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``resume``: a pause in force."""
    if not appeal.paused:
        return Refused("not_paused", id=appeal.id)
    return None


def not_paused(appeal: Appeal) -> InvalidTransition | None:
    """``request_extension``: no extension is asked while the clock is stopped."""
    return Refused("appeal_paused", id=appeal.id) if appeal.paused else None


# -- what they do --------------------------------------------------------------------------


def start_pause(appeal: Appeal, command: Pause, step: Step) -> Outcome:
    """挂起: the clock stops now; the sweep ends the pause when the total reaches the limit.
    The materials asked of the enterprise are recorded as ``content`` (it reads them); any
    other reason's note as ``note`` (staff only)."""
    at = iso(step.now)
    appeal.pause = PauseInForce(
        reason=command.reason,
        note=command.note,
        started_at=at,
        expires_at=expiry(step.now, left(appeal), step.rules),
    )
    appeal.paused = True
    asked = command.reason == "awaiting_enterprise"
    return Outcome(
        {
            "reason": command.reason,
            "content": command.note if asked else None,
            "note": None if asked else command.note,
            "reply_due_at": appeal.reply_due_at,
        }
    )


def end_pause(appeal: Appeal, at: datetime, rules: Rules, ended_by: str) -> dict[str, Any]:
    """End the pause in force at ``at`` (changing ``appeal`` in place): the working days it
    counted (never past the limit) move the deadline in force later, and its explanation
    says so. Returns the fields of the timeline event that ended it (``reason``: the
    pause's; ``working_days``, ``paused_days``, ``reply_due_at``, ``previous_reply_due_at``).

    Any handler may call it — the enterprise's ``supplement`` on an ``awaiting_enterprise``
    pause (:func:`ended_by_supplement`) — with the appeal it is changing and its step's
    ``now`` and ``rules``."""
    pause = appeal.pause
    if pause is None:
        raise ValueError("not paused")
    days = paused_days(pause.started_at, at, rules.calendar)[: left(appeal)]
    previous = appeal.reply_due_at
    appeal.pauses.append(
        PastPause(
            reason=pause.reason,
            note=pause.note,
            started_at=pause.started_at,
            ended_at=iso(at),
            ended_by=ended_by,
            working_days=len(days),
            days=[d.isoformat() for d in days],
        )
    )
    appeal.pause = None
    appeal.paused = False
    appeal.paused_working_days += len(days)
    if days:  # the sweep watches the new deadline afresh (its marks name the old one)
        apply_deadline(appeal, current_deadline(appeal, rules), rules)
    return {
        "reason": pause.reason,
        "working_days": len(days),
        "paused_days": [d.isoformat() for d in days],
        "reply_due_at": appeal.reply_due_at,
        "previous_reply_due_at": previous,
    }


def resume(appeal: Appeal, command: Any, step: Step) -> Outcome:
    """恢复: the owner (or the service centre) restarts the clock."""
    return Outcome(end_pause(appeal, step.now, step.rules, EventType.RESUME.value))


def ended_by_supplement(appeal: Appeal) -> bool:
    """Whether the enterprise's ``supplement`` ends the pause in force (it was waiting for
    the enterprise's materials). The supplement's handler then calls :func:`end_pause`."""
    return appeal.pause is not None and appeal.pause.reason == "awaiting_enterprise"
