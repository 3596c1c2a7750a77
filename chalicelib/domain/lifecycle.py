"""The appeal lifecycle (R2.3): 接 received → 转/办 processing → 交 replied → 结 closed.

Every change is an event posted against a version. :func:`decide` checks, in this order,
that the caller's role may post the event (403), that the caller is the one who may act on
this appeal (403), that the version is current (409 ``version_conflict``), that the event is
allowed in the appeal's status (409 ``invalid_transition``) and the state-dependent rules of
its fields (400); then returns the changed appeal and the timeline event that records it.
Nothing closes without a reply (R3.4): ``closed`` is reachable only from ``replied``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from chalicelib.clock import iso
from chalicelib.domain import calendar
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
    Supervision,
    TimelineEvent,
    apply_deadline,
    current_deadline,
    extended_deadline,
    owns_supervision,
    reply_deadline,
)
from chalicelib.domain.codes import PartStatus, Role, Status, Urgency
from chalicelib.domain.models import Slug, Strict, User
from chalicelib.domain.routing import Candidate
from chalicelib.domain.rules import Rules
from chalicelib.errors import (
    FieldError,
    Forbidden,
    InvalidTransition,
    ValidationFailed,
    VersionConflict,
)

Text = Annotated[str, Field(min_length=1, max_length=5000)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
Comment = Annotated[str, Field(min_length=1, max_length=500)]
Version = Annotated[int, Field(ge=1, description="the appeal version the event is based on")]


class Accept(Strict):
    """受理: the owner takes the appeal on (received → processing)."""

    type: Literal["accept"]
    version: Version


class Transfer(Strict):
    """转: one part per department (联办), each with its own deadline."""

    type: Literal["transfer"]
    version: Version
    departments: list[Slug] = Field(min_length=1, max_length=10)
    due_working_days: int | None = Field(
        None, ge=1, le=30, description="default 3; never past the appeal's deadline"
    )


class DepartmentReply(Strict):
    """A department answers its part."""

    type: Literal["department_reply"]
    version: Version
    content: Text


class Return(Strict):
    """退单: a department hands its part back; the owner sends a misrouted appeal to triage."""

    type: Literal["return"]
    version: Version
    reason: Reason


class ReplyCommand(Strict):
    """交: the reply to the enterprise; ``reason`` required while a part is still open."""

    type: Literal["reply"]
    version: Version
    content: Text
    reason: Reason | None = None


class Confirm(Strict):
    """The enterprise's verdict: resolved closes, not resolved reopens (重办)."""

    type: Literal["confirm"]
    version: Version
    resolved: bool
    satisfaction: int = Field(ge=1, le=5)
    comment: Comment | None = None


class Callback(Strict):
    """回访: an operator records the caller's verdict; same effect as ``confirm``."""

    type: Literal["callback"]
    version: Version
    resolved: bool
    satisfaction: int = Field(ge=1, le=5)
    comment: Comment | None = None


class Reassign(Strict):
    """The service centre gives the appeal a new owner."""

    type: Literal["reassign"]
    version: Version
    commissioner_id: Slug


class SetUrgency(Strict):
    """急事急办: change the urgency; the deadline is recomputed from the period's start."""

    type: Literal["set_urgency"]
    version: Version
    urgency: Urgency
    reason: Reason


class RequestExtension(Strict):
    """The owner asks for more time, before the deadline, with a reason."""

    type: Literal["request_extension"]
    version: Version
    working_days: int = Field(ge=1, le=10)
    reason: Reason


class ApproveExtension(Strict):
    """The service centre grants the extension asked for: the deadline moves."""

    type: Literal["approve_extension"]
    version: Version
    note: Comment | None = None


class RejectExtension(Strict):
    """The service centre refuses the extension: the deadline stays."""

    type: Literal["reject_extension"]
    version: Version
    note: Comment | None = None


class Escalate(Strict):
    """难事督办 upward (R4.3): the owner raises it to the service centre (level 1); the
    service centre raises what it cannot settle to the county's joint meeting (level 2)."""

    type: Literal["escalate"]
    version: Version
    reason: Literal["common", "multi_department", "other"] = Field(
        description="common 共性诉求, multi_department 涉及多部门, other"
    )
    note: Comment | None = None


class Supervise(Strict):
    """督办: put the appeal under supervision with a deadline and, optionally, owner
    departments (a joint meeting's decision does the same)."""

    type: Literal["supervise"]
    version: Version
    due_working_days: int = Field(ge=1, le=60)
    departments: list[Slug] = Field(default_factory=list, max_length=10)
    note: Comment | None = None


class ReportCompletion(Strict):
    """The supervised item's owner reports it done (办结报告)."""

    type: Literal["report_completion"]
    version: Version
    content: Text


class AcceptCompletion(Strict):
    """An admin or supervisor accepts the report: the supervised item is closed."""

    type: Literal["accept_completion"]
    version: Version
    note: Comment | None = None


class RejectCompletion(Strict):
    """An admin or supervisor sends the report back, with a reason."""

    type: Literal["reject_completion"]
    version: Version
    reason: Reason


Command = (
    Accept
    | Transfer
    | DepartmentReply
    | Return
    | ReplyCommand
    | Confirm
    | Callback
    | Reassign
    | SetUrgency
    | RequestExtension
    | ApproveExtension
    | RejectExtension
    | Escalate
    | Supervise
    | ReportCompletion
    | AcceptCompletion
    | RejectCompletion
)
COMMANDS: dict[str, type[Strict]] = {
    "accept": Accept,
    "transfer": Transfer,
    "department_reply": DepartmentReply,
    "return": Return,
    "reply": ReplyCommand,
    "confirm": Confirm,
    "callback": Callback,
    "reassign": Reassign,
    "set_urgency": SetUrgency,
    "request_extension": RequestExtension,
    "approve_extension": ApproveExtension,
    "reject_extension": RejectExtension,
    "escalate": Escalate,
    "supervise": Supervise,
    "report_completion": ReportCompletion,
    "accept_completion": AcceptCompletion,
    "reject_completion": RejectCompletion,
}
EventBody = Annotated[Command, Field(discriminator="type")]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(EventBody)


def parse_command(data: Any) -> Command:
    """An event body: ``type`` first (a 400 naming ``type``), then that event's fields."""
    if not isinstance(data, dict):
        raise ValidationFailed.one("body", "model_type")
    kind = data.get("type")
    model = COMMANDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        code = "missing" if kind is None else "enum"
        raise ValidationFailed.one("type", code, expected=", ".join(COMMANDS))
    try:
        command: Command = model.model_validate(data)  # type: ignore[assignment]
    except ValidationError as exc:
        errors = [
            FieldError(
                ".".join(str(p) for p in e["loc"]) or "body",
                e["type"],
                dict(e.get("ctx") or {}),
                e["msg"],
            )
            for e in exc.errors(include_url=False)
        ]
        raise ValidationFailed(errors) from None
    return command


def event_schema() -> dict[str, Any]:
    """The JSON schema of an event body (one of the commands, by ``type``)."""
    return _ADAPTER.json_schema(ref_template="#/components/schemas/{model}")


@dataclass(frozen=True)
class DepartmentInfo:
    id: str
    name: str
    active: bool = True
    email: str | None = None


@dataclass(frozen=True)
class Directory:
    """Commissioners and departments by id, as the lifecycle needs them."""

    commissioners: Mapping[str, Candidate]
    departments: Mapping[str, DepartmentInfo]


@dataclass(frozen=True)
class Decision:
    """The appeal after an event, the event itself, and the references it relies on (the
    store checks them again inside the write)."""

    appeal: Appeal
    event: TimelineEvent
    commissioners_used: tuple[str, ...] = ()
    departments_used: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """Who may post an event and in which statuses."""

    roles: frozenset[Role]
    statuses: frozenset[Status]


_OPEN = frozenset({Status.RECEIVED, Status.PROCESSING})
RULES: dict[str, Rule] = {
    "accept": Rule(frozenset({Role.COMMISSIONER, Role.ADMIN}), frozenset({Status.RECEIVED})),
    "transfer": Rule(frozenset({Role.COMMISSIONER, Role.ADMIN}), frozenset({Status.PROCESSING})),
    # a department may still answer its part after the reply went out while it was open
    "department_reply": Rule(
        frozenset({Role.DEPARTMENT}), frozenset({Status.PROCESSING, Status.REPLIED})
    ),
    "return": Rule(frozenset({Role.DEPARTMENT, Role.COMMISSIONER}), _OPEN),
    "reply": Rule(frozenset({Role.COMMISSIONER, Role.ADMIN}), frozenset({Status.PROCESSING})),
    "confirm": Rule(frozenset({Role.ENTERPRISE}), frozenset({Status.REPLIED})),
    "callback": Rule(frozenset({Role.OPERATOR, Role.ADMIN}), frozenset({Status.REPLIED})),
    "reassign": Rule(frozenset({Role.ADMIN}), _OPEN),
    "set_urgency": Rule(frozenset({Role.COMMISSIONER, Role.ADMIN}), _OPEN),
    "request_extension": Rule(frozenset({Role.COMMISSIONER}), _OPEN),
    "approve_extension": Rule(frozenset({Role.ADMIN}), _OPEN),
    "reject_extension": Rule(frozenset({Role.ADMIN}), _OPEN),
    "escalate": Rule(frozenset({Role.COMMISSIONER, Role.ADMIN}), _OPEN),
    "supervise": Rule(frozenset({Role.ADMIN, Role.SUPERVISOR}), frozenset(Status)),
    "report_completion": Rule(frozenset({Role.DEPARTMENT, Role.COMMISSIONER}), frozenset(Status)),
    "accept_completion": Rule(frozenset({Role.ADMIN, Role.SUPERVISOR}), frozenset(Status)),
    "reject_completion": Rule(frozenset({Role.ADMIN, Role.SUPERVISOR}), frozenset(Status)),
}


def allowed_events(appeal: Appeal, user: User, now: datetime | None = None) -> list[str]:
    """The events ``user`` may post on ``appeal`` now (the SPA shows these as actions)."""
    out = []
    for name, rule in RULES.items():
        if user.role in rule.roles and appeal.status in rule.statuses:
            try:
                _check_actor(name, appeal, user)
            except Forbidden:
                continue
            if _blocked(name, appeal, user, now) is None:
                out.append(name)
    return out


def _blocked(
    kind: str, appeal: Appeal, user: User, now: datetime | None = None
) -> InvalidTransition | None:
    """What the appeal's state forbids beyond its status (409 ``invalid_transition``)."""
    if kind == "request_extension":
        if appeal.pending_extension is not None:
            return InvalidTransition("extension_pending", id=appeal.id)
        if now is not None and iso(now) > appeal.reply_due_at:
            return InvalidTransition("extension_after_deadline", due=appeal.reply_due_at)
    if kind in ("approve_extension", "reject_extension") and appeal.pending_extension is None:
        return InvalidTransition("no_pending_extension", id=appeal.id)
    sup = appeal.supervision
    if kind == "supervise" and sup is not None and sup.status != "accepted":
        return InvalidTransition("already_supervised", id=appeal.id)
    if kind == "report_completion":
        if sup is None or sup.status != "open":
            return InvalidTransition("supervision_not_open", id=appeal.id)
        if user.role == Role.DEPARTMENT and not owns_supervision(user, appeal):
            return InvalidTransition("supervision_not_yours", id=appeal.id)
        if user.role == Role.COMMISSIONER and sup.departments:
            return InvalidTransition("supervision_not_yours", id=appeal.id)
    if kind in ("accept_completion", "reject_completion") and (
        sup is None or sup.status != "reported"
    ):
        return InvalidTransition("supervision_not_reported", id=appeal.id)
    if (
        user.role == Role.DEPARTMENT
        and kind in ("department_reply", "return")
        and (appeal.part(user.department_id) is None)
    ):
        return InvalidTransition("part_not_open", id=user.department_id, status="none")
    if kind == "escalate":
        ceiling = 1 if user.role == Role.COMMISSIONER else 2
        if appeal.escalation_level >= ceiling:
            return InvalidTransition("already_escalated", level=appeal.escalation_level)
    if kind == "accept" and appeal.assignee.commissioner_id is None:
        return InvalidTransition("needs_assignee", id=appeal.id)
    if user.role == Role.DEPARTMENT and kind in ("department_reply", "return"):
        part = appeal.part(user.department_id)
        if part is None or part.status != PartStatus.OPEN:
            status = part.status.value if part else "none"
            return InvalidTransition("part_not_open", id=user.department_id, status=status)
        if kind == "return" and appeal.status != Status.PROCESSING:
            return InvalidTransition("part_not_open", id=part.id, status=appeal.status.value)
    if user.role != Role.DEPARTMENT and kind == "return" and appeal.open_parts:
        return InvalidTransition("parts_open", count=len(appeal.open_parts))
    return None


def _check_actor(kind: str, appeal: Appeal, user: User) -> None:
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


def decide(
    appeal: Appeal,
    command: Command,
    user: User,
    now: datetime,
    directory: Directory,
    rules: Rules,
) -> Decision:
    """Apply ``command`` by ``user`` at ``now`` to ``appeal``; raise if it is not allowed."""
    rule = RULES[command.type]
    if user.role not in rule.roles:
        raise Forbidden("event_role", type=command.type, roles=sorted(r.value for r in rule.roles))
    _check_actor(command.type, appeal, user)
    VersionConflict.unless(appeal.version, command.version)
    if appeal.status not in rule.statuses:
        raise InvalidTransition("event_not_allowed", type=command.type, status=appeal.status.value)
    blocked = _blocked(command.type, appeal, user, now)
    if blocked is not None:
        raise blocked
    after = appeal.model_copy(deep=True)
    at = iso(now)
    after.version = appeal.version + 1
    after.updated_at = at
    handler = _HANDLERS[command.type]
    fields, used = handler(after, command, user, now, directory, rules)
    kind = fields.pop("type", command.type)  # a rise of escalation_level is "escalated"
    event = TimelineEvent(
        type=kind,
        at=at,
        actor=user.actor(),
        version=after.version,
        status=after.status,
        **fields,
    )
    return Decision(after, event, *used)


Effect = tuple[dict[str, Any], tuple[tuple[str, ...], tuple[str, ...]]]
_NONE: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


def _accept(a: Appeal, c: Any, u: User, now: datetime, d: Directory, r: Rules) -> Effect:
    a.status = Status.PROCESSING
    return {}, _NONE


def _transfer(a: Appeal, c: Transfer, u: User, now: datetime, d: Directory, r: Rules) -> Effect:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, dept_id in enumerate(c.departments):
        info = d.departments.get(dept_id)
        part = a.part(dept_id)
        if dept_id in seen:
            errors.append(FieldError(f"departments.{i}", "duplicate", {"id": dept_id}))
        elif info is None or not info.active:
            errors.append(FieldError(f"departments.{i}", "reference_not_found", {"id": dept_id}))
        elif part is not None and part.status == PartStatus.OPEN:
            errors.append(FieldError(f"departments.{i}", "part_already_open", {"id": dept_id}))
        seen.add(dept_id)
    reopened = {x for x in c.departments if a.part(x) is not None}
    if len(a.departments) + len(set(c.departments) - reopened) > MAX_PARTS:
        errors.append(FieldError("departments", "too_many_parts", {"max": MAX_PARTS}))
    if errors:
        raise ValidationFailed(errors)
    days = c.due_working_days or PART_WORKING_DAYS
    due = min(iso(calendar.add_working_days(now, days, r.calendar).due_at), a.reply_due_at)
    at = iso(now)
    refs = []
    for dept_id in c.departments:
        name = d.departments[dept_id].name
        fresh = Part(id=dept_id, name=name, status=PartStatus.OPEN, due_at=due, transferred_at=at)
        # a department transferred to again (after a return or a 重办) gets its part reopened
        a.departments = [p for p in a.departments if p.id != dept_id] + [fresh]
        refs.append(DepartmentRef(id=dept_id, name=name, due_at=due))
    return {"departments": refs}, ((), tuple(c.departments))


def _department_reply(
    a: Appeal, c: DepartmentReply, u: User, now: datetime, d: Directory, r: Rules
) -> Effect:
    part = a.part(u.department_id)
    assert part is not None  # _blocked: its own part, open
    part.status = PartStatus.REPLIED
    part.content = c.content
    part.replied_at = iso(now)
    ref = DepartmentRef(id=part.id, name=part.name, due_at=part.due_at)
    return {"department": ref, "content": c.content}, _NONE


def _return(a: Appeal, c: Return, u: User, now: datetime, d: Directory, r: Rules) -> Effect:
    if u.role == Role.DEPARTMENT:
        part = a.part(u.department_id)
        assert part is not None  # _blocked: its own part, open, while processing
        part.status = PartStatus.RETURNED
        part.return_reason = c.reason
        part.returned_at = iso(now)
        ref = DepartmentRef(id=part.id, name=part.name, due_at=part.due_at)
        return {"department": ref, "reason": c.reason}, _NONE
    # the owner commissioner: a misrouted appeal goes back to the service centre's triage
    # (_blocked: not while a department part is open)
    previous = a.assignee.model_copy()
    a.assignee = Assignee()
    a.status = Status.RECEIVED
    return {"reason": c.reason, "previous_assignee": previous, "assignee": Assignee()}, _NONE


def _reply(a: Appeal, c: ReplyCommand, u: User, now: datetime, d: Directory, r: Rules) -> Effect:
    if a.open_parts and not c.reason:
        raise ValidationFailed.one(
            "reason", "reason_required_parts_open", parts="、".join(p.name for p in a.open_parts)
        )
    at = iso(now)
    a.status = Status.REPLIED
    a.reply = Reply(content=c.content, at=at, reason=c.reason)
    a.replied_at = at
    a.pending_extension = None  # the reply settles a request for more time
    quiet = r.levels.auto_close_working_days  # nobody rates it: the sweep closes it
    a.auto_close_at = iso(calendar.add_working_days(now, quiet, r.calendar).due_at)
    took = calendar.working_days_left(datetime.fromisoformat(a.period_started_at), now, r.calendar)
    return {
        "content": c.content,
        "reason": c.reason,
        "reply_due_at": a.reply_due_at,
        "took_working_days": took,
    }, _NONE


def _verdict(
    a: Appeal, c: Confirm | Callback, u: User, now: datetime, d: Directory, r: Rules
) -> Effect:
    at = iso(now)
    a.rating = Rating(
        resolved=c.resolved, satisfaction=c.satisfaction, comment=c.comment, via=c.type, at=at
    )
    fields: dict[str, Any] = {
        "resolved": c.resolved,
        "satisfaction": c.satisfaction,
        "comment": c.comment,
    }
    if c.resolved:
        a.status = Status.CLOSED
        a.closed_at = at
        a.auto_close_at = None
        return fields, _NONE
    # 重办: back to processing with a new period and deadline; the old reply stays on the
    # timeline, the appeal waits for a new one
    a.status = Status.PROCESSING
    a.reply = None
    a.replied_at = None
    a.auto_close_at = None
    a.reopened += 1
    a.period_started_at = at
    a.period_working_days = r.levels.days(a.urgency)
    a.pending_extension = None
    apply_deadline(a, reply_deadline(now, a.urgency, r, basis="reopened"), r)
    return {**fields, "reply_due_at": a.reply_due_at}, _NONE


def _reassign(a: Appeal, c: Reassign, u: User, now: datetime, d: Directory, r: Rules) -> Effect:
    target = d.commissioners.get(c.commissioner_id)
    if target is None or not target.active:
        raise ValidationFailed.one("commissioner_id", "reference_not_found", id=c.commissioner_id)
    if a.assignee.commissioner_id == target.id:
        raise ValidationFailed.one("commissioner_id", "already_assigned", id=target.id)
    previous = a.assignee.model_copy()
    a.assignee = Assignee(commissioner_id=target.id, name=target.name)
    fields = {"assignee": a.assignee.model_copy(), "previous_assignee": previous}
    return fields, ((target.id,), ())


def _set_urgency(
    a: Appeal, c: SetUrgency, u: User, now: datetime, d: Directory, r: Rules
) -> Effect:
    if c.urgency == a.urgency:
        raise ValidationFailed.one("urgency", "urgency_unchanged", urgency=c.urgency.value)
    previous = a.urgency
    a.urgency = c.urgency
    a.period_working_days = r.levels.days(c.urgency)  # a new decision on the period
    apply_deadline(a, current_deadline(a, r), r)
    for part in a.open_parts:  # a part's deadline is never past the appeal's
        part.due_at = min(part.due_at, a.reply_due_at)
    fields = {
        "urgency": c.urgency,
        "previous_urgency": previous,
        "reason": c.reason,
        "reply_due_at": a.reply_due_at,
    }
    return fields, _NONE


def _request_extension(
    a: Appeal, c: RequestExtension, u: User, now: datetime, d: Directory, r: Rules
) -> Effect:
    a.pending_extension = PendingExtension(
        working_days=c.working_days, reason=c.reason, requested_at=iso(now), requested_by=u.actor()
    )
    return {
        "working_days": c.working_days,
        "reason": c.reason,
        "reply_due_at": a.reply_due_at,
    }, _NONE


def _approve_extension(
    a: Appeal, c: ApproveExtension, u: User, now: datetime, d: Directory, r: Rules
) -> Effect:
    pending = a.pending_extension
    assert pending is not None  # _blocked
    previous = a.reply_due_at
    deadline = extended_deadline(previous, pending.working_days, r)
    apply_deadline(a, deadline, r)
    a.extensions.append(
        Extension(
            working_days=pending.working_days,
            reason=pending.reason,
            from_due_at=previous,
            to_due_at=a.reply_due_at,
            approved_at=iso(now),
        )
    )
    a.pending_extension = None
    for part in a.open_parts:  # parts keep their own deadlines, never past the appeal's
        part.due_at = min(part.due_at, a.reply_due_at)
    fields = {
        "working_days": pending.working_days,
        "reason": pending.reason,
        "note": c.note,
        "reply_due_at": a.reply_due_at,
        "previous_reply_due_at": previous,
    }
    return fields, _NONE


def _reject_extension(
    a: Appeal, c: RejectExtension, u: User, now: datetime, d: Directory, r: Rules
) -> Effect:
    pending = a.pending_extension
    assert pending is not None  # _blocked
    a.pending_extension = None
    fields = {"working_days": pending.working_days, "reason": pending.reason, "note": c.note}
    return fields, _NONE


def _escalate(a: Appeal, c: Escalate, u: User, now: datetime, d: Directory, r: Rules) -> Effect:
    a.escalation_level = 1 if u.role == Role.COMMISSIONER else 2
    a.escalation_reason = c.reason
    fields = {"type": "escalated", "level": a.escalation_level, "reason": c.reason, "note": c.note}
    return fields, _NONE


def check_owners(departments: list[str], d: Directory) -> None:
    """Owner departments named once each, every one of them active (400 naming the item)."""
    errors: list[FieldError] = []
    for i, dept_id in enumerate(departments):
        info = d.departments.get(dept_id)
        if info is None or not info.active:
            errors.append(FieldError(f"departments.{i}", "reference_not_found", {"id": dept_id}))
        elif dept_id in departments[:i]:
            errors.append(FieldError(f"departments.{i}", "duplicate", {"id": dept_id}))
    if errors:
        raise ValidationFailed(errors)


def _supervise(a: Appeal, c: Supervise, u: User, now: datetime, d: Directory, r: Rules) -> Effect:
    check_owners(c.departments, d)
    return supervise(a, c.due_working_days, c.departments, c.note, now, d, r, "manual"), (
        (),
        tuple(c.departments),
    )


def supervise(
    a: Appeal,
    due_working_days: int,
    departments: list[str],
    note: str | None,
    now: datetime,
    d: Directory,
    r: Rules,
    source: str,
) -> dict[str, Any]:
    """Put ``a`` under supervision (督办) in place; returns the event's fields. Used by the
    ``supervise`` event and by a joint meeting's decision."""
    due = iso(calendar.add_working_days(now, due_working_days, r.calendar).due_at)
    refs = [DepartmentRef(id=x, name=d.departments[x].name, due_at=due) for x in departments]
    a.supervision = Supervision(
        due_at=due, departments=refs, note=note, source=source, started_at=iso(now)
    )
    a.supervised = True
    a.supervision_due_at = due
    return {
        "type": "supervise",
        "supervision_due_at": due,
        "working_days": due_working_days,
        "departments": refs,
        "note": note,
    }


def _report_completion(
    a: Appeal, c: ReportCompletion, u: User, now: datetime, d: Directory, r: Rules
) -> Effect:
    assert a.supervision is not None  # _blocked
    a.supervision.status = "reported"
    a.supervision.report = c.content
    a.supervision.reported_at = iso(now)
    return {"content": c.content, "supervision_due_at": a.supervision.due_at}, _NONE


def _accept_completion(
    a: Appeal, c: AcceptCompletion, u: User, now: datetime, d: Directory, r: Rules
) -> Effect:
    assert a.supervision is not None  # _blocked
    a.supervision.status = "accepted"
    a.supervision.accepted_at = iso(now)
    return {"note": c.note, "supervision_due_at": a.supervision.due_at}, _NONE


def _reject_completion(
    a: Appeal, c: RejectCompletion, u: User, now: datetime, d: Directory, r: Rules
) -> Effect:
    assert a.supervision is not None  # _blocked
    a.supervision.status = "open"
    return {"reason": c.reason, "supervision_due_at": a.supervision.due_at}, _NONE


def _system(appeal: Appeal, now: datetime, kind: str, **fields: Any) -> Decision:
    """A system event (no actor) on ``appeal`` already changed in place by the caller."""
    at = iso(now)
    appeal.version += 1
    appeal.updated_at = at
    event = TimelineEvent(
        type=kind, at=at, actor=None, version=appeal.version, status=appeal.status, **fields
    )
    return Decision(appeal, event)


def sweep(appeal: Appeal, finding: str, deadline: str, now: datetime) -> Decision | None:
    """What the deadline sweep does about one finding (R4.2), or ``None`` when it is no
    longer true or was already done — a finding is acted on once per appeal and deadline,
    however many sweeps found it.

    - ``warn``: the warning point of the deadline in force has come: ``warned``.
    - ``overdue``: the deadline passed without a reply: marked overdue and raised to the
      service centre (level 1, ``escalated`` with reason ``overdue``), or ``marked_overdue``
      when it is already at level 1 or above.
    - ``auto_close``: a reply nobody rated for the configured working days: ``auto_closed``.
    """
    a = appeal.model_copy(deep=True)
    stamp = iso(now)
    if finding == "warn" and stamp > deadline:
        finding = "overdue"  # the warning point passed unseen and so did the deadline
    if finding == "warn":
        due_now = a.is_open and a.reply_due_at == deadline and a.warn_at is not None
        if not due_now or a.warned_for == deadline or stamp < (a.warn_at or ""):
            return None
        a.warned_for = deadline
        return _system(a, now, "warned", reply_due_at=deadline)
    if finding == "overdue":
        if not a.is_open or a.reply_due_at != deadline or a.overdue_for == deadline:
            return None
        if stamp <= deadline:
            return None
        a.overdue_for = deadline
        a.warned_for = deadline  # no warning after the fact
        if a.escalation_level < 1:
            a.escalation_level = 1
            a.escalation_reason = "overdue"
            return _system(a, now, "escalated", level=1, reason="overdue", reply_due_at=deadline)
        return _system(a, now, "marked_overdue", reply_due_at=deadline)
    if finding == "supervision_overdue":
        sup = a.supervision
        if sup is None or sup.status != "open" or sup.due_at != deadline:
            return None
        if sup.overdue_for == deadline or stamp <= deadline:
            return None
        sup.overdue_for = deadline
        return _system(a, now, "supervision_overdue", supervision_due_at=deadline)
    if finding == "auto_close":
        if a.status != Status.REPLIED or a.auto_close_at != deadline or stamp < deadline:
            return None
        a.status = Status.CLOSED
        a.closed_at = stamp
        a.auto_closed = True
        a.auto_close_at = None
        return _system(a, now, "auto_closed")
    raise ValueError(f"unknown finding {finding!r}")


def watch(appeal: Appeal) -> tuple[str, str] | None:
    """The next thing the sweep must check on this appeal: (finding, when), or ``None``.
    Each appeal is on the sweep's sparse index at most once, at the earliest of these."""
    candidates: list[tuple[str, str]] = []
    if appeal.is_open:
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


def recompute(appeal: Appeal, now: datetime, rules: Rules) -> Decision | None:
    """``deadline_recomputed``: the deadline in force counted again on the calendar as it now
    is (an administrator loaded a year). ``None`` if nothing changes. A system event."""
    if not appeal.is_open:
        return None
    deadline = current_deadline(appeal, rules)
    after = appeal.model_copy(deep=True)
    apply_deadline(after, deadline, rules)
    if (after.reply_due_at, after.deadline_provisional) == (
        appeal.reply_due_at,
        appeal.deadline_provisional,
    ):
        return None
    at = iso(now)
    after.version = appeal.version + 1
    after.updated_at = at
    for part in after.open_parts:
        part.due_at = min(part.due_at, after.reply_due_at)
    event = TimelineEvent(
        type="deadline_recomputed",
        at=at,
        actor=None,
        version=after.version,
        status=after.status,
        reply_due_at=after.reply_due_at,
        previous_reply_due_at=appeal.reply_due_at,
        note=None,
        reason=after.deadline_explanation,
    )
    return Decision(after, event)


_HANDLERS: dict[str, Callable[..., Effect]] = {
    "accept": _accept,
    "transfer": _transfer,
    "department_reply": _department_reply,
    "return": _return,
    "reply": _reply,
    "confirm": _verdict,
    "callback": _verdict,
    "reassign": _reassign,
    "set_urgency": _set_urgency,
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "reject_extension": _reject_extension,
    "escalate": _escalate,
    "supervise": _supervise,
    "report_completion": _report_completion,
    "accept_completion": _accept_completion,
    "reject_completion": _reject_completion,
}
