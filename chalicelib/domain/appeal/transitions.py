"""Who may post which event in which status, what else the appeal's state must allow, and
what each event does (R2.3).

:func:`decide` checks, in this order, that the caller's role may post the event (403), that
the caller is the one who may act on this appeal (403), that the version is current (409
``version_conflict``), that the event is allowed in the appeal's status (409
``invalid_transition``), the rule's guard (409 ``invalid_transition``) and the state-dependent
rules of its fields (400); then returns the changed appeal and the timeline event that
records it. Nothing closes without a reply (R3.4): ``closed`` is reachable only from
``replied`` — except a duplicate merged into the appeal about the same problem (whose reply
reaches it) and an invalid order voided, both counted in no rate (:mod:`.duplicates`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.clock import BEIJING, iso
from chalicelib.domain import calendar
from chalicelib.domain.appeal import duplicates, enterprise_steps, ledger, pause, supervision
from chalicelib.domain.appeal.decision import Decision, Directory, Outcome, Step
from chalicelib.domain.appeal.events import (
    ApproveExtension,
    Callback,
    Command,
    Confirm,
    DepartmentReply,
    Escalate,
    EventType,
    Reassign,
    RejectExtension,
    ReplyCommand,
    RequestExtension,
    Return,
    SetUrgency,
    Transfer,
)
from chalicelib.domain.appeals import (
    MAX_PARTS,
    PART_WORKING_DAYS,
    Appeal,
    Assignee,
    DepartmentRef,
    Extension,
    Part,
    PendingExtension,
    Rating,
    Reply,
    TimelineEvent,
    apply_deadline,
    cap_parts,
    current_deadline,
    extended_deadline,
    owns_supervision,
    reply_deadline,
    sign_deadline,
    signed_in_time,
)
from chalicelib.domain.codes import ClosedAs, PartStatus, Role, Status
from chalicelib.domain.models import User
from chalicelib.domain.rules import Rules
from chalicelib.domain.uploads import Attachment
from chalicelib.errors import (
    FieldError,
    Forbidden,
    InvalidTransition,
    ValidationFailed,
    VersionConflict,
)

#: What the appeal's state must allow beyond its status: the refusal, or ``None``.
Guard = Callable[[Appeal, User, "datetime | None"], "InvalidTransition | None"]
#: What an event does to the appeal (a deep copy, changed in place), and what it records.
Handler = Callable[[Appeal, Any, Step], Outcome]


def check_actor(appeal: Appeal, user: User) -> None:
    """The caller's relation to the appeal: owner commissioner, its department, its enterprise."""
    owner = appeal.assignee.commissioner_id
    if user.role == Role.COMMISSIONER and (owner is None or owner != user.commissioner_id):
        raise Forbidden("not_owner", id=appeal.id)
    if (
        user.role == Role.DEPARTMENT
        and appeal.part(user.department_id) is None
        and not owns_supervision(user, appeal)
    ):
        raise Forbidden("not_transferred", id=appeal.id)
    if user.role == Role.ENTERPRISE and (
        user.enterprise_uscc is None or appeal.enterprise.uscc != user.enterprise_uscc
    ):
        raise Forbidden("not_own_appeal", id=appeal.id)


# -- guards: what the appeal's state must allow (409 invalid_transition) --------------------


def anything(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """No condition beyond the role, the relation and the status."""
    return None


def has_owner(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``accept``: an appeal in the triage queue needs an owner first."""
    if appeal.assignee.commissioner_id is None:
        return InvalidTransition("needs_assignee", id=appeal.id)
    return None


def can_accept(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``accept`` (签收): an owner first; while processing, only a new owner who has not yet
    signed for it (after a ``reassign``)."""
    refused = has_owner(appeal, user, now)
    if refused is None and appeal.status == Status.PROCESSING and not appeal.awaiting_sign:
        return InvalidTransition("already_signed", id=appeal.id)
    return refused


def can_sign_part(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``accept_part``: a department signs for its own open part, once. A department
    without an open part may not (403, as for a department it was never transferred to)."""
    part = appeal.part(user.department_id)
    if part is None or part.status != PartStatus.OPEN:
        raise Forbidden("no_open_part", id=appeal.id)
    if part.signed_at is not None:
        return InvalidTransition("already_signed", id=appeal.id)
    return None


def _own_open_part(appeal: Appeal, user: User) -> InvalidTransition | None:
    part = appeal.part(user.department_id)
    if part is None or part.status != PartStatus.OPEN:
        status = part.status.value if part else "none"
        return InvalidTransition("part_not_open", id=user.department_id, status=status)
    return None


def own_part_open(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``department_reply``: the department's own part, still open."""
    return _own_open_part(appeal, user) if user.role == Role.DEPARTMENT else None


def can_return(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``return``: a department, its own open part while the appeal is processing; the owner,
    only once no department part is open."""
    if user.role == Role.DEPARTMENT:
        refused = _own_open_part(appeal, user)
        if refused is None and appeal.status != Status.PROCESSING:
            return InvalidTransition(
                "part_not_open", id=user.department_id, status=appeal.status.value
            )
        return refused
    if appeal.open_parts:
        return InvalidTransition("parts_open", count=len(appeal.open_parts))
    return None


def can_ask_for_time(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``request_extension``: one request at a time, before the deadline, never while the
    clock is stopped (409 ``appeal_paused``)."""
    paused = pause.not_paused(appeal)
    if paused is not None:
        return paused
    if appeal.pending_extension is not None:
        return InvalidTransition("extension_pending", id=appeal.id)
    if now is not None and iso(now) > appeal.reply_due_at:
        return InvalidTransition("extension_after_deadline", due=appeal.reply_due_at)
    return None


def extension_pending(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``approve_extension`` / ``reject_extension``: a request to decide."""
    if appeal.pending_extension is None:
        return InvalidTransition("no_pending_extension", id=appeal.id)
    return None


def below_ceiling(appeal: Appeal, user: User, now: datetime | None) -> InvalidTransition | None:
    """``escalate``: a commissioner raises to level 1, the service centre to level 2."""
    ceiling = 1 if user.role == Role.COMMISSIONER else 2
    if appeal.escalation_level >= ceiling:
        return InvalidTransition("already_escalated", level=appeal.escalation_level)
    return None


# -- handlers: what each event does ----------------------------------------------------------


def accept(appeal: Appeal, command: Any, step: Step) -> Outcome:
    """受理 / 签收: the owner takes the appeal on (received → processing), or a new owner
    signs for an appeal reassigned while processing; settles the sign-for deadline."""
    at = iso(step.now)
    appeal.status = Status.PROCESSING
    due = appeal.accept_due_at
    in_time = signed_in_time(due, appeal.sign_overdue_for, at)
    if appeal.signed_at is None:
        appeal.signed_at = at
    return Outcome({"accept_due_at": due, "in_time": in_time})


def _sign_part(part: Part, at: str) -> bool | None:
    """The department signs for its part (at most once); whether in time, as
    :func:`signed_in_time` says, or ``None`` when already signed for."""
    if part.signed_at is not None:
        return None
    part.signed_at = at
    return signed_in_time(part.accept_due_at, part.sign_overdue_for, at)


def accept_part(appeal: Appeal, command: Any, step: Step) -> Outcome:
    """签收: a department signs for its part."""
    part = appeal.part(step.user.department_id)
    assert part is not None  # can_sign_part
    in_time = _sign_part(part, iso(step.now))
    ref = DepartmentRef(id=part.id, name=part.name, due_at=part.due_at)
    return Outcome(
        {
            "department": ref,
            "part": part.id,
            "accept_due_at": part.accept_due_at,
            "in_time": in_time,
        }
    )


def transfer(appeal: Appeal, command: Transfer, step: Step) -> Outcome:
    """转: one open part per department, due ``due_working_days`` (default 3) working days
    from now and never after the appeal's own deadline."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, dept_id in enumerate(command.departments):
        info = step.directory.departments.get(dept_id)
        part = appeal.part(dept_id)
        if dept_id in seen:
            errors.append(FieldError(f"departments.{i}", "duplicate", {"id": dept_id}))
        elif info is None or not info.active:
            errors.append(FieldError(f"departments.{i}", "reference_not_found", {"id": dept_id}))
        elif part is not None and part.status == PartStatus.OPEN:
            errors.append(FieldError(f"departments.{i}", "part_already_open", {"id": dept_id}))
        seen.add(dept_id)
    reopened = {x for x in command.departments if appeal.part(x) is not None}
    if len(appeal.departments) + len(set(command.departments) - reopened) > MAX_PARTS:
        errors.append(FieldError("departments", "too_many_parts", {"max": MAX_PARTS}))
    if errors:
        raise ValidationFailed(errors)
    days = command.due_working_days or PART_WORKING_DAYS
    counted = calendar.add_working_days(step.now, days, step.rules.calendar)
    due, warn = iso(counted.due_at), _warn_point(counted, step.rules)
    warn_at: str | None = warn
    if due > appeal.reply_due_at:  # never past the appeal's
        due, warn_at = appeal.reply_due_at, appeal.warn_at
    at = iso(step.now)
    sign_by = sign_deadline(step.now, step.rules)
    refs = []
    for dept_id in command.departments:
        name = step.directory.departments[dept_id].name
        fresh = Part(
            id=dept_id,
            name=name,
            status=PartStatus.OPEN,
            due_at=due,
            transferred_at=at,
            accept_due_at=sign_by,
            warn_at=warn_at,
        )
        # a department transferred to again (after a return or a 重办) gets its part reopened
        appeal.departments = [p for p in appeal.departments if p.id != dept_id] + [fresh]
        refs.append(DepartmentRef(id=dept_id, name=name, due_at=due))
    return Outcome({"departments": refs}, departments_used=tuple(command.departments))


def _warn_point(deadline: calendar.Deadline, rules: Rules) -> str:
    """The start of the Nth-to-last working day counted (N: ``warning_working_days``)."""
    back = rules.levels.warning_working_days
    day = deadline.counted[max(0, len(deadline.counted) - back)]
    return iso(datetime.combine(day, datetime.min.time(), tzinfo=BEIJING))


def department_reply(appeal: Appeal, command: DepartmentReply, step: Step) -> Outcome:
    """A department answers its part (which signs for it, if it had not)."""
    part = appeal.part(step.user.department_id)
    assert part is not None  # own_part_open
    at = iso(step.now)
    sign_due = part.accept_due_at if part.signed_at is None else None
    in_time = _sign_part(part, at)
    part.status = PartStatus.REPLIED
    part.content = command.content
    part.replied_at = at
    ref = DepartmentRef(id=part.id, name=part.name, due_at=part.due_at)
    return Outcome(
        {
            "department": ref,
            "content": command.content,
            "part": part.id,
            "accept_due_at": sign_due,
            "in_time": in_time,
        }
    )


def return_appeal(appeal: Appeal, command: Return, step: Step) -> Outcome:
    """退单: a department hands its part back; the owner sends a misrouted appeal back to the
    service centre's triage queue (never while a department part is open: :func:`can_return`)."""
    if step.user.role == Role.DEPARTMENT:
        part = appeal.part(step.user.department_id)
        assert part is not None  # can_return: its own part, open, while processing
        part.status = PartStatus.RETURNED
        part.return_reason = command.reason
        part.returned_at = iso(step.now)
        ref = DepartmentRef(id=part.id, name=part.name, due_at=part.due_at)
        return Outcome({"department": ref, "reason": command.reason})
    previous = appeal.assignee.model_copy()
    appeal.assignee = Assignee()
    appeal.status = Status.RECEIVED
    appeal.accept_due_at = appeal.signed_at = appeal.sign_overdue_for = None  # none in triage
    return Outcome(
        {"reason": command.reason, "previous_assignee": previous, "assignee": Assignee()}
    )


def reply(appeal: Appeal, command: ReplyCommand, step: Step) -> Outcome:
    """交: the reply to the enterprise; with a reason while a department part is still open.
    Nobody rating it for the configured working days lets the sweep close it."""
    if appeal.open_parts and not command.reason:
        parts = "、".join(p.name for p in appeal.open_parts)
        raise ValidationFailed.one("reason", "reason_required_parts_open", parts=parts)
    at = iso(step.now)
    appeal.status = Status.REPLIED
    appeal.reply = Reply(content=command.content, at=at, reason=command.reason)
    appeal.replied_at = at
    appeal.pending_extension = None  # the reply settles a request for more time
    quiet = step.rules.levels.auto_close_working_days
    appeal.auto_close_at = iso(
        calendar.add_working_days(step.now, quiet, step.rules.calendar).due_at
    )
    started = datetime.fromisoformat(appeal.period_started_at)
    took = calendar.working_days_left(started, step.now, step.rules.calendar)
    return Outcome(
        {
            "content": command.content,
            "reason": command.reason,
            "reply_due_at": appeal.reply_due_at,
            "took_working_days": took,
        }
    )


def verdict(appeal: Appeal, command: Confirm | Callback, step: Step) -> Outcome:
    """The enterprise's verdict (``confirm``, or ``callback`` by phone): resolved closes the
    appeal; not resolved reopens it (重办) with a new period and deadline."""
    at = iso(step.now)
    appeal.rating = Rating(
        resolved=command.resolved,
        satisfaction=command.satisfaction,
        comment=command.comment,
        via=command.type,
        at=at,
    )
    fields: dict[str, Any] = {
        "resolved": command.resolved,
        "satisfaction": command.satisfaction,
        "comment": command.comment,
    }
    if command.resolved:
        appeal.status = Status.CLOSED
        appeal.closed_as = ClosedAs.RESOLVED
        appeal.closed_at = at
        appeal.auto_close_at = None
        return Outcome({**fields, "closed_as": ClosedAs.RESOLVED})
    # 重办: the old reply stays on the timeline, the appeal waits for a new one
    appeal.status = Status.PROCESSING
    appeal.reply = None
    appeal.replied_at = None
    appeal.auto_close_at = None
    appeal.reopened += 1
    appeal.period_started_at = at
    appeal.period_working_days = step.rules.levels.days(appeal.urgency)
    appeal.pending_extension = None
    apply_deadline(
        appeal, reply_deadline(step.now, appeal.urgency, step.rules, basis="reopened"), step.rules
    )
    return Outcome({**fields, "reply_due_at": appeal.reply_due_at})


def reassign(appeal: Appeal, command: Reassign, step: Step) -> Outcome:
    """The service centre gives the appeal a new owner (an active commissioner)."""
    target = step.directory.commissioners.get(command.commissioner_id)
    if target is None or not target.active:
        raise ValidationFailed.one(
            "commissioner_id", "reference_not_found", id=command.commissioner_id
        )
    if appeal.assignee.commissioner_id == target.id:
        raise ValidationFailed.one("commissioner_id", "already_assigned", id=target.id)
    previous = appeal.assignee.model_copy()
    appeal.assignee = Assignee(commissioner_id=target.id, name=target.name)
    # the new owner signs for it by a deadline of its own, even while it is processing
    appeal.accept_due_at = sign_deadline(step.now, step.rules)
    appeal.signed_at = appeal.sign_overdue_for = None
    fields = {
        "assignee": appeal.assignee.model_copy(),
        "previous_assignee": previous,
        "accept_due_at": appeal.accept_due_at,
    }
    return Outcome(fields, commissioners_used=(target.id,))


def set_urgency(appeal: Appeal, command: SetUrgency, step: Step) -> Outcome:
    """急事急办: a new urgency, the deadline counted again from the period's start."""
    if command.urgency == appeal.urgency:
        raise ValidationFailed.one("urgency", "urgency_unchanged", urgency=command.urgency.value)
    previous = appeal.urgency
    appeal.urgency = command.urgency
    appeal.period_working_days = step.rules.levels.days(command.urgency)  # a new decision
    apply_deadline(appeal, current_deadline(appeal, step.rules), step.rules)
    cap_parts(appeal)  # a part's deadline is never past the appeal's
    return Outcome(
        {
            "urgency": command.urgency,
            "previous_urgency": previous,
            "reason": command.reason,
            "reply_due_at": appeal.reply_due_at,
        }
    )


def request_extension(appeal: Appeal, command: RequestExtension, step: Step) -> Outcome:
    """The owner asks for more time; the service centre decides."""
    appeal.pending_extension = PendingExtension(
        working_days=command.working_days,
        reason=command.reason,
        requested_at=iso(step.now),
        requested_by=step.user.actor(),
    )
    return Outcome(
        {
            "working_days": command.working_days,
            "reason": command.reason,
            "reply_due_at": appeal.reply_due_at,
        }
    )


def approve_extension(appeal: Appeal, command: ApproveExtension, step: Step) -> Outcome:
    """The extension is granted: the deadline moves, counted from the one in force."""
    pending = appeal.pending_extension
    assert pending is not None  # extension_pending
    previous = appeal.reply_due_at
    apply_deadline(
        appeal, extended_deadline(previous, pending.working_days, step.rules), step.rules
    )
    appeal.extensions.append(
        Extension(
            working_days=pending.working_days,
            reason=pending.reason,
            from_due_at=previous,
            to_due_at=appeal.reply_due_at,
            approved_at=iso(step.now),
        )
    )
    appeal.pending_extension = None
    cap_parts(appeal)  # parts keep their own deadlines, never past the appeal's
    return Outcome(
        {
            "working_days": pending.working_days,
            "reason": pending.reason,
            "note": command.note,
            "reply_due_at": appeal.reply_due_at,
            "previous_reply_due_at": previous,
        }
    )


def reject_extension(appeal: Appeal, command: RejectExtension, step: Step) -> Outcome:
    """The extension is refused: the deadline stays."""
    pending = appeal.pending_extension
    assert pending is not None  # extension_pending
    appeal.pending_extension = None
    return Outcome(
        {"working_days": pending.working_days, "reason": pending.reason, "note": command.note}
    )


def escalate(appeal: Appeal, command: Escalate, step: Step) -> Outcome:
    """难事督办 upward (R4.3): a commissioner to the service centre (1), the service centre
    to the county's joint meeting (2). Recorded as ``escalated``, as the sweep's rise is."""
    appeal.escalation_level = 1 if step.user.role == Role.COMMISSIONER else 2
    appeal.escalation_reason = command.reason
    return Outcome(
        {"level": appeal.escalation_level, "reason": command.reason, "note": command.note}
    )


# -- the table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Who may post an event, in which statuses, what else the appeal's state must allow,
    what it does, and the event it records when that is not the one posted."""

    roles: frozenset[Role]
    statuses: frozenset[Status]
    handler: Handler
    guard: Guard = anything
    records: EventType | None = None


_OPEN = frozenset({Status.RECEIVED, Status.PROCESSING})
_ANY = frozenset(Status)
_OWNER = frozenset({Role.COMMISSIONER, Role.ADMIN})
_CENTRE = frozenset({Role.ADMIN})
_OVERSIGHT = frozenset({Role.ADMIN, Role.SUPERVISOR})

RULES: dict[EventType, Rule] = {
    # received → processing; while processing, a new owner's sign-for after a reassign
    EventType.ACCEPT: Rule(_OWNER, _OPEN, accept, can_accept),
    EventType.TRANSFER: Rule(_OWNER, frozenset({Status.PROCESSING}), transfer),
    # a department may still answer its part after the reply went out while it was open
    EventType.DEPARTMENT_REPLY: Rule(
        frozenset({Role.DEPARTMENT}),
        frozenset({Status.PROCESSING, Status.REPLIED}),
        department_reply,
        own_part_open,
    ),
    EventType.ACCEPT_PART: Rule(
        frozenset({Role.DEPARTMENT}),
        frozenset({Status.PROCESSING, Status.REPLIED}),
        accept_part,
        can_sign_part,
    ),
    EventType.RETURN: Rule(
        frozenset({Role.DEPARTMENT, Role.COMMISSIONER}), _OPEN, return_appeal, can_return
    ),
    EventType.REPLY: Rule(_OWNER, frozenset({Status.PROCESSING}), reply),
    EventType.CONFIRM: Rule(frozenset({Role.ENTERPRISE}), frozenset({Status.REPLIED}), verdict),
    EventType.CALLBACK: Rule(
        frozenset({Role.OPERATOR, Role.ADMIN}), frozenset({Status.REPLIED}), verdict
    ),
    EventType.REASSIGN: Rule(_CENTRE, _OPEN, reassign),
    EventType.SET_URGENCY: Rule(_OWNER, _OPEN, set_urgency),
    EventType.REQUEST_EXTENSION: Rule(
        frozenset({Role.COMMISSIONER}), _OPEN, request_extension, can_ask_for_time
    ),
    EventType.APPROVE_EXTENSION: Rule(_CENTRE, _OPEN, approve_extension, extension_pending),
    EventType.REJECT_EXTENSION: Rule(_CENTRE, _OPEN, reject_extension, extension_pending),
    EventType.ESCALATE: Rule(_OWNER, _OPEN, escalate, below_ceiling, EventType.ESCALATED),
    EventType.SUPERVISE: Rule(
        _OVERSIGHT, _ANY, supervision.supervise, supervision.not_under_supervision
    ),
    EventType.REPORT_COMPLETION: Rule(
        frozenset({Role.DEPARTMENT, Role.COMMISSIONER}),
        _ANY,
        supervision.report_completion,
        supervision.supervision_is_yours,
    ),
    EventType.ACCEPT_COMPLETION: Rule(
        _OVERSIGHT, _ANY, supervision.accept_completion, supervision.completion_reported
    ),
    EventType.REJECT_COMPLETION: Rule(
        _OVERSIGHT, _ANY, supervision.reject_completion, supervision.completion_reported
    ),
    # not after a reply: a duplicate or an invalid order is closed before anyone answers it
    EventType.MERGE: Rule(_OWNER, _OPEN, duplicates.merge),
    EventType.VOID: Rule(_CENTRE, _OPEN, duplicates.void),
    # 挂起: only while open and not replied; the owner pauses, the owner or the centre resumes
    EventType.PAUSE: Rule(
        frozenset({Role.COMMISSIONER}), _OPEN, pause.start_pause, pause.can_pause
    ),
    EventType.RESUME: Rule(_OWNER, _OPEN, pause.resume, pause.is_paused),
    # the enterprise's own steps: add to its appeal until it is closed; withdraw it before a
    # reply (after one, its verdict on the reply is what it gives)
    EventType.SUPPLEMENT: Rule(
        frozenset({Role.ENTERPRISE}),
        frozenset({Status.RECEIVED, Status.PROCESSING, Status.REPLIED}),
        enterprise_steps.supplement,
    ),
    EventType.WITHDRAW: Rule(frozenset({Role.ENTERPRISE}), _OPEN, enterprise_steps.withdraw),
    # a unit's progress entry (推进台账): on its open part or the supervised item it owns
    EventType.PROGRESS: Rule(
        frozenset({Role.DEPARTMENT}), _ANY, ledger.progress, ledger.has_open_work
    ),
}


def allowed_events(appeal: Appeal, user: User, now: datetime | None = None) -> list[EventType]:
    """The events ``user`` may post on ``appeal`` now (the SPA shows these as actions)."""
    out = []
    for kind, rule in RULES.items():
        if user.role in rule.roles and appeal.status in rule.statuses:
            try:
                check_actor(appeal, user)
                if rule.guard(appeal, user, now) is None:
                    out.append(kind)
            except Forbidden:
                continue
    return out


def permit(appeal: Appeal, command: Command, user: User, now: datetime) -> None:
    """Whether ``user`` may post ``command`` on ``appeal`` now — role (403), relation (403),
    version (409), status and guard (409) — before anything it names is read (a
    supplement's files are checked in the bucket only once this passes)."""
    kind = command.type
    rule = RULES[kind]
    if user.role not in rule.roles:
        raise Forbidden("event_role", type=kind.value, roles=sorted(r.value for r in rule.roles))
    check_actor(appeal, user)
    VersionConflict.unless(appeal.version, command.version)
    if appeal.status not in rule.statuses:
        raise InvalidTransition("event_not_allowed", type=kind.value, status=appeal.status.value)
    refused = rule.guard(appeal, user, now)
    if refused is not None:
        raise refused


def decide(
    appeal: Appeal,
    command: Command,
    user: User,
    now: datetime,
    directory: Directory,
    rules: Rules,
    attachments: tuple[Attachment, ...] = (),
) -> Decision:
    """Apply ``command`` by ``user`` at ``now`` to ``appeal``; raise if it is not allowed.
    ``attachments``: the files a supplement names, already checked (:func:`permit` first)."""
    permit(appeal, command, user, now)
    rule = RULES[command.type]
    kind = command.type
    after = appeal.model_copy(deep=True)
    at = iso(now)
    after.version = appeal.version + 1
    after.updated_at = at
    if after.paused and kind in pause.ENDED_BY:  # the reply or the close settles the clock
        pause.end_pause(after, now, rules, kind.value)
    step = Step(user, now, directory, rules, tuple(attachments))
    outcome = rule.handler(after, command, step)
    event = TimelineEvent(
        type=rule.records or kind,
        at=at,
        actor=user.actor(),
        version=after.version,
        status=after.status,
        **outcome.fields,
    )
    return Decision(after, event, outcome.commissioners_used, outcome.departments_used)
