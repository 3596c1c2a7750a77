"""Appeals (诉求): what an appeal is, how a new one is made, and who may read what of it.
The calendar and service levels every deadline is counted with arrive as one
:class:`~chalicelib.domain.rules.Rules` argument.

The lifecycle — which event may change an appeal, by whom, to what — is in
:mod:`chalicelib.domain.appeal`; the working-day arithmetic in
:mod:`chalicelib.domain.calendar`; the owner of a new appeal in :mod:`chalicelib.domain.routing`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from chalicelib.clock import BEIJING, iso
from chalicelib.domain import calendar
from chalicelib.domain.appeal.events import EventType
from chalicelib.domain.codes import (
    Category,
    Channel,
    ClosedAs,
    Industry,
    PartStatus,
    Role,
    SizeClass,
    Status,
    Urgency,
)
from chalicelib.domain.models import Actor, Timestamp, User
from chalicelib.domain.privacy import mask_phone
from chalicelib.domain.routing import Route
from chalicelib.domain.rules import Rules
from chalicelib.domain.uploads import Attachment
from chalicelib.i18n import message

#: A department's part (联办), when the commissioner names no other period.
PART_WORKING_DAYS = 3
#: At most this many department parts on one appeal (联办): an appeal is one item, and each
#: part may carry a 5,000-character answer.
MAX_PARTS = 12
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.PROCESSING})
HOTLINE_CHANNELS = frozenset({Channel.HOTLINE_12345, Channel.HOTLINE_CENTER})
TITLE_MAX = 100
CONTENT_MAX = 5000


class Party(BaseModel):
    """Who the appeal is from: a registered enterprise (``uscc``) or an unknown caller."""

    uscc: str | None = Field(None, description="null for a caller not registered")
    name: str | None = None
    caller_phone: str | None = Field(
        None, description="hotline calls only; masked for all but the owner, admins and the poster"
    )
    size_class: SizeClass | None = Field(
        None, description="the enterprise's size class when it filed (reports count by it)"
    )
    industry: Industry | None = Field(None, description="the enterprise's industry when it filed")
    town: str | None = Field(
        None,
        description="the enterprise's town（区镇）when it filed (reports count by it, so a move "
        "does not rewrite past months); null for a caller not registered, an enterprise "
        "recording none, or an appeal filed before it was kept",
    )


class FinancingRequest(BaseModel):
    """What a financing appeal asks for (``POST /api/v1/financing/needs``)."""

    amount: float = Field(description="万元")
    term_months: int
    purpose: str


class Assignee(BaseModel):
    """The owner commissioner; ``commissioner_id`` null while in the triage queue."""

    commissioner_id: str | None = None
    name: str | None = None


class Part(BaseModel):
    """A department's part of a jointly handled appeal (繁事联办)."""

    id: str
    name: str
    status: PartStatus
    due_at: Timestamp
    transferred_at: Timestamp
    content: str | None = Field(
        None, description="the department's reply (not shown to the enterprise)"
    )
    replied_at: Timestamp | None = None
    return_reason: str | None = Field(None, description="退单 reason (not shown to the enterprise)")
    returned_at: Timestamp | None = None
    accept_due_at: Timestamp | None = Field(
        None, description="签收时限：the department signs for its part (accept_part) by then"
    )
    signed_at: Timestamp | None = Field(None, description="when the department signed for it")
    sign_overdue_for: Timestamp | None = Field(
        None, description="the sign-for deadline already marked overdue"
    )
    warn_at: Timestamp | None = Field(None, description="when the part's deadline warning falls")
    warned_for: Timestamp | None = Field(None, description="the part deadline already warned of")
    overdue_for: Timestamp | None = Field(
        None, description="the part deadline already marked overdue"
    )

    @property
    def awaiting_sign(self) -> bool:
        """Open, with a sign-for deadline, and not yet signed for (待签收)."""
        return (
            self.status == PartStatus.OPEN
            and self.accept_due_at is not None
            and self.signed_at is None
        )

    def warn_point(self) -> str:
        """When the part's warning falls: the one counted at the transfer, or (parts made
        before it was) the start of the Beijing day of the deadline."""
        if self.warn_at:
            return self.warn_at
        day = datetime.fromisoformat(self.due_at).astimezone(BEIJING).date()
        return iso(datetime.combine(day, datetime.min.time(), tzinfo=BEIJING))


class Reply(BaseModel):
    """The reply to the enterprise (交)."""

    content: str
    at: Timestamp
    reason: str | None = Field(None, description="why it was given while a part was still open")


class Rating(BaseModel):
    """The enterprise's verdict on the reply: by itself (confirm) or by call-back (回访)."""

    resolved: bool
    satisfaction: int = Field(ge=1, le=5)
    comment: str | None = None
    via: Literal[EventType.CONFIRM, EventType.CALLBACK]
    at: Timestamp


class PendingExtension(BaseModel):
    """An extension a commissioner asked for, waiting for an admin's decision."""

    working_days: int
    reason: str
    requested_at: Timestamp
    requested_by: Actor


class Extension(BaseModel):
    """An approved extension: the deadline it moved, and why (the enterprise sees this)."""

    working_days: int
    reason: str
    from_due_at: Timestamp
    to_due_at: Timestamp
    approved_at: Timestamp


PauseReason = Literal["awaiting_enterprise", "third_party", "other"]


class Pause(BaseModel):
    """挂起: the pause in force (the reply clock stopped) — why, since when, and when the
    sweep ends it if nobody resumes it (the 10-working-day total reached)."""

    reason: PauseReason
    note: str | None = Field(
        None,
        description="awaiting_enterprise: the materials asked for (the enterprise reads it); "
        "otherwise the staff's note (not shown to the enterprise)",
    )
    started_at: Timestamp
    expires_at: Timestamp = Field(
        description="the end of the working day on which the total paused reaches the limit"
    )


class PastPause(BaseModel):
    """A pause that ended: the working days it counted moved the deadline in force later."""

    reason: PauseReason
    note: str | None = None
    started_at: Timestamp
    ended_at: Timestamp
    ended_by: str = Field(description="resume, pause_expired, supplement, or the closing event")
    working_days: int = Field(description="working days paused (the deadline moved by these)")
    days: list[str] = Field(
        default_factory=list, description="those working days (Beijing dates, YYYY-MM-DD)"
    )


class DepartmentRef(BaseModel):
    id: str
    name: str
    due_at: Timestamp | None = None


class Supervision(BaseModel):
    """督办 (R3.3, R5.2): an item tracked to closure apart from the appeal's own reply — it
    closes only when its owner reports completion and an admin or supervisor accepts it."""

    status: Literal["open", "reported", "accepted"] = "open"
    due_at: Timestamp
    departments: list[DepartmentRef] = Field(
        default_factory=list, description="owners; none: the owner commissioner"
    )
    note: str | None = None
    source: str = Field("manual", description="manual, or meeting:YYYY-MM (a joint meeting)")
    started_at: Timestamp
    report: str | None = None
    reported_at: Timestamp | None = None
    accepted_at: Timestamp | None = None
    overdue_for: Timestamp | None = None


class ProgressNote(BaseModel):
    """A unit's latest progress entry (推进情况) on an appeal."""

    content: str
    at: Timestamp


class Appeal(BaseModel):
    """An appeal as stored and shown (before each reader's redactions)."""

    id: str = Field(description="case number, e.g. XQT-20261127-0001")
    channel: Channel
    enterprise: Party
    category: Category
    title: str
    content: str
    urgency: Urgency
    contact_name: str | None = None
    contact_phone: str | None = None
    status: Status
    assignee: Assignee
    departments: list[Part] = Field(default_factory=list)
    reply: Reply | None = None
    rating: Rating | None = None
    reply_due_at: Timestamp
    deadline_provisional: bool = Field(
        False, description="computed on a year the official calendar does not have yet"
    )
    deadline_counted: list[str] = Field(
        default_factory=list, description="the working days counted for the deadline in force"
    )
    deadline_explanation: str = Field("", description="how the deadline was counted, in Chinese")
    warn_at: Timestamp | None = Field(None, description="when the deadline warning falls")
    accept_due_at: Timestamp | None = Field(
        None,
        description="签收时限：the owner signs for it (accept) by then; null in triage and for "
        "appeals assigned before sign-for was timed",
    )
    signed_at: Timestamp | None = Field(
        None, description="when the current owner signed for it (accept)"
    )
    sign_overdue_for: Timestamp | None = Field(
        None, description="the sign-for deadline already marked overdue"
    )
    extensions: list[Extension] = Field(default_factory=list)
    period_working_days: int | None = Field(
        None, description="working days of the current period, fixed when it started"
    )
    period_started_at: Timestamp = Field(
        description="start of the current period: receipt, or the last 重办"
    )
    overdue: bool = Field(False, description="past the deadline in force without a reply")
    working_days_left: int | None = Field(
        None,
        description="working days from today (Beijing) to the deadline, today not counted; "
        "0 on the last day and after; null once replied",
    )
    pending_extension: PendingExtension | None = None
    escalation_level: int = Field(0, ge=0, le=2)
    escalation_reason: str | None = Field(None, description="why it was last escalated")
    warned_for: Timestamp | None = Field(None, description="the deadline already warned of")
    overdue_for: Timestamp | None = Field(None, description="the deadline already marked overdue")
    auto_close_at: Timestamp | None = Field(
        None, description="replied: closed by the sweep if nobody rates the reply by then"
    )
    auto_closed: bool = Field(False, description="closed by the sweep, not by a verdict")
    supervised: bool = False
    supervision_due_at: Timestamp | None = None
    supervision: Supervision | None = None
    reopened: int = Field(0, description="times sent back as not resolved（重办）")
    paused: bool = Field(False, description="挂起：the reply clock is stopped")
    pause: Pause | None = Field(None, description="the pause in force, while paused")
    paused_working_days: int = Field(
        0, description="working days paused so far, all pauses ended (at most 10 per appeal)"
    )
    pauses: list[PastPause] = Field(default_factory=list, description="pauses ended, oldest first")
    financing: FinancingRequest | None = Field(
        None, description="a financing need（融资需求）: amount（万元）, term, purpose"
    )
    attachments: list[Attachment] = Field(
        default_factory=list, description="files the enterprise filed with it (photos, PDFs, …)"
    )
    supplements: int = Field(0, description="补充材料：supplements the enterprise added")
    supplement_attachments: list[Attachment] = Field(
        default_factory=list,
        description="files the enterprise added with its supplements (each also on its "
        "supplement event); downloaded like the filed ones",
    )
    closed_as: ClosedAs | None = Field(
        None, description="how it ended, once closed (merged and void count in no rate)"
    )
    merged_into: str | None = Field(None, description="merged: the appeal it was merged into")
    merged_from: list[str] = Field(
        default_factory=list, description="the duplicates merged into this one"
    )
    unit_progress: dict[str, ProgressNote] = Field(
        default_factory=dict,
        description="推进情况：each unit's latest progress entry, by unit id (never shown to "
        "the enterprise)",
    )
    repeat_calls: int = Field(0, description="repeat calls about it（重复来电）")
    repeat_by: list[str] = Field(
        default_factory=list, description="operators who recorded a repeat call (may read it)"
    )
    external_ref: str | None = Field(
        None, description="the 12345 platform's work-order number of the call（工单号）"
    )
    answered_with: list[str] = Field(
        default_factory=list, description="answered on the call: the knowledge articles cited"
    )
    posted_by: str | None = Field(None, description="the operator who posted a hotline call")
    filed_by: str
    replied_at: Timestamp | None = None
    closed_at: Timestamp | None = None
    version: int
    created_at: Timestamp
    updated_at: Timestamp

    @model_validator(mode="after")
    def _closed_as_of_older_records(self) -> Appeal:
        """Appeals closed before ``closed_as`` was recorded ended by a verdict or the sweep."""
        if self.status == Status.CLOSED and self.closed_as is None:
            self.closed_as = ClosedAs.AUTO_CLOSED if self.auto_closed else ClosedAs.RESOLVED
        self.paused = self.pause is not None  # one fact, kept in one place (older: none)
        return self

    @property
    def awaiting_sign(self) -> bool:
        """Open, owned, with a sign-for deadline, and not yet signed for by its owner."""
        return self.is_open and self.accept_due_at is not None and self.signed_at is None

    def part(self, department_id: str | None) -> Part | None:
        """This appeal's part for a department, if it was ever transferred there."""
        return next((p for p in self.departments if p.id == department_id), None)

    @property
    def open_parts(self) -> list[Part]:
        return [p for p in self.departments if p.status == PartStatus.OPEN]

    @property
    def is_open(self) -> bool:
        """Waiting on the platform's side (received or processing), so the deadline runs."""
        return self.status in OPEN_STATUSES

    def attachment(self, attachment_id: str) -> Attachment | None:
        """One of its files: filed with it, or added by a supplement."""
        files = [*self.attachments, *self.supplement_attachments]
        return next((f for f in files if f.id == attachment_id), None)


class TimelineEvent(BaseModel):
    """One immutable step of an appeal's history. ``version`` is the appeal version it made."""

    type: EventType
    at: Timestamp
    actor: Actor | None = Field(None, description="null for the system's own events")
    version: int
    status: Status = Field(description="the appeal's status after the event")
    channel: Channel | None = None
    assignee: Assignee | None = None
    previous_assignee: Assignee | None = None
    route: str | None = Field(None, description="filed: why this owner (named, coverage, …)")
    departments: list[DepartmentRef] | None = None
    department: DepartmentRef | None = None
    content: str | None = None
    reason: str | None = None
    resolved: bool | None = None
    satisfaction: int | None = None
    comment: str | None = None
    urgency: Urgency | None = None
    previous_urgency: Urgency | None = None
    reply_due_at: Timestamp | None = None
    previous_reply_due_at: Timestamp | None = None
    supervision_due_at: Timestamp | None = None
    working_days: int | None = None
    took_working_days: int | None = Field(
        None, description="reply: working days from the period's start to the reply"
    )
    level: int | None = None
    note: str | None = None
    closed_as: ClosedAs | None = Field(None, description="an event that closed the appeal: how")
    merged_into: str | None = Field(None, description="merge: the appeal it was merged into")
    merged_from: str | None = Field(None, description="merged: the duplicate merged into it")
    accept_due_at: Timestamp | None = Field(
        None, description="the sign-for deadline the event set, signed for or marked"
    )
    in_time: bool | None = Field(
        None,
        description="accept / accept_part / department_reply: signed for by its deadline "
        "(null: nothing to sign for, or already marked sign_overdue)",
    )
    part: str | None = Field(
        None, description="sign_overdue, part_warned, part_overdue: the department's part"
    )
    paused_days: list[str] | None = Field(
        None,
        description="resume, pause_expired: the working days paused (Beijing dates); "
        "working_days is their count, the deadline's shift",
    )
    attachments: list[Attachment] | None = Field(None, description="supplement: the files it added")


class AppealDetail(Appeal):
    """An appeal with its timeline, oldest event first (``filed`` is the first)."""

    timeline: list[TimelineEvent]


def reply_deadline(
    start: datetime, urgency: Urgency, rules: Rules, basis: str = "received"
) -> calendar.Deadline:
    """The reply deadline of a period starting at ``start`` (R4.1: 5 working days; urgent 1)."""
    return calendar.add_working_days(start, rules.levels.days(urgency), rules.calendar, basis)


def extended_deadline(due_at: str, working_days: int, rules: Rules) -> calendar.Deadline:
    """An approved extension, counted from the deadline in force (its day not counted)."""
    return calendar.add_working_days(
        datetime.fromisoformat(due_at), working_days, rules.calendar, "extended"
    )


def apply_deadline(appeal: Appeal, deadline: calendar.Deadline, rules: Rules) -> None:
    """Put a deadline in force: the due time, whether provisional, the days counted, the
    explanation and the warning point (the start of the Nth-to-last working day)."""
    appeal.reply_due_at = iso(deadline.due_at)
    appeal.deadline_provisional = deadline.provisional
    appeal.deadline_counted = [d.isoformat() for d in deadline.counted]
    appeal.deadline_explanation = deadline.explanation
    back = rules.levels.warning_working_days
    warn_day = deadline.counted[max(0, len(deadline.counted) - back)]
    appeal.warn_at = iso(datetime.combine(warn_day, datetime.min.time(), tzinfo=BEIJING))


def sign_deadline(now: datetime, rules: Rules) -> str:
    """签收时限: the end (23:59:59 Beijing) of the ``accept_working_days``-th working day
    after an assignment or a transfer at ``now``."""
    days = rules.levels.accept_working_days
    return iso(calendar.add_working_days(now, days, rules.calendar).due_at)


def signed_in_time(due: str | None, overdue_for: str | None, at: str) -> bool | None:
    """A sign-for at ``at`` settles its deadline: in time or late — or ``None`` when there is
    nothing to settle (no deadline, or the sweep already marked it ``sign_overdue``)."""
    if due is None or overdue_for == due:
        return None
    return at <= due


def cap_parts(appeal: Appeal) -> None:
    """A part's deadline is never past the appeal's: after the appeal's deadline moved
    earlier, open parts past it take it, with its warning point."""
    for part in appeal.open_parts:
        if part.due_at > appeal.reply_due_at:
            part.due_at = appeal.reply_due_at
            part.warn_at = appeal.warn_at


def current_deadline(appeal: Appeal, rules: Rules) -> calendar.Deadline:
    """The deadline in force computed afresh: the period's own, then each approved extension
    (after an administrator loads a year's notice, provisional deadlines become final)."""
    basis = "reopened" if appeal.reopened else "received"
    start = datetime.fromisoformat(appeal.period_started_at)
    days = appeal.period_working_days or rules.levels.days(appeal.urgency)
    deadline = calendar.add_working_days(start, days, rules.calendar, basis)
    # this period's extensions and ended pauses (not those before a 重办), in the order made
    moves: list[tuple[str, Extension | PastPause]] = [
        *((e.approved_at, e) for e in appeal.extensions),
        *((p.ended_at, p) for p in appeal.pauses),
    ]
    for at, move in sorted(moves, key=lambda m: m[0]):
        if at < appeal.period_started_at:
            continue
        if isinstance(move, Extension):
            deadline = extended_deadline(iso(deadline.due_at), move.working_days, rules)
        else:
            deadline = paused_deadline(deadline, move, rules)
    return deadline


def paused_deadline(
    deadline: calendar.Deadline, past: PastPause, rules: Rules
) -> calendar.Deadline:
    """The deadline in force moved later by the working days a pause counted (顺延), its
    explanation saying which; unchanged when the pause counted none."""
    if past.working_days < 1:
        return deadline
    moved = calendar.add_working_days(
        deadline.due_at, past.working_days, rules.calendar, "extended"
    )
    first, last = (date.fromisoformat(d) for d in (past.days[0], past.days[-1]))
    due = moved.counted[-1]
    said = message(
        "deadline_paused",
        "zh",
        n=past.working_days,
        first=f"{first.month}月{first.day}日",
        last=f"{last.month}月{last.day}日",
        due=f"{due.month}月{due.day}日",
    )
    return replace(
        moved,
        provisional=deadline.provisional or moved.provisional,
        explanation=f"{deadline.explanation}；{said}" if deadline.explanation else said,
    )


#: What may name an appeal (a case number); anything else names none and never reaches a key.
CASE_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,40}$")


def case_number(day: datetime, sequence: int) -> str:
    """A human-readable case number: Beijing date and that day's sequence, read back on the
    phone (``XQT-20261127-0042``)."""
    return f"XQT-{day.astimezone(BEIJING):%Y%m%d}-{sequence:04d}"


def default_title(content: str) -> str:
    """A hotline call without a title is titled by the start of what the caller said."""
    first = content.strip().splitlines()[0].strip() if content.strip() else ""
    return first if len(first) <= 30 else first[:30] + "…"


def new_appeal(
    *,
    appeal_id: str,
    channel: Channel,
    party: Party,
    category: Category,
    title: str,
    content: str,
    urgency: Urgency,
    route: Route,
    filed_by: User,
    now: datetime,
    rules: Rules,
    contact_name: str | None = None,
    contact_phone: str | None = None,
) -> tuple[Appeal, TimelineEvent]:
    """A new appeal (version 1), routed and timed, with its ``filed`` event."""
    at = iso(now)
    deadline = reply_deadline(now, urgency, rules)
    owner = route.commissioner
    assignee = Assignee(
        commissioner_id=owner.id if owner else None, name=owner.name if owner else None
    )
    appeal = Appeal(
        id=appeal_id,
        channel=channel,
        enterprise=party,
        category=category,
        title=title,
        content=content,
        urgency=urgency,
        contact_name=contact_name,
        contact_phone=contact_phone,
        status=Status.RECEIVED,
        assignee=assignee,
        reply_due_at=iso(deadline.due_at),
        accept_due_at=sign_deadline(now, rules) if owner else None,  # none while in triage
        period_started_at=at,
        period_working_days=rules.levels.days(urgency),
        posted_by=filed_by.username if filed_by.role == Role.OPERATOR else None,
        filed_by=filed_by.username,
        version=1,
        created_at=at,
        updated_at=at,
    )
    apply_deadline(appeal, deadline, rules)
    event = TimelineEvent(
        type=EventType.FILED,
        at=at,
        actor=filed_by.actor(),
        version=1,
        status=Status.RECEIVED,
        channel=channel,
        assignee=assignee,
        route=route.reason.value,
        urgency=urgency,
        reply_due_at=appeal.reply_due_at,
    )
    return appeal, event


def answer_on_call(
    appeal: Appeal, content: str, articles: list[str], by: User, now: datetime
) -> list[TimelineEvent]:
    """A consultation answered during the call (直接答复): the new appeal (as
    :func:`new_appeal` made it) is replied and closed at once, ``closed_as``
    ``answered_on_call`` — its ``reply`` and ``closed`` events, after ``filed``."""
    at = iso(now)
    appeal.reply = Reply(content=content, at=at)
    appeal.replied_at = at
    appeal.status = Status.CLOSED
    appeal.closed_as = ClosedAs.ANSWERED_ON_CALL
    appeal.closed_at = at
    appeal.answered_with = list(articles)
    appeal.version = 3
    reply = TimelineEvent(
        type=EventType.REPLY,
        at=at,
        actor=by.actor(),
        version=2,
        status=Status.REPLIED,
        content=content,
        reply_due_at=appeal.reply_due_at,
        took_working_days=0,
    )
    closed = TimelineEvent(
        type=EventType.CLOSED,
        at=at,
        actor=by.actor(),
        version=3,
        status=Status.CLOSED,
        closed_as=ClosedAs.ANSWERED_ON_CALL,
    )
    return [reply, closed]


def is_overdue(appeal: Appeal, now: datetime) -> bool:
    """Past the deadline in force without a reply (a new period after 重办 starts afresh);
    never while paused (挂起): the clock is stopped."""
    return appeal.is_open and not appeal.paused and iso(now) > appeal.reply_due_at


# --- who may read what (API.md "Roles and what they may read") ------------------------------


def can_read(user: User, appeal: Appeal) -> bool:
    """Whether ``user`` may see this appeal at all (if not, it does not exist for them: 404)."""
    role = user.role
    if role in (Role.COMMISSIONER, Role.ADMIN, Role.SUPERVISOR):
        return True
    if role == Role.ENTERPRISE:
        return user.enterprise_uscc is not None and appeal.enterprise.uscc == user.enterprise_uscc
    if role == Role.OPERATOR:
        return (
            appeal.posted_by == user.username
            or user.username in appeal.repeat_by
            or awaits_callback(appeal)
        )
    if role == Role.DEPARTMENT:
        return appeal.part(user.department_id) is not None or owns_supervision(user, appeal)
    return False


def owns_supervision(user: User, appeal: Appeal) -> bool:
    """A department user whose department owns the appeal's supervised item (its ledger)."""
    sup = appeal.supervision
    return sup is not None and any(d.id == user.department_id for d in sup.departments)


def awaits_callback(appeal: Appeal) -> bool:
    """A hotline appeal replied and waiting for the caller's verdict by call-back (回访)."""
    return appeal.channel in HOTLINE_CHANNELS and appeal.status == Status.REPLIED


def sees_caller_phone(user: User, appeal: Appeal) -> bool:
    """The caller's phone (and a web filing's contact phone) is for the owner commissioner,
    the enterprise itself, admins and the operator who posted the call; everyone else sees
    it masked."""
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.OPERATOR:
        return appeal.posted_by == user.username
    if user.role == Role.COMMISSIONER:
        return appeal.assignee.commissioner_id == user.commissioner_id
    if user.role == Role.ENTERPRISE:
        return appeal.enterprise.uscc is not None and appeal.enterprise.uscc == user.enterprise_uscc
    return False


def present(appeal: Appeal, user: User, now: datetime, rules: Rules) -> Appeal:
    """The appeal as ``user`` may see it, with ``overdue`` as of ``now``."""
    shown = appeal.model_copy(deep=True)
    shown.overdue = is_overdue(appeal, now)
    if appeal.is_open:
        due = datetime.fromisoformat(appeal.reply_due_at)
        shown.working_days_left = calendar.working_days_left(now, due, rules.calendar)
    if not sees_caller_phone(user, appeal):
        # the caller's number and the contact's a web filing names are the same kind of data
        shown.enterprise.caller_phone = mask_phone(appeal.enterprise.caller_phone)
        shown.contact_phone = mask_phone(appeal.contact_phone)
    if user.role == Role.ENTERPRISE:
        for part in shown.departments:
            part.content = None
            part.return_reason = None
        if shown.supervision is not None:
            shown.supervision.note = None
            shown.supervision.report = None
        # a pause's reason is the enterprise's to know; its note only when it lists the
        # materials asked of the enterprise (docs/appeals.md "Pause and resume")
        for pause in [shown.pause, *shown.pauses]:
            if pause is not None and pause.reason != "awaiting_enterprise":
                pause.note = None
        shown.unit_progress = {}
    return shown


#: An event an enterprise does not see at all (not even that it happened).
ENTIRELY: tuple[str, ...] = ("*",)

#: Fields of timeline events an enterprise does not see besides ``note`` (never shown to it):
#: department replies, return reasons and completion reports (API.md); or the whole event
#: (:data:`ENTIRELY`). Every event type is named, most with nothing hidden.
HIDDEN_FROM_ENTERPRISE: dict[EventType, tuple[str, ...]] = {
    EventType.FILED: (),
    EventType.ACCEPT: (),
    EventType.ACCEPT_PART: (),
    EventType.TRANSFER: (),
    EventType.DEPARTMENT_REPLY: ("content",),
    EventType.RETURN: ("reason",),
    EventType.REPLY: (),
    EventType.CONFIRM: (),
    EventType.CALLBACK: (),
    EventType.REASSIGN: (),
    EventType.SET_URGENCY: (),
    EventType.REQUEST_EXTENSION: (),
    EventType.APPROVE_EXTENSION: (),
    EventType.REJECT_EXTENSION: (),
    EventType.ESCALATE: (),  # recorded as escalated
    EventType.ESCALATED: (),
    EventType.SUPERVISE: (),
    EventType.REPORT_COMPLETION: ("content",),
    EventType.ACCEPT_COMPLETION: (),
    EventType.REJECT_COMPLETION: ("reason",),
    EventType.WARNED: (),
    EventType.MARKED_OVERDUE: (),
    EventType.AUTO_CLOSED: (),
    EventType.DEADLINE_RECOMPUTED: (),
    EventType.SUPERVISION_OVERDUE: (),
    EventType.SIGN_OVERDUE: (),
    EventType.PART_WARNED: (),
    EventType.PART_OVERDUE: (),
    EventType.MERGE: (),
    EventType.VOID: (),
    EventType.REPEAT_CALL: ("content",),  # the caller's words, as the operator noted them
    EventType.MERGED: ("merged_from",),  # another enterprise's case number
    EventType.MERGED_REPLY: (),
    EventType.CLOSED: (),
    # the pause's reason shows; its staff note is ``note`` (hidden), while the materials asked
    # of the enterprise (awaiting_enterprise) are recorded as ``content`` for it to read
    EventType.PAUSE: (),
    EventType.RESUME: (),
    EventType.PAUSE_EXPIRED: (),
    EventType.SUPPLEMENT: (),  # the enterprise's own words and files
    EventType.WITHDRAW: (),
    EventType.PROGRESS: ENTIRELY,  # a unit's working note (推进台账)
}


def present_timeline(events: list[TimelineEvent], user: User) -> list[TimelineEvent]:
    """The timeline as ``user`` may see it."""
    if user.role != Role.ENTERPRISE:
        return events
    shown = []
    for event in events:
        if HIDDEN_FROM_ENTERPRISE[event.type] == ENTIRELY:
            continue
        hidden = {*HIDDEN_FROM_ENTERPRISE[event.type], "note"}
        shown.append(event.model_copy(update=dict.fromkeys(hidden)))
    return shown


def present_detail(
    appeal: Appeal, events: list[TimelineEvent], user: User, now: datetime, rules: Rules
) -> AppealDetail:
    """An appeal with its timeline as ``user`` may see them."""
    shown = present(appeal, user, now, rules)
    return AppealDetail(**shown.model_dump(), timeline=present_timeline(events, user))
