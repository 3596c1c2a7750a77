"""What the platform does to an appeal by itself (R4.2): the deadline sweep's findings —
the warning, overdue and its escalation, the supervised item past due, the reply nobody
rated, a sign-for (签收) not made in time, a department part's warning and overdue mark, a
pause (挂起) ended at its 10-working-day total — and a deadline counted again when
administrators load a year's calendar. Each is a system event (no actor)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.clock import iso
from chalicelib.domain.appeal import pause
from chalicelib.domain.appeal.decision import Decision
from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.appeals import (
    Appeal,
    DepartmentRef,
    Part,
    TimelineEvent,
    apply_deadline,
    cap_parts,
    current_deadline,
)
from chalicelib.domain.codes import ClosedAs, PartStatus, Status
from chalicelib.domain.rules import Rules


def _system(appeal: Appeal, now: datetime, kind: EventType, **fields: Any) -> Decision:
    """A system event (no actor) on ``appeal`` already changed in place by the caller."""
    at = iso(now)
    appeal.version += 1
    appeal.updated_at = at
    event = TimelineEvent(
        type=kind, at=at, actor=None, version=appeal.version, status=appeal.status, **fields
    )
    return Decision(appeal, event)


def _warn(a: Appeal, deadline: str, now: datetime) -> Decision | None:
    """The warning point of the deadline in force has come: ``warned``."""
    stamp = iso(now)
    due_now = a.is_open and not a.paused and a.reply_due_at == deadline and a.warn_at is not None
    if not due_now or a.warned_for == deadline or stamp < (a.warn_at or ""):
        return None
    a.warned_for = deadline
    return _system(a, now, EventType.WARNED, reply_due_at=deadline)


def _overdue(a: Appeal, deadline: str, now: datetime) -> Decision | None:
    """The deadline passed without a reply: raised to the service centre (level 1,
    ``escalated`` with reason ``overdue``), or ``marked_overdue`` when already at level 1 or
    above."""
    if not a.is_open or a.paused or a.reply_due_at != deadline or a.overdue_for == deadline:
        return None
    if iso(now) <= deadline:
        return None
    a.overdue_for = deadline
    a.warned_for = deadline  # no warning after the fact
    if a.escalation_level < 1:
        a.escalation_level = 1
        a.escalation_reason = "overdue"
        return _system(
            a, now, EventType.ESCALATED, level=1, reason="overdue", reply_due_at=deadline
        )
    return _system(a, now, EventType.MARKED_OVERDUE, reply_due_at=deadline)


def _supervision_overdue(a: Appeal, deadline: str, now: datetime) -> Decision | None:
    """A supervised item past its deadline without a completion report."""
    sup = a.supervision
    if sup is None or sup.status != "open" or sup.due_at != deadline:
        return None
    if a.closed_as == ClosedAs.WITHDRAWN:  # a finding queued before the withdrawal
        return None
    if sup.overdue_for == deadline or iso(now) <= deadline:
        return None
    sup.overdue_for = deadline
    return _system(a, now, EventType.SUPERVISION_OVERDUE, supervision_due_at=deadline)


def _auto_close(a: Appeal, deadline: str, now: datetime) -> Decision | None:
    """A reply nobody rated for the configured working days: ``auto_closed``."""
    stamp = iso(now)
    if a.status != Status.REPLIED or a.auto_close_at != deadline or stamp < deadline:
        return None
    a.status = Status.CLOSED
    a.closed_as = ClosedAs.AUTO_CLOSED
    a.closed_at = stamp
    a.auto_closed = True
    a.auto_close_at = None
    return _system(a, now, EventType.AUTO_CLOSED, closed_as=ClosedAs.AUTO_CLOSED)


def _sign_overdue(a: Appeal, deadline: str, now: datetime) -> Decision | None:
    """The owner did not sign for the appeal (accept) by its sign-for deadline: marked once
    per deadline, ``sign_overdue``; the service centre is told."""
    due = a.accept_due_at
    if not a.awaiting_sign or due != deadline or a.sign_overdue_for == due or iso(now) <= due:
        return None
    a.sign_overdue_for = due
    return _system(a, now, EventType.SIGN_OVERDUE, accept_due_at=due)


def _pause_expired(a: Appeal, deadline: str, now: datetime, rules: Rules) -> Decision | None:
    """A pause reached the 10-working-day total without a resume: the sweep ends it
    (``pause_expired``) at the limit — the working days that were left, never more, however
    late the sweep — and the clock runs on the deadline moved later by them."""
    held = a.pause
    if not a.is_open or held is None or held.expires_at != deadline or iso(now) <= deadline:
        return None
    fields = pause.end_pause(a, datetime.fromisoformat(deadline), rules, "pause_expired")
    return _system(a, now, EventType.PAUSE_EXPIRED, **fields)


def _ref(part: Part) -> DepartmentRef:
    return DepartmentRef(id=part.id, name=part.name, due_at=part.due_at)


def _part_sign_overdue(a: Appeal, part: Part, now: datetime) -> Decision | None:
    """A department did not sign for its part by its deadline: ``sign_overdue`` with
    ``part``, once per deadline."""
    due = part.accept_due_at
    if a.status == Status.CLOSED or not part.awaiting_sign or due is None:
        return None
    if part.sign_overdue_for == due or iso(now) <= due:
        return None
    part.sign_overdue_for = due
    return _system(
        a, now, EventType.SIGN_OVERDUE, accept_due_at=due, part=part.id, department=_ref(part)
    )


def _part_overdue(a: Appeal, part: Part, now: datetime) -> Decision | None:
    """A part's deadline passed without the department's answer: ``part_overdue``, once."""
    open_ = a.status != Status.CLOSED and part.status == PartStatus.OPEN
    if not open_ or part.overdue_for == part.due_at or iso(now) <= part.due_at:
        return None
    part.overdue_for = part.due_at
    part.warned_for = part.due_at  # no warning after the fact
    return _system(a, now, EventType.PART_OVERDUE, part=part.id, department=_ref(part))


def _part_warn(a: Appeal, part: Part, now: datetime) -> Decision | None:
    """A part's warning point has come: ``part_warned`` (the overdue mark instead, when its
    deadline passed unseen too)."""
    if iso(now) > part.due_at:
        return _part_overdue(a, part, now)
    open_ = a.status != Status.CLOSED and part.status == PartStatus.OPEN
    if not open_ or part.warned_for == part.due_at or iso(now) < part.warn_point():
        return None
    part.warned_for = part.due_at
    return _system(a, now, EventType.PART_WARNED, part=part.id, department=_ref(part))


def _unreachable(a: Appeal, deadline: str, now: datetime) -> Decision | None:
    raise AssertionError("pause_expired is acted on with the rules (act_on)")


#: The sweep's findings (the sparse index's ``finding``) and what each does.
FINDINGS: dict[str, Callable[[Appeal, str, datetime], Decision | None]] = {
    "warn": _warn,
    "overdue": _overdue,
    "supervision_overdue": _supervision_overdue,
    "auto_close": _auto_close,
    "sign_overdue": _sign_overdue,
    "pause_expired": _unreachable,  # acted on with the rules in force (act_on)
}
#: Findings about one department's part, named ``finding:department-id`` on the index.
PART_FINDINGS: dict[str, Callable[[Appeal, Part, datetime], Decision | None]] = {
    "sign_overdue": _part_sign_overdue,
    "part_warn": _part_warn,
    "part_overdue": _part_overdue,
}


def act_on(
    appeal: Appeal, finding: str, deadline: str, now: datetime, rules: Rules | None = None
) -> Decision | None:
    """What the deadline sweep does about one finding (:data:`FINDINGS`, or a part's
    :data:`PART_FINDINGS` as ``finding:department``), or ``None`` when it is no longer true
    or was already done — a finding is acted on once per appeal and deadline, however many
    sweeps found it. ``rules``: the calendar a pause's end is counted on (``pause_expired``
    refuses to act without it rather than count on a calendar nobody loaded)."""
    kind, _, part_id = finding.partition(":")
    if finding == "pause_expired":
        if rules is None:
            raise ValueError("pause_expired is counted on the rules in force")
        return _pause_expired(appeal.model_copy(deep=True), deadline, now, rules)
    if part_id:
        if kind not in PART_FINDINGS:
            raise ValueError(f"unknown finding {finding!r}")
        after = appeal.model_copy(deep=True)
        part = after.part(part_id)
        return PART_FINDINGS[kind](after, part, now) if part is not None else None
    if finding not in FINDINGS:
        raise ValueError(f"unknown finding {finding!r}")
    if finding == "warn" and iso(now) > deadline:
        finding = "overdue"  # the warning point passed unseen and so did the deadline
    return FINDINGS[finding](appeal.model_copy(deep=True), deadline, now)


def _part_checks(appeal: Appeal) -> list[tuple[str, str]]:
    """Each open part's next check: its sign-for deadline, its warning point, its deadline."""
    out: list[tuple[str, str]] = []
    if appeal.status == Status.CLOSED:
        return out
    for part in appeal.open_parts:
        due = part.accept_due_at
        if part.awaiting_sign and due is not None and part.sign_overdue_for != due:
            out.append((f"sign_overdue:{part.id}", due))
        if part.warned_for != part.due_at:
            out.append((f"part_warn:{part.id}", part.warn_point()))
        elif part.overdue_for != part.due_at:
            out.append((f"part_overdue:{part.id}", part.due_at))
    return out


def watch(appeal: Appeal) -> tuple[str, str] | None:
    """The next thing the sweep must check on this appeal: (finding, when), or ``None``.
    Each appeal is on the sweep's sparse index at most once, at the earliest of these (its
    reply deadline — or, while paused, the pause's end at the limit —, its owner's and its
    parts' sign-for, its parts' warnings and deadlines, supervision, auto-close); acting on
    one puts it back at the next. A withdrawn appeal is watched for nothing."""
    if appeal.closed_as == ClosedAs.WITHDRAWN:
        return None  # withdrawn: off every deadline, a supervision's too (nothing to chase)
    candidates: list[tuple[str, str]] = _part_checks(appeal)
    if appeal.awaiting_sign and appeal.sign_overdue_for != appeal.accept_due_at:
        assert appeal.accept_due_at is not None
        candidates.append(("sign_overdue", appeal.accept_due_at))
    if appeal.is_open and appeal.pause is not None:
        # 挂起: no warning or overdue mark while paused; on the index for its end instead
        candidates.append(("pause_expired", appeal.pause.expires_at))
    elif appeal.is_open:
        if appeal.warn_at and appeal.warned_for != appeal.reply_due_at:
            candidates.append(("warn", appeal.warn_at))
        elif appeal.overdue_for != appeal.reply_due_at:
            candidates.append(("overdue", appeal.reply_due_at))
    elif appeal.status == Status.REPLIED and appeal.auto_close_at:
        candidates.append(("auto_close", appeal.auto_close_at))
    sup = appeal.supervision
    if sup is not None and sup.status == "open" and sup.overdue_for != sup.due_at:
        candidates.append(("supervision_overdue", sup.due_at))
    return min(candidates, key=lambda c: c[1]) if candidates else None


def due_now(appeal: Appeal, now: datetime) -> tuple[str, str] | None:
    """The appeal's next finding and the deadline it is about, if its check point has
    already come at ``now`` (as the sweep's index would find it); else ``None``."""
    watched = watch(appeal)
    if watched is None or watched[1] >= iso(now):
        return None
    finding, when = watched
    sup = appeal.supervision
    deadline = {
        "warn": appeal.reply_due_at,
        "overdue": appeal.reply_due_at,
        "auto_close": appeal.auto_close_at,
        "supervision_overdue": sup.due_at if sup else None,
    }.get(finding) or when
    return finding, deadline


def recompute(appeal: Appeal, now: datetime, rules: Rules) -> Decision | None:
    """``deadline_recomputed``: the deadline in force counted again on the calendar as it now
    is (an administrator loaded a year). ``None`` if nothing changes. A system event."""
    if not appeal.is_open:
        return None
    after = appeal.model_copy(deep=True)
    apply_deadline(after, current_deadline(appeal, rules), rules)
    if (after.reply_due_at, after.deadline_provisional) == (
        appeal.reply_due_at,
        appeal.deadline_provisional,
    ):
        return None
    cap_parts(after)
    return _system(
        after,
        now,
        EventType.DEADLINE_RECOMPUTED,
        reply_due_at=after.reply_due_at,
        previous_reply_due_at=appeal.reply_due_at,
        note=None,
        reason=after.deadline_explanation,
    )
