"""What can happen to an appeal: every event type (:class:`EventType`) and the requests a
user posts (``POST /api/v1/appeals/{id}/events``), one pydantic model per command.

Every table keyed by an event — who may post it (:mod:`.transitions`), who is told
(:mod:`chalicelib.domain.notifications`), what leaves by SMS or e-mail
(:mod:`chalicelib.domain.outbox`), what an enterprise does not see
(:mod:`chalicelib.domain.appeals`) — is keyed by :class:`EventType` and says something for
every member; ``tests/unit/test_event_tables.py`` holds them to it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from chalicelib.domain.codes import Urgency
from chalicelib.domain.models import Slug, Strict
from chalicelib.domain.uploads import UPLOAD_ID_PATTERN
from chalicelib.errors import FieldError, ValidationFailed


class EventType(StrEnum):
    """The type of a timeline event. Those a user posts are imperatives (``accept``); those the
    platform records by itself are past tense (``filed``, ``warned``). ``escalate`` is posted
    and recorded as ``escalated``, which the sweep records too."""

    # posted by users (commands)
    ACCEPT = "accept"
    ACCEPT_PART = "accept_part"
    TRANSFER = "transfer"
    DEPARTMENT_REPLY = "department_reply"
    RETURN = "return"
    REPLY = "reply"
    CONFIRM = "confirm"
    CALLBACK = "callback"
    REASSIGN = "reassign"
    SET_URGENCY = "set_urgency"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    ESCALATE = "escalate"
    SUPERVISE = "supervise"
    REPORT_COMPLETION = "report_completion"
    ACCEPT_COMPLETION = "accept_completion"
    REJECT_COMPLETION = "reject_completion"
    MERGE = "merge"
    VOID = "void"
    PAUSE = "pause"  # 挂起: the reply clock stops
    RESUME = "resume"
    SUPPLEMENT = "supplement"
    WITHDRAW = "withdraw"
    # a unit's progress entry on its ledger (推进台账, issue 21)
    PROGRESS = "progress"
    # recorded by the platform
    FILED = "filed"
    ESCALATED = "escalated"
    WARNED = "warned"
    MARKED_OVERDUE = "marked_overdue"
    AUTO_CLOSED = "auto_closed"
    DEADLINE_RECOMPUTED = "deadline_recomputed"
    SUPERVISION_OVERDUE = "supervision_overdue"
    SIGN_OVERDUE = (
        "sign_overdue"  # a sign-for (签收) not made by its deadline; ``part``: a department's
    )
    PART_WARNED = "part_warned"
    PART_OVERDUE = "part_overdue"
    REPEAT_CALL = "repeat_call"
    MERGED = "merged"
    MERGED_REPLY = "merged_reply"
    CLOSED = "closed"  # a call answered on the spot: replied and closed as it was filed
    PAUSE_EXPIRED = "pause_expired"  # the sweep ends a pause at the 10-working-day total


Text = Annotated[str, Field(min_length=1, max_length=5000)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
Comment = Annotated[str, Field(min_length=1, max_length=500)]
Version = Annotated[int, Field(ge=1, description="the appeal version the event is based on")]
#: The longest progress entry (推进情况) a unit posts.
PROGRESS_MAX = 2000


class Accept(Strict):
    """受理: the owner takes the appeal on (received → processing)."""

    type: Literal[EventType.ACCEPT]
    version: Version


class AcceptPart(Strict):
    """签收: a department signs for its part (no fields)."""

    type: Literal[EventType.ACCEPT_PART]
    version: Version


class Transfer(Strict):
    """转: one part per department (联办), each with its own deadline."""

    type: Literal[EventType.TRANSFER]
    version: Version
    departments: list[Slug] = Field(min_length=1, max_length=10)
    due_working_days: int | None = Field(
        None, ge=1, le=30, description="default 3; never past the appeal's deadline"
    )


class DepartmentReply(Strict):
    """A department answers its part."""

    type: Literal[EventType.DEPARTMENT_REPLY]
    version: Version
    content: Text


class Return(Strict):
    """退单: a department hands its part back; the owner sends a misrouted appeal to triage."""

    type: Literal[EventType.RETURN]
    version: Version
    reason: Reason


class ReplyCommand(Strict):
    """交: the reply to the enterprise; ``reason`` required while a part is still open."""

    type: Literal[EventType.REPLY]
    version: Version
    content: Text
    reason: Reason | None = None


class Confirm(Strict):
    """The enterprise's verdict: resolved closes, not resolved reopens (重办)."""

    type: Literal[EventType.CONFIRM]
    version: Version
    resolved: bool
    satisfaction: int = Field(ge=1, le=5)
    comment: Comment | None = None


class Callback(Strict):
    """回访: an operator records the caller's verdict; same effect as ``confirm``."""

    type: Literal[EventType.CALLBACK]
    version: Version
    resolved: bool
    satisfaction: int = Field(ge=1, le=5)
    comment: Comment | None = None


class Reassign(Strict):
    """The service centre gives the appeal a new owner."""

    type: Literal[EventType.REASSIGN]
    version: Version
    commissioner_id: Slug


class SetUrgency(Strict):
    """急事急办: change the urgency; the deadline is recomputed from the period's start."""

    type: Literal[EventType.SET_URGENCY]
    version: Version
    urgency: Urgency
    reason: Reason


class RequestExtension(Strict):
    """The owner asks for more time, before the deadline, with a reason."""

    type: Literal[EventType.REQUEST_EXTENSION]
    version: Version
    working_days: int = Field(ge=1, le=10)
    reason: Reason


class ApproveExtension(Strict):
    """The service centre grants the extension asked for: the deadline moves."""

    type: Literal[EventType.APPROVE_EXTENSION]
    version: Version
    note: Comment | None = None


class RejectExtension(Strict):
    """The service centre refuses the extension: the deadline stays."""

    type: Literal[EventType.REJECT_EXTENSION]
    version: Version
    note: Comment | None = None


class Escalate(Strict):
    """难事督办 upward (R4.3): the owner raises it to the service centre (level 1); the
    service centre raises what it cannot settle to the county's joint meeting (level 2)."""

    type: Literal[EventType.ESCALATE]
    version: Version
    reason: Literal["common", "multi_department", "other"] = Field(
        description="common 共性诉求，multi_department 涉及多部门，other"
    )
    note: Comment | None = None


class Supervise(Strict):
    """督办: put the appeal under supervision with a deadline and, optionally, owner
    departments (a joint meeting's decision does the same)."""

    type: Literal[EventType.SUPERVISE]
    version: Version
    due_working_days: int = Field(ge=1, le=60)
    departments: list[Slug] = Field(default_factory=list, max_length=10)
    note: Comment | None = None


class ReportCompletion(Strict):
    """The supervised item's owner reports it done (办结报告)."""

    type: Literal[EventType.REPORT_COMPLETION]
    version: Version
    content: Text


class AcceptCompletion(Strict):
    """An admin or supervisor accepts the report: the supervised item is closed."""

    type: Literal[EventType.ACCEPT_COMPLETION]
    version: Version
    note: Comment | None = None


class RejectCompletion(Strict):
    """An admin or supervisor sends the report back, with a reason."""

    type: Literal[EventType.REJECT_COMPLETION]
    version: Version
    reason: Reason


class Merge(Strict):
    """A duplicate (重复工单) closed into the appeal about the same problem, before a reply:
    the master's reply reaches this one's enterprise or caller too."""

    type: Literal[EventType.MERGE]
    version: Version
    into: str = Field(
        min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$", description="the master's id"
    )
    reason: Reason | None = None


class Void(Strict):
    """An invalid order (无效工单: a prank, a test, a wrong number) closed before a reply."""

    type: Literal[EventType.VOID]
    version: Version
    reason: Reason


class Pause(Strict):
    """挂起: the owner stops the reply clock — awaiting the enterprise's materials, a third
    party (an appraisal, another authority), or another reason. ``note``: for
    ``awaiting_enterprise`` the materials asked for (the enterprise reads it), otherwise the
    staff's own note."""

    type: Literal[EventType.PAUSE]
    version: Version
    reason: Literal["awaiting_enterprise", "third_party", "other"] = Field(
        description="awaiting_enterprise 等待企业补充材料，third_party 等待第三方，other"
    )
    note: Comment


class Resume(Strict):
    """恢复: the reply clock runs again; the deadline moves later by the working days paused."""

    type: Literal[EventType.RESUME]
    version: Version


#: Files one supplement may add (as many as a filing takes).
SUPPLEMENT_FILES = 10


class Supplement(Strict):
    """补充材料: the enterprise adds words and files to its appeal, while it is not closed.
    ``attachments`` names uploads (purpose ``appeal_attachment``) made by the caller, as a
    filing does."""

    type: Literal[EventType.SUPPLEMENT]
    version: Version
    content: Text
    attachments: list[Annotated[str, Field(pattern=UPLOAD_ID_PATTERN)]] = Field(
        default_factory=list,
        max_length=SUPPLEMENT_FILES,
        description="ids of uploads (purpose appeal_attachment) the caller made for it",
    )


class Withdraw(Strict):
    """撤回: the enterprise withdraws its appeal before a reply; it closes as ``withdrawn``
    and counts in no rate."""

    type: Literal[EventType.WITHDRAW]
    version: Version
    reason: Reason


class Progress(Strict):
    """推进情况: a unit notes where its open part or supervised item stands (its ledger's
    entry between assignment and completion). Hidden from the enterprise entirely."""

    type: Literal[EventType.PROGRESS]
    version: Version
    content: str = Field(min_length=1, max_length=PROGRESS_MAX)


Command = (
    Accept
    | AcceptPart
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
    | Merge
    | Void
    | Pause
    | Resume
    | Supplement
    | Withdraw
    | Progress
)
#: The body of each event a user posts, by its ``type`` (from the union, so it is named once).
COMMANDS: dict[EventType, type[Strict]] = {
    get_args(model.model_fields["type"].annotation)[0]: model for model in get_args(Command)
}
EventBody = Annotated[Command, Field(discriminator="type")]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(EventBody, config=ConfigDict(defer_build=True))


def parse_command(data: Any) -> Command:
    """An event body: ``type`` first (a 400 naming ``type``), then that event's fields."""
    if not isinstance(data, dict):
        raise ValidationFailed.one("body", "model_type")
    kind = data.get("type")
    model = next((m for name, m in COMMANDS.items() if name == kind), None)
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
